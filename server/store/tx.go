package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"

	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/server/ledger"
)

// pageSize is how many rows an iterator reads per query. Iterators read page by page
// with no cursor left open while the caller's loop body runs, so the body may use the
// same Tx (PostgreSQL cannot run a query while another's rows are being read) and a
// year's journal never sits in memory at once.
const pageSize = 256

var (
	errTxDone   = errors.New("the transaction has ended")
	errReadOnly = errors.New("a write in a read-only transaction")
)

// txn is the ledger.Tx handed to one Update or View fn.
type txn struct {
	*sqlTx
	write bool // in Update
	// lock makes LockTotals take a row lock (PostgreSQL); SQLite's one writer
	// serializes every Update already.
	lock bool
	// detach runs statements with a context that cannot be cancelled (the SQLite
	// writer): there an interrupted INSERT rolls back the whole transaction, with the
	// other fns of the group in it. The caller's context is checked between
	// statements instead.
	detach bool
	done   bool // fn has returned; the Tx must not be used any more
}

// sqlTx is one database transaction, which the SQLite writer shares among the fns of
// a group.
type sqlTx struct {
	tx *sql.Tx
	d  *dialect
	// prepare keeps statements prepared for the transaction's life: worth it where
	// one transaction runs hundreds of fns. (pgx caches prepared statements itself.)
	prepare bool
	stmts   [numQueries]*sql.Stmt
}

// stmt returns q prepared on the transaction, or nil to run its text directly.
func (c *sqlTx) stmt(ctx context.Context, q query) (*sql.Stmt, error) {
	if !c.prepare {
		return nil, nil
	}
	if st := c.stmts[q]; st != nil {
		return st, nil
	}
	st, err := c.tx.PrepareContext(ctx, c.d.text[q])
	if err != nil {
		return nil, err
	}
	c.stmts[q] = st
	return st, nil
}

var _ ledger.Tx = (*txn)(nil)

// start checks that a statement may run now and returns the context to run it with.
func (t *txn) start(ctx context.Context, write bool) (context.Context, error) {
	switch {
	case t.done:
		return nil, errTxDone
	case write && !t.write:
		return nil, errReadOnly
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if t.detach {
		return context.WithoutCancel(ctx), nil
	}
	return ctx, nil
}

// fail wraps a database error with what was being done. A missing row becomes
// ledger.ErrNotFound, and an error caused by the caller's context says so.
func fail(ctx context.Context, what string, err error) error {
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("store: %s: %w", what, ledger.ErrNotFound)
	case ctx.Err() != nil && !errors.Is(err, ctx.Err()):
		return fmt.Errorf("store: %s: %w (%w)", what, ctx.Err(), err)
	}
	return fmt.Errorf("store: %s: %w", what, err)
}

func (t *txn) exec(ctx context.Context, q query, args ...any) (sql.Result, error) {
	st, err := t.stmt(ctx, q)
	switch {
	case err != nil:
		return nil, err
	case st != nil:
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, t.d.text[q], args...)
}

func (t *txn) query(ctx context.Context, q query, args ...any) (*sql.Rows, error) {
	st, err := t.stmt(ctx, q)
	switch {
	case err != nil:
		return nil, err
	case st != nil:
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, t.d.text[q], args...)
}

// row is *sql.Row, or a failure to prepare its statement.
type row struct {
	r   *sql.Row
	err error
}

func (r row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	return r.r.Scan(dest...)
}

func (t *txn) queryRow(ctx context.Context, q query, args ...any) row {
	st, err := t.stmt(ctx, q)
	switch {
	case err != nil:
		return row{err: err}
	case st != nil:
		return row{r: st.QueryRowContext(ctx, args...)}
	}
	return row{r: t.tx.QueryRowContext(ctx, t.d.text[q], args...)}
}

// emptyTotals is a person's totals before anything is settled in the year.
func emptyTotals(year int) claim.Totals {
	return claim.NewTotals(year)
}

