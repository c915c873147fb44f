package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver: pure Go, no cgo

	"github.com/ruralhealth/ncms/server/ledger"
)

// maxGroup bounds the fns committed together, so one group's transaction stays short
// and a failed commit fails a bounded number of callers.
const maxGroup = 512

// busyTimeout is how long a connection waits for another process's lock (a backup
// tool, the sqlite3 shell) before failing.
const busyTimeout = 10 * time.Second

// sqliteStore is a ledger.Store on one SQLite file. Updates are queued to a single
// writer goroutine that owns the only write connection; Views read from a pool of
// query-only connections, which WAL mode lets run beside the writer.
type sqliteStore struct {
	d       *dialect
	writer  *sql.DB // one connection, used only by the writer goroutine
	readers *sql.DB

	// mu guards sending on queue against its closing: Update holds it shared while
	// it sends, Close exclusively while it closes.
	mu     sync.RWMutex
	closed atomic.Bool
	queue  chan *request
	exited chan struct{} // the writer has finished the queue

	groups atomic.Int64 // transactions the writer has begun, for tests
}

// request is one Update waiting for the writer.
type request struct {
	ctx   context.Context
	fn    func(ledger.Tx) error
	state atomic.Int32
	done  chan struct{} // closed when err and panicked are set

	err      error
	panicked any // what fn panicked with, to panic again in the caller
}

// States of a request. The writer moves it from queued to started before running fn;
// a caller whose context ends moves it from queued to abandoned and returns. Exactly
// one of them wins, so a fn never runs for a caller that has gone.
const (
	queued int32 = iota
	started
	abandoned
)

// openSQLite opens (creating if needed) the database file at path.
func openSQLite(ctx context.Context, path string) (*sqliteStore, error) {
	switch {
	case path == "", path == ":memory:", strings.HasPrefix(path, "file:"):
		// A memory database is private to one connection, and the readers need the file.
		return nil, fmt.Errorf("store: SQLite needs a file path, not %q", path)
	case strings.ContainsRune(path, '?'):
		return nil, fmt.Errorf("store: SQLite path %q: ? starts the driver's settings", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	busy := fmt.Sprintf("_pragma=busy_timeout(%d)", busyTimeout.Milliseconds())
	// WAL lets readers run beside the writer; synchronous=FULL syncs the WAL on every
	// commit, so a settlement acknowledged survives a power cut; _txlock=immediate
	// takes the write lock at BEGIN rather than failing at the first write.
	writer, err := sql.Open("sqlite", path+"?"+busy+
		"&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("store: opening %s: %w", path, err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	writer.SetConnMaxIdleTime(0)
	s := &sqliteStore{d: newDialect("sqlite", false), writer: writer,
		queue: make(chan *request, maxGroup), exited: make(chan struct{})}
	if err := s.setUp(ctx, path); err != nil {
		writer.Close()
		return nil, fmt.Errorf("store: opening %s: %w", path, err)
	}
	s.readers, err = sql.Open("sqlite", path+"?"+busy+"&_pragma=query_only(1)")
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("store: opening %s: %w", path, err)
	}
	n := max(4, 2*runtime.GOMAXPROCS(0))
	s.readers.SetMaxOpenConns(n)
	s.readers.SetMaxIdleConns(n)
	go s.write()
	return s, nil
}

// setUp checks the write connection's settings took and migrates the schema.
func (s *sqliteStore) setUp(ctx context.Context, path string) error {
	var mode string
	if err := s.writer.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return err
	}
	// SQLite silently keeps the old journal mode where WAL is impossible (a network
	// file system); the readers would then block the writer.
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("journal mode is %q, not WAL", mode)
	}
	tx, err := s.writer.BeginTx(ctx, nil) // BEGIN IMMEDIATE: one migrator at a time
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := migrate(ctx, tx, s.d, time.Now()); err != nil {
		return err
	}
	return tx.Commit()
}

