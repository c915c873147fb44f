package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/server/ledger"
)

// settlements returns the sequence numbers and statuses Settlements answers for q.
func settlements(t *testing.T, s ledger.Store, q ledger.SettlementQuery) ([]int64, []ledger.SettlementRow) {
	t.Helper()
	var rows []ledger.SettlementRow
	view(t, s, func(ctx context.Context, tx ledger.Tx) error {
		var err error
		rows, err = tx.Settlements(ctx, q)
		return err
	})
	seqs := []int64{}
	for _, r := range rows {
		if r.Entry.Kind != ledger.KindSettlement {
			t.Errorf("row %d is a %s", r.Entry.Seq, r.Entry.Kind)
		}
		seqs = append(seqs, r.Entry.Seq)
	}
	return seqs, rows
}

func testSettlements(t *testing.T, open Opener) {
	s := open(t)
	update(t, s, func(ctx context.Context, tx ledger.Tx) error {
		for _, h := range []ledger.Household{{ID: "H-P1", Village: "V01"}, {ID: "H-P2", Village: "V02"}} {
			if err := tx.PutHousehold(ctx, h); err != nil {
				return err
			}
		}
		return nil
	})
	cst := ledger.CST
	type row struct {
		inst, visit, person, adm, total, township, visitType string
		recorded                                             time.Time
	}
	rows := []row{
		{"H001", "V1", "P1", "2024-01-15", "100.00", "城关镇", "inpatient", time.Date(2024, 1, 20, 0, 30, 0, 0, cst)},   // 1
		{"H002", "V2", "P2", "2024-02-01", "2500.50", "城关镇", "outpatient", time.Date(2024, 2, 2, 23, 59, 0, 0, cst)}, // 2
		{"H001", "V3", "P2", "2024-02-29", "8432.10", "红果乡", "inpatient", time.Date(2024, 3, 1, 10, 0, 0, 0, cst)},   // 3
		{"H001", "V4", "P1", "2024-03-01", "99.99", "红果乡", "inpatient", time.Date(2024, 3, 2, 10, 0, 0, 0, cst)},     // 4
		{"H002", "V5", "P3", "2023-12-31", "10000.00", "城关镇", "inpatient", time.Date(2024, 1, 1, 7, 0, 0, 0, cst)},   // 5
	}
	var es []*ledger.Entry
	for _, r := range rows {
		e := Settlement(r.inst, r.visit, r.person, r.adm)
		e.Total, e.Township, e.VisitType, e.Recorded = money.MustAmount(r.total), r.township, r.visitType, r.recorded
		es = append(es, e)
	}
	appendAll(t, s, es...)
	appendAll(t, s, reversalOf(es[2], 3)) // 6: 3 reversed, then corrected by 7
	corr := Settlement("H001", "V3", "P2", "2024-02-29")
	corr.Corrects, corr.Recorded = 3, time.Date(2024, 3, 5, 9, 0, 0, 0, cst)
	appendAll(t, s, corr)                 // 7
	appendAll(t, s, reversalOf(es[1], 2)) // 8: 2 reversed for good

	amt := func(s string) *money.Amount { a := money.MustAmount(s); return &a }
	d := civil.MustParse
	tests := []struct {
		name string
		q    ledger.SettlementQuery
		want []int64
	}{
		{"all, newest first", ledger.SettlementQuery{}, []int64{7, 5, 4, 3, 2, 1}},
		{"limit", ledger.SettlementQuery{Limit: 2}, []int64{7, 5}},
		{"before", ledger.SettlementQuery{BeforeSeq: 5, Limit: 2}, []int64{4, 3}},
		{"institution", ledger.SettlementQuery{Institution: "H002"}, []int64{5, 2}},
		{"township", ledger.SettlementQuery{Township: "红果乡"}, []int64{4, 3}},
		{"village", ledger.SettlementQuery{Village: "V02"}, []int64{7, 3, 2}},
		{"person", ledger.SettlementQuery{Person: "P1"}, []int64{4, 1}},
		{"household", ledger.SettlementQuery{Household: "H-P3"}, []int64{5}},
		{"visit type", ledger.SettlementQuery{VisitType: "outpatient"}, []int64{2}},
		{"live", ledger.SettlementQuery{Status: ledger.StatusLive}, []int64{7, 5, 4, 1}},
		{"reversed", ledger.SettlementQuery{Status: ledger.StatusReversed}, []int64{2}},
		{"corrected", ledger.SettlementQuery{Status: ledger.StatusCorrected}, []int64{3}},
		{"visit range inclusive", ledger.SettlementQuery{VisitFrom: d("2024-02-01"), VisitTo: d("2024-02-29")}, []int64{7, 3, 2}},
		// Days are China Standard Time: 2024-01-20 00:30 CST is 2024-01-19 in UTC.
		{"settled on a day", ledger.SettlementQuery{SettledFrom: d("2024-01-20"), SettledTo: d("2024-01-20")}, []int64{1}},
		{"settled to, inclusive", ledger.SettlementQuery{SettledTo: d("2024-02-02")}, []int64{5, 2, 1}},
		{"settled from", ledger.SettlementQuery{SettledFrom: d("2024-03-02")}, []int64{7, 4}},
		{"min total, exact", ledger.SettlementQuery{MinTotal: amt("2500.5")}, []int64{7, 5, 3, 2}},
		{"max total, exact", ledger.SettlementQuery{MaxTotal: amt("100")}, []int64{4, 1}},
		{"total range and limit", ledger.SettlementQuery{MinTotal: amt("100"), MaxTotal: amt("9000"), Limit: 2}, []int64{7, 3}},
		{"total range after cursor", ledger.SettlementQuery{MinTotal: amt("100"), MaxTotal: amt("9000"), BeforeSeq: 3}, []int64{2, 1}},
		{"combined", ledger.SettlementQuery{Institution: "H001", Status: ledger.StatusLive, Township: "红果乡"}, []int64{4}},
		{"nothing", ledger.SettlementQuery{Person: "P9"}, []int64{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.q.Limit == 0 {
				tc.q.Limit = ledger.DefaultListLimit
			}
			got, _ := settlements(t, s, tc.q)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Settlements(%+v) seqs -want +got:\n%s", tc.q, diff)
			}
		})
	}

	_, all := settlements(t, s, ledger.SettlementQuery{Limit: 10})
	links := map[int64][3]any{}
	for _, r := range all {
		links[r.Entry.Seq] = [3]any{r.Status, r.ReversedBy, r.CorrectedBy}
	}
	want := map[int64][3]any{
		7: {ledger.StatusLive, int64(0), int64(0)},
		5: {ledger.StatusLive, int64(0), int64(0)},
		4: {ledger.StatusLive, int64(0), int64(0)},
		3: {ledger.StatusCorrected, int64(6), int64(7)},
		2: {ledger.StatusReversed, int64(8), int64(0)},
		1: {ledger.StatusLive, int64(0), int64(0)},
	}
	if diff := cmp.Diff(want, links); diff != "" {
		t.Errorf("status and links -want +got:\n%s", diff)
	}
	for _, r := range all {
		if r.Entry.Seq == 3 && r.Entry.Total.String() != "8432.10" {
			t.Errorf("entry 3 total %s", r.Entry.Total)
		}
	}
}

