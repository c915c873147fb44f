package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/ruralhealth/ncms/server/ledger"
)

// The checkout desk's tables (operators, sessions, the facility register) and the
// journal's invoice lookup. Their statements are few and off the hot path but for
// two reads per settlement, so they run as text through the dialect rather than
// from the prepared set of query.go.

const (
	operatorSelect = `SELECT id, login, name, role, institution, disabled, created, password_hash,
		failures, locked_until FROM operators`
	facilitySelect = `SELECT code, valid_from, valid_to, name, class, township, in_county, designated,
		updated FROM facilities`
)

func (t *txn) PutOperator(ctx context.Context, o ledger.Operator) error {
	what := "putting operator " + o.ID
	qctx, err := t.start(ctx, true)
	if err != nil {
		return fail(ctx, what, err)
	}
	created, err := formatTime(o.Created)
	if err != nil {
		return fail(ctx, what, err)
	}
	lockedUntil, err := optTime(o.LockedUntil)
	if err != nil {
		return fail(ctx, what, err)
	}
	err = t.rawExec(qctx, `INSERT INTO operators (id, login, name, role, institution, disabled, created,
		password_hash, failures, locked_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET login = excluded.login, name = excluded.name, role = excluded.role,
		institution = excluded.institution, disabled = excluded.disabled, created = excluded.created,
		password_hash = excluded.password_hash, failures = excluded.failures, locked_until = excluded.locked_until`,
		o.ID, o.Login, o.Name, o.Role, o.Institution, o.Disabled, created, o.PasswordHash, o.Failures, lockedUntil)
	if err != nil {
		return fail(ctx, what, err)
	}
	return nil
}

func scanOperator(sc scanner) (*ledger.Operator, error) {
	var o ledger.Operator
	var created, lockedUntil string
	if err := sc.Scan(&o.ID, &o.Login, &o.Name, &o.Role, &o.Institution, &o.Disabled, &created,
		&o.PasswordHash, &o.Failures, &lockedUntil); err != nil {
		return nil, err
	}
	var err error
	if o.Created, err = parseTime(created); err != nil {
		return nil, err
	}
	if o.LockedUntil, err = parseOptTime(lockedUntil); err != nil {
		return nil, err
	}
	return &o, nil
}

func (t *txn) operatorBy(ctx context.Context, what, where string, arg any) (*ledger.Operator, error) {
	qctx, err := t.start(ctx, false)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	o, err := scanOperator(t.rawRow(qctx, operatorSelect+` WHERE `+where+` = ?`, arg))
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	return o, nil
}

func (t *txn) Operator(ctx context.Context, id string) (*ledger.Operator, error) {
	return t.operatorBy(ctx, "operator "+id, "id", id)
}

func (t *txn) OperatorByLogin(ctx context.Context, login string) (*ledger.Operator, error) {
	return t.operatorBy(ctx, "operator by login", "login", login)
}

func (t *txn) Operators(ctx context.Context) ([]ledger.Operator, error) {
	const what = "operators"
	qctx, err := t.start(ctx, false)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	rows, err := t.rawQuery(qctx, operatorSelect+` ORDER BY created, id`)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	defer rows.Close()
	os := []ledger.Operator{}
	for rows.Next() {
		o, err := scanOperator(rows)
		if err != nil {
			return nil, fail(ctx, what, err)
		}
		os = append(os, *o)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(ctx, what, err)
	}
	return os, nil
}

func (t *txn) PutSession(ctx context.Context, s ledger.Session) error {
	what := "putting a session of " + s.Operator
	qctx, err := t.start(ctx, true)
	if err != nil {
		return fail(ctx, what, err)
	}
	created, err := formatTime(s.Created)
	if err != nil {
		return fail(ctx, what, err)
	}
	expires, err := formatTime(s.Expires)
	if err != nil {
		return fail(ctx, what, err)
	}
	err = t.rawExec(qctx, `INSERT INTO sessions (hash, operator, csrf_hash, created, expires) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (hash) DO UPDATE SET operator = excluded.operator, csrf_hash = excluded.csrf_hash,
		created = excluded.created, expires = excluded.expires`,
		s.Hash, s.Operator, s.CSRFHash, created, expires)
	if err != nil {
		return fail(ctx, what, err)
	}
	return nil
}

func (t *txn) Session(ctx context.Context, hash string) (*ledger.Session, error) {
	// The hash identifies a secret: it stays out of error messages.
	const what = "session"
	qctx, err := t.start(ctx, false)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	var s ledger.Session
	var created, expires string
	err = t.rawRow(qctx, `SELECT hash, operator, csrf_hash, created, expires FROM sessions WHERE hash = ?`, hash).
		Scan(&s.Hash, &s.Operator, &s.CSRFHash, &created, &expires)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	if s.Created, err = parseTime(created); err != nil {
		return nil, fail(ctx, what, err)
	}
	if s.Expires, err = parseTime(expires); err != nil {
		return nil, fail(ctx, what, err)
	}
	return &s, nil
}

