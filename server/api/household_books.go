package api

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	codec "github.com/ruralhealth/ncms/core/codec/anycodec"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/server/ledger"
)

// householdBooksRoutes adds the households' books: enrollment and contributions
// (以户参合), their roster import, receipts, and the family account statement.
func (s *Server) householdBooksRoutes(handle func(method, path string, a access, h handler)) {
	handle(http.MethodPost, "/v1/households/{id}/enrollments", county, s.enrollHousehold)
	handle(http.MethodGet, "/v1/households/{id}/contributions", county, s.householdContributions)
	handle(http.MethodGet, "/v1/households/{id}/account", county, s.familyAccount)
	handle(http.MethodPost, "/v1/contributions/import", county, s.importContributions)
	handle(http.MethodGet, "/v1/contributions/{receipt}", county, s.contributionReceipt)
}

// enrollHousehold answers POST /v1/households/{id}/enrollments: a household's
// enrollment for a year, every member's contribution, recorded all or nothing.
func (s *Server) enrollHousehold(w http.ResponseWriter, r *http.Request, k *ledger.Key) error {
	var req ledger.Enrollment
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	id := mux.Vars(r)["id"]
	out, err := s.ledger.Enroll(r.Context(), k.ID, id, req)
	if err != nil {
		return s.ledgerError(err)
	}
	setLocation(w, "/v1/households/"+pathEscape(id)+"/contributions?year="+strconv.Itoa(out.Year))
	return writeOK(w, http.StatusCreated, out)
}

// contributionList is a household's contributions.
type contributionList struct {
	Items []ledger.Contribution `json:"items"`
}

// householdContributions answers GET /v1/households/{id}/contributions[?year=].
func (s *Server) householdContributions(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	q := newListQuery(r.URL.Query())
	year := 0
	if v := q.str("year"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1900 || n > 9999 {
			q.es.Add(core.FieldInvalid, "/year", core.Quote(v))
		}
		year = n
	}
	if err := q.err(); err != nil {
		return err
	}
	cs, err := s.ledger.Contributions(r.Context(), mux.Vars(r)["id"], year)
	if err != nil {
		return s.ledgerError(err)
	}
	return writeOK(w, http.StatusOK, contributionList{Items: cs})
}

// accountCursor tags the cursors of the family account statement.
const accountCursor = "family-account"

// statementView is a page of a household's family account statement.
type statementView struct {
	Household string              `json:"household"`
	Balance   money.Amount        `json:"balance"`
	Credits   money.Amount        `json:"credits"`
	Debits    money.Amount        `json:"debits"`
	Items     []ledger.AccountRow `json:"items"`
	Limit     int                 `json:"limit"`
	Next      string              `json:"next,omitzero"`
}

// familyAccount answers GET /v1/households/{id}/account: the balance, the sums of
// every credit and debit, and a page of the rows, oldest first.
func (s *Server) familyAccount(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	q := newListQuery(r.URL.Query())
	after, limit := q.seqCursor(accountCursor), q.limit()
	if err := q.err(); err != nil {
		return err
	}
	st, err := s.ledger.FamilyAccount(r.Context(), mux.Vars(r)["id"], after, limit)
	if err != nil {
		return s.ledgerError(err)
	}
	v := statementView{Household: st.Household, Balance: st.Balance, Credits: st.Credits, Debits: st.Debits,
		Items: st.Rows, Limit: limit}
	if st.Next != 0 {
		v.Next = encodeCursor(accountCursor, strconv.FormatInt(st.Next, 10))
	}
	return writeOK(w, http.StatusOK, v)
}

// importContributions answers POST /v1/contributions/import?policy=: the year's
// contribution roster as CSV, all rows or none, read as the county roster is.
func (s *Server) importContributions(w http.ResponseWriter, r *http.Request, k *ledger.Key) error {
	if r.ContentLength > ImportLimit {
		return core.Errors{tooLarge(uint64(r.ContentLength), ImportLimit)}
	}
	enc, err := charset(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	body := http.MaxBytesReader(w, r.Body, ImportLimit)
	rep, err := s.ledger.ImportContributions(r.Context(), k.ID, body, q.Get("policy"), q.Get("version"), ledger.ImportOptions{Encoding: enc})
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return core.Errors{tooLarge(uint64(ImportLimit)+1, ImportLimit)}
	case err != nil:
		return s.ledgerError(err)
	case !rep.Imported:
		b, err := codec.Encode(importFailure{Schema: engine.Schema, OK: false, Errors: rep.Problems,
			Rows: rep.Rows, Encoding: rep.Encoding, ProblemCount: rep.ProblemCount, ProblemCodes: rep.ProblemCodes})
		if err != nil {
			return fmt.Errorf("api: encoding the import's problems: %w", err)
		}
		writeJSON(w, http.StatusUnprocessableEntity, b)
		return nil
	}
	return writeOK(w, http.StatusOK, rep)
}

