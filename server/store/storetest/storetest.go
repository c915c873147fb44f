// Package storetest is the suite every ledger.Store passes: the same tests run
// against SQLite and PostgreSQL, as one engine suite runs against every engine.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/google/go-cmp/cmp"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/core/enroll"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/server/ledger"
)

// Opener returns the store under test for t. Each t gets an empty database of its
// own; calling it again with the same t opens the same database again (the suite
// closes a store and reopens it to check what survives). Stores it opens are closed
// when t ends; closing one twice must be harmless.
type Opener func(t *testing.T) ledger.Store

// Run runs the suite against the stores open returns.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		run  func(t *testing.T, open Opener)
	}{
		{"EntryRoundTrip", testEntryRoundTrip},
		{"AppendRejects", testAppendRejects},
		{"NotFound", testNotFound},
		{"Current", testCurrent},
		{"Entries", testEntries},
		{"EntriesPages", testEntriesPages},
		{"Settlements", testSettlements},
		{"CardsOf", testCardsOf},
		{"RegistryPages", testRegistryPages},
		{"Totals", testTotals},
		{"Registry", testRegistry},
		{"Cards", testCards},
		{"Policies", testPolicies},
		{"Keys", testKeys},
		{"Operators", testOperators},
		{"Sessions", testSessions},
		{"Facilities", testFacilities},
		{"SettledInvoice", testSettledInvoice},
		{"Manual", testManual},
		{"Books", testBooks},
		{"HouseholdBooks", testHouseholdBooks},
		{"UpdateError", testUpdateError},
		{"ViewReadOnly", testViewReadOnly},
		{"Panic", testPanic},
		{"SerializedPerPerson", testSerializedPerPerson},
		{"FailureInGroup", testFailureInGroup},
		{"OppositeLockOrder", testOppositeLockOrder},
		{"Reopen", testReopen},
		{"CancelledContext", testCancelledContext},
		{"Closed", testClosed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, open) })
	}
}

// cmpOpts compare amounts and dates by value and canonical text: their rare states
// sit behind unexported pointers.
var cmpOpts = cmp.Options{
	cmp.Comparer(func(a, b money.Amount) bool { return a.Cmp(b) == 0 && a.String() == b.String() }),
	cmp.Comparer(func(a, b civil.Date) bool { return a.String() == b.String() }),
}

// Settlement returns a journal entry of a settlement with every field set, as the
// ledger writes one.
func Settlement(institution, visit, person, admission string) *ledger.Entry {
	adm := civil.MustParse(admission)
	return &ledger.Entry{
		Kind:        ledger.KindSettlement,
		Institution: institution, Visit: visit, Person: person,
		Household: "H-" + person, Township: "城关镇", Year: adm.Year,
		VisitType: "inpatient", Class: "county", Admission: adm, Discharge: adm.AddDays(4),
		Disease:  "J18.9",
		PolicyID: "county-2024", PolicyVersion: "2024.2", PolicyHash: "sha256:5e0c", BillHash: "sha256:b111-" + visit,
		Eligible: true, Route: "ordinary",
		Total: money.MustAmount("8432.10"), Drug: money.MustAmount("2301.00"),
		FundTotal: money.MustAmount("5210.37"), Cash: money.MustAmount("3221.73"),
		Funds: []ledger.FundPaid{
			{Fund: "pool", Kind: "pool", Amount: money.MustAmount("4800.00")},
			{Fund: "serious", Kind: "layer", Amount: money.MustAmount("410.37")},
		},
		Warnings: []string{"drug_share_high"},
		Delta: claim.Totals{Year: adm.Year,
			Funds: []claim.FundTotal{{Fund: "pool", Paid: money.MustAmount("4800.00"),
				Base: money.MustAmount("7000.00"), Deductible: money.MustAmount("500.00"), Visits: 1}},
			Admissions:    []claim.ClassCount{{Class: "county", Count: 1}},
			FamilyAccount: money.MustAmount("20.00")},
		// Not canonical on purpose: the bytes must come back as they went in.
		Request:  []byte("{\"claim\": {\"id\": \"" + visit + "\",  \"name\": \"张三\"}}\n"),
		Result:   []byte(`{"total":"8432.10","funds":[{"fund":"pool"}]}`),
		Recorded: time.Date(2024, 3, 5, 9, 30, 15, 123456789, time.FixedZone("CST", 8*3600)),
		Key:      "key-1",
		Operator: "op_1",
		Invoice:  "FP-" + visit,
	}
}

// reversalOf returns the reversal of e, its delta negated.
func reversalOf(e *ledger.Entry, seq int64) *ledger.Entry {
	r := *e
	r.Seq, r.Kind, r.Reverses, r.Corrects = 0, ledger.KindReversal, seq, 0
	r.Request, r.Result = nil, nil
	r.Reason = "录入错误"
	r.Delta = negate(e.Delta)
	return &r
}

func negate(t claim.Totals) claim.Totals {
	neg := func(a money.Amount) money.Amount { return money.Amount{}.Sub(a) }
	out := claim.Totals{Year: t.Year, FamilyAccount: neg(t.FamilyAccount)}
	for _, f := range t.Funds {
		out.Funds = append(out.Funds, claim.FundTotal{Fund: f.Fund, Paid: neg(f.Paid), Base: neg(f.Base),
			Deductible: neg(f.Deductible), Visits: -f.Visits})
	}
	for _, c := range t.Admissions {
		out.Admissions = append(out.Admissions, claim.ClassCount{Class: c.Class, Count: -c.Count})
	}
	return out
}