func (t *txn) LockTotals(ctx context.Context, person string, year int) (claim.Totals, error) {
	what := "totals of " + identity.Mask(person) + " for " + strconv.Itoa(year)
	qctx, err := t.start(ctx, false)
	if err != nil {
		return claim.Totals{}, fail(ctx, what, err)
	}
	var text string
	if t.lock && t.write {
		err = t.queryRow(qctx, qTotalsForUpdate, person, year).Scan(&text)
		if errors.Is(err, sql.ErrNoRows) {
			// A row to lock: a concurrent first Update for the person inserts too, and
			// this INSERT waits for it to commit and then does nothing.
			if text, err = encodeJSON(emptyTotals(year)); err != nil {
				return claim.Totals{}, fail(ctx, what, err)
			}
			if _, err = t.exec(qctx, qTotalsCreate, person, year, text); err == nil {
				err = t.queryRow(qctx, qTotalsForUpdate, person, year).Scan(&text)
			}
		}
	} else {
		err = t.queryRow(qctx, qTotals, person, year).Scan(&text)
		if errors.Is(err, sql.ErrNoRows) {
			return emptyTotals(year), nil
		}
	}
	if err != nil {
		return claim.Totals{}, fail(ctx, what, err)
	}
	var tot claim.Totals
	if err := decodeJSON(text, &tot); err != nil {
		return claim.Totals{}, fail(ctx, what, err)
	}
	if tot.Funds == nil {
		tot.Funds = []claim.FundTotal{}
	}
	if tot.Admissions == nil {
		tot.Admissions = []claim.ClassCount{}
	}
	return tot, nil
}

func (t *txn) PutTotals(ctx context.Context, person string, year int, tot claim.Totals) error {
	what := "putting totals of " + identity.Mask(person) + " for " + strconv.Itoa(year)
	qctx, err := t.start(ctx, true)
	if err != nil {
		return fail(ctx, what, err)
	}
	text, err := encodeJSON(tot)
	if err != nil {
		return fail(ctx, what, err)
	}
	if _, err := t.exec(qctx, qPutTotals, person, year, text); err != nil {
		return fail(ctx, what, err)
	}
	return nil
}

// nullSeq stores a zero sequence number as NULL, so the reverses and corrects
// columns can reference the journal.
func nullSeq(n int64) sql.NullInt64 { return sql.NullInt64{Int64: n, Valid: n != 0} }

// nonNil keeps a NOT NULL bytes column from receiving NULL.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// entryArgs returns e's column values in entryColumns order.
func entryArgs(e *ledger.Entry) ([]any, error) {
	switch {
	case e.Kind != ledger.KindSettlement && e.Kind != ledger.KindReversal:
		return nil, fmt.Errorf("kind %q is neither %s nor %s", e.Kind, ledger.KindSettlement, ledger.KindReversal)
	case (e.Kind == ledger.KindReversal) != (e.Reverses > 0):
		return nil, fmt.Errorf("a %s with reverses = %d", e.Kind, e.Reverses)
	case e.Corrects < 0:
		return nil, fmt.Errorf("corrects = %d", e.Corrects)
	}
	var errs []error
	text := func(name string) func(string, error) string {
		return func(s string, err error) string {
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
			}
			return s
		}
	}
	admission := text("admission")(formatDate(e.Admission))
	discharge := text("discharge")(formatDate(e.Discharge))
	total := text("total")(formatAmount(e.Total))
	drug := text("drug")(formatAmount(e.Drug))
	fundTotal := text("fund total")(formatAmount(e.FundTotal))
	cash := text("cash")(formatAmount(e.Cash))
	funds := text("funds")(encodeJSON(e.Funds))
	warnings := text("warnings")(encodeJSON(e.Warnings))
	delta := text("delta")(encodeJSON(e.Delta))
	recorded := text("recorded")(formatTime(e.Recorded))
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return []any{e.Kind, nullSeq(e.Reverses), nullSeq(e.Corrects), e.Institution, e.Visit, e.Person,
		e.Household, e.Township, e.Year, e.VisitType, e.Class, admission, discharge, e.Disease,
		e.PolicyID, e.PolicyVersion, e.PolicyHash, e.BillHash, e.Eligible, e.Route,
		total, drug, fundTotal, cash, funds, warnings, delta, nonNil(e.Request), nonNil(e.Result),
		recorded, e.Key, e.Reason, e.Operator, e.Invoice}, nil
}

