// Package store is the durable implementation of ledger.Store, on SQLite for a
// single county server or PostgreSQL for several replicas.
//
// Both databases share one schema (migrations/, run at Open) and one query code
// through database/sql. The journal is append-only: no statement here updates or
// deletes an entry, and triggers refuse it from any other client. Amounts are stored
// as decimal text, never floats, and nested values as JSON text, so every value
// reads back exactly as written.
//
// On SQLite one goroutine owns the only write connection and commits the Updates
// queued meanwhile as one transaction (group commit), each in its own savepoint, so
// a burst of settlements costs one fsync. On PostgreSQL each Update is a transaction
// of its own, serialized per person by a row lock and retried on a serialization
// failure or deadlock. See RATIONALE.md.
//
// The code is split by aggregate, as in WTF Dial: journal.go, totals.go,
// registry.go, cards.go, policies.go, keys.go, checkout.go (operators, sessions,
// facilities), books.go (statements, deductions, approvals, batches, payments) and
// years.go (year-end closes); tx.go is the transaction, txhelp.go the helpers they
// share (the statement preamble, scanning rows, paging, column encoding) and
// locks.go the named locks.
package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/ruralhealth/ncms/server/ledger"
)

// ErrClosed is returned by Update and View after Close. It wraps
// ledger.ErrUnavailable, as every error does that says the database cannot be
// reached.
var ErrClosed = fmt.Errorf("store: closed: %w", ledger.ErrUnavailable)

// Open opens the store named by dsn and brings its schema up to date. A dsn that
// starts with postgres:// or postgresql:// is a PostgreSQL connection string (see
// pgx); anything else is the path of a SQLite database file, created with its
// directory if missing.
func Open(ctx context.Context, dsn string) (ledger.Store, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return openPostgres(ctx, dsn)
	}
	return openSQLite(ctx, dsn)
}
