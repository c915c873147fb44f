package simulate

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/core/money"
)

// Diff is one claim whose payment differs between the schemes: a row of the
// per-claim differences.
type Diff struct {
	Seq         int64  `json:"seq"`
	Claim       string `json:"claim"`
	Institution string `json:"institution"`
	// Person is the resident ID masked (identity.Mask): enough to find the claim
	// in the journal, not a register of who was ill.
	Person    string       `json:"person"`
	Township  string       `json:"township"`
	VisitType string       `json:"visitType"`
	Class     string       `json:"class"`
	Category  string       `json:"category"`
	Admission civil.Date   `json:"admission"`
	Total     money.Amount `json:"total"`
	OldFund   money.Amount `json:"oldFund"`
	NewFund   money.Amount `json:"newFund"`
	Change    money.Amount `json:"change"`
	OldCash   money.Amount `json:"oldCash"`
	NewCash   money.Amount `json:"newCash"`
	// OldRefused and NewRefused are set when a side refused the claim (nothing paid).
	OldRefused bool `json:"oldRefused"`
	NewRefused bool `json:"newRefused"`
}

// DiffHeader is the header row of the per-claim CSV; Diff.Fields gives a row.
var DiffHeader = []string{"seq", "claim", "institution", "person", "township", "visit_type", "class",
	"category", "admission", "total", "old_fund", "new_fund", "change", "old_cash", "new_cash", "old_refused", "new_refused"}

// Fields returns the claim's row of the per-claim CSV, in DiffHeader's order.
func (d *Diff) Fields() []string {
	return []string{strconv.FormatInt(d.Seq, 10), d.Claim, d.Institution, d.Person, d.Township, d.VisitType, d.Class,
		d.Category, d.Admission.String(), d.Total.String(), d.OldFund.String(), d.NewFund.String(),
		d.Change.String(), d.OldCash.String(), d.NewCash.String(), flag(d.OldRefused), flag(d.NewRefused)}
}

func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// sum is a group's claims and fund spending on both sides.
type sum struct {
	claims   int
	old, new money.Amount
}

func (s *sum) add(o sum) {
	s.claims += o.claims
	s.old, s.new = s.old.Add(o.old), s.new.Add(o.new)
}

// Dimensions a report groups fund spending by; the values are the report's keys.
const (
	ByFund      = "fund"
	ByClass     = "class"
	ByTownship  = "township"
	ByVisitType = "visitType"
	ByCategory  = "category"
)

var dimensions = []string{ByFund, ByClass, ByTownship, ByVisitType, ByCategory}

// tally is a worker's running figures; tallies merge by adding, so the report does
// not depend on which worker settled which person.
type tally struct {
	claims                 int
	refusedOld, refusedNew int
	cost                   money.Amount
	fund, cash             sum
	groups                 map[string]map[string]*sum
	top                    []Diff
	problems               []Problem
}

func newTally() tally {
	t := tally{groups: map[string]map[string]*sum{}}
	for _, d := range dimensions {
		t.groups[d] = map[string]*sum{}
	}
	return t
}

// maxProblems is how many refused records a report lists.
const maxProblems = 20

// Problem is a record a side refused, with the first error.
type Problem struct {
	Seq int64 `json:"seq"`
	// Old and New say which side refused it.
	Old   bool        `json:"old"`
	New   bool        `json:"new"`
	Error *core.Error `json:"error"`
}

func (t *tally) refuse(seq int64, err error, old, new bool) {
	if old {
		t.refusedOld++
	}
	if new {
		t.refusedNew++
	}
	es := core.AsErrors(err)
	var e *core.Error
	if len(es) > 0 {
		e = es[0]
	} else {
		e = core.NewErrorText(core.EngineInternal, "", err.Error(), "无法结算该记录")
	}
	t.problems = append(t.problems, Problem{Seq: seq, Old: old, New: new, Error: e})
	if len(t.problems) > 2*maxProblems {
		t.problems = firstProblems(t.problems)
	}
}

func firstProblems(ps []Problem) []Problem {
	slices.SortFunc(ps, func(a, b Problem) int { return cmp.Compare(a.Seq, b.Seq) })
	return ps[:min(len(ps), maxProblems)]
}

func (t *tally) group(dim, key string) *sum {
	g := t.groups[dim][key]
	if g == nil {
		g = &sum{}
		t.groups[dim][key] = g
	}
	return g
}

// add counts a claim's two settlements and returns its row of differences, and
// whether its payment changed.
func (t *tally) add(it *item, old, nw outcome, o *Options) (Diff, bool) {
	t.claims++
	cl := &it.line.Claim
	var d Diff
	var total money.Amount
	for _, x := range cl.Items {
		total = total.Add(x.Amount)
	}
	t.cost = t.cost.Add(total)
	d.OldRefused, d.NewRefused = old.err != nil, nw.err != nil
	if old.res != nil {
		d.OldFund, d.OldCash = old.res.FundTotal, old.res.Cash
		for _, f := range old.res.Funds {
			g := t.group(ByFund, f.Fund)
			g.old = g.old.Add(f.Amount)
		}
	}
	if nw.res != nil {
		d.NewFund, d.NewCash = nw.res.FundTotal, nw.res.Cash
		for _, f := range nw.res.Funds {
			g := t.group(ByFund, f.Fund)
			g.new = g.new.Add(f.Amount)
		}
	}
	// A fund's claims are those it paid on either side.
	var seen []string
	for _, r := range []*outcome{&old, &nw} {
		if r.res == nil {
			continue
		}
		for _, f := range r.res.Funds {
			if !f.Amount.IsZero() && !slices.Contains(seen, f.Fund) {
				seen = append(seen, f.Fund)
				t.group(ByFund, f.Fund).claims++
			}
		}
	}
	one := sum{claims: 1, old: d.OldFund, new: d.NewFund}
	t.fund.add(one)
	t.cash.add(sum{claims: 1, old: d.OldCash, new: d.NewCash})
	t.group(ByClass, cl.Visit.Class).add(one)
	t.group(ByTownship, it.line.Township).add(one)
	t.group(ByVisitType, string(cl.Visit.Type)).add(one)
	t.group(ByCategory, cl.Person.Category).add(one)

	d.Seq, d.Claim, d.Institution = it.seq, cl.ID, cl.Visit.Institution
	d.Person = identity.Mask(it.person)
	d.Township, d.VisitType, d.Class, d.Category = it.line.Township, string(cl.Visit.Type), cl.Visit.Class, cl.Person.Category
	d.Admission, d.Total = cl.Visit.Admission, total
	d.Change = d.NewFund.Sub(d.OldFund)
	changed := !d.Change.IsZero() || d.OldCash.Cmp(d.NewCash) != 0 || d.OldRefused != d.NewRefused
	if !d.Change.IsZero() {
		t.keepTop(d, o.Top)
	}
	return d, changed
}

// larger orders changes by size, largest first, then by record.
func larger(a, b Diff) int {
	if c := abs(b.Change).Cmp(abs(a.Change)); c != 0 {
		return c
	}
	return cmp.Compare(a.Seq, b.Seq)
}

func abs(a money.Amount) money.Amount {
	if a.Sign() < 0 {
		return money.Amount{}.Sub(a)
	}
	return a
}

// keepTop keeps d if it is among the n largest changes so far.
func (t *tally) keepTop(d Diff, n int) {
	if len(t.top) == n && larger(d, t.top[n-1]) >= 0 {
		return
	}
	i, _ := slices.BinarySearchFunc(t.top, d, larger)
	t.top = slices.Insert(t.top, i, d)
	if len(t.top) > n {
		t.top = t.top[:n]
	}
}
