package report

import (
	"cmp"
	"iter"
	"slices"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/server/ledger"
)

// GroupBy is what a summary's rows are grouped by within each period; the values
// are the wire values.
type GroupBy string

// Groupings of a summary.
const (
	Ungrouped     GroupBy = "none"
	ByClass       GroupBy = "class"       // facility class (医疗机构类别)
	ByTownship    GroupBy = "township"    // the person's township (乡镇)
	ByInstitution GroupBy = "institution" // facility code (定点医疗机构编码)
	ByVisitType   GroupBy = "visit_type"  // inpatient, outpatient, …
)

// Valid reports whether g is one of the defined groupings; "" means Ungrouped.
func (g GroupBy) Valid() bool {
	switch g {
	case "", Ungrouped, ByClass, ByTownship, ByInstitution, ByVisitType:
		return true
	}
	return false
}

// key returns the group of e under g.
func (g GroupBy) key(e *ledger.Entry) string {
	switch g {
	case ByClass:
		return e.Class
	case ByTownship:
		return e.Township
	case ByInstitution:
		return e.Institution
	case ByVisitType:
		return e.VisitType
	}
	return ""
}

// SummaryQuery selects and shapes a summary.
type SummaryQuery struct {
	Range   // admission dates
	Period  Period
	GroupBy GroupBy
	// PerCapita rounds the per-capita reimbursement. The zero value is half-up to the
	// fen; a county passes its policy's Reports.PerCapita (Hu county truncates).
	PerCapita policy.Rounding
}

// Check returns every problem with the query as core.Errors, or nil.
func (q SummaryQuery) Check() error {
	var es core.Errors
	q.Range.check("", &es)
	if !q.Period.Valid() {
		es = append(es, core.NotOneOf("/period", string(q.Period), "day", "week", "ten_day", "month"))
	}
	if !q.GroupBy.Valid() {
		es = append(es, core.NotOneOf("/groupBy", string(q.GroupBy), "none", "class", "township", "institution", "visit_type"))
	}
	if q.PerCapita.Mode != "" {
		if q.PerCapita.Scale < 0 || q.PerCapita.Scale > 4 {
			es.AddText(core.FieldInvalid, "/perCapita/scale", "0 to 4 decimals", "须为 0 至 4 位小数")
		}
		if !q.PerCapita.Mode.Valid() {
			es = append(es, core.NotOneOf("/perCapita/mode", string(q.PerCapita.Mode), "half_up", "half_even", "down", "up"))
		}
	}
	return es.Err()
}

// Summary is the settlements of a range counted per period and group.
type Summary struct {
	From    civil.Date   `json:"from"`
	To      civil.Date   `json:"to"`
	Period  Period       `json:"period"`
	GroupBy GroupBy      `json:"groupBy"`
	Rows    []SummaryRow `json:"rows"`
}

// SummaryRow is one period and group. Periods with no visits have no row.
type SummaryRow struct {
	// Period names the period: "2024-03-05", "2024-W09" (ISO week), "2024-03-D1"
	// (the first 旬), "2024-03". Start and End are its first and last days, which
	// may lie outside the query's range; only visits inside it are counted.
	Period string     `json:"period"`
	Start  civil.Date `json:"start"`
	End    civil.Date `json:"end"`
	// Group is the grouping's value, "" when ungrouped or when the entry has none.
	Group   string       `json:"group"`
	Visits  int          `json:"visits"`  // 人次: settlements
	Persons int          `json:"persons"` // distinct persons
	Total   money.Amount `json:"total"`
	// FundTotal is what the funds paid; Funds splits it by fund, ordered by fund code.
	FundTotal money.Amount      `json:"fundTotal"`
	Funds     []ledger.FundPaid `json:"funds"`
	Cash      money.Amount      `json:"cash"`
	// PerCapita is FundTotal ÷ Persons (人均补偿), rounded as the query says.
	PerCapita money.Amount `json:"perCapita"`
	// EffectiveRatio is FundTotal ÷ Total (实际补偿比), half-up to four decimals.
	EffectiveRatio money.Rate `json:"effectiveRatio"`
}

// BuildSummary counts the standing settlements admitted in q's range, one row per
// period and group, ordered by period then group.
func BuildSummary(entries iter.Seq2[*ledger.Entry, error], q SummaryQuery) (*Summary, error) {
	if err := q.Check(); err != nil {
		return nil, err
	}
	if q.GroupBy == "" {
		q.GroupBy = Ungrouped
	}
	scale, mode := int32(2), money.HalfUp
	if q.PerCapita.Mode != "" {
		scale, mode = q.PerCapita.Scale, q.PerCapita.Mode
	}
	settled, err := standing(entries, func(e *ledger.Entry) bool { return q.Contains(e.Admission) })
	if err != nil {
		return nil, err
	}

	type rowKey struct{ period, group string }
	type fundKey struct{ fund, kind string }
	type acc struct {
		row     SummaryRow
		persons map[string]bool
		funds   map[fundKey]money.Amount
	}
	rows := make(map[rowKey]*acc)
	for _, e := range settled {
		if !q.Contains(e.Admission) {
			continue
		}
		sp := spanOf(q.Period, e.Admission)
		k := rowKey{sp.key, q.GroupBy.key(e)}
		a := rows[k]
		if a == nil {
			a = &acc{
				row:     SummaryRow{Period: sp.key, Start: sp.start, End: sp.end, Group: k.group},
				persons: make(map[string]bool),
				funds:   make(map[fundKey]money.Amount),
			}
			rows[k] = a
		}
		a.row.Visits++
		a.persons[e.Person] = true
		a.row.Total = a.row.Total.Add(e.Total)
		a.row.FundTotal = a.row.FundTotal.Add(e.FundTotal)
		a.row.Cash = a.row.Cash.Add(e.Cash)
		for _, f := range e.Funds {
			fk := fundKey{f.Fund, f.Kind}
			a.funds[fk] = a.funds[fk].Add(f.Amount)
		}
	}

	s := &Summary{From: q.From, To: q.To, Period: q.Period, GroupBy: q.GroupBy, Rows: make([]SummaryRow, 0, len(rows))}
	for _, a := range rows {
		r := a.row
		r.Persons = len(a.persons)
		r.Funds = make([]ledger.FundPaid, 0, len(a.funds))
		for k, amt := range a.funds {
			r.Funds = append(r.Funds, ledger.FundPaid{Fund: k.fund, Kind: k.kind, Amount: amt})
		}
		sortFunds(r.Funds)
		r.PerCapita = money.MulDiv(r.FundTotal, money.Yuan(1), money.Yuan(int64(r.Persons)), scale, mode)
		r.EffectiveRatio = money.Ratio(r.FundTotal, r.Total)
		s.Rows = append(s.Rows, r)
	}
	slices.SortFunc(s.Rows, func(x, y SummaryRow) int {
		return cmp.Or(x.Start.Compare(y.Start), cmp.Compare(x.Group, y.Group))
	})
	return s, nil
}

// sortFunds orders fund payments by fund code, then kind.
func sortFunds(fs []ledger.FundPaid) {
	slices.SortFunc(fs, func(x, y ledger.FundPaid) int {
		return cmp.Or(cmp.Compare(x.Fund, y.Fund), cmp.Compare(x.Kind, y.Kind))
	})
}
