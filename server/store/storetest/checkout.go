package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/server/ledger"
)

func testOperators(t *testing.T, open Opener) {
	s := open(t)
	at := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	os := []ledger.Operator{
		{ID: "op_2", Login: "li", Name: "李收费", Role: ledger.RoleCashier, Institution: "H001",
			Created: at.Add(time.Minute), PasswordHash: "$2a$04$x"},
		{ID: "op_1", Login: "admin", Name: "县管理员", Role: ledger.RoleAdmin, Created: at, PasswordHash: "$2a$04$y"},
	}
	update(t, s, func(ctx context.Context, tx ledger.Tx) error {
		for _, o := range os {
			if err := tx.PutOperator(ctx, o); err != nil {
				return err
			}
		}
		return nil
	})
	// Replacing keeps every field, the lockout's instant to the nanosecond included.
	os[0].Failures, os[0].LockedUntil, os[0].Disabled = 6, at.Add(90*time.Second+7), true
	update(t, s, func(ctx context.Context, tx ledger.Tx) error { return tx.PutOperator(ctx, os[0]) })

	// Another operator with a login in use is refused by the database too.
	err := s.Update(t.Context(), func(tx ledger.Tx) error {
		return tx.PutOperator(t.Context(), ledger.Operator{ID: "op_3", Login: "li", Role: ledger.RoleAuditor, Created: at})
	})
	if err == nil {
		t.Error("PutOperator with a login in use succeeded")
	}

	view(t, s, func(ctx context.Context, tx ledger.Tx) error {
		got, err := tx.Operators(ctx)
		if err != nil {
			return err
		}
		if d := cmp.Diff([]ledger.Operator{os[1], os[0]}, got); d != "" { // by creation
			t.Errorf("Operators -want +got:\n%s", d)
		}
		o, err := tx.OperatorByLogin(ctx, "li")
		if err != nil {
			return err
		}
		if d := cmp.Diff(os[0], *o); d != "" {
			t.Errorf("OperatorByLogin(li) -want +got:\n%s", d)
		}
		if o, err = tx.Operator(ctx, "op_1"); err != nil {
			return err
		}
		if d := cmp.Diff(os[1], *o); d != "" {
			t.Errorf("Operator(op_1) -want +got:\n%s", d)
		}
		if _, err := tx.Operator(ctx, "op_9"); !errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("Operator(op_9) = %v, want ErrNotFound", err)
		}
		if _, err := tx.OperatorByLogin(ctx, "nobody"); !errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("OperatorByLogin(nobody) = %v, want ErrNotFound", err)
		}
		return nil
	})
}

func testSessions(t *testing.T, open Opener) {
	s := open(t)
	at := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	update(t, s, func(ctx context.Context, tx ledger.Tx) error {
		for _, id := range []string{"op_1", "op_2"} {
			if err := tx.PutOperator(ctx, ledger.Operator{ID: id, Login: id, Role: ledger.RoleAuditor, Created: at}); err != nil {
				return err
			}
		}
		return nil
	})
	ss := []ledger.Session{
		{Hash: "s1", Operator: "op_1", CSRFHash: "c1", Created: at, Expires: at.Add(12 * time.Hour)},
		{Hash: "s2", Operator: "op_1", CSRFHash: "c2", Created: at, Expires: at.Add(13 * time.Hour)},
		{Hash: "s3", Operator: "op_2", CSRFHash: "c3", Created: at, Expires: at.Add(12 * time.Hour)},
		{Hash: "s4", Operator: "op_1", CSRFHash: "c4", Created: at, Expires: at.Add(12 * time.Hour)},
	}
	put := func() {
		update(t, s, func(ctx context.Context, tx ledger.Tx) error {
			for _, x := range ss {
				if err := tx.PutSession(ctx, x); err != nil {
					return err
				}
			}
			return nil
		})
	}
	has := func(step string, want ...bool) {
		t.Helper()
		view(t, s, func(ctx context.Context, tx ledger.Tx) error {
			for i, x := range ss {
				got, err := tx.Session(ctx, x.Hash)
				switch {
				case want[i] && err != nil:
					t.Errorf("%s: Session(%s): %v", step, x.Hash, err)
				case want[i]:
					if d := cmp.Diff(x, *got); d != "" {
						t.Errorf("%s: Session(%s) -want +got:\n%s", step, x.Hash, d)
					}
				case !errors.Is(err, ledger.ErrNotFound):
					t.Errorf("%s: Session(%s) = %v, want ErrNotFound", step, x.Hash, err)
				}
			}
			return nil
		})
	}
	put()
	has("stored", true, true, true, true)
	update(t, s, func(ctx context.Context, tx ledger.Tx) error { return tx.DeleteSession(ctx, "s1") })
	has("one ended", false, true, true, true)
	update(t, s, func(ctx context.Context, tx ledger.Tx) error { return tx.DeleteSession(ctx, "s1") })
	update(t, s, func(ctx context.Context, tx ledger.Tx) error { return tx.DeleteSessions(ctx, "op_1") })
	has("op_1's ended", false, false, true, false)

	// Expiry: a session ends at its instant; another operator's are untouched.
	put()
	update(t, s, func(ctx context.Context, tx ledger.Tx) error {
		return tx.DeleteExpiredSessions(ctx, "op_1", at.Add(12*time.Hour-time.Nanosecond))
	})
	has("none expired yet", true, true, true, true)
	update(t, s, func(ctx context.Context, tx ledger.Tx) error {
		return tx.DeleteExpiredSessions(ctx, "op_1", at.Add(12*time.Hour))
	})
	has("op_1's expired ended", false, true, true, false)
}

