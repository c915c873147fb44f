package store

import (
	"context"

	"github.com/ruralhealth/ncms/core/identity"
)

// cardsOfQuery finds a person's cards by the owner their issue events name. Card
// events are a few per card, a card or two per person: without an index on owner
// the scan is of the card table, as small as the registry.
const cardsOfQuery = `SELECT number FROM card_events WHERE owner = ? GROUP BY number ORDER BY min(seq)`

func (t *txn) CardsOf(ctx context.Context, owner string) ([]string, error) {
	what := "cards of " + identity.Mask(owner)
	qctx, err := t.start(ctx, false)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	rows, err := t.tx.QueryContext(qctx, t.d.rebind(cardsOfQuery), owner)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	defer rows.Close()
	numbers := []string{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fail(ctx, what, err)
		}
		numbers = append(numbers, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(ctx, what, err)
	}
	return numbers, nil
}
