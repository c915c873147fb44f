package store

import "context"

// Named locks, which serialize transactions across PostgreSQL replicas; SQLite's one
// writer serializes every Update already, so there they cost nothing.

func (t *txn) Lock(ctx context.Context, name string) error {
	qctx, err := t.start(ctx, true)
	if err != nil {
		return fail(ctx, "locking", err)
	}
	if !t.lock {
		return nil
	}
	var discard any
	if err := t.queryRow(qctx, qLock, name).Scan(&discard); err != nil {
		return fail(ctx, "locking", err)
	}
	return nil
}

func (t *txn) LockShared(ctx context.Context, name string) error {
	qctx, err := t.start(ctx, true)
	if err != nil {
		return fail(ctx, "locking", err)
	}
	if !t.lock {
		return nil
	}
	var discard any
	if err := t.rawRow(qctx, `SELECT pg_advisory_xact_lock_shared(hashtextextended(?, 0))`, name).Scan(&discard); err != nil {
		return fail(ctx, "locking", err)
	}
	return nil
}
