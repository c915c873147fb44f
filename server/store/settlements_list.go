package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/ruralhealth/ncms/server/ledger"
)

// settlementLinks are the two columns a settlement row adds to entrySelect's: the
// reversal naming it (the unique index on reverses answers) and the correction
// replacing it, which is a settlement of the same visit (the entries_visit index).
const settlementLinks = `,
	(SELECT r.seq FROM entries AS r WHERE r.reverses = e.seq),
	(SELECT min(c.seq) FROM entries AS c WHERE c.institution = e.institution AND c.visit = e.visit AND c.corrects = e.seq)`

const (
	reversedCond  = `EXISTS (SELECT 1 FROM entries AS r WHERE r.reverses = e.seq)`
	correctedCond = `EXISTS (SELECT 1 FROM entries AS c WHERE c.institution = e.institution AND c.visit = e.visit AND c.corrects = e.seq)`
)

// listColumns are entryColumns with the request and result bytes left empty: a list
// does not show them, and they are most of an entry's size.
var listColumns = strings.NewReplacer("request, result,", "substr(request, 1, 0), substr(result, 1, 0),").Replace(entryColumns)

func init() {
	if listColumns == entryColumns {
		panic("store: listColumns no longer leaves out request and result; update it with entryColumns")
	}
}

// linkScanner scans entrySelect's columns and then the settlement's links.
type linkScanner struct {
	sc    scanner
	links []any
}

func (l linkScanner) Scan(dest ...any) error { return l.sc.Scan(append(dest, l.links...)...) }

// settlementsSQL builds the query of one batch of q: everything but the bill total,
// which is decimal text and compared exactly in Go.
func (d *dialect) settlementsSQL(q ledger.SettlementQuery, before int64, n int) (string, []any, error) {
	var b strings.Builder
	// SQLite, without statistics, would answer kind = 'settlement' from the kind
	// index and then sort: written || '' there, it reads the journal (or a filter's
	// index) in seq order instead. PostgreSQL's statistics know that nearly every
	// entry is a settlement, and an expression would hide that from them: its plan
	// then sorts every row a filter matches.
	kind := `e.kind || '' = 'settlement'`
	if d.renumber {
		kind = `e.kind = 'settlement'`
	}
	b.WriteString(`SELECT e.seq, ` + listColumns + settlementLinks + ` FROM entries AS e WHERE ` + kind)
	var args []any
	where := func(cond string, arg ...any) {
		b.WriteString(" AND " + cond)
		args = append(args, arg...)
	}
	if before > 0 {
		where("e.seq < ?", before)
	}
	if !q.SettledFrom.IsZero() {
		from, err := formatTime(ledger.DayStart(q.SettledFrom))
		if err != nil {
			return "", nil, fmt.Errorf("settledFrom: %w", err)
		}
		where("e.recorded >= ?", from)
	}
	if !q.SettledTo.IsZero() {
		to, err := formatTime(ledger.DayStart(q.SettledTo.AddDays(1)))
		if err != nil {
			return "", nil, fmt.Errorf("settledTo: %w", err)
		}
		where("e.recorded < ?", to)
	}
	if !q.VisitFrom.IsZero() {
		from, err := formatDate(q.VisitFrom)
		if err != nil {
			return "", nil, fmt.Errorf("visitFrom: %w", err)
		}
		where("e.admission >= ?", from)
	}
	if !q.VisitTo.IsZero() {
		to, err := formatDate(q.VisitTo)
		if err != nil {
			return "", nil, fmt.Errorf("visitTo: %w", err)
		}
		where("e.admission <= ? AND e.admission <> ''", to)
	}
	// The journal's order is seq: each filter column has an index ending in seq
	// (migration 0004), so the database reads a filtered page from one of them in
	// order and stops at the limit.
	for _, f := range []struct{ col, v string }{
		{"e.institution", q.Institution}, {"e.township", q.Township}, {"e.person", q.Person},
		{"e.household", q.Household}, {"e.visit_type", q.VisitType},
	} {
		if f.v != "" {
			where(f.col+" = ?", f.v)
		}
	}
	if q.Village != "" {
		where("e.household IN (SELECT h.id FROM households AS h WHERE h.village = ?)", q.Village)
	}
	// The bounds of the total: a coarse filter in SQL, CAST to the database's
	// number, which never drops a row inside them (rounding a decimal to a double
	// keeps its order, ties included); the exact comparison is made in Go after.
	if q.MinTotal != nil {
		where("CAST(e.total AS NUMERIC) >= CAST(? AS NUMERIC)", q.MinTotal.String())
	}
	if q.MaxTotal != nil {
		where("CAST(e.total AS NUMERIC) <= CAST(? AS NUMERIC)", q.MaxTotal.String())
	}
	switch q.Status {
	case "":
	case ledger.StatusLive:
		where("NOT " + reversedCond)
	case ledger.StatusReversed:
		where(reversedCond + " AND NOT " + correctedCond)
	case ledger.StatusCorrected:
		where(correctedCond)
	default:
		return "", nil, fmt.Errorf("status %q", q.Status)
	}
	b.WriteString(" ORDER BY e.seq DESC LIMIT ?")
	args = append(args, n)
	return d.rebind(b.String()), args, nil
}

