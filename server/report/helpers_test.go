package report_test

import (
	"context"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/server/ledger"
	"github.com/ruralhealth/ncms/server/report"
)

// Resident IDs used across the tests; the report does not check them.
const (
	idA = "640221199001010015"
	idB = "640221198505050023"
	idC = "640221197012120031"
	idD = "640221196003030047"
	idE = "640221195511110058"
	idF = "640221194807070062"
)

// journal is a slice of entries served as the ledger serves them.
type journal []*ledger.Entry

func (j journal) seq() iter.Seq2[*ledger.Entry, error] {
	return func(yield func(*ledger.Entry, error) bool) {
		for _, e := range j {
			if !yield(e, nil) {
				return
			}
		}
	}
}

// failing yields the entries, then err.
func failing(j journal, err error) iter.Seq2[*ledger.Entry, error] {
	return func(yield func(*ledger.Entry, error) bool) {
		for _, e := range j {
			if !yield(e, nil) {
				return
			}
		}
		yield(nil, err)
	}
}

// settle returns an inpatient settlement at H1 (class county, township T1, policy
// p) admitted and discharged on admission, with Cash = total − fund, all of the
// fund from the basic pool. Options adjust it.
func settle(seq int64, person, admission, total, fund string, opts ...func(*ledger.Entry)) *ledger.Entry {
	t, f := money.MustAmount(total), money.MustAmount(fund)
	d := civil.MustParse(admission)
	e := &ledger.Entry{
		Seq: seq, Kind: ledger.KindSettlement,
		Institution: "H1", Visit: fmt.Sprintf("V%d", seq), Person: person, Township: "T1",
		VisitType: string(policy.VisitInpatient), Class: "county", Admission: d, Discharge: d,
		PolicyID: "p", BillHash: fmt.Sprintf("bill-%d", seq),
		Total: t, FundTotal: f, Cash: t.Sub(f),
		Funds:    []ledger.FundPaid{{Fund: "basic", Kind: "pool", Amount: f}},
		Recorded: time.Date(d.Year, d.Month, d.Day, 10, 0, 0, 0, time.UTC),
	}
	for _, o := range opts {
		o(e)
	}
	return e
}

// reverse returns the reversal of settlement of, recorded on the date recorded (it
// carries that date as its admission too, the worst case for a date filter).
func reverse(seq, of int64, recorded string) *ledger.Entry {
	d := civil.MustParse(recorded)
	return &ledger.Entry{
		Seq: seq, Kind: ledger.KindReversal, Reverses: of, Admission: d,
		Recorded: time.Date(d.Year, d.Month, d.Day, 10, 0, 0, 0, time.UTC), Reason: "wrong bill",
	}
}

func at(institution, class, township string) func(*ledger.Entry) {
	return func(e *ledger.Entry) { e.Institution, e.Class, e.Township = institution, class, township }
}

func visitType(t string) func(*ledger.Entry) { return func(e *ledger.Entry) { e.VisitType = t } }

func discharged(d string) func(*ledger.Entry) {
	return func(e *ledger.Entry) { e.Discharge = civil.MustParse(d) }
}

func drug(a string) func(*ledger.Entry) {
	return func(e *ledger.Entry) { e.Drug = money.MustAmount(a) }
}

func bill(h string) func(*ledger.Entry) { return func(e *ledger.Entry) { e.BillHash = h } }

func warns(codes ...string) func(*ledger.Entry) { return func(e *ledger.Entry) { e.Warnings = codes } }

func policyID(id string) func(*ledger.Entry) { return func(e *ledger.Entry) { e.PolicyID = id } }

func household(id string) func(*ledger.Entry) { return func(e *ledger.Entry) { e.Household = id } }

func corrects(seq int64) func(*ledger.Entry) { return func(e *ledger.Entry) { e.Corrects = seq } }

// funds replaces the fund split with code=amount pairs.
func funds(pairs ...string) func(*ledger.Entry) {
	return func(e *ledger.Entry) {
		e.Funds = nil
		for _, p := range pairs {
			code, amt, _ := strings.Cut(p, "=")
			e.Funds = append(e.Funds, ledger.FundPaid{Fund: code, Kind: "pool", Amount: money.MustAmount(amt)})
		}
	}
}

func month(y int, m time.Month) report.Range { return report.MonthRange(y, m) }

func span(from, to string) report.Range {
	return report.Range{From: civil.MustParse(from), To: civil.MustParse(to)}
}

// registry is an in-memory report.Registry.
type registry struct {
	persons    map[string]ledger.Person
	households map[string]ledger.Household
	err        error // returned by every lookup when set
}

func (r registry) Person(id string) (*ledger.Person, error) {
	if r.err != nil {
		return nil, r.err
	}
	p, ok := r.persons[id]
	if !ok {
		return nil, fmt.Errorf("person %s: %w", id, ledger.ErrNotFound)
	}
	return &p, nil
}

func (r registry) Household(id string) (*ledger.Household, error) {
	if r.err != nil {
		return nil, r.err
	}
	h, ok := r.households[id]
	if !ok {
		return nil, ledger.ErrNotFound
	}
	return &h, nil
}

// fakeTx serves Entries, Person and Household from memory; the other methods of
// ledger.Tx are not used by the report and panic through the nil embedded Tx.
type fakeTx struct {
	ledger.Tx
	entries journal
	reg     registry
	filters []ledger.Filter
}

func (tx *fakeTx) Entries(_ context.Context, f ledger.Filter) iter.Seq2[*ledger.Entry, error] {
	tx.filters = append(tx.filters, f)
	return func(yield func(*ledger.Entry, error) bool) {
		for _, e := range tx.entries {
			if f.Kind != "" && e.Kind != f.Kind ||
				!f.From.IsZero() && e.Admission.Before(f.From) ||
				!f.To.IsZero() && e.Admission.After(f.To) {
				continue
			}
			if !yield(e, nil) {
				return
			}
		}
	}
}

func (tx *fakeTx) Person(_ context.Context, id string) (*ledger.Person, error) {
	return tx.reg.Person(id)
}

func (tx *fakeTx) Household(_ context.Context, id string) (*ledger.Household, error) {
	return tx.reg.Household(id)
}
