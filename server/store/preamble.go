package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/money"
)

// txCall is one Tx method under way: the caller's context, the context its statements
// run with, and what it is doing, for errors. Tx methods added by aggregate (one
// file each) open with call rather than repeating start and fail.
type txCall struct {
	ctx, q context.Context
	what   string
}

// call checks that a statement may run now (a write only in Update) and returns
// the call, or the failure already wrapped.
func (t *txn) call(ctx context.Context, what string, write bool) (txCall, error) {
	q, err := t.start(ctx, write)
	if err != nil {
		return txCall{}, fail(ctx, what, err)
	}
	return txCall{ctx: ctx, q: q, what: what}, nil
}

// fail wraps err with what the txCall was doing.
func (c txCall) fail(err error) error { return fail(c.ctx, c.what, err) }

// values encodes a row's amounts, dates and instants as their column text,
// collecting the first problem, so an insert binds its arguments in one place.
type values struct{ first error }

func (v *values) keep(s string, err error) string {
	if err != nil && v.first == nil {
		v.first = err
	}
	return s
}

func (v *values) amount(a money.Amount) string { return v.keep(formatAmount(a)) }
func (v *values) date(d civil.Date) string     { return v.keep(formatDate(d)) }
func (v *values) time(t time.Time) string      { return v.keep(formatTime(t)) }
func (v *values) err() error                   { return v.first }

// reads decodes column text read back, collecting every problem by column.
type reads struct{ errs []error }

func (r *reads) check(name string, err error) {
	if err != nil {
		r.errs = append(r.errs, fmt.Errorf("%s: %w", name, err))
	}
}

func (r *reads) amount(name, s string) money.Amount {
	a, err := parseAmount(s)
	r.check(name, err)
	return a
}

func (r *reads) date(name, s string) civil.Date {
	d, err := parseDate(s)
	r.check(name, err)
	return d
}

func (r *reads) time(name, s string) time.Time {
	t, err := parseTime(s)
	r.check(name, err)
	return t
}

// err is nil, or every problem of the row named by what.
func (r *reads) err(what string) error {
	if len(r.errs) == 0 {
		return nil
	}
	return fmt.Errorf("%s: %w", what, errors.Join(r.errs...))
}