// update runs fn in an Update and fails t if it returns an error.
func update(t *testing.T, s ledger.Store, fn func(ctx context.Context, tx ledger.Tx) error) {
	t.Helper()
	ctx := t.Context()
	if err := s.Update(ctx, func(tx ledger.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

// view runs fn in a View and fails t if it returns an error.
func view(t *testing.T, s ledger.Store, fn func(ctx context.Context, tx ledger.Tx) error) {
	t.Helper()
	ctx := t.Context()
	if err := s.View(ctx, func(tx ledger.Tx) error { return fn(ctx, tx) }); err != nil {
		t.Fatalf("View: %v", err)
	}
}

// appendAll appends the entries in one Update and returns their sequence numbers.
func appendAll(t *testing.T, s ledger.Store, es ...*ledger.Entry) []int64 {
	t.Helper()
	seqs := make([]int64, len(es))
	update(t, s, func(ctx context.Context, tx ledger.Tx) error {
		for i, e := range es {
			seq, err := tx.Append(ctx, e)
			if err != nil {
				return err
			}
			seqs[i] = seq
		}
		return nil
	})
	return seqs
}

// entries collects what Entries yields for f.
func entries(t *testing.T, s ledger.Store, f ledger.Filter) []*ledger.Entry {
	t.Helper()
	var out []*ledger.Entry
	view(t, s, func(ctx context.Context, tx ledger.Tx) error {
		for e, err := range tx.Entries(ctx, f) {
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out
}

func seqsOf(es []*ledger.Entry) []int64 {
	out := []int64{}
	for _, e := range es {
		out = append(out, e.Seq)
	}
	return out
}

func testEntryRoundTrip(t *testing.T, open Opener) {
	s := open(t)
	full := Settlement("H001", "V1", "P1", "2024-03-01")

	fine := Settlement("H001", "V2", "P1", "2024-03-02")
	// Finer than a fen, as a ratio's product is before rounding, and large.
	fine.Delta.Funds[0].Base = money.MustAmount("1000.00").Mul(money.MustRate("0.3333"))
	fine.Total = money.MustAmount("999999999999.99")
	fine.Cash = money.Amount{}
	fine.Corrects = 1

	bare := &ledger.Entry{Kind: ledger.KindSettlement, Institution: "H002", Visit: "V3", Person: "P2"}
	bareWant := *bare
	bareWant.Funds, bareWant.Warnings = []ledger.FundPaid{}, []string{}
	bareWant.Delta = claim.Totals{Funds: []claim.FundTotal{}, Admissions: []claim.ClassCount{}}

	tests := []struct {
		name string
		in   *ledger.Entry
		want *ledger.Entry // in, if nil
	}{
		{"settlement", full, nil},
		{"fine amounts", fine, nil},
		{"reversal", reversalOf(full, 1), nil},
		{"no lists, no bytes", bare, &bareWant},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			seq := appendAll(t, s, tc.in)[0]
			if seq != int64(i+1) {
				t.Errorf("seq = %d, want %d", seq, i+1)
			}
			want := *tc.in
			if tc.want != nil {
				want = *tc.want
			}
			want.Seq = seq
			var got *ledger.Entry
			view(t, s, func(ctx context.Context, tx ledger.Tx) (err error) {
				got, err = tx.Entry(ctx, seq)
				return err
			})
			if d := cmp.Diff(&want, got, cmpOpts); d != "" {
				t.Errorf("Entry(%d) -want +got:\n%s", seq, d)
			}
			if !bytes.Equal(got.Request, want.Request) || !bytes.Equal(got.Result, want.Result) {
				t.Errorf("Request, Result = %q, %q; want %q, %q", got.Request, got.Result, want.Request, want.Result)
			}
		})
	}

	// The reversal's negative delta reads back as a value, not as bad input text.
	view(t, s, func(ctx context.Context, tx ledger.Tx) error {
		r, err := tx.Entry(ctx, 3)
		if err != nil {
			return err
		}
		paid := r.Delta.Funds[0].Paid
		if paid.Sign() >= 0 || paid.Problem() != "" || !paid.Add(full.Delta.Funds[0].Paid).IsZero() {
			t.Errorf("reversal's delta paid = %s (problem %q), want −%s as a value", paid, paid.Problem(), full.Delta.Funds[0].Paid)
		}
		f, err := tx.Entry(ctx, 2)
		if err != nil {
			return err
		}
		if got := f.Delta.Funds[0].Base.String(); got != "333.3" && got != "333.30" {
			t.Errorf("fine base = %s, want 333.30", got)
		}
		return nil
	})
}

// badAmount is an amount decoded from text that is not an amount.
func badAmount(t *testing.T) money.Amount {
	var a money.Amount
	if err := json.Unmarshal([]byte(`"12,30"`), &a); err != nil || a.Problem() == "" {
		t.Fatalf("want an amount with a problem, got %v, %q", err, a.Problem())
	}
	return a
}

func testAppendRejects(t *testing.T, open Opener) {
	s := open(t)
	first := appendAll(t, s, Settlement("H001", "V1", "P1", "2024-03-01"))[0]
	appendAll(t, s, reversalOf(Settlement("H001", "V1", "P1", "2024-03-01"), first))

	edit := func(f func(e *ledger.Entry)) *ledger.Entry {
		e := Settlement("H001", "V9", "P9", "2024-03-09")
		f(e)
		return e
	}
	tests := []struct {
		name string
		e    *ledger.Entry
	}{
		{"unknown kind", edit(func(e *ledger.Entry) { e.Kind = "adjustment" })},
		{"reversal naming nothing", edit(func(e *ledger.Entry) { e.Kind = ledger.KindReversal })},
		{"settlement naming a reversed entry", edit(func(e *ledger.Entry) { e.Reverses = first })},
		{"reversal of a missing entry", reversalOf(Settlement("H001", "V9", "P9", "2024-03-09"), 999)},
		{"second reversal", reversalOf(Settlement("H001", "V1", "P1", "2024-03-01"), first)},
		{"correction of a missing entry", edit(func(e *ledger.Entry) { e.Corrects = 999 })},
		{"amount with a problem", edit(func(e *ledger.Entry) { e.Cash = badAmount(t) })},
		{"nested amount with a problem", edit(func(e *ledger.Entry) { e.Delta.Funds[0].Paid = badAmount(t) })},
		{"time past 9999", edit(func(e *ledger.Entry) { e.Recorded = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) })},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := s.Update(t.Context(), func(tx ledger.Tx) error {
				_, err := tx.Append(t.Context(), tc.e)
				return err
			})
			if err == nil {
				t.Fatal("Append succeeded")
			}
			if got := entries(t, s, ledger.Filter{}); len(got) != 2 {
				t.Errorf("journal has %d entries after a failed Append, want 2", len(got))
			}
		})
	}
}

func testNotFound(t *testing.T, open Opener) {
	s := open(t)
	appendAll(t, s, Settlement("H001", "V1", "P1", "2024-03-01"))
	tests := []struct {
		name string
		get  func(ctx context.Context, tx ledger.Tx) error
	}{
		{"Entry", func(ctx context.Context, tx ledger.Tx) error { _, err := tx.Entry(ctx, 2); return err }},
		{"Current other visit", func(ctx context.Context, tx ledger.Tx) error { _, err := tx.Current(ctx, "H001", "V2"); return err }},
		{"Current other institution", func(ctx context.Context, tx ledger.Tx) error { _, err := tx.Current(ctx, "H002", "V1"); return err }},
		{"ReversalOf", func(ctx context.Context, tx ledger.Tx) error { _, err := tx.ReversalOf(ctx, 1); return err }},
		{"Household", func(ctx context.Context, tx ledger.Tx) error { _, err := tx.Household(ctx, "H"); return err }},
		{"Person", func(ctx context.Context, tx ledger.Tx) error { _, err := tx.Person(ctx, "P1"); return err }},
		{"Card", func(ctx context.Context, tx ledger.Tx) error { _, err := tx.Card(ctx, "C1"); return err }},
		{"KeyByHash", func(ctx context.Context, tx ledger.Tx) error { _, err := tx.KeyByHash(ctx, "abc"); return err }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for name, run := range map[string]func(context.Context, func(ledger.Tx) error) error{"View": s.View, "Update": s.Update} {
				err := run(t.Context(), func(tx ledger.Tx) error { return tc.get(t.Context(), tx) })
				if !errors.Is(err, ledger.ErrNotFound) {
					t.Errorf("in %s: err = %v, want ledger.ErrNotFound", name, err)
				}
			}
		})
	}
}

