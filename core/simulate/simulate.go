// Package simulate replays a county's year of claims under a draft compensation
// scheme (基金测算): every claim is settled twice, under the draft and under a
// baseline, with each person's running totals carried from claim to claim in date
// order as the county server's ledger carries them (claim.Totals.Carried), and the
// two years are compared: fund spending by fund, facility class, township, visit type
// and person category, the claims whose payment changes most, the people who reach a
// cap, and, claim by claim, the differences.
//
// Run streams: records are decoded on every core, and the claims of one person are
// settled in order on one worker, so a year of a million claims needs neither a
// million claims in memory nor more than the people's running totals. The trace is
// not built (settle.RunQuiet): the figures are a full settlement's. The report
// depends only on the records and the policies, never on the number of workers.
package simulate

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"iter"
	"runtime"
	"strings"
	"sync"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/core/settle"
)

// Record is one claim as a source yields it, before decoding.
type Record struct {
	// Seq numbers the record in its source, increasing: a claims file's line, the
	// journal's sequence number. Ties of date are settled in Seq order, and the
	// report names claims by it.
	Seq int64
	// JSON is the claim as a Line.
	JSON []byte
	// Township and Household apply when the line names none (the journal keeps them
	// beside the request).
	Township, Household string
}

// Baseline returns the policy a claim settles under on the old side: a fixed
// baseline, or the scheme each line names (engine.Engine.FindFor).
type Baseline func(l *Line) (*policy.Compiled, error)

// Fixed is the Baseline of one policy for every claim.
func Fixed(p *policy.Compiled) Baseline {
	return func(*Line) (*policy.Compiled, error) { return p, nil }
}

// Options configure a run.
type Options struct {
	// New is the draft scheme; Old gives the baseline's.
	New *policy.Compiled
	Old Baseline
	// Workers is the number of goroutines that settle claims (and as many decode
	// them); 0 means GOMAXPROCS.
	Workers int
	// Top is how many of the claims whose payment changes most the report lists;
	// 0 means DefaultTop.
	Top int
	// Diffs, if set, receives every claim whose fund payment or cash changes, in
	// record order (see DiffHeader).
	Diffs func(d Diff) error
	// Progress, if set, is told how many records are done, from time to time and
	// once at the end, in the caller's goroutine.
	Progress func(done int64)
	// GrowthLimit, if set, is the most the fund's spending may grow (RULES §2.4: the
	// average growth of the last three years); the report says whether the draft
	// stays within it.
	GrowthLimit *money.Rate
}

// DefaultTop is the number of largest changes a report lists by default.
const DefaultTop = 20

// batchSize is how many records travel together between the stages.
const batchSize = 256

