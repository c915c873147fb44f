package settle

import (
	"slices"
	"strings"

	"github.com/ruralhealth/ncms/core/claim"
)

// totals writes the year-to-date figures after this claim, in a canonical order so
// the same input always gives the same bytes.
func (s *state) totals() {
	in := &s.c.Totals
	out := claim.Totals{
		Year: s.date.Year,
		// The running totals are this settlement's own copy; fund ids in it are unique.
		Funds:         s.after,
		Admissions:    make([]claim.ClassCount, 0, len(in.Admissions)+1),
		FamilyAccount: in.FamilyAccount.Sub(s.r.FamilyAccount),
	}
	slices.SortFunc(out.Funds, func(a, b claim.FundTotal) int { return strings.Compare(a.Fund, b.Fund) })
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
	slices.SortFunc(out.Admissions, func(a, b claim.ClassCount) int { return strings.Compare(a.Class, b.Class) })
	s.r.TotalsAfter = out
}