func testCurrent(t *testing.T, open Opener) {
	s := open(t)
	a := Settlement("H001", "V1", "P1", "2024-03-01")
	other := Settlement("H002", "V1", "P2", "2024-03-01") // same visit id, other hospital
	seqs := appendAll(t, s, a, other)                     // 1, 2

	current := func(institution, visit string) (int64, error) {
		var seq int64
		err := s.View(t.Context(), func(tx ledger.Tx) error {
			e, err := tx.Current(t.Context(), institution, visit)
			if err == nil {
				seq = e.Seq
			}
			return err
		})
		return seq, err
	}
	want := func(step string, institution, visit string, seq int64) {
		t.Helper()
		got, err := current(institution, visit)
		if seq == 0 {
			if !errors.Is(err, ledger.ErrNotFound) {
				t.Errorf("%s: Current(%s, %s) = %d, %v; want ErrNotFound", step, institution, visit, got, err)
			}
			return
		}
		if err != nil || got != seq {
			t.Errorf("%s: Current(%s, %s) = %d, %v; want %d", step, institution, visit, got, err, seq)
		}
	}
	want("settled", "H001", "V1", seqs[0])
	want("settled", "H002", "V1", seqs[1])

	// A correction: the reversal of 1 and the settlement that replaces it.
	b := Settlement("H001", "V1", "P1", "2024-03-01")
	b.Corrects, b.BillHash = seqs[0], "sha256:b222"
	corr := appendAll(t, s, reversalOf(a, seqs[0]), b) // 3, 4
	want("corrected", "H001", "V1", corr[1])
	want("corrected", "H002", "V1", seqs[1])

	view(t, s, func(ctx context.Context, tx ledger.Tx) error {
		r, err := tx.ReversalOf(ctx, seqs[0])
		if err != nil {
			return err
		}
		if r.Seq != corr[0] || r.Kind != ledger.KindReversal || r.Reverses != seqs[0] {
			t.Errorf("ReversalOf(%d) = seq %d %s of %d, want seq %d", seqs[0], r.Seq, r.Kind, r.Reverses, corr[0])
		}
		if _, err := tx.ReversalOf(ctx, corr[1]); !errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("ReversalOf(%d) err = %v, want ErrNotFound", corr[1], err)
		}
		return nil
	})

	appendAll(t, s, reversalOf(b, corr[1])) // 5
	want("reversed", "H001", "V1", 0)
	want("reversed", "H002", "V1", seqs[1])

	// A later settlement of the visit is current again; the reversed ones stay so.
	c := Settlement("H001", "V1", "P1", "2024-03-01")
	last := appendAll(t, s, c)[0]
	want("settled again", "H001", "V1", last)

	// Reversed finds the latest reversed settlement of the visit with the bill: the
	// one the correction replaced (a's bill, which c shares unreversed) and b.
	view(t, s, func(ctx context.Context, tx ledger.Tx) error {
		for _, tc := range []struct {
			institution, bill string
			want              int64
		}{
			{"H001", a.BillHash, seqs[0]},
			{"H001", b.BillHash, corr[1]},
			{"H002", other.BillHash, 0},
			{"H001", "sha256:none", 0},
		} {
			e, err := tx.Reversed(ctx, tc.institution, "V1", tc.bill)
			switch {
			case tc.want == 0 && !errors.Is(err, ledger.ErrNotFound):
				t.Errorf("Reversed(%s, V1, %s) = %v, %v; want ErrNotFound", tc.institution, tc.bill, e, err)
			case tc.want != 0 && (err != nil || e.Seq != tc.want):
				t.Errorf("Reversed(%s, V1, %s) = %v, %v; want seq %d", tc.institution, tc.bill, e, err, tc.want)
			}
		}
		return nil
	})
}

