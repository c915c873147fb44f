package ledger

import (
	"sort"

	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/core/money"
)

// delta is what a settlement added to the totals: after − before, every figure
// non-negative because settling only ever adds to the year's figures and draws on
// the family account.
func delta(before, after claim.Totals) claim.Totals {
	d := claim.Totals{Year: after.Year, Funds: []claim.FundTotal{}, Admissions: []claim.ClassCount{},
		FamilyAccount: money.NonNegative(before.FamilyAccount.Sub(after.FamilyAccount))}
	for _, a := range after.Funds {
		b := before.Fund(a.Fund)
		f := claim.FundTotal{Fund: a.Fund, Paid: a.Paid.Sub(b.Paid), Base: a.Base.Sub(b.Base),
			Deductible: a.Deductible.Sub(b.Deductible), Visits: a.Visits - b.Visits}
		if !f.Paid.IsZero() || !f.Base.IsZero() || !f.Deductible.IsZero() || f.Visits != 0 {
			d.Funds = append(d.Funds, f)
		}
	}
	for _, a := range after.Admissions {
		if n := a.Count - count(before.Admissions, a.Class); n != 0 {
			d.Admissions = append(d.Admissions, claim.ClassCount{Class: a.Class, Count: n})
		}
	}
	return d
}

// apply adds d to t (sign +1) or takes it away (sign −1), keeping the canonical
// order the core writes totals in.
func apply(t, d claim.Totals, sign int) claim.Totals {
	out := claim.Totals{Year: t.Year, FamilyAccount: t.FamilyAccount,
		Funds:      append([]claim.FundTotal{}, t.Funds...),
		Admissions: append([]claim.ClassCount{}, t.Admissions...)}
	add := func(a, b money.Amount) money.Amount {
		if sign < 0 {
			return a.Sub(b)
		}
		return a.Add(b)
	}
	if sign < 0 {
		out.FamilyAccount = out.FamilyAccount.Add(d.FamilyAccount)
	} else {
		out.FamilyAccount = out.FamilyAccount.Sub(d.FamilyAccount)
	}
	for _, f := range d.Funds {
		i := sort.Search(len(out.Funds), func(i int) bool { return out.Funds[i].Fund >= f.Fund })
		if i == len(out.Funds) || out.Funds[i].Fund != f.Fund {
			out.Funds = append(out.Funds[:i], append([]claim.FundTotal{{Fund: f.Fund}}, out.Funds[i:]...)...)
		}
		g := &out.Funds[i]
		g.Paid, g.Base, g.Deductible = add(g.Paid, f.Paid), add(g.Base, f.Base), add(g.Deductible, f.Deductible)
		g.Visits += sign * f.Visits
	}
	for _, a := range d.Admissions {
		i := sort.Search(len(out.Admissions), func(i int) bool { return out.Admissions[i].Class >= a.Class })
		if i == len(out.Admissions) || out.Admissions[i].Class != a.Class {
			out.Admissions = append(out.Admissions[:i], append([]claim.ClassCount{{Class: a.Class}}, out.Admissions[i:]...)...)
		}
		out.Admissions[i].Count += sign * a.Count
	}
	return out
}

func count(cs []claim.ClassCount, class string) int {
	for _, c := range cs {
		if c.Class == class {
			return c.Count
		}
	}
	return 0
}
