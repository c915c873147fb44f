package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/server/ledger"
)

// testBooks writes a statement, deductions, an approval, a batch, its payment and a
// year's close, and reads each back as written, with the statement's state derived
// from the rows that name it at each step.
func testBooks(t *testing.T, open Opener) {
	s := open(t)
	at := time.Date(2025, 7, 2, 1, 0, 0, 123456789, time.UTC)
	e := Settlement("H001", "V1", "P1", "2025-06-03")
	e.Recorded = time.Date(2025, 6, 3, 2, 0, 0, 0, time.UTC)
	seqs := appendAll(t, s, e, Settlement("H002", "V2", "P2", "2025-06-04"))
	f := ledger.NewFigures()
	f.Add(e)
	want := ledger.Statement{Institution: "H001", From: civil.MustParse("2025-06-01"), To: civil.MustParse("2025-06-30"),
		Figures: f, Recorded: at, Actor: "k_1", Deductions: []ledger.Deduction{}, Status: ledger.StatementIssued}
	other := want
	other.Institution, other.From = "H002", civil.MustParse("2025-06-16")
	update(t, s, func(ctx context.Context, tx ledger.Tx) error {
		var err error
		if want.ID, err = tx.AppendStatement(ctx, &want); err != nil {
			return err
		}
		other.ID, err = tx.AppendStatement(ctx, &other)
		return err
	})
	get := func() *ledger.Statement {
		t.Helper()
		var got *ledger.Statement
		view(t, s, func(ctx context.Context, tx ledger.Tx) error {
			var err error
			got, err = tx.Statement(ctx, want.ID)
			return err
		})
		return got
	}
	if d := cmp.Diff(want, *get(), cmpOpts); d != "" {
		t.Errorf("Statement -want +got:\n%s", d)
	}
	ds := []ledger.Deduction{
		{Statement: want.ID, Amount: money.MustAmount("12.30"), Reason: "超标准收费", Entries: seqs[:1], Recorded: at, Actor: "op_2"},
		{Statement: want.ID, Amount: money.MustAmount("0.70"), Reason: "分解住院", Entries: seqs[:1], Recorded: at.Add(time.Second), Actor: "op_2"},
	}
	a := ledger.Approval{Statement: want.ID, Deducted: money.MustAmount("13.00"), Amount: f.Owed.Sub(money.MustAmount("13.00")), Recorded: at, Actor: "k_1"}
	b := ledger.Batch{Key: "2025-07", RequestHash: "h", Total: a.Amount, Recorded: at, Actor: "k_1",
		Items: []ledger.BatchItem{{Statement: want.ID, Institution: "H001", Amount: a.Amount}}, Status: ledger.BatchUnpaid}
	update(t, s, func(ctx context.Context, tx ledger.Tx) error {
		for i := range ds {
			var err error
			if ds[i].ID, err = tx.AppendDeduction(ctx, &ds[i]); err != nil {
				return err
			}
		}
		if err := tx.AppendApproval(ctx, a); err != nil {
			return err
		}
		var err error
		b.ID, err = tx.AppendBatch(ctx, &b)
		return err
	})
	want.Deductions, want.Approval, want.Batch, want.Status = ds, &a, b.ID, ledger.StatementBatched
	if d := cmp.Diff(want, *get(), cmpOpts); d != "" {
		t.Errorf("Statement after deductions, approval and batch -want +got:\n%s", d)
	}
	// A statement goes into one batch at most: the database refuses a second.
	err := s.Update(t.Context(), func(tx ledger.Tx) error {
		_, err := tx.AppendBatch(t.Context(), &ledger.Batch{Key: "again", RequestHash: "h", Total: a.Amount, Recorded: at,
			Items: []ledger.BatchItem{{Statement: want.ID, Institution: "H001", Amount: a.Amount}}})
		return err
	})
	if err == nil {
		t.Error("a statement went into a second batch")
	}
	p := ledger.Payment{Batch: b.ID, PaidOn: civil.MustParse("2025-07-02"), Reference: "农行-0001", Recorded: at, Actor: "k_1"}
	c := ledger.YearClose{Year: 2025, Figures: f, Recorded: at, Actor: "k_1"}
	update(t, s, func(ctx context.Context, tx ledger.Tx) error {
		if err := tx.AppendPayment(ctx, p); err != nil {
			return err
		}
		return tx.CloseYear(ctx, c)
	})
	want.Payment, want.Status = &p, ledger.StatementPaid
	b.Payment, b.Status = &p, ledger.BatchPaid
	view(t, s, func(ctx context.Context, tx ledger.Tx) error {
		all, err := tx.Statements(ctx, ledger.StatementQuery{})
		if err != nil {
			return err
		}
		other.Deductions = []ledger.Deduction{}
		if d := cmp.Diff([]ledger.Statement{want, other}, all, cmpOpts); d != "" {
			t.Errorf("Statements -want +got:\n%s", d)
		}
		for _, q := range []struct {
			q    ledger.StatementQuery
			want int
		}{
			{ledger.StatementQuery{Institution: "H002"}, 1},
			{ledger.StatementQuery{From: civil.MustParse("2025-06-01"), To: civil.MustParse("2025-06-15")}, 1},
			{ledger.StatementQuery{From: civil.MustParse("2025-06-30"), To: civil.MustParse("2025-07-01")}, 2},
			{ledger.StatementQuery{From: civil.MustParse("2025-07-01")}, 0},
		} {
			got, err := tx.Statements(ctx, q.q)
			if err != nil {
				return err
			}
			if len(got) != q.want {
				t.Errorf("Statements(%+v): %d, want %d", q.q, len(got), q.want)
			}
		}
		for _, by := range []func() (*ledger.Batch, error){
			func() (*ledger.Batch, error) { return tx.Batch(ctx, b.ID) },
			func() (*ledger.Batch, error) { return tx.BatchByKey(ctx, "2025-07") },
		} {
			got, err := by()
			if err != nil {
				return err
			}
			if d := cmp.Diff(b, *got, cmpOpts); d != "" {
				t.Errorf("Batch -want +got:\n%s", d)
			}
		}
		got, err := tx.YearClose(ctx, 2025)
		if err != nil {
			return err
		}
		if d := cmp.Diff(c, *got, cmpOpts); d != "" {
			t.Errorf("YearClose -want +got:\n%s", d)
		}
		for _, err := range []error{
			func() error { _, err := tx.Statement(ctx, 99); return err }(),
			func() error { _, err := tx.Batch(ctx, 99); return err }(),
			func() error { _, err := tx.BatchByKey(ctx, "none"); return err }(),
			func() error { _, err := tx.YearClose(ctx, 2024); return err }(),
		} {
			if !errors.Is(err, ledger.ErrNotFound) {
				t.Errorf("a missing row: %v, want ErrNotFound", err)
			}
		}
		return nil
	})
	// Closing a year twice is refused by the database (the ledger replays instead).
	if err := s.Update(t.Context(), func(tx ledger.Tx) error { return tx.CloseYear(t.Context(), c) }); err == nil {
		t.Error("a year closed twice")
	}
}