func (t *txn) Append(ctx context.Context, e *ledger.Entry) (int64, error) {
	what := "appending " + e.Kind + " of visit " + e.Visit
	qctx, err := t.start(ctx, true)
	if err != nil {
		return 0, fail(ctx, what, err)
	}
	args, err := entryArgs(e)
	if err != nil {
		return 0, fail(ctx, what, err)
	}
	var seq int64
	if err := t.queryRow(qctx, qAppend, args...).Scan(&seq); err != nil {
		return 0, fail(ctx, what, err)
	}
	return seq, nil
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// scanEntry reads the columns of entrySelect.
func scanEntry(sc scanner) (*ledger.Entry, error) {
	var e ledger.Entry
	var reverses, corrects sql.NullInt64
	var admission, discharge, total, drug, fundTotal, cash, funds, warnings, delta, recorded string
	err := sc.Scan(&e.Seq, &e.Kind, &reverses, &corrects, &e.Institution, &e.Visit, &e.Person,
		&e.Household, &e.Township, &e.Year, &e.VisitType, &e.Class, &admission, &discharge, &e.Disease,
		&e.PolicyID, &e.PolicyVersion, &e.PolicyHash, &e.BillHash, &e.Eligible, &e.Route,
		&total, &drug, &fundTotal, &cash, &funds, &warnings, &delta, &e.Request, &e.Result,
		&recorded, &e.Key, &e.Reason, &e.Operator, &e.Invoice)
	if err != nil {
		return nil, err
	}
	e.Reverses, e.Corrects = reverses.Int64, corrects.Int64
	if len(e.Request) == 0 {
		e.Request = nil
	}
	if len(e.Result) == 0 {
		e.Result = nil
	}
	var errs []error
	check := func(name string, err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
		}
	}
	e.Admission, err = parseDate(admission)
	check("admission", err)
	e.Discharge, err = parseDate(discharge)
	check("discharge", err)
	e.Total, err = parseAmount(total)
	check("total", err)
	e.Drug, err = parseAmount(drug)
	check("drug", err)
	e.FundTotal, err = parseAmount(fundTotal)
	check("fund total", err)
	e.Cash, err = parseAmount(cash)
	check("cash", err)
	check("funds", decodeJSON(funds, &e.Funds))
	check("warnings", decodeJSON(warnings, &e.Warnings))
	check("delta", decodeJSON(delta, &e.Delta))
	e.Recorded, err = parseTime(recorded)
	check("recorded", err)
	if len(errs) > 0 {
		return nil, fmt.Errorf("entry %d: %w", e.Seq, errors.Join(errs...))
	}
	return &e, nil
}

// entryBy reads the one entry q selects.
func (t *txn) entryBy(ctx context.Context, what string, q query, args ...any) (*ledger.Entry, error) {
	qctx, err := t.start(ctx, false)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	e, err := scanEntry(t.queryRow(qctx, q, args...))
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	return e, nil
}

func (t *txn) Entry(ctx context.Context, seq int64) (*ledger.Entry, error) {
	return t.entryBy(ctx, "entry "+strconv.FormatInt(seq, 10), qEntry, seq)
}

func (t *txn) Current(ctx context.Context, institution, visit string) (*ledger.Entry, error) {
	return t.entryBy(ctx, "current settlement of visit "+visit+" at "+institution, qCurrent, institution, visit)
}

func (t *txn) ReversalOf(ctx context.Context, seq int64) (*ledger.Entry, error) {
	return t.entryBy(ctx, "reversal of entry "+strconv.FormatInt(seq, 10), qReversalOf, seq)
}

func (t *txn) Reversed(ctx context.Context, institution, visit, bill string) (*ledger.Entry, error) {
	return t.entryBy(ctx, "reversed settlement of visit "+visit+" at "+institution, qReversed, institution, visit, bill)
}