func testEntries(t *testing.T, open Opener) {
	s := open(t)
	type row struct{ inst, visit, person, adm string }
	rows := []row{
		{"H001", "V1", "P1", "2024-01-15"}, // 1
		{"H002", "V2", "P2", "2024-02-01"}, // 2
		{"H001", "V3", "P2", "2024-02-29"}, // 3
		{"H001", "V4", "P1", "2024-03-01"}, // 4
		{"H002", "V5", "P3", "2023-12-31"}, // 5
	}
	var es []*ledger.Entry
	for _, r := range rows {
		es = append(es, Settlement(r.inst, r.visit, r.person, r.adm))
	}
	appendAll(t, s, es...)
	appendAll(t, s, reversalOf(es[2], 3)) // 6, admission 2024-02-29
	noDate := &ledger.Entry{Kind: ledger.KindSettlement, Institution: "H003", Visit: "V7", Person: "P1"}
	appendAll(t, s, noDate) // 7

	feb := func(f ledger.Filter) ledger.Filter {
		f.From, f.To = civil.MustParse("2024-02-01"), civil.MustParse("2024-02-29")
		return f
	}
	tests := []struct {
		name string
		f    ledger.Filter
		want []int64
	}{
		{"all", ledger.Filter{}, []int64{1, 2, 3, 4, 5, 6, 7}},
		{"institution", ledger.Filter{Institution: "H001"}, []int64{1, 3, 4, 6}},
		{"person", ledger.Filter{Person: "P2"}, []int64{2, 3, 6}},
		{"kind settlement", ledger.Filter{Kind: ledger.KindSettlement}, []int64{1, 2, 3, 4, 5, 7}},
		{"kind reversal", ledger.Filter{Kind: ledger.KindReversal}, []int64{6}},
		{"admission range inclusive", feb(ledger.Filter{}), []int64{2, 3, 6}},
		{"from only", ledger.Filter{From: civil.MustParse("2024-02-29")}, []int64{3, 4, 6}},
		{"to only", ledger.Filter{To: civil.MustParse("2024-01-15")}, []int64{1, 5}},
		{"range and institution", feb(ledger.Filter{Institution: "H001"}), []int64{3, 6}},
		{"range, institution and kind", feb(ledger.Filter{Institution: "H001", Kind: ledger.KindSettlement}), []int64{3}},
		{"after", ledger.Filter{AfterSeq: 4}, []int64{5, 6, 7}},
		{"limit", ledger.Filter{Limit: 2}, []int64{1, 2}},
		{"after and limit", ledger.Filter{AfterSeq: 2, Limit: 3, Institution: "H001"}, []int64{3, 4, 6}},
		{"nothing", ledger.Filter{Person: "P9"}, []int64{}},
		{"empty range", ledger.Filter{From: civil.MustParse("2024-03-02"), To: civil.MustParse("2024-03-01")}, []int64{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := entries(t, s, tc.f)
			if d := cmp.Diff(tc.want, seqsOf(got)); d != "" {
				t.Errorf("Entries(%+v) seqs -want +got:\n%s", tc.f, d)
			}
			for _, e := range got {
				if e.Seq == 3 && (e.Person != "P2" || e.Visit != "V3") {
					t.Errorf("entry 3 = %s %s, want P2 V3", e.Person, e.Visit)
				}
			}
		})
	}
}

func testEntriesPages(t *testing.T, open Opener) {
	s := open(t)
	const n = 600 // more than two of the store's pages
	es := make([]*ledger.Entry, n)
	for i := range es {
		es[i] = Settlement("H001", fmt.Sprintf("V%04d", i), fmt.Sprintf("P%d", i%2), "2024-05-01")
	}
	appendAll(t, s, es...)

	tests := []struct {
		name  string
		f     ledger.Filter
		stop  int // stop the loop after this many, or 0
		count int
		first int64
	}{
		{"all", ledger.Filter{}, 0, n, 1},
		{"one person", ledger.Filter{Person: "P1"}, 0, n / 2, 2},
		{"limit across pages", ledger.Filter{Limit: 300}, 0, 300, 1},
		{"after, across pages", ledger.Filter{AfterSeq: 100}, 0, n - 100, 101},
		{"stop early", ledger.Filter{}, 270, 270, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []int64
			view(t, s, func(ctx context.Context, tx ledger.Tx) error {
				for e, err := range tx.Entries(ctx, tc.f) {
					if err != nil {
						return err
					}
					got = append(got, e.Seq)
					// The loop body can use the transaction while iterating.
					if e.Seq%97 == 0 {
						if _, err := tx.Entry(ctx, e.Seq); err != nil {
							return err
						}
					}
					if len(got) == tc.stop {
						break
					}
				}
				return nil
			})
			if len(got) != tc.count || got[0] != tc.first || !slices.IsSorted(got) || slices.Compact(slices.Clone(got)) == nil {
				t.Fatalf("got %d entries from %d, want %d from %d, in order", len(got), got[0], tc.count, tc.first)
			}
			if len(slices.Compact(slices.Clone(got))) != len(got) {
				t.Errorf("an entry came twice")
			}
		})
	}
}

func testTotals(t *testing.T, open Opener) {
	s := open(t)
	stored := claim.Totals{Year: 2024,
		Funds: []claim.FundTotal{
			{Fund: "outpatient", Paid: money.MustAmount("120.50"), Visits: 3},
			{Fund: "pool", Paid: money.MustAmount("4800.00"), Base: money.MustAmount("7000.00"),
				Deductible: money.MustAmount("500.00"), Visits: 1},
		},
		Admissions:    []claim.ClassCount{{Class: "county", Count: 1}},
		FamilyAccount: money.MustAmount("80.00")}
	empty := func(year int) claim.Totals {
		return claim.Totals{Year: year, Funds: []claim.FundTotal{}, Admissions: []claim.ClassCount{}}
	}
	lock := func(ctx context.Context, tx ledger.Tx, person string, year int, want claim.Totals) error {
		got, err := tx.LockTotals(ctx, person, year)
		if err != nil {
			return err
		}
		if d := cmp.Diff(want, got, cmpOpts); d != "" {
			t.Errorf("LockTotals(%s, %d) -want +got:\n%s", person, year, d)
		}
		if got.Funds == nil || got.Admissions == nil {
			t.Errorf("LockTotals(%s, %d) has nil lists", person, year)
		}
		return nil
	}

	update(t, s, func(ctx context.Context, tx ledger.Tx) error {
		if err := lock(ctx, tx, "P1", 2024, empty(2024)); err != nil {
			return err
		}
		return tx.PutTotals(ctx, "P1", 2024, stored)
	})
	update(t, s, func(ctx context.Context, tx ledger.Tx) error {
		if err := lock(ctx, tx, "P1", 2024, stored); err != nil {
			return err
		}
		if err := lock(ctx, tx, "P1", 2025, empty(2025)); err != nil {
			return err
		}
		return lock(ctx, tx, "P2", 2024, empty(2024))
	})
	// A View reads the totals too, without a lock.
	view(t, s, func(ctx context.Context, tx ledger.Tx) error {
		if err := lock(ctx, tx, "P1", 2024, stored); err != nil {
			return err
		}
		return lock(ctx, tx, "P3", 2023, empty(2023))
	})
	// PutTotals replaces; nil lists come back empty.
	update(t, s, func(ctx context.Context, tx ledger.Tx) error {
		return tx.PutTotals(ctx, "P1", 2024, claim.Totals{Year: 2024})
	})
	view(t, s, func(ctx context.Context, tx ledger.Tx) error { return lock(ctx, tx, "P1", 2024, empty(2024)) })
}

