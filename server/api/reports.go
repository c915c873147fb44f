package api

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/server/ledger"
	"github.com/ruralhealth/ncms/server/report"
)

// reportRange reads from and to, or month=YYYY-MM, from the query string.
func reportRange(q url.Values) (report.Range, core.Errors) {
	var es core.Errors
	var r report.Range
	if m := q.Get("month"); m != "" {
		t, err := time.Parse("2006-01", m)
		if err != nil {
			es.AddText(core.FieldInvalid, "/month", "want YYYY-MM", "应为 YYYY-MM")
			return r, es
		}
		return report.MonthRange(t.Year(), t.Month()), nil
	}
	for _, f := range []struct {
		name string
		d    *civil.Date
	}{{"from", &r.From}, {"to", &r.To}} {
		v := q.Get(f.name)
		if v == "" {
			es.AddText(core.FieldRequired, "/"+f.name, "or give month=YYYY-MM", `或给出 "month=YYYY-MM"`)
			continue
		}
		d, err := civil.Parse(v)
		if err != nil {
			es = append(es, core.AsErrors(core.Prefix(err, "/"+f.name))...)
			continue
		}
		*f.d = d
	}
	return r, es
}

// reportFormat reads format (json or csv) and lang (zh or en).
func reportFormat(q url.Values, es *core.Errors) (csv bool, lang report.Lang) {
	switch q.Get("format") {
	case "", "json":
	case "csv":
		csv = true
	default:
		*es = append(*es, core.NotOneOf("/format", q.Get("format"), "json", "csv"))
	}
	lang = report.Lang(q.Get("lang"))
	if lang != "" && lang != report.Chinese && lang != report.English {
		*es = append(*es, core.NotOneOf("/lang", string(lang), "zh", "en"))
	}
	return csv, lang
}

// view runs fn in a read-only snapshot of the ledger.
func (s *Server) view(ctx context.Context, fn func(ledger.Tx) error) error {
	return s.ledger.Store().View(ctx, fn)
}

// summary answers GET /v1/reports/summary: visits, persons, cost and fund payments
// by period (day, week, ten_day, month) and group (class, township, institution,
// visit_type), as JSON or CSV. policy= names the policy whose per-capita rounding
// applies.
func (s *Server) summary(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	q := r.URL.Query()
	rg, es := reportRange(q)
	csv, lang := reportFormat(q, &es)
	sq := report.SummaryQuery{Range: rg, Period: report.Period(q.Get("period")), GroupBy: report.GroupBy(q.Get("groupBy"))}
	if sq.Period == "" {
		sq.Period = report.Month
	}
	if id := q.Get("policy"); id != "" {
		p, err := s.ledger.Engine().Find(id, "", civil.Date{})
		if err != nil {
			return err
		}
		sq.PerCapita = p.Policy().Reports.PerCapita
	}
	if len(es) == 0 {
		es = append(es, core.AsErrors(sq.Check())...)
	}
	if err := es.Err(); err != nil {
		return err
	}
	var sum *report.Summary
	err := s.view(r.Context(), func(tx ledger.Tx) error {
		var err error
		sum, err = report.BuildSummary(report.Journal(r.Context(), tx, rg.From, rg.To), sq)
		return err
	})
	if err != nil {
		return err
	}
	if csv {
		return writeCSV(w, "summary", lang, sum.WriteCSV)
	}
	return writeOK(w, http.StatusOK, sum)
}

// notice answers GET /v1/reports/notice: the village public notice (公示) of a month's
// settlements with masked ID numbers, as JSON or CSV.
func (s *Server) notice(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	q := r.URL.Query()
	rg, es := reportRange(q)
	csv, lang := reportFormat(q, &es)
	if err := es.Err(); err != nil {
		return err
	}
	var n *report.Notice
	err := s.view(r.Context(), func(tx ledger.Tx) error {
		var err error
		n, err = report.BuildNotice(report.Journal(r.Context(), tx, rg.From, rg.To), rg, report.TxRegistry(r.Context(), tx))
		return err
	})
	if err != nil {
		return err
	}
	if csv {
		return writeCSV(w, "notice", lang, n.WriteCSV)
	}
	return writeOK(w, http.StatusOK, n)
}

// budget answers GET /v1/reports/budget?year=YYYY: the year's fund spending month
// by month against the budget the server was started with.
func (s *Server) budget(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	v := r.URL.Query().Get("year")
	year, err := strconv.Atoi(v)
	if err != nil || len(v) != 4 {
		var es core.Errors
		if v == "" {
			es.Add(core.FieldRequired, "/year", "")
		} else {
			es.AddText(core.FieldInvalid, "/year", "want YYYY", "应为四位年份 YYYY")
		}
		return es.Err()
	}
	var budget *money.Amount
	if a, ok := s.budgets[year]; ok {
		budget = &a
	}
	rg := report.YearRange(year)
	var b *report.Budget
	err = s.view(r.Context(), func(tx ledger.Tx) error {
		var err error
		b, err = report.BuildBudget(report.Journal(r.Context(), tx, rg.From, rg.To), year, budget)
		return err
	})
	if err != nil {
		return err
	}
	return writeOK(w, http.StatusOK, b)
}

// audit answers GET /v1/reports/audit: drug share above the policy's limit, one bill
// settled twice, overlapping stays, claims in a waiting period or before enrollment.
func (s *Server) audit(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	q := r.URL.Query()
	rg, es := reportRange(q)
	csv, lang := reportFormat(q, &es)
	if err := es.Err(); err != nil {
		return err
	}
	a, err := s.buildAudit(r.Context(), rg)
	if err != nil {
		return err
	}
	if csv {
		return writeCSV(w, "audit", lang, a.WriteCSV)
	}
	return writeOK(w, http.StatusOK, a)
}

// buildAudit raises the audit flags of the range.
func (s *Server) buildAudit(ctx context.Context, rg report.Range) (*report.Audit, error) {
	eng := s.ledger.Engine()
	aq := report.AuditQuery{Range: rg, DrugShare: func(id string) money.Rate {
		p, err := eng.Find(id, "", civil.Date{})
		if err != nil {
			return money.Rate{}
		}
		return p.Policy().Audit.DrugShare
	}}
	var a *report.Audit
	err := s.view(ctx, func(tx ledger.Tx) error {
		var err error
		// Stays admitted up to a year earlier can still overlap this range's.
		a, err = report.BuildAudit(report.Journal(ctx, tx, rg.From.AddDays(-report.StayLookback), rg.To), aq)
		return err
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// writeCSV writes a report as a CSV download. The byte-order mark makes Excel on
// Windows, where county clerks open these, read the Chinese as UTF-8.
func writeCSV(w http.ResponseWriter, name string, lang report.Lang, write func(io.Writer, report.Lang) error) error {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	if err := write(&b, lang); err != nil {
		return fmt.Errorf("api: writing the %s CSV: %w", name, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(b.Bytes())
	return err
}
