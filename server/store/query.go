package store

import (
	"strconv"
	"strings"
)

// query names one SQL statement; the text is shared by both databases, written with
// ? placeholders that PostgreSQL's dialect renumbers as $1, $2, ….
type query int

const (
	qTotals query = iota
	qTotalsForUpdate
	qTotalsCreate
	qPutTotals
	qAppend
	qEntry
	qCurrent
	qReversalOf
	qReversed
	qPutHousehold
	qHousehold
	qPutPerson
	qPerson
	qPersons
	qPersonsOf
	qAppendCardEvent
	qCardEvents
	qPutPolicy
	qPolicies
	qPutKey
	qKeyByHash
	qKeys
	qLock
	qLockShared
	qPolicyCount
	numQueries
)

// entryColumns are the journal's columns but seq, in the order Append binds them.
const entryColumns = `kind, reverses, corrects, institution, visit, person, household, township, year,
	visit_type, class, admission, discharge, disease, policy_id, policy_version, policy_hash, bill_hash,
	eligible, route, total, drug, fund_total, cash, funds, warnings, delta, request, result,
	recorded, key_id, reason, operator, invoice`

// entrySelect reads the columns scanEntry expects.
const entrySelect = `SELECT seq, ` + entryColumns + ` FROM entries`

const (
	personSelect = `SELECT id, name, household, category, birth, enrollment FROM persons`
	cardSelect   = `SELECT number, owner, certificate, event, event_date, status, recorded, key_id, reason FROM card_events`
	keySelect    = `SELECT id, hash, role, institution, name, created, revoked FROM api_keys`
)

var queryText = [numQueries]string{
	qTotals:          `SELECT totals FROM totals WHERE person = ? AND year = ?`,
	qTotalsForUpdate: `SELECT totals FROM totals WHERE person = ? AND year = ? FOR UPDATE`,
	qTotalsCreate:    `INSERT INTO totals (person, year, totals) VALUES (?, ?, ?) ON CONFLICT (person, year) DO NOTHING`,
	qPutTotals: `INSERT INTO totals (person, year, totals) VALUES (?, ?, ?)
		ON CONFLICT (person, year) DO UPDATE SET totals = excluded.totals`,
	qAppend: `INSERT INTO entries (` + entryColumns + `)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING seq`,
	qEntry: entrySelect + ` WHERE seq = ?`,
	// The settlement's own index (institution, visit, seq) finds the candidates newest
	// first; the unique index on reverses answers NOT EXISTS.
	qCurrent: entrySelect + ` AS e WHERE institution = ? AND visit = ? AND kind = 'settlement'
		AND NOT EXISTS (SELECT 1 FROM entries AS r WHERE r.reverses = e.seq)
		ORDER BY seq DESC LIMIT 1`,
	qReversalOf: entrySelect + ` WHERE reverses = ?`,
	// The same index as qCurrent; the bill hash is checked on the visit's few rows.
	qReversed: entrySelect + ` AS e WHERE institution = ? AND visit = ? AND kind = 'settlement' AND bill_hash = ?
		AND EXISTS (SELECT 1 FROM entries AS r WHERE r.reverses = e.seq)
		ORDER BY seq DESC LIMIT 1`,
	qPutHousehold: `INSERT INTO households (id, head, township, village, address) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET head = excluded.head, township = excluded.township,
		village = excluded.village, address = excluded.address`,
	qHousehold: `SELECT id, head, township, village, address FROM households WHERE id = ?`,
	qPutPerson: `INSERT INTO persons (id, name, household, category, birth, enrollment) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, household = excluded.household,
		category = excluded.category, birth = excluded.birth, enrollment = excluded.enrollment`,
	qPerson:    personSelect + ` WHERE id = ?`,
	qPersons:   personSelect + ` WHERE id > ? ORDER BY id LIMIT ?`,
	qPersonsOf: personSelect + ` WHERE household = ? AND id > ? ORDER BY id LIMIT ?`,
	qAppendCardEvent: `INSERT INTO card_events (number, owner, certificate, event, event_date, status, recorded, key_id, reason)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
	qCardEvents: cardSelect + ` WHERE number = ? ORDER BY seq`,
	qPutPolicy: `INSERT INTO policies (hash, id, version, document, loaded) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (hash) DO NOTHING`,
	qPolicies: `SELECT hash, id, version, document, loaded FROM policies ORDER BY loaded, hash`,
	qPutKey: `INSERT INTO api_keys (id, hash, role, institution, name, created, revoked) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET hash = excluded.hash, role = excluded.role,
		institution = excluded.institution, name = excluded.name, created = excluded.created,
		revoked = excluded.revoked`,
	qKeyByHash: keySelect + ` WHERE hash = ?`,
	qKeys:      keySelect + ` ORDER BY created, id`,
	// PostgreSQL only: SQLite's one writer needs no lock.
	qLock:        `SELECT pg_advisory_xact_lock(hashtextextended(?, 0))`,
	qLockShared:  `SELECT pg_advisory_xact_lock_shared(hashtextextended(?, 0))`,
	qPolicyCount: `SELECT count(*) FROM policies`,
}

// numbered rewrites each ? placeholder as $1, $2, … for PostgreSQL. The statements
// here have no ? inside string literals.
func numbered(q string) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// dialect is what differs between the databases for the shared query code.
type dialect struct {
	name string
	text [numQueries]string
	// renumber is set for PostgreSQL's $n placeholders.
	renumber bool
}

func newDialect(name string, renumber bool) *dialect {
	d := &dialect{name: name, renumber: renumber}
	for i, q := range queryText {
		d.text[i] = d.rebind(q)
	}
	return d
}

// rebind returns q with the dialect's placeholders.
func (d *dialect) rebind(q string) string {
	if d.renumber {
		return numbered(q)
	}
	return q
}
