package api

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/mux"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/server/apierr"
	"github.com/ruralhealth/ncms/server/ledger"
	"github.com/ruralhealth/ncms/server/report"
)

// The county's books (医院垫付 → 中心审核 → 拨付) and the year-end close. Statements and
// deductions are the county office's (its key, administrators, its auditors);
// approvals, payment batches, payments and the close the county's (its key and
// administrators); an institution reads its own statements.
func (s *Server) booksRoutes(handle func(method, path string, a access, h handler)) {
	handle(http.MethodPost, "/v1/statements", reports, s.issueStatements)
	handle(http.MethodGet, "/v1/statements", institution, s.listStatements)
	handle(http.MethodGet, "/v1/statements/{id}", institution, s.statement)
	handle(http.MethodGet, "/v1/statements/{id}/entries", institution, s.statementEntries)
	handle(http.MethodPost, "/v1/statements/{id}/deductions", reports, s.deduct)
	handle(http.MethodPost, "/v1/statements/{id}/approval", county, s.approve)
	handle(http.MethodPost, "/v1/payment-batches", county, s.createBatch)
	handle(http.MethodGet, "/v1/payment-batches/{id}", reports, s.batch)
	handle(http.MethodPost, "/v1/payment-batches/{id}/payment", county, s.markPaid)
	handle(http.MethodGet, "/v1/reports/reconciliation", reports, s.reconcile)
	handle(http.MethodPost, "/v1/years/{year}/close", county, s.closeYear)
	handle(http.MethodGet, "/v1/years/{year}", reports, s.year)
}

// idOf reads the {id} of the path: a positive number, else not_found.
func idOf(r *http.Request) (int64, error) {
	v := mux.Vars(r)["id"]
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 1 {
		return 0, core.Errors{apierr.NewError(apierr.NotFound, "/id", core.Quote(v))}
	}
	return id, nil
}

// monthDays reads month=YYYY-MM into its first and last day.
func monthDays(es *core.Errors, path, v string) (civil.Date, civil.Date) {
	t, err := time.Parse("2006-01", v)
	if err != nil {
		es.AddText(core.FieldInvalid, path, "want YYYY-MM", "应为 YYYY-MM")
		return civil.Date{}, civil.Date{}
	}
	from := civil.New(t.Year(), t.Month(), 1)
	return from, from.AddMonths(1).AddDays(-1)
}

// statementRequest is the body of POST /v1/statements: a month, or from and to
// within one month; an institution, or every institution with entries.
type statementRequest struct {
	Institution string     `json:"institution,omitzero"`
	Month       string     `json:"month,omitzero"`
	From        civil.Date `json:"from,omitzero"`
	To          civil.Date `json:"to,omitzero"`
}

// statementsResult is the answer of POST /v1/statements.
type statementsResult struct {
	Statements []ledger.Statement `json:"statements"`
}

// issueStatements answers POST /v1/statements: 201 when any statement is new, 200
// when every one was issued before (the same days again).
func (s *Server) issueStatements(w http.ResponseWriter, r *http.Request, k *ledger.Key) error {
	var req statementRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	from, to := req.From, req.To
	if req.Month != "" {
		var es core.Errors
		if !from.IsZero() || !to.IsZero() {
			es.AddText(core.FieldInvalid, "/month", "give month or from and to", `给出 "month" 或 "from" 与 "to"`)
		}
		from, to = monthDays(&es, "/month", req.Month)
		if err := es.Err(); err != nil {
			return err
		}
	}
	ss, err := s.ledger.IssueStatements(r.Context(), k.ID, req.Institution, from, to)
	if err != nil {
		return s.ledgerError(err)
	}
	code := http.StatusOK
	for _, st := range ss {
		if !st.Replayed {
			code = http.StatusCreated
		}
	}
	if len(ss) == 1 && code == http.StatusCreated {
		setLocation(w, "/v1/statements/"+strconv.FormatInt(ss[0].ID, 10))
	}
	return writeOK(w, code, statementsResult{Statements: ss})
}

// statementList is the answer of GET /v1/statements: every statement matching, not
// paged (an institution has one a month).
type statementList struct {
	Items []ledger.Statement `json:"items"`
}

