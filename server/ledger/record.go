package ledger

import (
	"context"
	"errors"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/server/apierr"
)

// CardHistory is a card as it stands with its events, oldest first.
type CardHistory struct {
	Card   *CardRecord `json:"card"`
	Events []CardEvent `json:"events"`
}

// PersonRecord is what the county knows of a person (their page of record): the
// registry entry with its enrollment years, their household, the year's running
// totals, their cards with their history, and the newest page of their settlements.
// Everything is read in one snapshot.
type PersonRecord struct {
	Person    *Person
	Household *Household // nil when the household is not registered
	Year      int
	Totals    claim.Totals
	Cards     []CardHistory
	// Settlements is the first page, newest first; More says whether older ones
	// follow (GET /v1/settlements?person= pages through them).
	Settlements []SettlementRow
	More        bool
}

// HouseholdRecord is a household's page of record: the household, each member's
// record but the settlements, and the newest page of the household's settlements.
type HouseholdRecord struct {
	Household   *Household
	Year        int
	Members     []PersonRecord
	Settlements []SettlementRow
	More        bool
}

// firstPage reads the newest page of the settlements q selects.
func firstPage(ctx context.Context, tx Tx, q SettlementQuery) ([]SettlementRow, bool, error) {
	q.Limit = DefaultListLimit + 1
	rows, err := tx.Settlements(ctx, q)
	if err != nil {
		return nil, false, err
	}
	if len(rows) > DefaultListLimit {
		return rows[:DefaultListLimit], true, nil
	}
	return rows, false, nil
}

// memberRecord reads a person's record without settlements.
func memberRecord(ctx context.Context, tx Tx, p *Person, year int) (PersonRecord, error) {
	rec := PersonRecord{Person: p, Year: year, Cards: []CardHistory{}}
	// The enrollment shown is the one the engine sees (contributions.go).
	if _, err := withContributions(ctx, tx, p, year); err != nil {
		return rec, err
	}
	var err error
	if rec.Totals, err = tx.LockTotals(ctx, p.ID, year); err != nil {
		return rec, err
	}
	numbers, err := tx.CardsOf(ctx, p.ID)
	if err != nil {
		return rec, err
	}
	for _, n := range numbers {
		c, err := tx.Card(ctx, n)
		if err != nil {
			return rec, err
		}
		if c.Owner != p.ID {
			continue // issued to them once, another's now
		}
		evs, err := tx.CardEvents(ctx, n)
		if err != nil {
			return rec, err
		}
		rec.Cards = append(rec.Cards, CardHistory{Card: c, Events: evs})
	}
	return rec, nil
}

// PersonRecord returns the page of record of a registered person (either spelling
// of the resident ID) for the totals year (0: this year).
func (l *Ledger) PersonRecord(ctx context.Context, id string, year int) (*PersonRecord, error) {
	parsed, err := identity.ParseID(id, l.today())
	if err != nil {
		return nil, core.Prefix(err, "/id")
	}
	if year == 0 {
		year = l.today().Year
	}
	var rec PersonRecord
	err = l.store.View(ctx, func(tx Tx) error {
		p, err := tx.Person(ctx, parsed.Number)
		if errors.Is(err, ErrNotFound) {
			return core.Errors{apierr.NewError(apierr.NotFound, "/id", identity.Mask(parsed.Number))}
		} else if err != nil {
			return err
		}
		if rec, err = memberRecord(ctx, tx, p, year); err != nil {
			return err
		}
		if rec.Household, err = tx.Household(ctx, p.Household); errors.Is(err, ErrNotFound) {
			rec.Household, err = nil, nil
		}
		if err != nil {
			return err
		}
		rec.Settlements, rec.More, err = firstPage(ctx, tx, SettlementQuery{Person: p.ID})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &rec, nil
}

// HouseholdRecord returns the page of record of a registered household for the
// totals year (0: this year).
func (l *Ledger) HouseholdRecord(ctx context.Context, id string, year int) (*HouseholdRecord, error) {
	if year == 0 {
		year = l.today().Year
	}
	rec := HouseholdRecord{Year: year, Members: []PersonRecord{}}
	err := l.store.View(ctx, func(tx Tx) error {
		var err error
		rec.Household, err = tx.Household(ctx, id)
		if errors.Is(err, ErrNotFound) {
			return core.Errors{apierr.NewError(apierr.NotFound, "/id", core.Quote(id))}
		} else if err != nil {
			return err
		}
		var members []*Person
		for p, err := range tx.Persons(ctx, id) {
			if err != nil {
				return err
			}
			members = append(members, p)
		}
		for _, p := range members {
			m, err := memberRecord(ctx, tx, p, year)
			if err != nil {
				return err
			}
			rec.Members = append(rec.Members, m)
		}
		rec.Settlements, rec.More, err = firstPage(ctx, tx, SettlementQuery{Household: id})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &rec, nil
}
