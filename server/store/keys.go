package store

import (
	"context"

	"github.com/ruralhealth/ncms/server/ledger"
)

// API keys, stored as the SHA-256 of their secret.

func (t *txn) PutKey(ctx context.Context, k ledger.Key) error {
	what := "putting key " + k.ID
	qctx, err := t.start(ctx, true)
	if err != nil {
		return fail(ctx, what, err)
	}
	created, err := formatTime(k.Created)
	if err != nil {
		return fail(ctx, what, err)
	}
	_, err = t.exec(qctx, qPutKey, k.ID, k.Hash, k.Role, k.Institution, k.Name, created, k.Revoked)
	if err != nil {
		return fail(ctx, what, err)
	}
	return nil
}

func scanKey(sc scanner) (ledger.Key, error) {
	var k ledger.Key
	var created string
	if err := sc.Scan(&k.ID, &k.Hash, &k.Role, &k.Institution, &k.Name, &created, &k.Revoked); err != nil {
		return k, err
	}
	var err error
	k.Created, err = parseTime(created)
	return k, err
}

func (t *txn) KeyByHash(ctx context.Context, hash string) (*ledger.Key, error) {
	// The hash identifies a secret: it stays out of error messages.
	const what = "key by hash"
	qctx, err := t.start(ctx, false)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	k, err := scanKey(t.queryRow(qctx, qKeyByHash, hash))
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	return &k, nil
}

func (t *txn) Keys(ctx context.Context) ([]ledger.Key, error) {
	const what = "keys"
	qctx, err := t.start(ctx, false)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	rows, err := t.query(qctx, qKeys)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	defer rows.Close()
	ks := []ledger.Key{}
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, fail(ctx, what, err)
		}
		ks = append(ks, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(ctx, what, err)
	}
	return ks, nil
}
