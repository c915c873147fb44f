package store

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"time"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/money"
)

// The helpers every aggregate's file shares: the preamble of a statement, reading
// rows into values, and iterating page by page.

// begin is the preamble of a Tx method: it checks that a statement may run now (a
// write only in Update) and returns the context to run it with, or the error
// wrapped with what was being done.
func (t *txn) begin(ctx context.Context, what string, write bool) (context.Context, error) {
	qctx, err := t.start(ctx, write)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	return qctx, nil
}

// collect scans every row of rows with scan and closes them.
func collect[T any](rows *sql.Rows, scan func(scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// paged yields the values of successive pages: page(after) reads up to pageSize
// values after the cursor, next gives a value's cursor. No rows are left open while
// the caller's loop body runs, so the body may use the same Tx.
func paged[T, C any](ctx context.Context, what string, first C, page func(after C) ([]T, error), next func(T) C) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		after := first
		for {
			vs, err := page(after)
			if err != nil {
				var zero T
				yield(zero, fail(ctx, what, err))
				return
			}
			for _, v := range vs {
				if !yield(v, nil) {
					return
				}
			}
			if len(vs) < pageSize {
				return
			}
			after = next(vs[len(vs)-1])
		}
	}
}

// encoder turns one row's values into their column text, keeping the first error.
type encoder struct{ errs []error }

func (e *encoder) keep(s string, err error) string {
	if err != nil {
		e.errs = append(e.errs, err)
	}
	return s
}

func (e *encoder) date(d civil.Date) string     { return e.keep(formatDate(d)) }
func (e *encoder) amount(a money.Amount) string { return e.keep(formatAmount(a)) }
func (e *encoder) time(t time.Time) string      { return e.keep(formatTime(t)) }
func (e *encoder) json(v any) string            { return e.keep(encodeJSON(v)) }

func (e *encoder) err() error {
	if len(e.errs) == 0 {
		return nil
	}
	return e.errs[0]
}

// decoder collects the errors of decoding one row's text columns.
type decoder struct{ errs []error }

func (d *decoder) check(name string, err error) {
	if err != nil {
		d.errs = append(d.errs, fmt.Errorf("%s: %w", name, err))
	}
}

func (d *decoder) amount(name, s string) money.Amount {
	a, err := parseAmount(s)
	d.check(name, err)
	return a
}

func (d *decoder) date(name, s string) civil.Date {
	v, err := parseDate(s)
	d.check(name, err)
	return v
}

func (d *decoder) time(name, s string) time.Time {
	t, err := parseTime(s)
	d.check(name, err)
	return t
}

// err is nil, or the first problem of the row named by what.
func (d *decoder) err(what string) error {
	if len(d.errs) == 0 {
		return nil
	}
	return fmt.Errorf("%s: %w", what, d.errs[0])
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// rawExec, rawQuery and rawRow run statement text through the dialect, for the
// statements outside the prepared set of query.go.
func (t *txn) rawExec(ctx context.Context, q string, args ...any) error {
	_, err := t.tx.ExecContext(ctx, t.d.rebind(q), args...)
	return err
}

func (t *txn) rawQuery(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, t.d.rebind(q), args...)
}

func (t *txn) rawRow(ctx context.Context, q string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, t.d.rebind(q), args...)
}

// optTime stores a zero instant as "".
func optTime(tm time.Time) (string, error) {
	if tm.IsZero() {
		return "", nil
	}
	return formatTime(tm)
}

func parseOptTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return parseTime(s)
}
