package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"
)

// migrationFiles holds the schema, one numbered file per change for each database:
// migrations/<dialect>/NNNN_name.sql. The two directories list the same changes.
// Numbers only increase; they may skip, so that branches developed side by side can
// each take a number of their own (the books took 0012 while the desk had 0002).
//
//go:embed migrations
var migrationFiles embed.FS

// migration is one schema change.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the dialect's schema changes in ascending order. Numbers may
// skip: work on parallel branches takes numbers far apart (the next one, +10, +20)
// so that merging them renumbers nothing a database has already recorded.
func migrations(dialect string) ([]migration, error) {
	return migrationsIn(migrationFiles, dialect)
}

// migrationsIn reads the dialect's migrations from fsys.
func migrationsIn(fsys fs.FS, dialect string) ([]migration, error) {
	dir := path.Join("migrations", dialect)
	files, err := fs.Glob(fsys, dir+"/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, f := range files { // Glob sorts, and versions are zero-padded
		base := strings.TrimSuffix(path.Base(f), ".sql")
		num, name, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || len(num) != 4 || v < 1 || (len(ms) > 0 && v <= ms[len(ms)-1].version) {
			return nil, fmt.Errorf("migration %s: want NNNN_name.sql, numbered above the one before", f)
		}
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: name, sql: string(b)})
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("no migrations for %s", dialect)
	}
	return ms, nil
}

// migrate applies the changes tx's database lacks and records them in
// schema_migrations. The caller holds the lock that makes tx the only migration
// running, and commits.
func migrate(ctx context.Context, tx *sql.Tx, d *dialect, now time.Time) error {
	ms, err := migrations(d.name)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER NOT NULL PRIMARY KEY,
		name    TEXT    NOT NULL,
		applied TEXT    NOT NULL)`)
	if err != nil {
		return fmt.Errorf("creating schema_migrations: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT version, name FROM schema_migrations ORDER BY version`)
	if err != nil {
		return fmt.Errorf("reading schema_migrations: %w", err)
	}
	applied := map[int]string{}
	for rows.Next() {
		var v int
		var name string
		if err := rows.Scan(&v, &name); err != nil {
			rows.Close()
			return fmt.Errorf("reading schema_migrations: %w", err)
		}
		applied[v] = name
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading schema_migrations: %w", err)
	}
	known := make(map[int]string, len(ms))
	for _, m := range ms {
		known[m.version] = m.name
	}
	for v, name := range applied {
		// A newer server migrated this database; running on a schema this one does
		// not know could write rows the newer one misreads.
		mine, ok := known[v]
		if !ok {
			return fmt.Errorf("the database has schema version %d (%s), which this server does not know (it knows up to %d)", v, name, ms[len(ms)-1].version)
		}
		if mine != name {
			return fmt.Errorf("the database's schema version %d is %q, this server's %q", v, name, mine)
		}
	}
	stamp := now.UTC().Format(timeLayout)
	for _, m := range ms {
		if _, ok := applied[m.version]; ok {
			continue
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migration %04d_%s: %w", m.version, m.name, err)
		}
		_, err := tx.ExecContext(ctx, d.rebind(`INSERT INTO schema_migrations (version, name, applied) VALUES (?, ?, ?)`),
			m.version, m.name, stamp)
		if err != nil {
			return fmt.Errorf("recording migration %04d_%s: %w", m.version, m.name, err)
		}
	}
	return nil
}