func (t *txn) Entries(ctx context.Context, f ledger.Filter) iter.Seq2[*ledger.Entry, error] {
	return func(yield func(*ledger.Entry, error) bool) {
		after, left := f.AfterSeq, f.Limit
		for {
			n := pageSize
			if f.Limit > 0 && left < n {
				n = left
			}
			page, err := t.entriesPage(ctx, f, after, n)
			if err != nil {
				yield(nil, fail(ctx, "journal entries", err))
				return
			}
			for _, e := range page {
				if !yield(e, nil) {
					return
				}
			}
			if len(page) < n {
				return
			}
			after, left = page[len(page)-1].Seq, left-len(page)
			if f.Limit > 0 && left <= 0 {
				return
			}
		}
	}
}

// entriesPage reads up to n entries matching f after seq.
func (t *txn) entriesPage(ctx context.Context, f ledger.Filter, after int64, n int) ([]*ledger.Entry, error) {
	qctx, err := t.start(ctx, false)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString(entrySelect)
	b.WriteString(" WHERE seq > ?")
	args := []any{after}
	where := func(cond string, arg any) {
		b.WriteString(" AND " + cond)
		args = append(args, arg)
	}
	if !f.From.IsZero() {
		from, err := formatDate(f.From)
		if err != nil {
			return nil, fmt.Errorf("from: %w", err)
		}
		where("admission >= ?", from)
	}
	if !f.To.IsZero() {
		to, err := formatDate(f.To)
		if err != nil {
			return nil, fmt.Errorf("to: %w", err)
		}
		// An entry without a date is outside every range; From's bound excludes it
		// already, being above the empty text.
		where("admission <= ? AND admission <> ''", to)
	}
	if f.Institution != "" {
		where("institution = ?", f.Institution)
	}
	if f.Person != "" {
		where("person = ?", f.Person)
	}
	if f.Kind != "" {
		where("kind = ?", f.Kind)
	}
	b.WriteString(" ORDER BY seq LIMIT ?")
	args = append(args, n)
	q := b.String()
	rows, err := t.tx.QueryContext(qctx, t.d.rebind(q), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	page := make([]*ledger.Entry, 0, min(n, 16))
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		page = append(page, e)
	}
	return page, rows.Err()
}

func (t *txn) PutHousehold(ctx context.Context, h ledger.Household) error {
	what := "putting household " + h.ID
	qctx, err := t.start(ctx, true)
	if err != nil {
		return fail(ctx, what, err)
	}
	if _, err := t.exec(qctx, qPutHousehold, h.ID, h.Head, h.Township, h.Village, h.Address); err != nil {
		return fail(ctx, what, err)
	}
	return nil
}

func (t *txn) Household(ctx context.Context, id string) (*ledger.Household, error) {
	what := "household " + id
	qctx, err := t.start(ctx, false)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	var h ledger.Household
	err = t.queryRow(qctx, qHousehold, id).Scan(&h.ID, &h.Head, &h.Township, &h.Village, &h.Address)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	return &h, nil
}

func (t *txn) PutPerson(ctx context.Context, p ledger.Person) error {
	what := "putting person " + identity.Mask(p.ID)
	qctx, err := t.start(ctx, true)
	if err != nil {
		return fail(ctx, what, err)
	}
	birth, err := formatDate(p.Birth)
	if err != nil {
		return fail(ctx, what, fmt.Errorf("birth: %w", err))
	}
	enrollment, err := encodeJSON(p.Enrollment)
	if err != nil {
		return fail(ctx, what, fmt.Errorf("enrollment: %w", err))
	}
	if _, err := t.exec(qctx, qPutPerson, p.ID, p.Name, p.Household, p.Category, birth, enrollment); err != nil {
		return fail(ctx, what, err)
	}
	return nil
}

func scanPerson(sc scanner) (*ledger.Person, error) {
	var p ledger.Person
	var birth, enrollment string
	if err := sc.Scan(&p.ID, &p.Name, &p.Household, &p.Category, &birth, &enrollment); err != nil {
		return nil, err
	}
	var err error
	if p.Birth, err = parseDate(birth); err != nil {
		return nil, fmt.Errorf("person %s: birth: %w", identity.Mask(p.ID), err)
	}
	if err := decodeJSON(enrollment, &p.Enrollment); err != nil {
		return nil, fmt.Errorf("person %s: enrollment: %w", identity.Mask(p.ID), err)
	}
	return &p, nil
}