// listStatements answers GET /v1/statements: the statements overlapping a month or
// from–to, of an institution (an institution's key: its own) and status, in id order.
func (s *Server) listStatements(w http.ResponseWriter, r *http.Request, k *ledger.Key) error {
	lq := newListQuery(r.URL.Query())
	var q ledger.StatementQuery
	if m := lq.str("month"); m != "" {
		q.From, q.To = monthDays(&lq.es, "/month", m)
	}
	if d := lq.date("from"); !d.IsZero() {
		q.From = d
	}
	if d := lq.date("to"); !d.IsZero() {
		q.To = d
	}
	q.Institution = lq.str("institution")
	if own := institutionOf(k); own != "" {
		if q.Institution != "" && q.Institution != own {
			return forbidden("/institution", "the key is for "+core.Quote(own), "该密钥属于 "+core.Quote(own))
		}
		q.Institution = own
	}
	status := ledger.StatementStatus(lq.oneOf("status", string(ledger.StatementIssued), string(ledger.StatementApproved),
		string(ledger.StatementBatched), string(ledger.StatementPaid)))
	if err := lq.err(); err != nil {
		return err
	}
	ss, err := s.ledger.Statements(r.Context(), q, status)
	if err != nil {
		return s.ledgerError(err)
	}
	return writeOK(w, http.StatusOK, statementList{Items: ss})
}

// statement answers GET /v1/statements/{id}.
func (s *Server) statement(w http.ResponseWriter, r *http.Request, k *ledger.Key) error {
	id, err := idOf(r)
	if err != nil {
		return err
	}
	st, err := s.ledger.Statement(r.Context(), institutionOf(k), id)
	if err != nil {
		return s.ledgerError(err)
	}
	return writeOK(w, http.StatusOK, st)
}

// deduct answers POST /v1/statements/{id}/deductions: 201, or 200 when the same
// deduction is sent again.
func (s *Server) deduct(w http.ResponseWriter, r *http.Request, k *ledger.Key) error {
	id, err := idOf(r)
	if err != nil {
		return err
	}
	var req ledger.DeductionRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	d, err := s.ledger.Deduct(r.Context(), k.ID, id, req)
	if err != nil {
		return s.ledgerError(err)
	}
	return writeOK(w, created(d.Replayed), d)
}

// created is 201 for a row written now, 200 for one returned again.
func created(replayed bool) int {
	if replayed {
		return http.StatusOK
	}
	return http.StatusCreated
}

// approve answers POST /v1/statements/{id}/approval with the statement approved.
func (s *Server) approve(w http.ResponseWriter, r *http.Request, k *ledger.Key) error {
	id, err := idOf(r)
	if err != nil {
		return err
	}
	st, err := s.ledger.Approve(r.Context(), k.ID, id)
	if err != nil {
		return s.ledgerError(err)
	}
	return writeOK(w, created(st.Replayed), st)
}

// createBatch answers POST /v1/payment-batches: 201 with the batch, 200 with the
// same batch when its idempotency key is sent again.
func (s *Server) createBatch(w http.ResponseWriter, r *http.Request, k *ledger.Key) error {
	var req ledger.BatchRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	b, err := s.ledger.CreateBatch(r.Context(), k.ID, req)
	if err != nil {
		return s.ledgerError(err)
	}
	if !b.Replayed {
		setLocation(w, "/v1/payment-batches/"+strconv.FormatInt(b.ID, 10))
	}
	return writeOK(w, created(b.Replayed), b)
}