func testRegistry(t *testing.T, open Opener) {
	s := open(t)
	h1 := ledger.Household{ID: "H1", Head: "110101199003077777", Township: "城关镇", Village: "东村", Address: "东村 3 号"}
	h2 := ledger.Household{ID: "H2", Head: "P4", Township: "河口乡", Village: "西村"}
	persons := []ledger.Person{
		{ID: "P3", Name: "王五", Household: "H1", Category: "general", Birth: civil.MustParse("1990-03-07"),
			Enrollment: []enroll.Year{{Year: 2023, Tier: "basic", PaidOn: civil.MustParse("2022-12-01")},
				{Year: 2024, Tier: "plus", PaidOn: civil.MustParse("2023-11-20")}}},
		{ID: "P1", Name: "李四", Household: "H1", Category: "dibao", Enrollment: []enroll.Year{}},
		{ID: "P4", Name: "赵六", Household: "H2", Category: "general", Birth: civil.MustParse("1950-01-01"),
			Enrollment: []enroll.Year{{Year: 2024, PaidOn: civil.MustParse("2024-01-05")}}},
	}
	update(t, s, func(ctx context.Context, tx ledger.Tx) error {
		for _, h := range []ledger.Household{h1, h2} {
			if err := tx.PutHousehold(ctx, h); err != nil {
				return err
			}
		}
		for _, p := range persons {
			if err := tx.PutPerson(ctx, p); err != nil {
				return err
			}
		}
		return nil
	})
	// Put again replaces.
	h2.Address = "西村 8 号"
	moved := persons[1]
	moved.Household, moved.Name = "H2", "李四四"
	update(t, s, func(ctx context.Context, tx ledger.Tx) error {
		if err := tx.PutHousehold(ctx, h2); err != nil {
			return err
		}
		return tx.PutPerson(ctx, moved)
	})
	persons[1] = moved

	list := func(ctx context.Context, tx ledger.Tx, household string) ([]ledger.Person, error) {
		var out []ledger.Person
		for p, err := range tx.Persons(ctx, household) {
			if err != nil {
				return nil, err
			}
			out = append(out, *p)
		}
		return out, nil
	}
	view(t, s, func(ctx context.Context, tx ledger.Tx) error {
		for _, want := range []ledger.Household{h1, h2} {
			got, err := tx.Household(ctx, want.ID)
			if err != nil {
				return err
			}
			if d := cmp.Diff(want, *got); d != "" {
				t.Errorf("Household(%s) -want +got:\n%s", want.ID, d)
			}
		}
		for _, want := range persons {
			got, err := tx.Person(ctx, want.ID)
			if err != nil {
				return err
			}
			if d := cmp.Diff(want, *got, cmpOpts); d != "" {
				t.Errorf("Person(%s) -want +got:\n%s", want.ID, d)
			}
		}
		tests := []struct {
			household string
			want      []ledger.Person
		}{
			{"", []ledger.Person{persons[1], persons[0], persons[2]}}, // by ID
			{"H1", []ledger.Person{persons[0]}},
			{"H2", []ledger.Person{persons[1], persons[2]}},
			{"H9", nil},
		}
		for _, tc := range tests {
			got, err := list(ctx, tx, tc.household)
			if err != nil {
				return err
			}
			if d := cmp.Diff(tc.want, got, cmpOpts); d != "" {
				t.Errorf("Persons(%q) -want +got:\n%s", tc.household, d)
			}
		}
		return nil
	})
}

func testCards(t *testing.T, open Opener) {
	s := open(t)
	at := time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC)
	evs := []ledger.CardEvent{
		{Number: "C1", Owner: "P1", Certificate: "CERT-1", Event: identity.Issue, Date: civil.MustParse("2024-01-02"),
			Status: identity.Active, Recorded: at, Key: "k1"},
		{Number: "C2", Owner: "P2", Certificate: "CERT-2", Event: identity.Issue, Date: civil.MustParse("2024-01-03"),
			Status: identity.Active, Recorded: at.Add(time.Hour), Key: "k1"},
		// The counter's reasons come back as recorded.
		{Number: "C1", Owner: "P1", Certificate: "CERT-1", Event: identity.ReportLost, Date: civil.MustParse("2024-02-10"),
			Status: identity.Lost, Recorded: at.Add(2 * time.Hour), Key: "k2", Reason: "本人电话挂失"},
		{Number: "C1", Owner: "P1", Certificate: "CERT-1", Event: identity.ReverseLoss, Date: civil.MustParse("2024-02-11"),
			Status: identity.Active, Recorded: at.Add(3 * time.Hour), Key: "k2", Reason: "卡已找回"},
		{Number: "C1", Owner: "P1", Certificate: "CERT-1", Event: identity.Freeze, Date: civil.MustParse("2024-03-01"),
			Status: identity.Frozen, Recorded: at.Add(4 * time.Hour), Key: "k3"},
	}
	for _, ev := range evs { // one Update each, as the counter records them
		update(t, s, func(ctx context.Context, tx ledger.Tx) error { return tx.AppendCardEvent(ctx, ev) })
	}
	view(t, s, func(ctx context.Context, tx ledger.Tx) error {
		tests := []struct {
			number string
			want   ledger.CardRecord
			events []ledger.CardEvent
		}{
			{"C1", ledger.CardRecord{Card: identity.Card{Number: "C1", Owner: "P1", Certificate: "CERT-1",
				Status: identity.Frozen, Issued: civil.MustParse("2024-01-02")}, Events: 4},
				[]ledger.CardEvent{evs[0], evs[2], evs[3], evs[4]}},
			{"C2", ledger.CardRecord{Card: identity.Card{Number: "C2", Owner: "P2", Certificate: "CERT-2",
				Status: identity.Active, Issued: civil.MustParse("2024-01-03")}, Events: 1},
				[]ledger.CardEvent{evs[1]}},
		}
		for _, tc := range tests {
			got, err := tx.Card(ctx, tc.number)
			if err != nil {
				return err
			}
			if d := cmp.Diff(tc.want, *got, cmpOpts); d != "" {
				t.Errorf("Card(%s) -want +got:\n%s", tc.number, d)
			}
			gotEvs, err := tx.CardEvents(ctx, tc.number)
			if err != nil {
				return err
			}
			if d := cmp.Diff(tc.events, gotEvs, cmpOpts); d != "" {
				t.Errorf("CardEvents(%s) -want +got:\n%s", tc.number, d)
			}
		}
		none, err := tx.CardEvents(ctx, "C9")
		if err != nil || len(none) != 0 {
			t.Errorf("CardEvents(C9) = %v, %v; want none", none, err)
		}
		return nil
	})
}

