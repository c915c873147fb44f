// Package enroll decides what a person's enrollment (参合/参保) history entitles them
// to on a visit date: whether they are covered, whether a waiting period (待遇等待期)
// is running, which tier's benefits apply and how many continuous years they have.
package enroll

//go:generate go run github.com/ruralhealth/ncms/core/wire/wiregen History

import (
	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/policy"
)

// MaxYears bounds an enrollment history: a lifetime, with room to spare.
const MaxYears = 200

// History is a person's enrollment years. Decoding keeps at most MaxYears+1 of them,
// so a hostile request cannot fill memory.
//
// wire:max=MaxYears
type History []Year

// Year is one year of enrollment: the tier paid and the day it was paid.
type Year struct {
	Year   int        `json:"year"`
	Tier   string     `json:"tier,omitempty"`
	PaidOn civil.Date `json:"paidOn"`
}

// Status is what the history means on one date.
type Status struct {
	// Enrolled is false when the policy requires enrollment and the year has none.
	Enrolled bool
	// Waiting is true while a waiting period runs; Reason then says which and
	// BenefitsFrom when it ends.
	Waiting      bool
	BenefitsFrom civil.Date
	Reason       core.Code
	// PaidTier is the tier paid for the year; BenefitTier the tier whose benefits
	// apply (the previous tier while an upgrade waits, a category's tier if it has one).
	PaidTier    string
	BenefitTier string
	TierPending bool
	// TierFrom is when the paid tier's benefits start, while TierPending.
	TierFrom civil.Date
	// Continuous counts consecutive enrolled years ending with the visit year (or the
	// year before, as the policy says); Paid counts enrolled years before the visit year.
	Continuous int
	Paid       int
	// Lapsed is true when this year's enrollment follows a gap (断保).
	Lapsed bool
}

// Check evaluates history on the date for a person of the category. The history may be
// in any order; the claim validator has already rejected duplicate years.
func Check(p *policy.Compiled, category string, history []Year, on civil.Date) Status {
	byYear := years(history)
	rules := p.Policy().Enrollment
	cur, prev := byYear.get(on.Year), byYear.get(on.Year-1)
	var s Status
	for _, y := range history {
		if y.Year < on.Year {
			s.Paid++
		}
	}
	s.Continuous = continuous(p, byYear, on.Year)
	if cur == nil {
		s.Enrolled = !rules.Required
		if rules.Required {
			s.Reason = core.WarnNotEnrolled
		}
		s.BenefitTier = categoryTier(p, category, "")
		return s
	}
	s.Enrolled = true
	s.PaidTier = cur.Tier
	s.BenefitTier = cur.Tier
	s.BenefitsFrom, s.Lapsed = benefitsFrom(rules, byYear, on.Year, 3)
	if on.Before(s.BenefitsFrom) {
		s.Waiting = true
		s.Reason = core.WarnWaitingPeriod
	}
	if own := categoryTier(p, category, ""); own != "" {
		// The category's tier applies whatever was paid, so no upgrade can be pending.
		s.BenefitTier = own
		return s
	}
	if prev != nil && !s.Lapsed && rules.UpgradeWaitMonths > 0 && higher(p, cur.Tier, prev.Tier) {
		if until := paidFrom(cur).AddMonths(rules.UpgradeWaitMonths); on.Before(until) {
			s.BenefitTier = prev.Tier
			s.TierPending = true
			s.TierFrom = until
		}
	}
	return s
}

// years finds a person's enrollment by year. Histories are a few entries long, where
// a scan is cheaper than building a map for every claim.
type years []Year

func (h years) get(year int) *Year {
	for i := range h {
		if h[i].Year == year {
			return &h[i]
		}
	}
	return nil
}

// paidFrom is when a year's enrollment counts from: the later of the payment date and
// the first day of the year (an unknown payment date counts as paid in time).
func paidFrom(y *Year) civil.Date {
	start := civil.New(y.Year, 1, 1)
	if y.PaidOn.IsZero() || y.PaidOn.Before(start) {
		return start
	}
	return y.PaidOn
}

// benefitsFrom returns when benefits for the year start, and whether the year follows
// a gap. A wait that began late in the previous year runs on into this one, so the
// previous year's own start is considered too (depth bounds the look back; waits are
// months long, so one year back is enough in practice).
func benefitsFrom(rules policy.Enrollment, byYear years, year, depth int) (civil.Date, bool) {
	cur, prev := byYear.get(year), byYear.get(year-1)
	yearStart := civil.New(year, 1, 1)
	from := paidFrom(cur)
	earlier := false
	for _, y := range byYear {
		if y.Year < year-1 {
			earlier = true
		}
	}
	var start civil.Date
	lapsed := false
	switch {
	case prev == nil && !earlier:
		start = from.AddMonths(rules.FirstWaitMonths)
	case prev == nil || (rules.LapseMonths > 0 && !cur.PaidOn.Before(yearStart.AddMonths(rules.LapseMonths))):
		// A missing year is always a gap; so is paying this year's contribution
		// LapseMonths or more after last year's cover ended.
		lapsed = true
		start = from.AddMonths(rules.LapseWaitMonths)
	default:
		start = yearStart
	}
	if prev != nil && !lapsed && depth > 0 {
		if carried, _ := benefitsFrom(rules, byYear, year-1, depth-1); carried.After(start) {
			start = carried
		}
	}
	return start, lapsed
}

// continuous counts consecutive enrolled years back from the visit year.
func continuous(p *policy.Compiled, byYear years, year int) int {
	k := p.Policy().Continuity
	if k == nil || !k.CountVisitYear {
		year--
	}
	n := 0
	for ; byYear.get(year) != nil; year-- {
		n++
	}
	return n
}

// higher reports whether tier a comes after tier b in the policy's list of tiers,
// which lists them from the lowest contribution up.
func higher(p *policy.Compiled, a, b string) bool {
	ia, ib := -1, -1
	for i, t := range p.Policy().Tiers {
		switch t.Code {
		case a:
			ia = i
		case b:
			ib = i
		}
	}
	return ia > ib && ib >= 0
}

func categoryTier(p *policy.Compiled, category, tier string) string {
	if c, ok := p.Category(category); ok && c.BenefitTier != "" {
		return c.BenefitTier
	}
	return tier
}
