package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/server/ledger"
)

// testManual stores a manual claim beside its settlement: it reads back as stored,
// and each of its invoices is found by SettledInvoice at its institution while the
// settlement stands.
func testManual(t *testing.T, open Opener) {
	s := open(t)
	e := Settlement("H001", "SG1", "P1", "2024-03-01")
	e.Invoice = "FP-A"
	card := Settlement("H001", "V2", "P2", "2024-03-02")
	card.Invoice = ""
	seqs := appendAll(t, s, e, card)
	m := ledger.Manual{
		Invoices: []ledger.Invoice{{Number: "FP-A", Date: civil.MustParse("2024-03-09")}, {Number: "FP-B", Date: civil.MustParse("2024-03-08")}},
		Payout:   ledger.Payout{Holder: "王大", Bank: "中国农业银行", Card: "622848*********0018"},
	}
	update(t, s, func(ctx context.Context, tx ledger.Tx) error { return tx.PutManual(ctx, seqs[0], "H001", m) })
	view(t, s, func(ctx context.Context, tx ledger.Tx) error {
		got, err := tx.Manual(ctx, seqs[0])
		if err != nil {
			return err
		}
		if d := cmp.Diff(&m, got, cmpOpts); d != "" {
			t.Errorf("Manual(%d) (-stored +read):\n%s", seqs[0], d)
		}
		if _, err := tx.Manual(ctx, seqs[1]); !errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("Manual of a card settlement: %v, want ErrNotFound", err)
		}
		for _, tc := range []struct {
			institution, invoice string
			found                bool
		}{{"H001", "FP-A", true}, {"H001", "FP-B", true}, {"H002", "FP-B", false}, {"H001", "FP-C", false}} {
			got, err := tx.SettledInvoice(ctx, tc.institution, tc.invoice)
			switch {
			case tc.found && (err != nil || got.Seq != seqs[0]):
				t.Errorf("SettledInvoice(%s, %s) = %v, %v; want %d", tc.institution, tc.invoice, got, err, seqs[0])
			case !tc.found && !errors.Is(err, ledger.ErrNotFound):
				t.Errorf("SettledInvoice(%s, %s) = %v, %v; want ErrNotFound", tc.institution, tc.invoice, got, err)
			}
		}
		return nil
	})
	appendAll(t, s, reversalOf(e, seqs[0]))
	view(t, s, func(ctx context.Context, tx ledger.Tx) error {
		if got, err := tx.SettledInvoice(ctx, "H001", "FP-B"); !errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("after the reversal: SettledInvoice(H001, FP-B) = %v, %v; want ErrNotFound", got, err)
		}
		return nil
	})
}