func testPolicies(t *testing.T, open Opener) {
	s := open(t)
	at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	ps := []ledger.StoredPolicy{
		{ID: "county", Version: "2024.1", Hash: "sha256:aa", Document: []byte(`{"id":"county","version":"2024.1"}`), Loaded: at},
		{ID: "county", Version: "2024.2", Hash: "sha256:bb", Document: []byte(`{"id":"county","version":"2024.2","名":"新"}`), Loaded: at.Add(time.Hour)},
	}
	update(t, s, func(ctx context.Context, tx ledger.Tx) error {
		for _, p := range ps {
			if err := tx.PutPolicy(ctx, p); err != nil {
				return err
			}
		}
		return nil
	})
	// The same hash again is a no-op, whatever else differs.
	again := ps[0]
	again.Loaded, again.Version = at.Add(48*time.Hour), "changed"
	update(t, s, func(ctx context.Context, tx ledger.Tx) error { return tx.PutPolicy(ctx, again) })

	view(t, s, func(ctx context.Context, tx ledger.Tx) error {
		var got []ledger.StoredPolicy
		for p, err := range tx.Policies(ctx) {
			if err != nil {
				return err
			}
			got = append(got, *p)
		}
		if d := cmp.Diff(ps, got); d != "" {
			t.Errorf("Policies -want +got:\n%s", d)
		}
		return nil
	})
}

func testKeys(t *testing.T, open Opener) {
	s := open(t)
	at := time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC)
	ks := []ledger.Key{
		{ID: "k2", Hash: "h2", Role: ledger.RoleInstitution, Institution: "H001", Name: "县医院", Created: at.Add(time.Minute)},
		{ID: "k1", Hash: "h1", Role: ledger.RoleCounty, Name: "admin", Created: at},
	}
	update(t, s, func(ctx context.Context, tx ledger.Tx) error {
		for _, k := range ks {
			if err := tx.PutKey(ctx, k); err != nil {
				return err
			}
		}
		return nil
	})
	ks[0].Revoked = true
	update(t, s, func(ctx context.Context, tx ledger.Tx) error { return tx.PutKey(ctx, ks[0]) })

	// Another key with a secret already in use is refused.
	err := s.Update(t.Context(), func(tx ledger.Tx) error {
		return tx.PutKey(t.Context(), ledger.Key{ID: "k3", Hash: "h1", Role: ledger.RoleCounty, Created: at})
	})
	if err == nil {
		t.Error("PutKey with another key's hash succeeded")
	}

	view(t, s, func(ctx context.Context, tx ledger.Tx) error {
		got, err := tx.Keys(ctx)
		if err != nil {
			return err
		}
		if d := cmp.Diff([]ledger.Key{ks[1], ks[0]}, got); d != "" { // by creation
			t.Errorf("Keys -want +got:\n%s", d)
		}
		k, err := tx.KeyByHash(ctx, "h2")
		if err != nil {
			return err
		}
		if d := cmp.Diff(ks[0], *k); d != "" {
			t.Errorf("KeyByHash(h2) -want +got:\n%s", d)
		}
		return nil
	})
}

// personEntries counts the journal entries of a person.
func personEntries(t *testing.T, s ledger.Store, person string) int {
	t.Helper()
	return len(entries(t, s, ledger.Filter{Person: person}))
}

func testUpdateError(t *testing.T, open Opener) {
	s := open(t)
	errStop := errors.New("stop")
	err := s.Update(t.Context(), func(tx ledger.Tx) error {
		ctx := t.Context()
		if _, err := tx.Append(ctx, Settlement("H001", "V1", "P1", "2024-03-01")); err != nil {
			return err
		}
		if err := tx.PutTotals(ctx, "P1", 2024, claim.Totals{Year: 2024, FamilyAccount: money.MustAmount("1.00")}); err != nil {
			return err
		}
		if err := tx.PutPerson(ctx, ledger.Person{ID: "P1"}); err != nil {
			return err
		}
		return fmt.Errorf("ledger: %w", errStop)
	})
	if !errors.Is(err, errStop) {
		t.Fatalf("Update err = %v, want the fn's error", err)
	}
	if n := personEntries(t, s, "P1"); n != 0 {
		t.Errorf("%d entries after a failed Update, want 0", n)
	}
	view(t, s, func(ctx context.Context, tx ledger.Tx) error {
		tot, err := tx.LockTotals(ctx, "P1", 2024)
		if err != nil {
			return err
		}
		if !tot.FamilyAccount.IsZero() {
			t.Errorf("totals after a failed Update: %s, want none", tot.FamilyAccount)
		}
		if _, err := tx.Person(ctx, "P1"); !errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("person after a failed Update: err = %v, want ErrNotFound", err)
		}
		return nil
	})
	// The sequence goes on from 1: nothing of the failed Update is visible.
	if seq := appendAll(t, s, Settlement("H001", "V2", "P2", "2024-03-01"))[0]; seq < 1 {
		t.Errorf("seq = %d", seq)
	}
}

