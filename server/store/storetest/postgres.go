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
