// Package replay reads the county server's journal as a year of claims for a fund
// simulation (core/simulate): every settlement of the year that stands — none that a
// reversal names, whenever the reversal was recorded; a correction is an ordinary
// settlement — with the settle request the ledger recorded and the township and
// household its registry gave. It only reads (Store.View).
package replay

import (
	"context"
	"fmt"
	"iter"
	"os"
	"strings"
	"time"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/simulate"
	"github.com/ruralhealth/ncms/server/ledger"
	"github.com/ruralhealth/ncms/server/store"
)

// Open opens the county server's database for a replay, as `ncms serve` opens it
// (store.Open: the schema brought up to date), except that a SQLite file that does not
// exist is an error rather than a new, empty ledger. The replay itself only reads.
func Open(ctx context.Context, dsn string) (ledger.Store, error) {
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		if _, err := os.Stat(dsn); err != nil {
			return nil, fmt.Errorf("replay: the database: %w", err)
		}
	}
	s, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	return s, nil
}

// Policies loads every policy the county published into e, as the ledger does when
// it starts, so that each recorded claim can settle under the policy it names.
func Policies(ctx context.Context, s ledger.Store, e *engine.Engine) error {
	if _, err := ledger.New(ctx, s, e, nil, ledger.Options{}); err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	return nil
}

// Journal yields the standing settlements admitted in the year, in admission date
// order and, within a day, in journal order: the order a simulation carries each
// person's totals in. It reads one day at a time, so memory does not grow with the
// year. A record's Seq is the journal's sequence number.
func Journal(ctx context.Context, s ledger.Store, year int) iter.Seq2[simulate.Record, error] {
	return func(yield func(simulate.Record, error) bool) {
		err := s.View(ctx, func(tx ledger.Tx) error {
			reversed := map[int64]bool{}
			for e, err := range tx.Entries(ctx, ledger.Filter{Kind: ledger.KindReversal}) {
				if err != nil {
					return err
				}
				reversed[e.Reverses] = true
			}
			for d := civil.New(year, time.January, 1); d.Year == year; d = d.AddDays(1) {
				for e, err := range tx.Entries(ctx, ledger.Filter{From: d, To: d, Kind: ledger.KindSettlement}) {
					if err != nil {
						return err
					}
					if reversed[e.Seq] {
						continue
					}
					if !yield(simulate.Record{Seq: e.Seq, JSON: e.Request, Township: e.Township, Household: e.Household}, nil) {
						return errStop
					}
				}
			}
			return nil
		})
		if err != nil && err != errStop {
			yield(simulate.Record{}, fmt.Errorf("replay: reading the journal of %d: %w", year, err))
		}
	}
}

type stopped struct{}

func (stopped) Error() string { return "stopped" }

// errStop ends the read transaction when the consumer stops early.
var errStop error = stopped{}