// SeedSettlements appends n settlements of a typical inpatient bill over 1,000
// persons, two institutions and two townships, with every tenth reversed, in
// batches of 500 per Update.
func SeedSettlements(tb testing.TB, s ledger.Store, n int) {
	tb.Helper()
	ctx := tb.Context()
	req := []byte(`{"claim":{"items":[` + strings.Repeat(`{"code":"A0101","kind":"drug","amount":"12.30"},`, 40) + `{}]}}`)
	res := []byte(`{"result":{` + strings.Repeat(`"step":{"stage":"ratio","in":"100.00","out":"80.00"},`, 20) + `"x":1}}`)
	for start := 0; start < n; start += 500 {
		err := s.Update(ctx, func(tx ledger.Tx) error {
			for i := start; i < min(start+500, n); i++ {
				e := Settlement([]string{"H001", "H002"}[i%2], fmt.Sprintf("V%07d", i), fmt.Sprintf("P%04d", i%1000), "2024-03-01")
				e.Township = []string{"城关镇", "红果乡"}[i%3%2]
				e.Total = money.MustAmount(fmt.Sprintf("%d.%02d", 100+i%9000, i%100))
				e.Request, e.Result = req, res
				seq, err := tx.Append(ctx, e)
				if err != nil {
					return err
				}
				if i%10 == 9 {
					if _, err := tx.Append(ctx, reversalOf(e, seq)); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkSettlementsPage measures one page of 50 settlements (Tx.Settlements in a
// View, what GET /v1/settlements costs the database) over a journal SeedSettlements
// filled, for the common filters.
func BenchmarkSettlementsPage(b *testing.B, s ledger.Store) {
	amt := func(s string) *money.Amount { a := money.MustAmount(s); return &a }
	var last int64
	for _, bc := range []struct {
		name string
		q    ledger.SettlementQuery
	}{
		{"first page", ledger.SettlementQuery{}},
		{"deep cursor", ledger.SettlementQuery{BeforeSeq: 200}},
		{"institution", ledger.SettlementQuery{Institution: "H002"}},
		{"township and live", ledger.SettlementQuery{Township: "红果乡", Status: ledger.StatusLive}},
		{"reversed", ledger.SettlementQuery{Status: ledger.StatusReversed}},
		{"person", ledger.SettlementQuery{Person: "P0042"}},
		{"household", ledger.SettlementQuery{Household: "H-P0042"}},
		{"total range 1 in 9", ledger.SettlementQuery{MinTotal: amt("1000"), MaxTotal: amt("1999.99")}},
		{"total range none", ledger.SettlementQuery{MinTotal: amt("99999")}},
	} {
		bc.q.Limit = ledger.DefaultListLimit + 1
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				err := s.View(b.Context(), func(tx ledger.Tx) error {
					rows, err := tx.Settlements(b.Context(), bc.q)
					if len(rows) > 0 {
						last = rows[len(rows)-1].Entry.Seq
					}
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/page")
		})
	}
	_ = last
}

func testCardsOf(t *testing.T, open Opener) {
	s := open(t)
	at := time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC)
	for _, ev := range []ledger.CardEvent{
		{Number: "C2", Owner: "P1", Event: identity.Issue, Date: civil.MustParse("2024-01-02"), Status: identity.Active, Recorded: at},
		{Number: "C1", Owner: "P1", Event: identity.Issue, Date: civil.MustParse("2024-01-03"), Status: identity.Active, Recorded: at},
		{Number: "C3", Owner: "P2", Event: identity.Issue, Date: civil.MustParse("2024-01-03"), Status: identity.Active, Recorded: at},
		{Number: "C2", Owner: "P1", Event: identity.ReportLost, Date: civil.MustParse("2024-02-10"), Status: identity.Lost, Recorded: at},
	} {
		update(t, s, func(ctx context.Context, tx ledger.Tx) error { return tx.AppendCardEvent(ctx, ev) })
	}
	view(t, s, func(ctx context.Context, tx ledger.Tx) error {
		for owner, want := range map[string][]string{"P1": {"C2", "C1"}, "P2": {"C3"}, "P9": {}} {
			got, err := tx.CardsOf(ctx, owner)
			if err != nil {
				return err
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("CardsOf(%s) -want +got:\n%s", owner, d)
			}
		}
		return nil
	})
}