func (t *txn) DeleteSession(ctx context.Context, hash string) error {
	const what = "ending a session"
	qctx, err := t.start(ctx, true)
	if err != nil {
		return fail(ctx, what, err)
	}
	if err := t.rawExec(qctx, `DELETE FROM sessions WHERE hash = ?`, hash); err != nil {
		return fail(ctx, what, err)
	}
	return nil
}

func (t *txn) DeleteSessions(ctx context.Context, operator string) error {
	what := "ending the sessions of " + operator
	qctx, err := t.start(ctx, true)
	if err != nil {
		return fail(ctx, what, err)
	}
	if err := t.rawExec(qctx, `DELETE FROM sessions WHERE operator = ?`, operator); err != nil {
		return fail(ctx, what, err)
	}
	return nil
}

func (t *txn) DeleteExpiredSessions(ctx context.Context, operator string, at time.Time) error {
	what := "ending the expired sessions of " + operator
	qctx, err := t.start(ctx, true)
	if err != nil {
		return fail(ctx, what, err)
	}
	// Instants are fixed-width text, so they compare in time order.
	before, err := formatTime(at)
	if err != nil {
		return fail(ctx, what, err)
	}
	if err := t.rawExec(qctx, `DELETE FROM sessions WHERE operator = ? AND expires <= ?`, operator, before); err != nil {
		return fail(ctx, what, err)
	}
	return nil
}

func (t *txn) PutFacility(ctx context.Context, f ledger.Facility) error {
	what := "putting facility " + f.Code
	qctx, err := t.start(ctx, true)
	if err != nil {
		return fail(ctx, what, err)
	}
	from, err := formatDate(f.From)
	if err != nil {
		return fail(ctx, what, err)
	}
	to, err := formatDate(f.To)
	if err != nil {
		return fail(ctx, what, err)
	}
	updated, err := formatTime(f.Updated)
	if err != nil {
		return fail(ctx, what, err)
	}
	err = t.rawExec(qctx, `INSERT INTO facilities (code, valid_from, valid_to, name, class, township,
		in_county, designated, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code, valid_from) DO UPDATE SET valid_to = excluded.valid_to, name = excluded.name,
		class = excluded.class, township = excluded.township, in_county = excluded.in_county,
		designated = excluded.designated, updated = excluded.updated`,
		f.Code, from, to, f.Name, f.Class, f.Township, f.InCounty, f.Designated, updated)
	if err != nil {
		return fail(ctx, what, err)
	}
	return nil
}

func (t *txn) Facilities(ctx context.Context, code string) ([]ledger.Facility, error) {
	what := "facility register"
	if code != "" {
		what += " of " + code
	}
	qctx, err := t.start(ctx, false)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	var rows *sql.Rows
	if code == "" {
		rows, err = t.rawQuery(qctx, facilitySelect+` ORDER BY code, valid_from`)
	} else {
		rows, err = t.rawQuery(qctx, facilitySelect+` WHERE code = ? ORDER BY valid_from`, code)
	}
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	defer rows.Close()
	fs := []ledger.Facility{}
	for rows.Next() {
		var f ledger.Facility
		var from, to, updated string
		if err := rows.Scan(&f.Code, &from, &to, &f.Name, &f.Class, &f.Township, &f.InCounty, &f.Designated, &updated); err != nil {
			return nil, fail(ctx, what, err)
		}
		if f.From, err = parseDate(from); err != nil {
			return nil, fail(ctx, what, err)
		}
		if f.To, err = parseDate(to); err != nil {
			return nil, fail(ctx, what, err)
		}
		if f.Updated, err = parseTime(updated); err != nil {
			return nil, fail(ctx, what, err)
		}
		fs = append(fs, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(ctx, what, err)
	}
	return fs, nil
}

func (t *txn) SettledInvoice(ctx context.Context, institution, invoice string) (*ledger.Entry, error) {
	what := "settlement of invoice " + invoice + " at " + institution
	qctx, err := t.start(ctx, false)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	// The invoice of a settlement, or any of a manual claim's (manual.go).
	e, err := scanEntry(t.rawRow(qctx, entrySelect+` AS e WHERE institution = ? AND kind = 'settlement'
		AND ((invoice = ? AND invoice <> '') OR seq IN (SELECT m.seq FROM manual_invoices AS m
			WHERE m.institution = ? AND m.invoice = ?))
		AND NOT EXISTS (SELECT 1 FROM entries AS r WHERE r.reverses = e.seq)
		ORDER BY seq DESC LIMIT 1`, institution, invoice, institution, invoice))
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	return e, nil
}
