package store

import (
	"context"
	"database/sql"

	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/server/ledger"
)

// Card events, append-only; a card's state is folded from them.

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
		string(ev.Status), recorded, ev.Key, ev.Reason)
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
		if err := rows.Scan(&ev.Number, &ev.Owner, &ev.Certificate, &event, &date, &status, &recorded, &ev.Key, &ev.Reason); err != nil {
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
