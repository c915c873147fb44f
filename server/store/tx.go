package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/ruralhealth/ncms/server/ledger"
)

// pageSize is how many rows an iterator reads per query. Iterators read page by page
// with no cursor left open while the caller's loop body runs, so the body may use the
// same Tx (PostgreSQL cannot run a query while another's rows are being read) and a
// year's journal never sits in memory at once.
const pageSize = 256

var (
	errTxDone   = errors.New("the transaction has ended")
	errReadOnly = errors.New("a write in a read-only transaction")
)

// txn is the ledger.Tx handed to one Update or View fn.
type txn struct {
	*sqlTx
	write bool // in Update
	// lock makes LockTotals take a row lock (PostgreSQL); SQLite's one writer
	// serializes every Update already.
	lock bool
	// detach runs statements with a context that cannot be cancelled (the SQLite
	// writer): there an interrupted INSERT rolls back the whole transaction, with the
	// other fns of the group in it. The caller's context is checked between
	// statements instead.
	detach bool
	done   bool // fn has returned; the Tx must not be used any more
}

// sqlTx is one database transaction, which the SQLite writer shares among the fns of
// a group.
type sqlTx struct {
	tx *sql.Tx
	d  *dialect
	// prepare keeps statements prepared for the transaction's life: worth it where
	// one transaction runs hundreds of fns. (pgx caches prepared statements itself.)
	prepare bool
	stmts   [numQueries]*sql.Stmt
}

// stmt returns q prepared on the transaction, or nil to run its text directly.
func (c *sqlTx) stmt(ctx context.Context, q query) (*sql.Stmt, error) {
	if !c.prepare {
		return nil, nil
	}
	if st := c.stmts[q]; st != nil {
		return st, nil
	}
	st, err := c.tx.PrepareContext(ctx, c.d.text[q])
	if err != nil {
		return nil, err
	}
	c.stmts[q] = st
	return st, nil
}

var _ ledger.Tx = (*txn)(nil)

// start checks that a statement may run now and returns the context to run it with.
func (t *txn) start(ctx context.Context, write bool) (context.Context, error) {
	switch {
	case t.done:
		return nil, errTxDone
	case write && !t.write:
		return nil, errReadOnly
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if t.detach {
		return context.WithoutCancel(ctx), nil
	}
	return ctx, nil
}

// fail wraps a database error with what was being done. A missing row becomes
// ledger.ErrNotFound, and an error caused by the caller's context says so.
func fail(ctx context.Context, what string, err error) error {
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("store: %s: %w", what, ledger.ErrNotFound)
	case ctx.Err() != nil && !errors.Is(err, ctx.Err()):
		return fmt.Errorf("store: %s: %w (%w)", what, ctx.Err(), err)
	}
	return fmt.Errorf("store: %s: %w", what, err)
}

func (t *txn) exec(ctx context.Context, q query, args ...any) (sql.Result, error) {
	st, err := t.stmt(ctx, q)
	switch {
	case err != nil:
		return nil, err
	case st != nil:
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, t.d.text[q], args...)
}

func (t *txn) query(ctx context.Context, q query, args ...any) (*sql.Rows, error) {
	st, err := t.stmt(ctx, q)
	switch {
	case err != nil:
		return nil, err
	case st != nil:
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, t.d.text[q], args...)
}

// row is *sql.Row, or a failure to prepare its statement.
type row struct {
	r   *sql.Row
	err error
}

func (r row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	return r.r.Scan(dest...)
}

func (t *txn) queryRow(ctx context.Context, q query, args ...any) row {
	st, err := t.stmt(ctx, q)
	switch {
	case err != nil:
		return row{err: err}
	case st != nil:
		return row{r: st.QueryRowContext(ctx, args...)}
	}
	return row{r: t.tx.QueryRowContext(ctx, t.d.text[q], args...)}
}
