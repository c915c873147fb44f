package simulate

import (
	"cmp"
	"slices"

	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/core/settle"
)

// Schema is the report format version.
const Schema = 1

// Report compares a year's fund spending under the draft scheme (New) with the
// baseline (Old). Every list is in a fixed order, so the same records and policies
// give the same report, byte for byte.
type Report struct {
	Schema int              `json:"schema"`
	New    settle.PolicyRef `json:"new"`
	// Old lists the baseline schemes the claims were settled under, by id and version.
	Old []settle.PolicyRef `json:"old"`
	// Claims counts the records; Persons the people they are of.
	Claims  int `json:"claims"`
	Persons int `json:"persons"`
	// Refused counts the claims each side refused (unreadable, invalid, or no
	// scheme to settle under); they pay nothing.
	Refused Pair `json:"refused"`
	// Cost is the total of the bills.
	Cost money.Amount `json:"cost"`
	// Fund is the spending of every fund together, Cash what patients paid at the
	// desk.
	Fund Row `json:"fund"`
	Cash Row `json:"cash"`
	// Groups break the fund's spending down by fund, facility class, township, visit
	// type and person category, in that order; rows in key order.
	Groups []Group `json:"groups"`
	// CapReached counts the people whose annual cap stopped a payment during the year.
	CapReached Pair `json:"capReached"`
	// Largest are the claims whose fund payment changes most, largest first.
	Largest []Diff `json:"largest"`
	// Problems are the first refused records, in record order.
	Problems []Problem `json:"problems"`
	// Growth says whether the draft keeps the fund's growth within the limit, when
	// one was given (RULES §2.4).
	Growth *Growth `json:"growth,omitempty"`
}

// Pair is a count on both sides.
type Pair struct {
	Old int `json:"old"`
	New int `json:"new"`
}

// Row is fund spending on both sides for one group of claims.
type Row struct {
	Key string `json:"key"`
	// Name and NameEn are the draft scheme's names for a fund or facility class.
	Name   string       `json:"name,omitempty"`
	NameEn string       `json:"nameEn,omitempty"`
	Claims int          `json:"claims"`
	Old    money.Amount `json:"old"`
	New    money.Amount `json:"new"`
	Change money.Amount `json:"change"`
	// ChangeRatio is Change ÷ Old to four decimals; 0 when Old is 0.
	ChangeRatio money.Rate `json:"changeRatio"`
}

// Group is the breakdown by one dimension (ByFund, ByClass, …).
type Group struct {
	By   string `json:"by"`
	Rows []Row  `json:"rows"`
}

// Growth compares the draft's fund growth with the limit.
type Growth struct {
	Limit  money.Rate `json:"limit"`
	Change money.Rate `json:"change"`
	Within bool       `json:"within"`
}

func row(key string, s sum) Row {
	r := Row{Key: key, Claims: s.claims, Old: s.old, New: s.new, Change: s.new.Sub(s.old)}
	r.ChangeRatio = money.Ratio(r.Change, r.Old)
	return r
}

// merge adds up the workers' tallies into the report.
func merge(ws []*worker, o *Options) *Report {
	t := newTally()
	refs := map[settle.PolicyRef]bool{}
	r := &Report{Schema: Schema, Old: []settle.PolicyRef{}, Largest: []Diff{}, Problems: []Problem{},
		New: settle.PolicyRef{ID: o.New.ID(), Version: o.New.Version(), Hash: o.New.Hash()}}
	for _, w := range ws {
		t.claims += w.t.claims
		t.refusedOld += w.t.refusedOld
		t.refusedNew += w.t.refusedNew
		t.cost = t.cost.Add(w.t.cost)
		t.fund.add(w.t.fund)
		t.cash.add(w.t.cash)
		for dim, g := range w.t.groups {
			for k, s := range g {
				t.group(dim, k).add(*s)
			}
		}
		for _, d := range w.t.top {
			t.keepTop(d, o.Top)
		}
		t.problems = append(t.problems, w.t.problems...)
		r.Persons += len(w.persons)
		for _, p := range w.persons {
			if p.old.capped {
				r.CapReached.Old++
			}
			if p.new.capped {
				r.CapReached.New++
			}
		}
		for ref := range w.refs {
			refs[ref] = true
		}
	}
	for ref := range refs {
		r.Old = append(r.Old, ref)
	}
	slices.SortFunc(r.Old, func(a, b settle.PolicyRef) int {
		return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.Version, b.Version), cmp.Compare(a.Hash, b.Hash))
	})
	r.Claims, r.Cost = t.claims, t.cost
	r.Refused = Pair{Old: t.refusedOld, New: t.refusedNew}
	r.Fund, r.Cash = row("", t.fund), row("", t.cash)
	for _, dim := range dimensions {
		g := Group{By: dim, Rows: []Row{}}
		for k, s := range t.groups[dim] {
			x := row(k, *s)
			switch dim {
			case ByFund:
				x.Name, x.NameEn = o.New.Name(policy.NameFund, k, "zh"), o.New.Name(policy.NameFund, k, "en")
			case ByClass:
				x.Name, x.NameEn = o.New.Name(policy.NameClass, k, "zh"), o.New.Name(policy.NameClass, k, "en")
			}
			if x.Name == k {
				x.Name, x.NameEn = "", ""
			}
			g.Rows = append(g.Rows, x)
		}
		slices.SortFunc(g.Rows, func(a, b Row) int { return cmp.Compare(a.Key, b.Key) })
		r.Groups = append(r.Groups, g)
	}
	r.Largest = append(r.Largest, t.top...)
	r.Problems = append(r.Problems, firstProblems(t.problems)...)
	if o.GrowthLimit != nil {
		r.Growth = &Growth{Limit: *o.GrowthLimit, Change: r.Fund.ChangeRatio, Within: r.Fund.ChangeRatio.Cmp(*o.GrowthLimit) <= 0}
	}
	return r
}