func testFacilities(t *testing.T, open Opener) {
	s := open(t)
	at := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	fs := []ledger.Facility{
		{Code: "H002", Name: "头闸镇卫生院", Class: "township", Township: "头闸镇", InCounty: true, Designated: true,
			From: civil.MustParse("2025-01-01"), Updated: at},
		{Code: "H001", Name: "平罗县人民医院", Class: "county", Township: "城关镇", InCounty: true, Designated: true,
			From: civil.MustParse("2025-07-01"), Updated: at},
		{Code: "H001", Name: "平罗县医院", Class: "township", Township: "城关镇", InCounty: true, Designated: false,
			From: civil.MustParse("2024-01-01"), To: civil.MustParse("2025-06-30"), Updated: at},
	}
	update(t, s, func(ctx context.Context, tx ledger.Tx) error {
		for _, f := range fs {
			if err := tx.PutFacility(ctx, f); err != nil {
				return err
			}
		}
		return nil
	})
	// The same code and start replace the period.
	fs[0].Name, fs[0].Designated, fs[0].To = "头闸中心卫生院", false, civil.MustParse("2026-12-31")
	update(t, s, func(ctx context.Context, tx ledger.Tx) error { return tx.PutFacility(ctx, fs[0]) })
	view(t, s, func(ctx context.Context, tx ledger.Tx) error {
		all, err := tx.Facilities(ctx, "")
		if err != nil {
			return err
		}
		if d := cmp.Diff([]ledger.Facility{fs[2], fs[1], fs[0]}, all, cmpOpts); d != "" { // by code and start
			t.Errorf("Facilities() -want +got:\n%s", d)
		}
		one, err := tx.Facilities(ctx, "H001")
		if err != nil {
			return err
		}
		if d := cmp.Diff([]ledger.Facility{fs[2], fs[1]}, one, cmpOpts); d != "" {
			t.Errorf("Facilities(H001) -want +got:\n%s", d)
		}
		none, err := tx.Facilities(ctx, "H404")
		if err != nil || len(none) != 0 {
			t.Errorf("Facilities(H404) = %v, %v; want none", none, err)
		}
		return nil
	})
}

func testSettledInvoice(t *testing.T, open Opener) {
	s := open(t)
	a := Settlement("H001", "V1", "P1", "2024-03-01")
	a.Invoice = "FP1"
	other := Settlement("H002", "V1", "P2", "2024-03-01") // the same invoice at another hospital
	other.Invoice = "FP1"
	none := Settlement("H001", "V2", "P1", "2024-03-02")
	none.Invoice = ""
	seqs := appendAll(t, s, a, other, none)
	settled := func(institution, invoice string) (int64, error) {
		var seq int64
		err := s.View(t.Context(), func(tx ledger.Tx) error {
			e, err := tx.SettledInvoice(t.Context(), institution, invoice)
			if err == nil {
				seq = e.Seq
			}
			return err
		})
		return seq, err
	}
	if seq, err := settled("H001", "FP1"); err != nil || seq != seqs[0] {
		t.Errorf("SettledInvoice(H001, FP1) = %d, %v; want %d", seq, err, seqs[0])
	}
	if seq, err := settled("H002", "FP1"); err != nil || seq != seqs[1] {
		t.Errorf("SettledInvoice(H002, FP1) = %d, %v; want %d", seq, err, seqs[1])
	}
	// An entry without an invoice is never found by the empty invoice.
	if seq, err := settled("H001", ""); !errors.Is(err, ledger.ErrNotFound) {
		t.Errorf("SettledInvoice(H001, \"\") = %d, %v; want ErrNotFound", seq, err)
	}
	appendAll(t, s, reversalOf(a, seqs[0]))
	if seq, err := settled("H001", "FP1"); !errors.Is(err, ledger.ErrNotFound) {
		t.Errorf("after the reversal: SettledInvoice(H001, FP1) = %d, %v; want ErrNotFound", seq, err)
	}
	// A new settlement of the invoice is the live one again.
	again := Settlement("H001", "V3", "P1", "2024-03-03")
	again.Invoice = "FP1"
	seq3 := appendAll(t, s, again)[0]
	if seq, err := settled("H001", "FP1"); err != nil || seq != seq3 {
		t.Errorf("settled again: SettledInvoice(H001, FP1) = %d, %v; want %d", seq, err, seq3)
	}
}