func testViewReadOnly(t *testing.T, open Opener) {
	s := open(t)
	writes := []struct {
		name  string
		write func(ctx context.Context, tx ledger.Tx) error
	}{
		{"Append", func(ctx context.Context, tx ledger.Tx) error {
			_, err := tx.Append(ctx, Settlement("H001", "V1", "P1", "2024-03-01"))
			return err
		}},
		{"PutTotals", func(ctx context.Context, tx ledger.Tx) error { return tx.PutTotals(ctx, "P1", 2024, claim.Totals{}) }},
		{"PutPerson", func(ctx context.Context, tx ledger.Tx) error { return tx.PutPerson(ctx, ledger.Person{ID: "P1"}) }},
		{"PutHousehold", func(ctx context.Context, tx ledger.Tx) error { return tx.PutHousehold(ctx, ledger.Household{ID: "H"}) }},
		{"AppendCardEvent", func(ctx context.Context, tx ledger.Tx) error {
			return tx.AppendCardEvent(ctx, ledger.CardEvent{Number: "C1", Event: identity.Issue})
		}},
		{"PutPolicy", func(ctx context.Context, tx ledger.Tx) error {
			return tx.PutPolicy(ctx, ledger.StoredPolicy{Hash: "x"})
		}},
		{"PutKey", func(ctx context.Context, tx ledger.Tx) error { return tx.PutKey(ctx, ledger.Key{ID: "k", Hash: "h"}) }},
	}
	for _, w := range writes {
		t.Run(w.name, func(t *testing.T) {
			var inner error
			s.View(t.Context(), func(tx ledger.Tx) error {
				inner = w.write(t.Context(), tx)
				return nil
			})
			if inner == nil {
				t.Errorf("%s in a View succeeded", w.name)
			}
		})
	}
	if n := len(entries(t, s, ledger.Filter{})); n != 0 {
		t.Errorf("%d entries after writes in Views", n)
	}
}

func testPanic(t *testing.T, open Opener) {
	s := open(t)
	for name, run := range map[string]func(context.Context, func(ledger.Tx) error) error{"Update": s.Update, "View": s.View} {
		t.Run(name, func(t *testing.T) {
			got := func() (v any) {
				defer func() { v = recover() }()
				run(t.Context(), func(tx ledger.Tx) error {
					if name == "Update" {
						tx.Append(t.Context(), Settlement("H001", "V1", "P1", "2024-03-01"))
					}
					panic("boom")
				})
				return nil
			}()
			if got != "boom" {
				t.Errorf("recovered %v, want the fn's panic", got)
			}
		})
	}
	// The store works on, and the panicking fn's write is gone.
	appendAll(t, s, Settlement("H001", "V2", "P2", "2024-03-01"))
	if n := personEntries(t, s, "P1"); n != 0 {
		t.Errorf("%d entries of the panicking fn, want 0", n)
	}
}

// bump adds one visit and one fen to the person's pool totals, under the lock.
func bump(ctx context.Context, tx ledger.Tx, person string) error {
	tot, err := tx.LockTotals(ctx, person, 2024)
	if err != nil {
		return err
	}
	if len(tot.Funds) == 0 {
		tot.Funds = append(tot.Funds, claim.FundTotal{Fund: "pool"})
	}
	tot.Funds[0].Visits++
	tot.Funds[0].Paid = tot.Funds[0].Paid.Add(money.Fen(1))
	return tx.PutTotals(ctx, person, 2024, tot)
}

// visits returns the person's pool visits and paid amount.
func visits(t *testing.T, s ledger.Store, person string) (int, string) {
	t.Helper()
	var tot claim.Totals
	view(t, s, func(ctx context.Context, tx ledger.Tx) (err error) {
		tot, err = tx.LockTotals(ctx, person, 2024)
		return err
	})
	if len(tot.Funds) == 0 {
		return 0, "0.00"
	}
	return tot.Funds[0].Visits, tot.Funds[0].Paid.String()
}

func testSerializedPerPerson(t *testing.T, open Opener) {
	s := open(t)
	const n = 50
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			errs <- s.Update(t.Context(), func(tx ledger.Tx) error { return bump(t.Context(), tx, "P1") })
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("Update: %v", err)
		}
	}
	if v, paid := visits(t, s, "P1"); v != n || paid != "0.50" {
		t.Errorf("after %d concurrent increments: visits %d, paid %s; want %d, 0.50", n, v, paid, n)
	}
}

func testFailureInGroup(t *testing.T, open Opener) {
	s := open(t)
	const n = 60
	errOdd := errors.New("refused")
	var wg sync.WaitGroup
	got := make([]error, n)
	for i := range n {
		wg.Go(func() {
			person := fmt.Sprintf("P%02d", i)
			got[i] = s.Update(t.Context(), func(tx ledger.Tx) error {
				ctx := t.Context()
				if err := bump(ctx, tx, person); err != nil {
					return err
				}
				if _, err := tx.Append(ctx, Settlement("H001", "V"+person, person, "2024-03-01")); err != nil {
					return err
				}
				// Every third fn fails after writing, and every fifth also bumps a shared
				// counter first, so failed and kept writes touch the same row.
				if i%5 == 0 {
					if err := bump(ctx, tx, "shared"); err != nil {
						return err
					}
				}
				if i%3 == 0 {
					return errOdd
				}
				return nil
			})
		})
	}
	wg.Wait()
	shared := 0
	for i := range n {
		person := fmt.Sprintf("P%02d", i)
		want, wantEntries := 1, 1
		if i%3 == 0 {
			want, wantEntries = 0, 0
			if !errors.Is(got[i], errOdd) {
				t.Errorf("Update %d: err = %v, want its own error", i, got[i])
			}
		} else {
			if got[i] != nil {
				t.Errorf("Update %d: %v", i, got[i])
			}
			if i%5 == 0 {
				shared++
			}
		}
		if v, _ := visits(t, s, person); v != want {
			t.Errorf("%s: visits %d, want %d", person, v, want)
		}
		if e := personEntries(t, s, person); e != wantEntries {
			t.Errorf("%s: %d entries, want %d", person, e, wantEntries)
		}
	}
	if v, _ := visits(t, s, "shared"); v != shared {
		t.Errorf("shared: visits %d, want %d", v, shared)
	}
}

func testOppositeLockOrder(t *testing.T, open Opener) {
	s := open(t)
	// Enough pairs that PostgreSQL sees deadlocks (each costs its deadlock_timeout,
	// a second by default) and Update must retry them.
	const pairs = 4
	var wg sync.WaitGroup
	var failed atomic.Int32
	for i := range 2 * pairs {
		wg.Go(func() {
			first, second := "A", "B"
			if i%2 == 1 {
				first, second = second, first
			}
			err := s.Update(t.Context(), func(tx ledger.Tx) error {
				if err := bump(t.Context(), tx, first); err != nil {
					return err
				}
				return bump(t.Context(), tx, second)
			})
			if err != nil {
				failed.Add(1)
				t.Errorf("Update locking %s then %s: %v", first, second, err)
			}
		})
	}
	wg.Wait()
	want := 2*pairs - int(failed.Load())
	for _, p := range []string{"A", "B"} {
		if v, _ := visits(t, s, p); v != want {
			t.Errorf("%s: visits %d, want %d", p, v, want)
		}
	}
}