// contributionReceipt answers GET /v1/contributions/{receipt}: the contribution of
// a receipt number, as JSON or (format=html) the receipt to print again.
func (s *Server) contributionReceipt(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	q := newListQuery(r.URL.Query())
	format := q.oneOf("format", "json", "html")
	if err := q.err(); err != nil {
		return err
	}
	c, err := s.ledger.ContributionReceipt(r.Context(), mux.Vars(r)["receipt"])
	if err != nil {
		return s.ledgerError(err)
	}
	if format != "html" {
		return writeOK(w, http.StatusOK, c)
	}
	d := receiptData{C: c, Person: identity.Mask(c.Person), Payer: payerZh[c.Payer], Subsidy: subsidyZh[c.Subsidy],
		Category: c.Category, Tier: c.Tier, PreviousTier: c.PreviousTier, Policy: c.Policy + " " + c.PolicyVersion}
	// The policy's own names where it is loaded (it always is, once published).
	if p, err := s.ledger.Engine().Find(c.Policy, c.PolicyVersion, civil.Date{}); err == nil {
		d.Policy = p.Policy().Name
		if cat, ok := p.Category(c.Category); ok {
			d.Category = cat.Name
		}
		if t, ok := p.Tier(c.Tier); ok {
			d.Tier = t.Name
		}
		if t, ok := p.Tier(c.PreviousTier); ok {
			d.PreviousTier = t.Name
		}
	}
	var b bytes.Buffer
	if err := receiptPage.Execute(&b, d); err != nil {
		return fmt.Errorf("api: rendering receipt %s: %w", c.Receipt, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(b.Bytes())
	return nil
}

// The receipt's words for the payer and the subsidy.
var (
	payerZh   = map[ledger.Payer]string{ledger.PayerSelf: "个人缴费", ledger.PayerGovernment: "政府代缴"}
	subsidyZh = map[ledger.Subsidy]string{ledger.SubsidyDibao: "低保", ledger.SubsidyWubao: "五保",
		ledger.SubsidyTekun: "特困", ledger.SubsidyDisabled: "重度残疾"}
)

// receiptData is what the receipt page shows: the contribution, with the masked ID
// and the policy's names of its category, tiers and scheme.
type receiptData struct {
	C                                    *ledger.Contribution
	Person, Payer, Subsidy               string
	Category, Tier, PreviousTier, Policy string
}

// receiptPage is the contribution receipt (参合缴费收据) as printed at the township
// office; a reprint is the same page, marked as such by the print date the browser
// adds.
var receiptPage = template.Must(template.New("receipt").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>参合缴费收据 {{.C.Receipt}}</title>
<style>body{font-family:sans-serif;max-width:40em;margin:2em auto}table{border-collapse:collapse;width:100%}
td,th{border:1px solid #333;padding:.4em;text-align:left}h1{font-size:1.4em;text-align:center}</style></head>
<body><h1>新型农村合作医疗参合缴费收据</h1>
<p>收据号：<strong id="receipt">{{.C.Receipt}}</strong></p>
<table>
<tr><th>户号</th><td>{{.C.Household}}</td><th>身份证号</th><td>{{.Person}}</td></tr>
<tr><th>参合年度</th><td>{{.C.Year}}</td><th>缴费日期</th><td>{{.C.PaidOn}}</td></tr>
<tr><th>人员类别</th><td>{{.Category}}</td><th>缴费档次</th><td>{{if .Tier}}{{.Tier}}{{else}}—{{end}}{{if .PreviousTier}}（上年 {{.PreviousTier}}）{{end}}</td></tr>
<tr><th>缴费方式</th><td>{{.Payer}}{{if .Subsidy}}（{{.Subsidy}}）{{end}}</td><th>缴费金额（元）</th><td id="amount">{{.C.Amount}}</td></tr>
<tr><th>计入家庭账户（元）</th><td>{{.C.FamilyCredit}}</td><th>待遇享受起始日</th><td>{{.C.BenefitsFrom}}{{if .C.BackPay}}（断保补缴）{{end}}</td></tr>
</table>
<p>补偿方案：{{.Policy}}</p>
</body></html>
`))
