package ledger_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/server/ledger"
	"github.com/ruralhealth/ncms/server/store/storetest"
)

// BenchmarkBooks measures the books over a month of 20,000 journal entries at ten
// institutions (one in ten a reversal): issuing the month's statements once
// (reported as issue-ms) and then the month's reconciliation per iteration.
//
//	go test -run '^$' -bench Books -benchtime 5x ./server/ledger
func BenchmarkBooks(b *testing.B) {
	const entries = 20_000
	june := civil.New(2025, time.June, 1)
	for name, opener := range benchStores(b) {
		b.Run(name, func(b *testing.B) {
			s := opener(b)
			ctx := context.Background()
			for start := 0; start < entries; start += 1000 {
				err := s.Update(ctx, func(tx ledger.Tx) error {
					for i := start; i < start+1000; i++ {
						e := storetest.Settlement(fmt.Sprintf("H%03d", i%10), fmt.Sprintf("V%d", i), "640221198001010015", "2025-06-01")
						e.Recorded = ledger.DayStart(june).Add(time.Duration(i) * 29 * 24 * time.Hour / entries)
						if i%10 == 9 {
							e.Kind, e.Reverses, e.Request, e.Result = ledger.KindReversal, int64(i), nil, nil
						}
						if _, err := tx.Append(ctx, e); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			l, _ := clockedLedger(b, s, ledger.DayStart(june.AddMonths(1)).Add(time.Hour))
			t0 := time.Now()
			ss, err := l.IssueStatements(ctx, "k", "", june, june.AddMonths(1).AddDays(-1))
			if err != nil || len(ss) != 10 {
				b.Fatalf("%d statements, %v", len(ss), err)
			}
			issue := time.Since(t0)
			b.ResetTimer() // which deletes metrics reported before it
			for b.Loop() {
				rep, err := l.Reconcile(ctx, june, june)
				if err != nil || !rep.Balanced {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(issue.Microseconds())/1000, "issue-ms")
		})
	}
}

// benchStores opens SQLite, and PostgreSQL when NCMS_TEST_POSTGRES names a server.
func benchStores(b *testing.B) map[string]func(testing.TB) ledger.Store {
	out := map[string]func(testing.TB) ledger.Store{
		"sqlite": func(t testing.TB) ledger.Store { return open(t, filepath.Join(t.TempDir(), "ncms.db")) },
	}
	if os.Getenv("NCMS_TEST_POSTGRES") != "" {
		out["postgres"] = func(t testing.TB) ledger.Store { return open(t, storetest.PostgresDSN(t)) }
	}
	return out
}