func testReopen(t *testing.T, open Opener) {
	s := open(t)
	e := Settlement("H001", "V1", "P1", "2024-03-01")
	seq := appendAll(t, s, e)[0]
	update(t, s, func(ctx context.Context, tx ledger.Tx) error {
		if err := bump(ctx, tx, "P1"); err != nil {
			return err
		}
		return tx.PutPerson(ctx, ledger.Person{ID: "P1", Name: "张三", Enrollment: []enroll.Year{}})
	})
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s = open(t)
	want := *e
	want.Seq = seq
	view(t, s, func(ctx context.Context, tx ledger.Tx) error {
		got, err := tx.Entry(ctx, seq)
		if err != nil {
			return err
		}
		if d := cmp.Diff(&want, got, cmpOpts); d != "" {
			t.Errorf("entry after reopening -want +got:\n%s", d)
		}
		if p, err := tx.Person(ctx, "P1"); err != nil || p.Name != "张三" {
			t.Errorf("person after reopening: %v, %v", p, err)
		}
		return nil
	})
	if v, _ := visits(t, s, "P1"); v != 1 {
		t.Errorf("visits after reopening: %d, want 1", v)
	}
	// The sequence continues.
	if next := appendAll(t, s, Settlement("H001", "V2", "P1", "2024-03-02"))[0]; next <= seq {
		t.Errorf("seq after reopening = %d, want > %d", next, seq)
	}
}

func testCancelledContext(t *testing.T, open Opener) {
	s := open(t)
	t.Run("before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		for name, run := range map[string]func(context.Context, func(ledger.Tx) error) error{"Update": s.Update, "View": s.View} {
			ran := false
			err := run(ctx, func(tx ledger.Tx) error {
				ran = true
				_, err := tx.Append(ctx, Settlement("H001", "V1", "P1", "2024-03-01"))
				return err
			})
			if !errors.Is(err, context.Canceled) {
				t.Errorf("%s with a cancelled context: err = %v, want context.Canceled", name, err)
			}
			if ran {
				t.Errorf("%s ran fn under a context cancelled before it started", name)
			}
		}
		if n := personEntries(t, s, "P1"); n != 0 {
			t.Errorf("%d entries written under a cancelled context", n)
		}
	})
	t.Run("while waiting", func(t *testing.T) {
		// The first Update holds P2's lock (and, on SQLite, the writer) until the
		// second has been cancelled; the second must then write nothing.
		hold := make(chan struct{})
		holding := make(chan struct{})
		first := make(chan error, 1)
		go func() {
			first <- s.Update(t.Context(), func(tx ledger.Tx) error {
				if err := bump(t.Context(), tx, "P2"); err != nil {
					return err
				}
				close(holding)
				<-hold
				return nil
			})
		}()
		<-holding
		ctx, cancel := context.WithCancel(t.Context())
		second := make(chan error, 1)
		go func() {
			second <- s.Update(ctx, func(tx ledger.Tx) error {
				if err := bump(ctx, tx, "P2"); err != nil {
					return err
				}
				_, err := tx.Append(ctx, Settlement("H001", "V2", "P2", "2024-03-01"))
				return err
			})
		}()
		// However far the second has got (queued, or waiting for the row lock), it
		// must end with the cancellation.
		time.Sleep(20 * time.Millisecond)
		cancel()
		err := <-second
		close(hold)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled Update: err = %v, want context.Canceled", err)
		}
		if err := <-first; err != nil {
			t.Errorf("first Update: %v", err)
		}
		if v, _ := visits(t, s, "P2"); v != 1 {
			t.Errorf("visits %d, want 1: the cancelled Update must not count", v)
		}
		if n := personEntries(t, s, "P2"); n != 0 {
			t.Errorf("%d entries of the cancelled Update", n)
		}
	})
}

func testClosed(t *testing.T, open Opener) {
	s := open(t)
	if err := s.Ping(t.Context()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	// A closed store is unavailable, which the API answers 503, not 500.
	noop := func(ledger.Tx) error { return nil }
	if err := s.Update(t.Context(), noop); !errors.Is(err, ledger.ErrUnavailable) {
		t.Errorf("Update after Close: %v, want ledger.ErrUnavailable", err)
	}
	if err := s.View(t.Context(), noop); !errors.Is(err, ledger.ErrUnavailable) {
		t.Errorf("View after Close: %v, want ledger.ErrUnavailable", err)
	}
	if err := s.Ping(t.Context()); !errors.Is(err, ledger.ErrUnavailable) {
		t.Errorf("Ping after Close: %v, want ledger.ErrUnavailable", err)
	}
}

// BenchmarkSettle measures Updates that do what a settlement does (LockTotals,
// Append, PutTotals) from the given number of goroutines at once, as a county
// server's requests arrive, over a thousand persons. It reports durable settlements
// per second.
func BenchmarkSettle(b *testing.B, s ledger.Store, callers int) {
	ctx := b.Context()
	// Request and result bytes of a typical inpatient bill.
	req := []byte(`{"claim":{"items":[` + strings.Repeat(`{"code":"A0101","kind":"drug","amount":"12.30"},`, 40) + `{}]}}`)
	res := []byte(`{"result":{` + strings.Repeat(`"step":{"stage":"ratio","in":"100.00","out":"80.00"},`, 20) + `"x":1}}`)
	var n atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for range callers {
		wg.Go(func() {
			for {
				i := n.Add(1)
				if i > int64(b.N) {
					return
				}
				person := fmt.Sprintf("P%04d", i%1000)
				e := Settlement("H001", fmt.Sprintf("V%09d", i), person, "2024-03-01")
				e.Request, e.Result = req, res
				err := s.Update(ctx, func(tx ledger.Tx) error {
					tot, err := tx.LockTotals(ctx, person, 2024)
					if err != nil {
						return err
					}
					if _, err := tx.Append(ctx, e); err != nil {
						return err
					}
					tot.Admissions = append(tot.Admissions[:0], claim.ClassCount{Class: "county", Count: len(tot.Admissions) + 1})
					return tx.PutTotals(ctx, person, 2024, tot)
				})
				if err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "settlements/s")
}
