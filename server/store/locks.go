package store

import "context"

// Named locks, which serialize transactions across PostgreSQL replicas; SQLite's one
// writer serializes every Update already, so there they cost nothing.

// Lock takes an exclusive advisory lock (pg_advisory_xact_lock).
func (t *txn) Lock(ctx context.Context, name string) error { return t.lockWith(ctx, qLock, name) }

// LockShared takes a shared advisory lock (pg_advisory_xact_lock_shared).
func (t *txn) LockShared(ctx context.Context, name string) error {
	return t.lockWith(ctx, qLockShared, name)
}

// lockWith runs the lock statement q on name until the transaction ends.
func (t *txn) lockWith(ctx context.Context, q query, name string) error {
	qctx, err := t.start(ctx, true)
	if err != nil {
		return fail(ctx, "locking", err)
	}
	if !t.lock {
		return nil
	}
	var discard any
	if err := t.queryRow(qctx, q, name).Scan(&discard); err != nil {
		return fail(ctx, "locking", err)
	}
	return nil
}
