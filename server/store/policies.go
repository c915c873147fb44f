package store

import (
	"context"
	"iter"

	"github.com/ruralhealth/ncms/server/ledger"
)

// The policies the county published, stored under their hash.

func (t *txn) PutPolicy(ctx context.Context, p ledger.StoredPolicy) error {
	what := "putting policy " + p.ID + " " + p.Version
	qctx, err := t.start(ctx, true)
	if err != nil {
		return fail(ctx, what, err)
	}
	loaded, err := formatTime(p.Loaded)
	if err != nil {
		return fail(ctx, what, err)
	}
	if _, err := t.exec(qctx, qPutPolicy, p.Hash, p.ID, p.Version, nonNil(p.Document), loaded); err != nil {
		return fail(ctx, what, err)
	}
	return nil
}

func (t *txn) PolicyCount(ctx context.Context) (int, error) {
	qctx, err := t.start(ctx, false)
	if err != nil {
		return 0, fail(ctx, "counting policies", err)
	}
	var n int
	if err := t.queryRow(qctx, qPolicyCount).Scan(&n); err != nil {
		return 0, fail(ctx, "counting policies", err)
	}
	return n, nil
}

// Policies reads every document at once: a county publishes a few a year.
func (t *txn) Policies(ctx context.Context) iter.Seq2[*ledger.StoredPolicy, error] {
	return func(yield func(*ledger.StoredPolicy, error) bool) {
		ps, err := t.policies(ctx)
		if err != nil {
			yield(nil, fail(ctx, "policies", err))
			return
		}
		for _, p := range ps {
			if !yield(p, nil) {
				return
			}
		}
	}
}

func (t *txn) policies(ctx context.Context) ([]*ledger.StoredPolicy, error) {
	qctx, err := t.start(ctx, false)
	if err != nil {
		return nil, err
	}
	rows, err := t.query(qctx, qPolicies)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ps []*ledger.StoredPolicy
	for rows.Next() {
		var p ledger.StoredPolicy
		var loaded string
		if err := rows.Scan(&p.Hash, &p.ID, &p.Version, &p.Document, &loaded); err != nil {
			return nil, err
		}
		if p.Loaded, err = parseTime(loaded); err != nil {
			return nil, err
		}
		ps = append(ps, &p)
	}
	return ps, rows.Err()
}
