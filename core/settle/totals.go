package settle

import (
	"sort"

	"github.com/ruralhealth/ncms/core/claim"
)

// totals writes the year-to-date figures after this claim, in a canonical order so
// the same input always gives the same bytes.
func (s *state) totals() {
	in := &s.c.Totals
	out := claim.Totals{
		Year:          s.date.Year,
		Funds:         make([]claim.FundTotal, 0, len(s.after)),
		Admissions:    make([]claim.ClassCount, 0, len(in.Admissions)+1),
		FamilyAccount: in.FamilyAccount.Sub(s.r.FamilyAccount),
	}
	for _, f := range s.after {
		out.Funds = append(out.Funds, *f)
	}
	sort.Slice(out.Funds, func(i, j int) bool { return out.Funds[i].Fund < out.Funds[j].Fund })
	// A stay the scheme refused is not an admission for later deductibles.
	admitted := s.admitted && s.r.Route != RouteNotCovered
	counted := false
	for _, a := range in.Admissions {
		if admitted && a.Class == s.c.Visit.Class {
			a.Count++
			counted = true
		}
		out.Admissions = append(out.Admissions, a)
	}
	if admitted && !counted {
		out.Admissions = append(out.Admissions, claim.ClassCount{Class: s.c.Visit.Class, Count: 1})
	}
	sort.Slice(out.Admissions, func(i, j int) bool { return out.Admissions[i].Class < out.Admissions[j].Class })
	s.r.TotalsAfter = out
}
