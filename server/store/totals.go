package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/core/identity"
)

// A person's running totals for the year (a derived table: the journal's deltas
// summed give the same figures), locked per person on PostgreSQL.

// emptyTotals is a person's totals before anything is settled in the year.
func emptyTotals(year int) claim.Totals {
	return claim.NewTotals(year)
}

func (t *txn) LockTotals(ctx context.Context, person string, year int) (claim.Totals, error) {
	what := "totals of " + identity.Mask(person) + " for " + strconv.Itoa(year)
	qctx, err := t.start(ctx, false)
	if err != nil {
		return claim.Totals{}, fail(ctx, what, err)
	}
	var text string
	if t.lock && t.write {
		err = t.queryRow(qctx, qTotalsForUpdate, person, year).Scan(&text)
		if errors.Is(err, sql.ErrNoRows) {
			// A row to lock: a concurrent first Update for the person inserts too, and
			// this INSERT waits for it to commit and then does nothing.
			if text, err = encodeJSON(emptyTotals(year)); err != nil {
				return claim.Totals{}, fail(ctx, what, err)
			}
			if _, err = t.exec(qctx, qTotalsCreate, person, year, text); err == nil {
				err = t.queryRow(qctx, qTotalsForUpdate, person, year).Scan(&text)
			}
		}
	} else {
		err = t.queryRow(qctx, qTotals, person, year).Scan(&text)
		if errors.Is(err, sql.ErrNoRows) {
			return emptyTotals(year), nil
		}
	}
	if err != nil {
		return claim.Totals{}, fail(ctx, what, err)
	}
	var tot claim.Totals
	if err := decodeJSON(text, &tot); err != nil {
		return claim.Totals{}, fail(ctx, what, err)
	}
	if tot.Funds == nil {
		tot.Funds = []claim.FundTotal{}
	}
	if tot.Admissions == nil {
		tot.Admissions = []claim.ClassCount{}
	}
	return tot, nil
}

func (t *txn) PutTotals(ctx context.Context, person string, year int, tot claim.Totals) error {
	what := "putting totals of " + identity.Mask(person) + " for " + strconv.Itoa(year)
	qctx, err := t.start(ctx, true)
	if err != nil {
		return fail(ctx, what, err)
	}
	text, err := encodeJSON(tot)
	if err != nil {
		return fail(ctx, what, err)
	}
	if _, err := t.exec(qctx, qPutTotals, person, year, text); err != nil {
		return fail(ctx, what, err)
	}
	return nil
}