// Update queues fn for the writer and waits for its group to commit. fn runs on the
// writer goroutine, so it must not itself call Update or View on the store.
func (s *sqliteStore) Update(ctx context.Context, fn func(ledger.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r := &request{ctx: ctx, fn: fn, done: make(chan struct{})}
	s.mu.RLock()
	if s.closed.Load() {
		s.mu.RUnlock()
		return ErrClosed
	}
	select {
	case s.queue <- r:
		s.mu.RUnlock()
	case <-ctx.Done():
		s.mu.RUnlock()
		return ctx.Err()
	}
	select {
	case <-r.done:
	case <-ctx.Done():
		if r.state.CompareAndSwap(queued, abandoned) {
			return ctx.Err()
		}
		// fn has started: its outcome, committed or not, is what the caller gets.
		<-r.done
	}
	if r.panicked != nil {
		panic(r.panicked)
	}
	return available(r.err)
}

// write is the writer goroutine: it takes what is queued, up to maxGroup, and
// commits it as one group, until Close closes the queue.
func (s *sqliteStore) write() {
	defer close(s.exited)
	group := make([]*request, 0, maxGroup)
	for r := range s.queue {
		group = append(group[:0], r)
	more:
		for len(group) < maxGroup {
			select {
			case r, ok := <-s.queue:
				if !ok {
					break more
				}
				group = append(group, r)
			default:
				break more
			}
		}
		s.commit(group)
		clear(group)
	}
}

// commit runs the group's fns in one transaction, each in a savepoint so that a fn
// returning an error takes back only its own writes, then commits once. Every caller
// whose fn returned nil gets nil only after the commit.
func (s *sqliteStore) commit(group []*request) {
	defer func() {
		for _, r := range group {
			close(r.done)
		}
	}()
	// No caller's context reaches the connection: see txn.detach.
	ctx := context.Background()
	s.groups.Add(1)
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		fail := fmt.Errorf("store: beginning a write: %w", err)
		for _, r := range group {
			if r.claim() {
				r.err = fail
			}
		}
		return
	}
	c := &sqlTx{tx: tx, d: s.d, prepare: true}
	var broken error
	for _, r := range group {
		// Claimed only now, so a caller can give up until its own fn starts.
		if !r.claim() {
			continue
		}
		if err := r.ctx.Err(); err != nil {
			r.err = err
			continue
		}
		if broken = savepoint(ctx, tx, "SAVEPOINT fn"); broken != nil {
			break
		}
		t := &txn{sqlTx: c, write: true, detach: true}
		r.err, r.panicked = call(r.fn, t)
		t.done = true
		if r.err == nil && r.panicked == nil {
			broken = savepoint(ctx, tx, "RELEASE fn")
		} else {
			broken = savepoint(ctx, tx, "ROLLBACK TO fn; RELEASE fn")
		}
		if broken != nil {
			break
		}
	}
	if broken == nil {
		broken = tx.Commit()
	} else {
		tx.Rollback()
	}
	if broken == nil {
		return
	}
	// The transaction is gone, and every write in it: a fn that succeeded, or has not
	// run, gets the failure. (A savepoint statement fails when SQLite has rolled the
	// whole transaction back itself, after an I/O error or a full disk.)
	for _, r := range group {
		if r.claim() && r.err == nil && r.panicked == nil {
			r.err = fmt.Errorf("store: committing a group of %d writes: %w", len(group), broken)
		}
	}
}

// claim moves a queued request to started, and reports whether the request is the
// writer's to answer: false once its caller has given up on it.
func (r *request) claim() bool {
	return r.state.CompareAndSwap(queued, started) || r.state.Load() == started
}

func savepoint(ctx context.Context, tx *sql.Tx, stmt string) error {
	if _, err := tx.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("%s: %w", stmt, err)
	}
	return nil
}

// call runs fn, turning a panic into a value for the caller's goroutine to panic
// with: the writer goroutine must survive it.
func call(fn func(ledger.Tx) error, t ledger.Tx) (err error, panicked any) {
	defer func() {
		if v := recover(); v != nil {
			panicked = v
		}
	}()
	return fn(t), nil
}

// View runs fn in a read transaction on one of the reader connections: a snapshot
// from its first read on, beside the writer.
func (s *sqliteStore) View(ctx context.Context, fn func(ledger.Tx) error) error {
	if s.closed.Load() {
		return ErrClosed
	}
	tx, err := s.readers.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return available(fmt.Errorf("store: beginning a read: %w", err))
	}
	defer tx.Rollback()
	t := &txn{sqlTx: &sqlTx{tx: tx, d: s.d}}
	defer func() { t.done = true }()
	return available(fn(t))
}

// Ping reads from the database on a reader connection.
func (s *sqliteStore) Ping(ctx context.Context) error {
	if s.closed.Load() {
		return ErrClosed
	}
	var n int
	if err := s.readers.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
		return available(fmt.Errorf("store: ping: %w", err))
	}
	return nil
}

// Close commits what is queued, stops the writer and closes the connections. Update
// and View return ErrClosed afterwards; closing again does nothing.
func (s *sqliteStore) Close() error {
	s.mu.Lock()
	if s.closed.Swap(true) {
		s.mu.Unlock()
		return nil
	}
	close(s.queue)
	s.mu.Unlock()
	<-s.exited
	return errors.Join(s.readers.Close(), s.writer.Close())
}
