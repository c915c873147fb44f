// Package report computes the county's reports from the journal: settlement
// summaries by period (日上报、周汇总、旬调度、月通报), the monthly village public
// notice (公示) and the audit flags. The figures are computed in Go from journal
// entries, not in SQL, so that every store gives the same numbers.
//
// Every report counts only the settlements that stand: a settlement that a
// reversal names does not count, whenever the reversal was recorded, and a
// correction is an ordinary settlement. Entries are selected by admission date.
package report

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/server/ledger"
)

// Range is an inclusive range of admission dates.
type Range struct {
	From civil.Date `json:"from"`
	To   civil.Date `json:"to"`
}

// MonthRange returns the range of the days of one calendar month.
func MonthRange(year int, m time.Month) Range {
	first := civil.New(year, m, 1)
	return Range{From: first, To: first.AddMonths(1).AddDays(-1)}
}

// Contains reports whether d falls in the range.
func (r Range) Contains(d civil.Date) bool {
	return !d.Before(r.From) && !d.After(r.To)
}

// check adds what is wrong with the range to es, with paths under prefix.
func (r Range) check(prefix string, es *core.Errors) {
	for _, f := range []struct {
		d    civil.Date
		path string
	}{{r.From, prefix + "/from"}, {r.To, prefix + "/to"}} {
		switch {
		case f.d.IsZero():
			es.Add(core.FieldRequired, f.path, "")
		case !f.d.Valid() || f.d.Year < 1 || f.d.Year > 9999:
			es.Add(core.DateInvalid, f.path, f.d.String())
		}
	}
	if r.From.Valid() && r.To.Valid() && r.To.Before(r.From) {
		es.AddText(core.DateOrder, prefix+"/to", r.To.String()+" is before "+r.From.String(), r.To.String()+" 早于 "+r.From.String())
	}
}

// Journal yields what a report needs from the ledger: the settlements admitted in
// [from, to] and every reversal, whatever its date, so that a settlement reversed
// later (or recorded under another admission date) is still cancelled.
func Journal(ctx context.Context, tx ledger.Tx, from, to civil.Date) iter.Seq2[*ledger.Entry, error] {
	return func(yield func(*ledger.Entry, error) bool) {
		for _, f := range []ledger.Filter{
			{From: from, To: to, Kind: ledger.KindSettlement},
			{Kind: ledger.KindReversal},
		} {
			for e, err := range tx.Entries(ctx, f) {
				if !yield(e, err) || err != nil {
					return
				}
			}
		}
	}
}

// Registry finds the registry records the public notice names. A lookup that
// returns an error matching ledger.ErrNotFound leaves the field empty; any other
// error stops the report.
type Registry interface {
	Person(id string) (*ledger.Person, error)
	Household(id string) (*ledger.Household, error)
}

// TxRegistry returns a Registry that reads from tx with ctx.
func TxRegistry(ctx context.Context, tx ledger.Tx) Registry { return txRegistry{ctx, tx} }

type txRegistry struct {
	ctx context.Context
	tx  ledger.Tx
}

func (r txRegistry) Person(id string) (*ledger.Person, error) { return r.tx.Person(r.ctx, id) }
func (r txRegistry) Household(id string) (*ledger.Household, error) {
	return r.tx.Household(r.ctx, id)
}

// standing reads the journal and returns the settlements that keep accepts and
// no reversal names, in sequence order. An entry read twice (the same Seq) counts
// once, so overlapping reads cannot double a figure.
//
// What it returns are copies without the request, result and totals delta: a year
// of a county's journal is hundreds of thousands of entries, and those fields are
// most of each one's size.
func standing(entries iter.Seq2[*ledger.Entry, error], keep func(*ledger.Entry) bool) ([]*ledger.Entry, error) {
	if entries == nil {
		return nil, nil
	}
	seen := make(map[int64]bool)
	reversed := make(map[int64]bool)
	var settled []*ledger.Entry
	for e, err := range entries {
		if err != nil {
			return nil, fmt.Errorf("report: reading the journal: %w", err)
		}
		if e == nil {
			return nil, errors.New("report: the journal yielded a nil entry")
		}
		if seen[e.Seq] {
			continue
		}
		seen[e.Seq] = true
		switch e.Kind {
		case ledger.KindSettlement:
			// Check before keep decides: a damaged date must not drop an entry silently.
			if err := checkEntry(e); err != nil {
				return nil, err
			}
			if !keep(e) {
				continue
			}
			c := *e
			c.Request, c.Result, c.Delta = nil, nil, claim.Totals{}
			settled = append(settled, &c)
		case ledger.KindReversal:
			reversed[e.Reverses] = true
		default:
			// An unknown kind might move money; skipping it silently could understate
			// a report, so refuse instead.
			return nil, fmt.Errorf("report: entry %d: unknown kind %q", e.Seq, e.Kind)
		}
	}
	out := settled[:0]
	for _, e := range settled {
		if !reversed[e.Seq] {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b *ledger.Entry) int { return cmp.Compare(a.Seq, b.Seq) })
	return out, nil
}

// checkEntry rejects a settlement whose dates or amounts a report cannot use. The
// ledger validates claims before recording them, so this only catches damaged rows.
func checkEntry(e *ledger.Entry) error {
	if !e.Admission.Valid() {
		return fmt.Errorf("report: entry %d: invalid admission date %q", e.Seq, e.Admission.String())
	}
	if !e.Discharge.IsZero() && !e.Discharge.Valid() {
		return fmt.Errorf("report: entry %d: invalid discharge date %q", e.Seq, e.Discharge.String())
	}
	amounts := []struct {
		name string
		a    money.Amount
	}{{"total", e.Total}, {"drug", e.Drug}, {"fund total", e.FundTotal}, {"cash", e.Cash}}
	for _, f := range e.Funds {
		amounts = append(amounts, struct {
			name string
			a    money.Amount
		}{"fund " + f.Fund, f.Amount})
	}
	for _, f := range amounts {
		if p := f.a.Problem(); p != "" {
			return fmt.Errorf("report: entry %d: %s amount %q: %s", e.Seq, f.name, f.a.String(), p)
		}
	}
	return nil
}