func (t *txn) Person(ctx context.Context, id string) (*ledger.Person, error) {
	what := "person " + identity.Mask(id)
	qctx, err := t.start(ctx, false)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	p, err := scanPerson(t.queryRow(qctx, qPerson, id))
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	return p, nil
}

func (t *txn) Persons(ctx context.Context, household string) iter.Seq2[*ledger.Person, error] {
	what := "persons of household " + household
	if household == "" {
		what = "persons"
	}
	return func(yield func(*ledger.Person, error) bool) {
		after := ""
		for {
			page, err := t.personsPage(ctx, household, after)
			if err != nil {
				yield(nil, fail(ctx, what, err))
				return
			}
			for _, p := range page {
				if !yield(p, nil) {
					return
				}
			}
			if len(page) < pageSize {
				return
			}
			after = page[len(page)-1].ID
		}
	}
}

func (t *txn) personsPage(ctx context.Context, household, after string) ([]*ledger.Person, error) {
	qctx, err := t.start(ctx, false)
	if err != nil {
		return nil, err
	}
	var rows *sql.Rows
	if household == "" {
		rows, err = t.query(qctx, qPersons, after, pageSize)
	} else {
		rows, err = t.query(qctx, qPersonsOf, household, after, pageSize)
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var page []*ledger.Person
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, err
		}
		page = append(page, p)
	}
	return page, rows.Err()
}

func (t *txn) AppendCardEvent(ctx context.Context, ev ledger.CardEvent) error {
	what := "recording " + string(ev.Event) + " of card " + identity.MaskCard(ev.Number)
	qctx, err := t.start(ctx, true)
	if err != nil {
		return fail(ctx, what, err)
	}
	date, err := formatDate(ev.Date)
	if err != nil {
		return fail(ctx, what, err)
	}
	recorded, err := formatTime(ev.Recorded)
	if err != nil {
		return fail(ctx, what, err)
	}
	_, err = t.exec(qctx, qAppendCardEvent, ev.Number, ev.Owner, ev.Certificate, string(ev.Event), date,
		string(ev.Status), recorded, ev.Key)
	if err != nil {
		return fail(ctx, what, err)
	}
	return nil
}

// cardEvents reads a card's events, oldest first.
func (t *txn) cardEvents(ctx context.Context, number string) ([]ledger.CardEvent, error) {
	qctx, err := t.start(ctx, false)
	if err != nil {
		return nil, err
	}
	rows, err := t.query(qctx, qCardEvents, number)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	evs := []ledger.CardEvent{}
	for rows.Next() {
		var ev ledger.CardEvent
		var event, status, date, recorded string
		if err := rows.Scan(&ev.Number, &ev.Owner, &ev.Certificate, &event, &date, &status, &recorded, &ev.Key); err != nil {
			return nil, err
		}
		ev.Event, ev.Status = identity.Event(event), identity.Status(status)
		if ev.Date, err = parseDate(date); err != nil {
			return nil, err
		}
		if ev.Recorded, err = parseTime(recorded); err != nil {
			return nil, err
		}
		evs = append(evs, ev)
	}
	return evs, rows.Err()
}

func (t *txn) CardEvents(ctx context.Context, number string) ([]ledger.CardEvent, error) {
	evs, err := t.cardEvents(ctx, number)
	if err != nil {
		return nil, fail(ctx, "events of card "+number, err)
	}
	return evs, nil
}

// Card folds the card's events: the status is the last event's, the owner and
// certificate the last ones named, the issue date the last issue's.
func (t *txn) Card(ctx context.Context, number string) (*ledger.CardRecord, error) {
	what := "card " + identity.MaskCard(number)
	evs, err := t.cardEvents(ctx, number)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	if len(evs) == 0 {
		return nil, fail(ctx, what, sql.ErrNoRows)
	}
	rec := &ledger.CardRecord{Card: identity.Card{Number: number}, Events: len(evs)}
	for _, ev := range evs {
		if ev.Owner != "" {
			rec.Owner = ev.Owner
		}
		if ev.Certificate != "" {
			rec.Certificate = ev.Certificate
		}
		if ev.Event == identity.Issue {
			rec.Issued = ev.Date
		}
		rec.Status = ev.Status
	}
	return rec, nil
}