// Run replays the records src yields under the options and reports the comparison.
// A record that cannot be read or settled counts as refused on its side, and the
// first few such are listed; claims of one person out of date order, a source's
// error or a Diffs error stop the run.
func Run(ctx context.Context, src iter.Seq2[Record, error], o Options) (*Report, error) {
	if o.New == nil || o.Old == nil {
		return nil, errors.New("simulate: a draft and a baseline are required")
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Top <= 0 {
		o.Top = DefaultTop
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := func(err error) { cancel(err) }

	raw := make(chan rawBatch, 2*o.Workers)
	decoded := make(chan *decodedBatch, 2*o.Workers)
	parts := make([]chan part, o.Workers)
	for i := range parts {
		parts[i] = make(chan part, 4)
	}
	done := make(chan chunk, 4*o.Workers)

	// Read.
	go func() {
		defer close(raw)
		var n int64
		b := rawBatch{n: n}
		for rec, err := range src {
			if err != nil {
				stop(fmt.Errorf("simulate: reading the claims: %w", err))
				return
			}
			b.recs = append(b.recs, rec)
			if len(b.recs) == batchSize {
				if !send(ctx, raw, b) {
					return
				}
				n++
				b = rawBatch{n: n}
			}
		}
		if len(b.recs) > 0 {
			send(ctx, raw, b)
		}
	}()

	// Decode, on every core.
	var dec sync.WaitGroup
	for range o.Workers {
		dec.Go(func() {
			for b := range raw {
				if !send(ctx, decoded, decodeBatch(b, o.Workers)) {
					return
				}
			}
		})
	}
	go func() { dec.Wait(); close(decoded) }()

	// Put the batches back in order and hand each worker its people's claims.
	go func() {
		defer func() {
			for _, p := range parts {
				close(p)
			}
		}()
		pending := map[int64]*decodedBatch{}
		var next int64
		for b := range decoded {
			pending[b.n] = b
			for pending[next] != nil {
				b := pending[next]
				delete(pending, next)
				for w := range parts {
					if !send(ctx, parts[w], part{n: next, items: b.parts[w]}) {
						return
					}
				}
				next++
			}
		}
	}()

	// Settle.
	workers := make([]*worker, o.Workers)
	var set sync.WaitGroup
	for i := range workers {
		w := newWorker(&o)
		workers[i] = w
		set.Go(func() {
			for p := range parts[i] {
				c, err := w.settle(p)
				if err != nil {
					stop(err)
					return
				}
				if !send(ctx, done, c) {
					return
				}
			}
		})
	}
	go func() { set.Wait(); close(done) }()

	// Collect, in record order.
	if err := collect(ctx, done, o); err != nil {
		stop(err)
	}
	for range done {
	}
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	return merge(workers, &o), nil
}

// send sends v unless ctx is done first.
func send[T any](ctx context.Context, ch chan<- T, v T) bool {
	select {
	case ch <- v:
		return true
	case <-ctx.Done():
		return false
	}
}

type rawBatch struct {
	n    int64
	recs []Record
}

// item is a decoded record.
type item struct {
	seq    int64
	line   Line
	person string // the canonical resident ID, or the ID as written
	err    error
}

type decodedBatch struct {
	n     int64
	parts [][]item
}

var seed = maphash.MakeSeed()

// decodeBatch decodes a batch and splits it by worker: a person's claims always go
// to the same worker.
func decodeBatch(b rawBatch, workers int) *decodedBatch {
	out := &decodedBatch{n: b.n, parts: make([][]item, workers)}
	for w := range out.parts {
		out.parts[w] = make([]item, 0, len(b.recs)/workers+len(b.recs)/8+1)
	}
	for _, r := range b.recs {
		it := item{seq: r.Seq}
		if err := DecodeLine(r.JSON, &it.line); err != nil {
			it.err = err
		}
		if it.line.Township == "" {
			it.line.Township = r.Township
		}
		if it.line.Household == "" {
			it.line.Household = r.Household
		}
		c := &it.line.Claim
		it.person = c.Person.ID
		if id, err := identity.ParseID(c.Person.ID, c.Visit.Admission); err == nil {
			it.person = id.Number
		}
		// The key outlives the claim: a copy, not a view into the decoder's text
		// buffer, which would keep every text of the claim.
		it.person = strings.Clone(it.person)
		w := int(maphash.String(seed, it.person) % uint64(workers))
		out.parts[w] = append(out.parts[w], it)
	}
	return out
}

// part is one worker's share of a batch.
type part struct {
	n     int64
	items []item
}

// chunk is what a worker did with a part: how many records, and the changed claims.
type chunk struct {
	n     int64
	count int
	diffs []Diff
}

// collect receives every worker's chunk of each batch and passes the changes on in
// record order.
func collect(ctx context.Context, done <-chan chunk, o Options) error {
	type batch struct {
		got   int
		count int
		diffs [][]Diff
	}
	pending := map[int64]*batch{}
	var next, total int64
	for c := range done {
		b := pending[c.n]
		if b == nil {
			b = &batch{}
			pending[c.n] = b
		}
		b.got++
		b.count += c.count
		b.diffs = append(b.diffs, c.diffs)
		for pending[next] != nil && pending[next].got == o.Workers {
			b := pending[next]
			delete(pending, next)
			if o.Diffs != nil {
				for _, d := range mergeDiffs(b.diffs) {
					if err := o.Diffs(d); err != nil {
						return fmt.Errorf("simulate: writing the differences: %w", err)
					}
				}
			}
			total += int64(b.count)
			if o.Progress != nil {
				o.Progress(total)
			}
			next++
		}
		if ctx.Err() != nil {
			return nil
		}
	}
	if o.Progress != nil && ctx.Err() == nil {
		o.Progress(total)
	}
	return nil
}

// mergeDiffs merges lists each in record order into one.
func mergeDiffs(lists [][]Diff) []Diff {
	var out []Diff
	idx := make([]int, len(lists))
	for {
		best := -1
		for i, l := range lists {
			if idx[i] < len(l) && (best < 0 || l[idx[i]].Seq < lists[best][idx[best]].Seq) {
				best = i
			}
		}
		if best < 0 {
			return out
		}
		out = append(out, lists[best][idx[best]])
		idx[best]++
	}
}

// side is one scheme's view of a person's year.
type side struct {
	totals claim.Totals
	capped bool
}

// person is what a worker keeps of someone between their claims.
type person struct {
	last     civil.Date
	lastSeq  int64
	old, new side
}

// worker settles the claims of its share of the people, and tallies them.
type worker struct {
	o       *Options
	persons map[string]*person
	t       tally
	// refs are the baseline schemes claims were settled under.
	refs map[settle.PolicyRef]bool
}

func newWorker(o *Options) *worker {
	return &worker{o: o, persons: map[string]*person{}, t: newTally(), refs: map[settle.PolicyRef]bool{}}
}

// outcome is a claim's settlement on one side.
type outcome struct {
	res *settle.Result
	err error
}

func (w *worker) settle(p part) (chunk, error) {
	c := chunk{n: p.n, count: len(p.items)}
	for i := range p.items {
		it := &p.items[i]
		if it.err != nil {
			w.t.claims++
			w.t.refuse(it.seq, it.err, true, true)
			continue
		}
		cl := &it.line.Claim
		ps := w.persons[it.person]
		if ps == nil {
			ps = &person{}
			w.persons[it.person] = ps
		} else if cl.Visit.Admission.Before(ps.last) {
			return c, core.Errors{core.NewErrorText(core.FieldInvalid, "/claim/visit/admission",
				fmt.Sprintf("record %d (admitted %s) comes after record %d of the same person (admitted %s): a person's claims must be in date order",
					it.seq, cl.Visit.Admission, ps.lastSeq, ps.last),
				fmt.Sprintf("第 %d 条（入院 %s）排在同一人的第 %d 条（入院 %s）之后：同一人的就诊须按日期排列",
					it.seq, cl.Visit.Admission, ps.lastSeq, ps.last))}
		}
		ps.last, ps.lastSeq = cl.Visit.Admission, it.seq
		balance := cl.Totals.FamilyAccount
		oldP, err := w.o.Old(&it.line)
		var old outcome
		if err != nil {
			old.err = err
		} else {
			old = run(oldP, cl, &ps.old, balance)
			if old.res != nil {
				w.refs[old.res.Policy] = true
			}
		}
		nw := run(w.o.New, cl, &ps.new, balance)
		if old.err != nil || nw.err != nil {
			err := nw.err
			if err == nil {
				err = old.err
			}
			w.t.refuse(it.seq, err, old.err != nil, nw.err != nil)
		}
		if d, changed := w.t.add(it, old, nw, w.o); changed {
			c.diffs = append(c.diffs, d)
		}
	}
	return c, nil
}

// run settles cl under p on the person's side, carrying its totals.
func run(p *policy.Compiled, cl *claim.Claim, s *side, balance money.Amount) outcome {
	year := cl.Date(p).Year
	if s.totals.Year != year {
		s.totals = claim.NewTotals(year)
	}
	cl.Totals = s.totals.Carried(balance)
	r, err := settle.RunQuiet(p, cl)
	cl.Totals = claim.Totals{FamilyAccount: balance}
	if err != nil {
		return outcome{err: err}
	}
	// The result's lists live in the settlement's own storage: copied, the person
	// keeps only their figures.
	after := r.TotalsAfter
	s.totals = claim.Totals{Year: after.Year, FamilyAccount: after.FamilyAccount,
		Funds:      append(make([]claim.FundTotal, 0, len(after.Funds)), after.Funds...),
		Admissions: append(make([]claim.ClassCount, 0, len(after.Admissions)), after.Admissions...)}
	for i := range s.totals.Admissions {
		// The class as the policy spells it: the claim's own text would keep the
		// whole decoded claim's texts alive for the rest of the year.
		if c, ok := p.Class(s.totals.Admissions[i].Class); ok {
			s.totals.Admissions[i].Class = c.Code
		}
	}
	for _, wn := range r.Warnings {
		if wn.Code == core.WarnCapReached {
			s.capped = true
		}
	}
	return outcome{res: r}
}
