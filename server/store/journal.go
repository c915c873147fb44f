package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"

	"github.com/ruralhealth/ncms/server/ledger"
)

// The journal: append-only settlements and reversals, and the lookups the ledger's
// idempotency and reversal rules need.

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
	if f.Year != 0 {
		where("year = ?", f.Year)
	}
	if !f.RecordedFrom.IsZero() {
		from, err := formatTime(f.RecordedFrom)
		if err != nil {
			return nil, fmt.Errorf("recorded from: %w", err)
		}
		where("recorded >= ?", from)
	}
	if !f.RecordedTo.IsZero() {
		to, err := formatTime(f.RecordedTo)
		if err != nil {
			return nil, fmt.Errorf("recorded to: %w", err)
		}
		where("recorded < ?", to)
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