func (t *txn) PutPolicy(ctx context.Context, p ledger.StoredPolicy) error {
	what := "putting policy " + p.ID + " " + p.Version
	qctx, err := t.start(ctx, true)
	if err != nil {
		return fail(ctx, what, err)
	}
	loaded, err := formatTime(p.Loaded)
	if err != nil {
		return fail(ctx, what, err)
	}
	if _, err := t.exec(qctx, qPutPolicy, p.Hash, p.ID, p.Version, nonNil(p.Document), loaded); err != nil {
		return fail(ctx, what, err)
	}
	return nil
}

func (t *txn) PolicyCount(ctx context.Context) (int, error) {
	qctx, err := t.start(ctx, false)
	if err != nil {
		return 0, fail(ctx, "counting policies", err)
	}
	var n int
	if err := t.queryRow(qctx, qPolicyCount).Scan(&n); err != nil {
		return 0, fail(ctx, "counting policies", err)
	}
	return n, nil
}

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

// Policies reads every document at once: a county publishes a few a year.
func (t *txn) Policies(ctx context.Context) iter.Seq2[*ledger.StoredPolicy, error] {
	return func(yield func(*ledger.StoredPolicy, error) bool) {
		ps, err := t.policies(ctx)
		if err != nil {
			yield(nil, fail(ctx, "policies", err))
			return
		}
		for _, p := range ps {
			if !yield(p, nil) {
				return
			}
		}
	}
}

func (t *txn) policies(ctx context.Context) ([]*ledger.StoredPolicy, error) {
	qctx, err := t.start(ctx, false)
	if err != nil {
		return nil, err
	}
	rows, err := t.query(qctx, qPolicies)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ps []*ledger.StoredPolicy
	for rows.Next() {
		var p ledger.StoredPolicy
		var loaded string
		if err := rows.Scan(&p.Hash, &p.ID, &p.Version, &p.Document, &loaded); err != nil {
			return nil, err
		}
		if p.Loaded, err = parseTime(loaded); err != nil {
			return nil, err
		}
		ps = append(ps, &p)
	}
	return ps, rows.Err()
}

func (t *txn) PutKey(ctx context.Context, k ledger.Key) error {
	what := "putting key " + k.ID
	qctx, err := t.start(ctx, true)
	if err != nil {
		return fail(ctx, what, err)
	}
	created, err := formatTime(k.Created)
	if err != nil {
		return fail(ctx, what, err)
	}
	_, err = t.exec(qctx, qPutKey, k.ID, k.Hash, k.Role, k.Institution, k.Name, created, k.Revoked)
	if err != nil {
		return fail(ctx, what, err)
	}
	return nil
}

func scanKey(sc scanner) (ledger.Key, error) {
	var k ledger.Key
	var created string
	if err := sc.Scan(&k.ID, &k.Hash, &k.Role, &k.Institution, &k.Name, &created, &k.Revoked); err != nil {
		return k, err
	}
	var err error
	k.Created, err = parseTime(created)
	return k, err
}

func (t *txn) KeyByHash(ctx context.Context, hash string) (*ledger.Key, error) {
	// The hash identifies a secret: it stays out of error messages.
	const what = "key by hash"
	qctx, err := t.start(ctx, false)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	k, err := scanKey(t.queryRow(qctx, qKeyByHash, hash))
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	return &k, nil
}

func (t *txn) Keys(ctx context.Context) ([]ledger.Key, error) {
	const what = "keys"
	qctx, err := t.start(ctx, false)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	rows, err := t.query(qctx, qKeys)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	defer rows.Close()
	ks := []ledger.Key{}
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, fail(ctx, what, err)
		}
		ks = append(ks, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(ctx, what, err)
	}
	return ks, nil
}
