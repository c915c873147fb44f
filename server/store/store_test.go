package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for the test's own administration

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/server/ledger"
	"github.com/ruralhealth/ncms/server/store"
	"github.com/ruralhealth/ncms/server/store/storetest"
)

func TestSQLite(t *testing.T) {
	storetest.Run(t, sqliteOpener())
}

// sqliteOpener opens a database file in a directory of each test's own, the same
// file again for the same test.
func sqliteOpener() storetest.Opener {
	var mu sync.Mutex
	dirs := map[*testing.T]string{}
	return func(t *testing.T) ledger.Store {
		mu.Lock()
		dir, ok := dirs[t]
		if !ok {
			dir = t.TempDir()
			dirs[t] = dir
		}
		mu.Unlock()
		// A directory that does not exist yet: Open creates it.
		s, err := store.Open(t.Context(), filepath.Join(dir, "county", "ncms.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
}

func TestPostgres(t *testing.T) {
	storetest.Run(t, postgresOpener(t))
}

// withSchema returns dsn with its search path set to schema.
func withSchema(dsn, schema string) string {
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "search_path=" + schema
}

// postgresOpener gives each test a schema of its own in one database for the run.
func postgresOpener(t *testing.T) storetest.Opener {
	dsn := storetest.PostgresDSN(t)
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var mu sync.Mutex
	schemas := map[*testing.T]string{}
	return func(t *testing.T) ledger.Store {
		mu.Lock()
		schema, ok := schemas[t]
		if !ok {
			schema = fmt.Sprintf("t%d", len(schemas)+1)
			schemas[t] = schema
		}
		mu.Unlock()
		if !ok {
			if _, err := db.ExecContext(t.Context(), "CREATE SCHEMA "+schema); err != nil {
				t.Fatal(err)
			}
		}
		s, err := store.Open(t.Context(), withSchema(dsn, schema))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
}

// BenchmarkSettle runs storetest.BenchmarkSettle on each store, with one caller (the
// latency of a durable commit) and with 64 (group commit at work).
func BenchmarkSettle(b *testing.B) {
	stores := []struct {
		name string
		dsn  func(b *testing.B) string
	}{
		{"sqlite", func(b *testing.B) string { return filepath.Join(b.TempDir(), "ncms.db") }},
		{"postgres", func(b *testing.B) string { return storetest.PostgresDSN(b) }},
	}
	for _, st := range stores {
		for _, callers := range []int{1, 64} {
			b.Run(fmt.Sprintf("%s/callers=%d", st.name, callers), func(b *testing.B) {
				s, err := store.Open(b.Context(), st.dsn(b))
				if err != nil {
					b.Fatal(err)
				}
				defer s.Close()
				storetest.BenchmarkSettle(b, s, callers)
			})
		}
	}
}

// TestPostgresReplicasMigrate opens several stores on one empty database at once, as
// replicas starting together do: each must open, and the schema be migrated once.
func TestPostgresReplicasMigrate(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	const n = 4
	errs := make(chan error, n)
	for range n {
		go func() {
			s, err := store.Open(t.Context(), dsn)
			if err == nil {
				err = s.Close()
			}
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("Open: %v", err)
		}
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows, versions int
	if err := db.QueryRowContext(t.Context(), `SELECT count(*), count(DISTINCT version) FROM schema_migrations`).Scan(&rows, &versions); err != nil {
		t.Fatal(err)
	}
	if rows == 0 || rows != versions {
		t.Errorf("schema_migrations has %d rows for %d versions, want one each", rows, versions)
	}
}

// TestAppendOnly checks that the database itself refuses to change or remove a
// journal entry, whoever asks.
func TestAppendOnly(t *testing.T) {
	for _, db := range []struct {
		name string
		open func(t *testing.T) (ledger.Store, *sql.DB)
	}{
		{"sqlite", func(t *testing.T) (ledger.Store, *sql.DB) {
			path := filepath.Join(t.TempDir(), "ncms.db")
			s, err := store.Open(t.Context(), path)
			if err != nil {
				t.Fatal(err)
			}
			db, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			return s, db
		}},
		{"postgres", func(t *testing.T) (ledger.Store, *sql.DB) {
			dsn := storetest.PostgresDSN(t)
			s, err := store.Open(t.Context(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			db, err := sql.Open("pgx", dsn)
			if err != nil {
				t.Fatal(err)
			}
			return s, db
		}},
	} {
		t.Run(db.name, func(t *testing.T) {
			s, raw := db.open(t)
			defer s.Close()
			defer raw.Close()
			err := s.Update(t.Context(), func(tx ledger.Tx) error {
				_, err := tx.Append(t.Context(), storetest.Settlement("H001", "V1", "P1", "2024-03-01"))
				if err == nil {
					err = tx.AppendCardEvent(t.Context(), ledger.CardEvent{Number: "C1", Event: "issue"})
				}
				if err == nil {
					if err = appendBooks(t.Context(), tx); err == nil {
						var seq int64
						seq, err = tx.AppendContribution(t.Context(), &ledger.Contribution{Person: "P1", Year: 2025})
						if err == nil {
							_, err = tx.AppendAccountRow(t.Context(), &ledger.AccountRow{Household: "H1", Kind: ledger.AccountContribution, Contribution: seq})
						}
					}
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, stmt := range []string{
				`UPDATE entries SET cash = '0.00'`,
				`DELETE FROM entries`,
				`UPDATE card_events SET status = 'active'`,
				`DELETE FROM card_events`,
				`UPDATE contributions SET amount = '0.00'`,
				`DELETE FROM contributions`,
				`UPDATE family_account SET balance = '0.00'`,
				`DELETE FROM family_account`,
			} {
				if _, err := raw.ExecContext(t.Context(), stmt); err == nil {
					t.Errorf("%s succeeded", stmt)
				}
			}
			for _, table := range []string{"statements", "deductions", "approvals", "payment_batches", "batch_items", "payments", "year_closes"} {
				for _, stmt := range []string{`UPDATE ` + table + ` SET actor = 'x'`, `DELETE FROM ` + table} {
					if table == "batch_items" {
						stmt = strings.Replace(stmt, "actor", "institution", 1)
					}
					if _, err := raw.ExecContext(t.Context(), stmt); err == nil {
						t.Errorf("%s succeeded", stmt)
					}
				}
			}
			for _, stmt := range []string{
				// A statement is in one batch at most, whoever asks.
				`INSERT INTO batch_items (batch, statement, institution, amount) VALUES (1, 1, 'H001', '1.00')`,
			} {
				if _, err := raw.ExecContext(t.Context(), stmt); err == nil {
					t.Errorf("%s succeeded", stmt)
				}
			}
		})
	}
}

// appendBooks writes a row to every table of the books: a statement, its deduction
// and approval, a batch of it and the batch's payment, and a year's close.
func appendBooks(ctx context.Context, tx ledger.Tx) error {
	at := time.Date(2025, 7, 2, 1, 0, 0, 0, time.UTC)
	f := ledger.NewFigures()
	f.Add(storetest.Settlement("H001", "V1", "P1", "2024-03-01"))
	st := &ledger.Statement{Institution: "H001", From: civil.MustParse("2024-03-01"), To: civil.MustParse("2024-03-31"), Figures: f, Recorded: at, Actor: "k"}
	id, err := tx.AppendStatement(ctx, st)
	if err != nil {
		return err
	}
	if _, err := tx.AppendDeduction(ctx, &ledger.Deduction{Statement: id, Amount: money.MustAmount("1.00"), Reason: "x", Entries: []int64{1}, Recorded: at, Actor: "k"}); err != nil {
		return err
	}
	if err := tx.AppendApproval(ctx, ledger.Approval{Statement: id, Deducted: money.MustAmount("1.00"), Amount: f.Owed.Sub(money.MustAmount("1.00")), Recorded: at, Actor: "k"}); err != nil {
		return err
	}
	b, err := tx.AppendBatch(ctx, &ledger.Batch{Key: "k1", RequestHash: "h", Total: f.Owed, Recorded: at, Actor: "k",
		Items: []ledger.BatchItem{{Statement: id, Institution: "H001", Amount: f.Owed}}})
	if err != nil {
		return err
	}
	if err := tx.AppendPayment(ctx, ledger.Payment{Batch: b, PaidOn: civil.MustParse("2025-07-02"), Reference: "r", Recorded: at, Actor: "k"}); err != nil {
		return err
	}
	return tx.CloseYear(ctx, ledger.YearClose{Year: 2024, Figures: f, Recorded: at, Actor: "k"})
}

// TestErrorsMaskIDs: store errors reach the server's logs, which must never hold a
// full resident ID or card number.
func TestErrorsMaskIDs(t *testing.T) {
	s, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "ncms.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const id, card = "640221198001010015", "6228480000000019"
	err = s.View(t.Context(), func(tx ledger.Tx) error {
		cancelled, cancel := context.WithCancel(t.Context())
		cancel()
		_, e1 := tx.LockTotals(cancelled, id, 2025)
		_, e2 := tx.Person(cancelled, id)
		_, e3 := tx.Card(cancelled, card)
		return errors.Join(e1, e2, e3)
	})
	if err == nil {
		t.Fatal("cancelled lookups succeeded")
	}
	if msg := err.Error(); strings.Contains(msg, id) || strings.Contains(msg, card) || !strings.Contains(msg, "640221********0015") {
		t.Fatalf("error text %q shows a full number or no masked one", msg)
	}
}

// BenchmarkSettlementsPage runs storetest.BenchmarkSettlementsPage on each store over
// 10,000 settlements and their 1,000 reversals.
func BenchmarkSettlementsPage(b *testing.B) {
	for _, st := range []struct {
		name string
		dsn  func(b *testing.B) string
	}{
		{"sqlite", func(b *testing.B) string { return filepath.Join(b.TempDir(), "ncms.db") }},
		{"postgres", func(b *testing.B) string { return storetest.PostgresDSN(b) }},
	} {
		b.Run(st.name, func(b *testing.B) {
			dsn := st.dsn(b)
			s, err := store.Open(b.Context(), dsn)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			storetest.SeedSettlements(b, s, 10_000)
			storetest.Analyze(b, dsn)
			storetest.BenchmarkSettlementsPage(b, s)
		})
	}
}
