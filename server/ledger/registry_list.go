package ledger

import "context"

// PersonQuery selects registered persons for a page of a list, in resident ID order.
// Zero fields match everything.
type PersonQuery struct {
	Household string
	// Township and Village are the person's household's, in the registry.
	Township, Village string
	Category          string
	// AfterID, when set, keeps to persons whose ID sorts after it (the cursor).
	AfterID string
	Limit   int
}

// HouseholdQuery selects registered households for a page of a list, in id order.
type HouseholdQuery struct {
	Township, Village string
	AfterID           string
	Limit             int
}

// pageLimit clamps a list's limit and returns it and the one more row to ask for.
func pageLimit(limit int) int {
	if limit <= 0 {
		limit = DefaultListLimit
	}
	return min(limit, MaxListLimit)
}

// PersonsPage returns a page of persons matching q and whether more follow.
func (l *Ledger) PersonsPage(ctx context.Context, q PersonQuery) ([]Person, bool, error) {
	want := pageLimit(q.Limit)
	q.Limit = want + 1
	var ps []Person
	err := l.store.View(ctx, func(tx Tx) error {
		var err error
		ps, err = tx.PersonsPage(ctx, q)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	if len(ps) > want {
		return ps[:want], true, nil
	}
	return ps, false, nil
}

// HouseholdsPage returns a page of households matching q and whether more follow.
func (l *Ledger) HouseholdsPage(ctx context.Context, q HouseholdQuery) ([]Household, bool, error) {
	want := pageLimit(q.Limit)
	q.Limit = want + 1
	var hs []Household
	err := l.store.View(ctx, func(tx Tx) error {
		var err error
		hs, err = tx.HouseholdsPage(ctx, q)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	if len(hs) > want {
		return hs[:want], true, nil
	}
	return hs, false, nil
}
