package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"

	"github.com/ruralhealth/ncms/server/ledger"
)

// SQLite's primary result codes for a database another connection holds
// (sqlite3.h); an extended code keeps its primary code in the low byte.
const (
	sqliteBusy   = 5
	sqliteLocked = 6
)

// unavailable reports whether err says the database could not be reached, rather
// than that a statement failed: a refused, reset or lost connection, a PostgreSQL
// that is starting, stopping or out of connections, SQLite locked by another process
// beyond the busy timeout, or a closed pool. The caller's own cancellation is not
// one: the caller went away, the database did not.
func unavailable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// Class 08 connection_exception; admin_shutdown, crash_shutdown,
		// cannot_connect_now; too_many_connections.
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" ||
			pe.Code == "57P03" || pe.Code == "53300"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code() & 0xff
		return c == sqliteBusy || c == sqliteLocked
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case errors.As(err, &ce), errors.As(err, &ne),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone),
		errors.Is(err, pgconn.ErrConnClosed):
		return true
	}
	// database/sql's error for a closed *sql.DB is not exported.
	return strings.Contains(err.Error(), "sql: database is closed")
}

// available returns err, wrapping ledger.ErrUnavailable when the database could not
// be reached, so that the API can tell an outage from a failing statement.
func available(err error) error {
	if errors.Is(err, ledger.ErrUnavailable) || !unavailable(err) {
		return err
	}
	return fmt.Errorf("%w: %w", ledger.ErrUnavailable, err)
}
