package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/ruralhealth/ncms/server/ledger"
)

// filterSQL builds "<sel> WHERE <conds> ORDER BY <order> LIMIT ?" from the non-empty
// conditions.
type filterSQL struct {
	b     strings.Builder
	args  []any
	where bool
}

func (f *filterSQL) cond(cond string, arg any) {
	if f.where {
		f.b.WriteString(" AND ")
	} else {
		f.b.WriteString(" WHERE ")
		f.where = true
	}
	f.b.WriteString(cond)
	f.args = append(f.args, arg)
}

func (f *filterSQL) eq(col, v string) {
	if v != "" {
		f.cond(col+" = ?", v)
	}
}

func (t *txn) PersonsPage(ctx context.Context, q ledger.PersonQuery) ([]ledger.Person, error) {
	const what = "listing persons"
	qctx, err := t.start(ctx, false)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	if q.Limit <= 0 {
		return nil, fail(ctx, what, fmt.Errorf("limit %d", q.Limit))
	}
	var f filterSQL
	f.b.WriteString(`SELECT p.id, p.name, p.household, p.category, p.birth, p.enrollment FROM persons AS p`)
	if q.AfterID != "" {
		f.cond("p.id > ?", q.AfterID)
	}
	f.eq("p.household", q.Household)
	f.eq("p.category", q.Category)
	if q.Township != "" {
		f.cond("p.household IN (SELECT h.id FROM households AS h WHERE h.township = ?)", q.Township)
	}
	if q.Village != "" {
		f.cond("p.household IN (SELECT h.id FROM households AS h WHERE h.village = ?)", q.Village)
	}
	f.b.WriteString(" ORDER BY p.id LIMIT ?")
	rows, err := t.tx.QueryContext(qctx, t.d.rebind(f.b.String()), append(f.args, q.Limit)...)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	defer rows.Close()
	ps := []ledger.Person{}
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, fail(ctx, what, err)
		}
		ps = append(ps, *p)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(ctx, what, err)
	}
	return ps, nil
}

func (t *txn) HouseholdsPage(ctx context.Context, q ledger.HouseholdQuery) ([]ledger.Household, error) {
	const what = "listing households"
	qctx, err := t.start(ctx, false)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	if q.Limit <= 0 {
		return nil, fail(ctx, what, fmt.Errorf("limit %d", q.Limit))
	}
	var f filterSQL
	f.b.WriteString(`SELECT id, head, township, village, address FROM households`)
	if q.AfterID != "" {
		f.cond("id > ?", q.AfterID)
	}
	f.eq("township", q.Township)
	f.eq("village", q.Village)
	f.b.WriteString(" ORDER BY id LIMIT ?")
	rows, err := t.tx.QueryContext(qctx, t.d.rebind(f.b.String()), append(f.args, q.Limit)...)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	defer rows.Close()
	hs := []ledger.Household{}
	for rows.Next() {
		var h ledger.Household
		if err := rows.Scan(&h.ID, &h.Head, &h.Township, &h.Village, &h.Address); err != nil {
			return nil, fail(ctx, what, err)
		}
		hs = append(hs, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(ctx, what, err)
	}
	return hs, nil
}
