package store

import (
	"context"
	"database/sql"
	"fmt"
	"iter"

	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/server/ledger"
)

// The registry: households and persons with their enrollment years.

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
	page := func(after string) ([]*ledger.Person, error) { return t.personsPage(ctx, household, after) }
	return paged(ctx, what, "", page, func(p *ledger.Person) string { return p.ID })
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
