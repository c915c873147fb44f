package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ruralhealth/ncms/server/ledger"
)

// TestUnavailable classifies errors: those that say the database cannot be reached
// are unavailable, a failing statement or the caller's cancellation is not.
func TestUnavailable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	// SQLite's busy error: a connection that does not wait (the store's wait out
	// their busy timeout first) meets another's write lock.
	holder, err := db.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := holder.ExecContext(t.Context(), "CREATE TABLE t (x); BEGIN EXCLUSIVE"); err != nil {
		t.Fatal(err)
	}
	other, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	_, busyErr := other.Exec("INSERT INTO t VALUES (1)")
	other.Close()
	holder.Close()
	db.Close()
	_, closedErr := db.Exec("SELECT 1")
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused", fmt.Errorf("store: beginning a read: %w", refused), true},
		{"connection reset", fmt.Errorf("store: x: %w", syscall.ECONNRESET), true},
		{"pgx connection closed", fmt.Errorf("store: x: %w", pgconn.ErrConnClosed), true},
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, true},
		{"connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"too many connections", &pgconn.PgError{Code: "53300"}, true},
		{"database closed", closedErr, true},
		{"SQLite busy", fmt.Errorf("store: x: %w", busyErr), true},
		{"pool closed", ErrClosed, true},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"no rows", sql.ErrNoRows, false},
		{"cancelled", fmt.Errorf("store: x: %w (%w)", context.Canceled, refused), false},
		{"statement", errors.New("no such table: entries"), false},
		{"nil", nil, false},
	} {
		if got := errors.Is(available(tc.err), ledger.ErrUnavailable); got != tc.want {
			t.Errorf("%s: %v unavailable = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}
