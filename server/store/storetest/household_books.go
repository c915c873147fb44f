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

// testHouseholdBooks round-trips contributions and family account rows, and checks
// what the database refuses: a second contribution of a person for a year and a
// negative balance.
func testHouseholdBooks(t *testing.T, open Opener) {
	s := open(t)
	recorded := time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC)
	c := ledger.Contribution{Household: "H1", Person: "P1", Year: 2025, Policy: "city-resident", PolicyVersion: "2026.1",
		Tier: "t2", PreviousTier: "t1", Category: "dibao", Payer: ledger.PayerGovernment, Subsidy: ledger.SubsidyDibao,
		Amount: money.MustAmount("240.00"), FamilyCredit: money.MustAmount("8.00"), PaidOn: civil.MustParse("2025-03-01"),
		BackPay: true, BenefitsFrom: civil.MustParse("2025-07-01"), Recorded: recorded, Key: "k1"}
	update(t, s, func(ctx context.Context, tx ledger.Tx) error {
		var err error
		if c.Seq, err = tx.AppendContribution(ctx, &c); err != nil {
			return err
		}
		c.Receipt = ledger.ReceiptNumber(c.Year, c.Seq)
		for i, bal := range []string{"8.00", "5.50"} {
			r := ledger.AccountRow{Household: "H1", Kind: ledger.AccountContribution, Amount: money.MustAmount("8.00"),
				Balance: money.MustAmount(bal), Person: "P1", Year: 2025, Contribution: c.Seq, Recorded: recorded}
			if i == 1 {
				r.Kind, r.Amount, r.Contribution = ledger.AccountSettlement, money.MustAmount("2.50"), 0
			}
			if _, err := tx.AppendAccountRow(ctx, &r); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(ctx context.Context, tx ledger.Tx) error {
		got, err := tx.Contribution(ctx, c.Seq)
		if err != nil {
			return err
		}
		if d := cmp.Diff(c, *got, cmpOpts); d != "" {
			t.Errorf("contribution round trip (-want +got):\n%s", d)
		}
		for _, q := range []ledger.ContributionQuery{{Person: "P1"}, {Household: "H1", Year: 2025}, {Household: "H1"}} {
			if cs, err := tx.Contributions(ctx, q); err != nil || len(cs) != 1 {
				t.Errorf("Contributions(%+v) = %d, %v", q, len(cs), err)
			}
		}
		if cs, err := tx.Contributions(ctx, ledger.ContributionQuery{Household: "H1", Year: 2024}); err != nil || len(cs) != 0 {
			t.Errorf("2024: %d, %v", len(cs), err)
		}
		last, err := tx.LastAccountRow(ctx, "H1")
		if err != nil || last.Balance.String() != "5.50" || last.Kind != ledger.AccountSettlement {
			t.Errorf("last row %+v, %v", last, err)
		}
		rows, err := tx.AccountRows(ctx, "H1", 0, 10)
		if err != nil || len(rows) != 2 || rows[0].Contribution != c.Seq || !rows[0].Recorded.Equal(recorded) {
			t.Errorf("rows %+v, %v", rows, err)
		}
		if rows, _ := tx.AccountRows(ctx, "H1", rows[0].Seq, 10); len(rows) != 1 {
			t.Errorf("rows after the first: %d", len(rows))
		}
		if _, err := tx.LastAccountRow(ctx, "H2"); !errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("another household's last row: %v", err)
		}
		if _, err := tx.AccountRowOf(ctx, 99, ledger.AccountSettlement); !errors.Is(err, ledger.ErrNotFound) {
			t.Errorf("row of a missing entry: %v", err)
		}
		return nil
	})
	for name, fn := range map[string]func(ctx context.Context, tx ledger.Tx) error{
		"a second contribution for the year": func(ctx context.Context, tx ledger.Tx) error {
			_, err := tx.AppendContribution(ctx, &c)
			return err
		},
		"a negative balance": func(ctx context.Context, tx ledger.Tx) error {
			_, err := tx.AppendAccountRow(ctx, &ledger.AccountRow{Household: "H1", Kind: ledger.AccountSettlement,
				Amount: money.MustAmount("6.00"), Balance: money.Amount{}.Sub(money.MustAmount("0.50")), Recorded: recorded})
			return err
		},
	} {
		if err := s.Update(context.Background(), func(tx ledger.Tx) error { return fn(context.Background(), tx) }); err == nil {
			t.Errorf("%s was stored", name)
		}
	}
}
