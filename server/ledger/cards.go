package ledger

import (
	"context"
	"errors"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	codec "github.com/ruralhealth/ncms/core/codec/anycodec"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/server/apierr"
)

// CardEvent records a counter action on a card (RULES.md §3: issue, report lost,
// reverse the loss, replace, exchange, suspend, restore, freeze, unfreeze, cancel)
// and returns the card as it then stands. An issue binds the card to a registered
// person; a step the lifecycle does not allow is card_invalid_transition.
func (l *Ledger) CardEvent(ctx context.Context, keyID string, ev CardEvent) (*CardRecord, error) {
	var es core.Errors
	if err := identity.CheckCard(ev.Number, nil); err != nil {
		es = append(es, core.AsErrors(core.Prefix(err, "/number"))...)
	}
	if ev.Event == "" {
		es.Add(core.FieldRequired, "/event", "")
	}
	if e := ev.Date.Check("/date"); e != nil {
		es = append(es, e)
	} else if ev.Date.IsZero() {
		es.Add(core.FieldRequired, "/date", "")
	}
	checkText(&es, "/certificate", ev.Certificate, MaxCodeLen)
	checkText(&es, "/reason", ev.Reason, MaxReasonLen)
	if ev.Event == identity.Issue {
		if id, err := identity.ParseID(ev.Owner, l.today()); err != nil {
			es = append(es, core.AsErrors(core.Prefix(err, "/owner"))...)
		} else {
			ev.Owner = id.Number
		}
	}
	if err := es.Err(); err != nil {
		return nil, err
	}
	var out *CardRecord
	err := l.store.Update(ctx, func(tx Tx) error {
		// Two counters acting on one card at once must not both pass the lifecycle.
		if err := tx.Lock(ctx, "card\x1f"+ev.Number); err != nil {
			return err
		}
		var from identity.Status
		rec, err := tx.Card(ctx, ev.Number)
		switch {
		case err == nil:
			from = rec.Status
			// Only an issue names the owner; later events act on the card as issued.
			ev.Owner, ev.Certificate = rec.Owner, rec.Certificate
		case !errors.Is(err, ErrNotFound):
			return err
		}
		next, err := identity.Transition(from, ev.Event)
		if err != nil {
			return core.Errors{core.AsErrors(core.Prefix(err, "/event"))[0]}
		}
		if ev.Event == identity.Issue {
			if _, err := tx.Person(ctx, ev.Owner); errors.Is(err, ErrNotFound) {
				return core.Errors{apierr.NewError(apierr.NotRegistered, "/owner", identity.Mask(ev.Owner))}
			} else if err != nil {
				return err
			}
		}
		ev.Status, ev.Recorded, ev.Key = next, l.opts.Now().UTC(), keyID
		if err := tx.AppendCardEvent(ctx, ev); err != nil {
			return err
		}
		out, err = tx.Card(ctx, ev.Number)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Card returns a card's record and its events, oldest first.
func (l *Ledger) Card(ctx context.Context, number string) (*CardRecord, []CardEvent, error) {
	var rec *CardRecord
	var evs []CardEvent
	err := l.store.View(ctx, func(tx Tx) error {
		var err error
		if rec, err = card(ctx, tx, number); err != nil {
			return err
		}
		evs, err = tx.CardEvents(ctx, number)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return rec, evs, nil
}

func card(ctx context.Context, tx Tx, number string) (*CardRecord, error) {
	rec, err := tx.Card(ctx, number)
	if errors.Is(err, ErrNotFound) {
		return nil, core.Errors{apierr.NewError(apierr.NotFound, "/number", identity.MaskCard(number))}
	}
	return rec, err
}

// VerifyRequest asks whether a card may be used at the point of care.
type VerifyRequest struct {
	Policy    string     `json:"policy"`
	Number    string     `json:"number"`
	Presenter string     `json:"presenter"`
	Date      civil.Date `json:"date"`
}

// VerifyCard checks a presented card against the registry: the card's record, its
// owner's enrollment and the presenter's ID (冒名顶替). The result is the core's
// verify_card result.
func (l *Ledger) VerifyCard(ctx context.Context, r VerifyRequest) (jsontext.Value, error) {
	var es core.Errors
	if r.Policy == "" {
		es.Add(core.FieldRequired, "/policy", "")
	}
	if r.Number == "" {
		es.Add(core.FieldRequired, "/number", "")
	}
	if err := es.Err(); err != nil {
		return nil, err
	}
	var res jsontext.Value
	err := l.store.View(ctx, func(tx Tx) error {
		rec, err := card(ctx, tx, r.Number)
		if err != nil {
			return err
		}
		req := engine.VerifyCardRequest{Schema: engine.Schema, Policy: r.Policy, Card: rec.Card,
			Presenter: r.Presenter, Date: r.Date}
		if p, err := tx.Person(ctx, rec.Owner); err == nil {
			req.Category, req.Enrollment = p.Category, p.Enrollment
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		b, err := codec.Encode(req)
		if err != nil {
			return err
		}
		resp, err := l.calc.Call(ctx, engine.OpVerifyCard, b)
		if err != nil {
			return err
		}
		res, err = open(resp)
		return err
	})
	return res, err
}