// batch answers GET /v1/payment-batches/{id}: the batch as JSON, or with format=csv
// the bank's transfer list (charset=utf-8, the default, with a byte-order mark for
// Excel; charset=gbk for the bank's upload).
func (s *Server) batch(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	id, err := idOf(r)
	if err != nil {
		return err
	}
	lq := newListQuery(r.URL.Query())
	csv := lq.oneOf("format", "json", "csv") == "csv"
	charset := lq.oneOf("charset", "utf-8", "gbk")
	lang := report.Lang(lq.oneOf("lang", string(report.Chinese), string(report.English)))
	if err := lq.err(); err != nil {
		return err
	}
	b, err := s.ledger.Batch(r.Context(), id)
	if err != nil {
		return s.ledgerError(err)
	}
	if !csv {
		return writeOK(w, http.StatusOK, b)
	}
	names := map[string]string{}
	fs, err := s.ledger.Facilities(r.Context(), "")
	if err != nil {
		return err
	}
	for _, f := range fs { // by code and start: the latest period's name wins
		names[f.Code] = f.Name
	}
	var buf bytes.Buffer
	if err := report.WriteBankCSV(&buf, b, func(inst string) string { return names[inst] }, lang); err != nil {
		return err
	}
	name := "batch-" + strconv.FormatInt(b.ID, 10)
	if charset != "gbk" {
		return writeCSV(w, name, lang, func(wr io.Writer, _ report.Lang) error {
			_, err := wr.Write(buf.Bytes())
			return err
		})
	}
	out, err := simplifiedchinese.GBK.NewEncoder().Bytes(buf.Bytes())
	if err != nil {
		return fmt.Errorf("api: encoding batch %d in GBK: %w", b.ID, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=gbk")
	h.Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(out)
	return err
}

// markPaid answers POST /v1/payment-batches/{id}/payment: 201 with the batch paid,
// 200 when the same payment is sent again.
func (s *Server) markPaid(w http.ResponseWriter, r *http.Request, k *ledger.Key) error {
	id, err := idOf(r)
	if err != nil {
		return err
	}
	var req ledger.PaymentRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	b, err := s.ledger.MarkPaid(r.Context(), k.ID, id, req)
	if err != nil {
		return s.ledgerError(err)
	}
	return writeOK(w, created(b.Replayed), b)
}

// reconcile answers GET /v1/reports/reconciliation?month=YYYY-MM or ?year=YYYY.
func (s *Server) reconcile(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	lq := newListQuery(r.URL.Query())
	var from, to civil.Date
	m, y := lq.str("month"), lq.str("year")
	switch {
	case m != "" && y != "":
		lq.es.AddText(core.FieldInvalid, "/year", "give month or year", `给出 "month" 或 "year"`)
	case m != "":
		from, to = monthDays(&lq.es, "/month", m)
	case y != "":
		n, err := strconv.Atoi(y)
		if err != nil || n < 1900 || n > 9999 {
			lq.es.AddText(core.FieldInvalid, "/year", core.Quote(y)+" is not a year", core.Quote(y)+" 不是年份")
		}
		from, to = civil.New(n, time.January, 1), civil.New(n, time.December, 31)
	default:
		lq.es.AddText(core.FieldRequired, "/month", "or give year=YYYY", `或给出 "year=YYYY"`)
	}
	if err := lq.err(); err != nil {
		return err
	}
	rep, err := s.ledger.Reconcile(r.Context(), from, to)
	if err != nil {
		return s.ledgerError(err)
	}
	return writeOK(w, http.StatusOK, rep)
}

// yearOf reads the {year} of the path.
func yearOf(r *http.Request) (int, error) {
	v := mux.Vars(r)["year"]
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, core.Errors{core.NewErrorText(core.FieldInvalid, "/year", core.Quote(v)+" is not a year", core.Quote(v)+" 不是年份")}
	}
	return n, nil
}

// closeYear answers POST /v1/years/{year}/close: 201 with the close, 200 with the
// same close when the year was closed before.
func (s *Server) closeYear(w http.ResponseWriter, r *http.Request, k *ledger.Key) error {
	year, err := yearOf(r)
	if err != nil {
		return err
	}
	c, err := s.ledger.CloseYear(r.Context(), k.ID, year)
	if err != nil {
		return s.ledgerError(err)
	}
	if !c.Replayed {
		setLocation(w, "/v1/years/"+strconv.Itoa(year))
	}
	return writeOK(w, created(c.Replayed), c)
}

// year answers GET /v1/years/{year}: the close, if any, and the journal's figures now.
func (s *Server) year(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	year, err := yearOf(r)
	if err != nil {
		return err
	}
	v, err := s.ledger.Year(r.Context(), year)
	if err != nil {
		return s.ledgerError(err)
	}
	return writeOK(w, http.StatusOK, v)
}

// statementLine is a journal entry as a statement counts it.
type statementLine struct {
	Seq      int64  `json:"seq"`
	Kind     string `json:"kind"`
	Reverses int64  `json:"reverses,omitzero"`
	Corrects int64  `json:"corrects,omitzero"`
	entryVisit
	Total         money.Amount `json:"total"`
	FundTotal     money.Amount `json:"fundTotal"`
	FamilyAccount money.Amount `json:"familyAccount"`
	Cash          money.Amount `json:"cash"`
	Invoice       string       `json:"invoice,omitzero"`
	Recorded      time.Time    `json:"recorded"`
}

// statementEntries answers GET /v1/statements/{id}/entries: the journal entries the
// statement counts, settlements and reversals, in sequence order, for the auditor.
func (s *Server) statementEntries(w http.ResponseWriter, r *http.Request, k *ledger.Key) error {
	id, err := idOf(r)
	if err != nil {
		return err
	}
	_, es, err := s.ledger.StatementEntries(r.Context(), institutionOf(k), id)
	if err != nil {
		return s.ledgerError(err)
	}
	out := struct {
		Items []statementLine `json:"items"`
	}{Items: make([]statementLine, 0, len(es))}
	for _, e := range es {
		out.Items = append(out.Items, statementLine{Seq: e.Seq, Kind: e.Kind, Reverses: e.Reverses, Corrects: e.Corrects,
			entryVisit: visitOf(e), Total: e.Total, FundTotal: e.FundTotal, FamilyAccount: e.Delta.FamilyAccount,
			Cash: e.Cash, Invoice: e.Invoice, Recorded: e.Recorded})
	}
	return writeOK(w, http.StatusOK, out)
}
