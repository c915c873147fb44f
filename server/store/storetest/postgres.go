package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// PostgresDSN returns the DSN of a database made for this test from the server
// NCMS_TEST_POSTGRES names, dropped when t ends. Without NCMS_TEST_POSTGRES the test
// is skipped, except in CI (CI set), which must test both stores.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	admin := os.Getenv("NCMS_TEST_POSTGRES")
	if admin == "" {
		const how = "NCMS_TEST_POSTGRES is not set, so PostgreSQL is not tested; " +
			"start a server with: export NCMS_TEST_POSTGRES=$(bash .ci/postgres)"
		if os.Getenv("CI") != "" {
			t.Fatal(how)
		}
		t.Skip(how)
	}
	u, err := url.Parse(admin)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("NCMS_TEST_POSTGRES must be a postgres:// URL")
	}
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	name := fmt.Sprintf("ncms_test_%d_%08x", os.Getpid(), rand.Uint32())
	if _, err := db.ExecContext(context.Background(), "CREATE DATABASE "+name); err != nil {
		t.Fatalf("creating the test database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := db.ExecContext(context.Background(), "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("dropping the test database: %v", err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

// Analyze gathers PostgreSQL's planner statistics on the database dsn names, as
// autovacuum does a minute after a bulk load: a benchmark or test that seeds
// thousands of entries and then reads them measures the plans a county's database
// runs, not the guesses of a table without statistics. A DSN that is not a
// postgres:// URL (SQLite's file) is left alone.
func Analyze(tb testing.TB, dsn string) {
	tb.Helper()
	if u, err := url.Parse(dsn); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(context.Background(), "ANALYZE"); err != nil {
		tb.Fatalf("analyze: %v", err)
	}
}
