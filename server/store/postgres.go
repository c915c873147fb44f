package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/ruralhealth/ncms/server/ledger"
)

// maxAttempts is how many times Update runs a fn that meets a serialization failure
// or a deadlock, the transient errors PostgreSQL asks clients to retry. Each deadlock
// costs its victim the server's deadlock_timeout (a second by default), and under
// contention a transaction can be the victim several times running.
const maxAttempts = 10

// migrationLock is the advisory lock that makes one replica at a time migrate the
// schema ("ncms" and 1).
const migrationLock int64 = 0x6e636d73_00000001

// pgStore is a ledger.Store on PostgreSQL. Each Update is one READ COMMITTED
// transaction; LockTotals's row lock serializes the Updates of one person.
type pgStore struct {
	d      *dialect
	db     *sql.DB
	closed atomic.Bool
}

func openPostgres(ctx context.Context, dsn string) (*pgStore, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	db := stdlib.OpenDB(*cfg)
	// Enough connections that a replica's settlements wait on each other's row locks
	// and commits, not on the pool, without one replica taking the server's
	// max_connections (100 by default) from the others.
	n := max(8, 4*runtime.GOMAXPROCS(0))
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxLifetime(30 * time.Minute)
	db.SetConnMaxIdleTime(5 * time.Minute)
	s := &pgStore{d: newDialect("postgres", true), db: db}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: opening PostgreSQL %s/%s: %w", cfg.Host, cfg.Database, err)
	}
	return s, nil
}

// migrate brings the schema up to date under the advisory lock, which replicas
// starting together take in turn: the first migrates, the others find it done.
func (s *pgStore) migrate(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
		return fmt.Errorf("waiting for the migration lock: %w", err)
	}
	if err := migrate(ctx, tx, s.d, time.Now()); err != nil {
		return err
	}
	return tx.Commit()
}

// Update runs fn in a transaction, again from the start if the database reports a
// serialization failure or deadlock, up to maxAttempts times in all.
func (s *pgStore) Update(ctx context.Context, fn func(ledger.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := s.update(ctx, fn)
		if err == nil || attempt == maxAttempts || !retryable(err) {
			return available(err)
		}
		// A random wait, growing with each attempt, keeps the transactions that
		// deadlocked from meeting again at once.
		wait := time.Duration(1 + rand.Int64N(int64(5*time.Millisecond)<<min(attempt, 6)))
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return available(err)
		}
	}
}

func (s *pgStore) update(ctx context.Context, fn func(ledger.Tx) error) error {
	if s.closed.Load() {
		return ErrClosed
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fail(ctx, "beginning a write", err)
	}
	t := &txn{sqlTx: &sqlTx{tx: tx, d: s.d}, write: true, lock: true}
	committed := false
	defer func() {
		t.done = true
		if !committed {
			tx.Rollback() // also when fn panics, so the connection returns to the pool
		}
	}()
	if err := fn(t); err != nil {
		return err
	}
	t.done = true
	if err := tx.Commit(); err != nil {
		return fail(ctx, "commit", err)
	}
	committed = true
	return nil
}

// retryable reports whether err is PostgreSQL's serialization_failure or
// deadlock_detected, after which the transaction can simply be run again.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// View runs fn in a read-only REPEATABLE READ transaction: one snapshot throughout.
func (s *pgStore) View(ctx context.Context, fn func(ledger.Tx) error) error {
	if s.closed.Load() {
		return ErrClosed
	}
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return available(fail(ctx, "beginning a read", err))
	}
	defer tx.Rollback()
	t := &txn{sqlTx: &sqlTx{tx: tx, d: s.d}}
	defer func() { t.done = true }()
	return available(fn(t))
}

// Ping checks that the database answers.
func (s *pgStore) Ping(ctx context.Context) error {
	if s.closed.Load() {
		return ErrClosed
	}
	if err := s.db.PingContext(ctx); err != nil {
		return available(fail(ctx, "ping", err))
	}
	return nil
}

// Close closes the connection pool; closing again does nothing.
func (s *pgStore) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	return s.db.Close()
}