func (t *txn) Settlements(ctx context.Context, q ledger.SettlementQuery) ([]ledger.SettlementRow, error) {
	const what = "listing settlements"
	if q.Limit <= 0 {
		return nil, fail(ctx, what, fmt.Errorf("limit %d", q.Limit))
	}
	var out []ledger.SettlementRow
	before := q.BeforeSeq
	for {
		// One query answers but for a bound on the total: SQL's is coarse, and the
		// rows the exact comparison here drops are made up by another batch.
		n := q.Limit - len(out)
		batch, last, err := t.settlementsBatch(ctx, q, before, n)
		if err != nil {
			return nil, fail(ctx, what, err)
		}
		for _, row := range batch {
			if q.MinTotal != nil && row.Entry.Total.Cmp(*q.MinTotal) < 0 ||
				q.MaxTotal != nil && row.Entry.Total.Cmp(*q.MaxTotal) > 0 {
				continue
			}
			if out = append(out, row); len(out) == q.Limit {
				return out, nil
			}
		}
		if len(batch) < n {
			if out == nil {
				out = []ledger.SettlementRow{}
			}
			return out, nil
		}
		before = last
	}
}

// settlementsBatch reads up to n settlements older than before that match q but
// its amount bounds, and returns the last sequence number read.
func (t *txn) settlementsBatch(ctx context.Context, q ledger.SettlementQuery, before int64, n int) ([]ledger.SettlementRow, int64, error) {
	qctx, err := t.start(ctx, false)
	if err != nil {
		return nil, 0, err
	}
	text, args, err := t.d.settlementsSQL(q, before, n)
	if err != nil {
		return nil, 0, err
	}
	rows, err := t.tx.QueryContext(qctx, text, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	batch := make([]ledger.SettlementRow, 0, min(n, 64))
	var last int64
	for rows.Next() {
		var reversedBy, correctedBy sql.NullInt64
		e, err := scanEntry(linkScanner{rows, []any{&reversedBy, &correctedBy}})
		if err != nil {
			return nil, 0, err
		}
		row := ledger.SettlementRow{Entry: e, Status: ledger.StatusLive, ReversedBy: reversedBy.Int64, CorrectedBy: correctedBy.Int64}
		switch {
		case row.CorrectedBy != 0:
			row.Status = ledger.StatusCorrected
		case row.ReversedBy != 0:
			row.Status = ledger.StatusReversed
		}
		batch = append(batch, row)
		last = e.Seq
	}
	return batch, last, rows.Err()
}
