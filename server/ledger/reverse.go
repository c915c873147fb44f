package ledger

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/server/apierr"
)

// Presettle computes a settlement (预结算) on the person's current totals without
// recording anything.
func (l *Ledger) Presettle(ctx context.Context, req []byte) (jsontext.Value, error) {
	res, _, err := l.PresettleClaim(ctx, req, "", 0)
	return res, err
}

// PresettleClaim is Presettle that also returns the engine request it computed: the
// claim with the registry's person and the journal's totals. The checkout desk runs
// the same request through the engine in its page, so that a difference between the
// two engines shows rather than one between their inputs.
//
// corrects, when not 0, names the settlement a correction would replace (of the
// institution, when not ""): the totals are then the year's without it, as Correct
// computes on, so that a cap is not counted as used by the bill being replaced.
func (l *Ledger) PresettleClaim(ctx context.Context, req []byte, institution string, corrects int64) (result, request jsontext.Value, err error) {
	c, err := l.prepare(ctx, req)
	if err != nil {
		return nil, nil, err
	}
	err = l.store.View(ctx, func(tx Tx) error {
		// A closed year takes no settlement: the desk hears it before the patient pays.
		if _, err := tx.YearClose(ctx, c.year); err == nil {
			return core.Errors{apierr.NewError(apierr.YearClosed, "/claim/visit/admission", strconv.Itoa(c.year))}
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		p, _, err := l.register(ctx, tx, c)
		if err != nil {
			return err
		}
		// A snapshot's balance: what a settlement now would find.
		if c.account, err = householdAccount(ctx, tx, p, false); err != nil {
			return err
		}
		// A snapshot cannot take the lock; the journal it sees is consistent, so the
		// totals are summed from it.
		totals, err := journalTotals(ctx, tx, c.person, c.year)
		if err != nil {
			return err
		}
		if corrects != 0 {
			old, err := replaced(ctx, tx, institution, corrects, c)
			if err != nil {
				return err
			}
			totals = apply(totals, old.Delta, -1)
		}
		var e *Entry
		result, e, _, err = l.compute(ctx, c, totals, engine.OpEstimate)
		if err == nil {
			request = e.Request
		}
		return err
	})
	if err != nil || c.profile == "" {
		return result, request, err
	}
	// The request is what the engine computed, without the profile; the profile
	// is presentation added to its result, as for a recorded settlement.
	result, err = l.eng.ProfileJSON(result, c.profile, string(c.req.Lang))
	return result, request, err
}

// replaced reads the settlement seq a correction by c would replace: of the
// institution, standing, of the same visit, person and year.
func replaced(ctx context.Context, tx Tx, institution string, seq int64, c *claimRequest) (*Entry, error) {
	old, err := owned(ctx, tx, institution, seq)
	if err != nil {
		return nil, err
	}
	if err := isSettlement(old, "/corrects"); err != nil {
		return nil, err
	}
	if err := unreversed(ctx, tx, seq, "/corrects"); err != nil {
		return nil, err
	}
	if err := sameVisit(old, c); err != nil {
		return nil, err
	}
	return old, nil
}

// journalTotals sums a person's journal for the year: the figures the totals table
// holds, derived from the append-only record.
func journalTotals(ctx context.Context, tx Tx, person string, year int) (claim.Totals, error) {
	t := claim.Totals{Year: year, Funds: []claim.FundTotal{}, Admissions: []claim.ClassCount{}}
	for e, err := range tx.Entries(ctx, Filter{Person: person}) {
		if err != nil {
			return t, err
		}
		if e.Year != year {
			continue
		}
		sign := +1
		if e.Kind == KindReversal {
			sign = -1
		}
		t = apply(t, e.Delta, sign)
	}
	return t, nil
}

// Entry returns a journal entry; institution, when not "", must be the entry's.
func (l *Ledger) Entry(ctx context.Context, institution string, seq int64) (*Entry, error) {
	var e *Entry
	err := l.store.View(ctx, func(tx Tx) error {
		var err error
		e, err = owned(ctx, tx, institution, seq)
		return err
	})
	return e, err
}

// owned reads the entry seq and checks the institution may act on it. Another
// institution's entry is reported as missing, so serial numbers reveal nothing.
func owned(ctx context.Context, tx Tx, institution string, seq int64) (*Entry, error) {
	e, err := tx.Entry(ctx, seq)
	if errors.Is(err, ErrNotFound) || (err == nil && institution != "" && e.Institution != institution) {
		return nil, core.Errors{apierr.NewError(apierr.NotFound, "/seq", strconv.FormatInt(seq, 10))}
	}
	return e, err
}

// settlement reads an unreversed settlement for a reversal or correction, holding
// its person's totals lock.
func settlement(ctx context.Context, tx Tx, institution string, seq int64) (*Entry, claim.Totals, error) {
	e, err := owned(ctx, tx, institution, seq)
	if err != nil {
		return nil, claim.Totals{}, err
	}
	return lockSettlement(ctx, tx, e)
}

// lockSettlement checks that e is a settlement not yet reversed and takes its
// person's totals lock.
func lockSettlement(ctx context.Context, tx Tx, e *Entry) (*Entry, claim.Totals, error) {
	if err := isSettlement(e, "/seq"); err != nil {
		return nil, claim.Totals{}, err
	}
	totals, err := tx.LockTotals(ctx, e.Person, e.Year)
	if err != nil {
		return nil, totals, err
	}
	// Checked under the lock, so two reversals of one settlement cannot both pass.
	if err := unreversed(ctx, tx, e.Seq, "/seq"); err != nil {
		return nil, totals, err
	}
	return e, totals, nil
}

// isSettlement refuses a reversal where a settlement is wanted; path names its number.
func isSettlement(e *Entry, path string) error {
	if e.Kind == KindSettlement {
		return nil
	}
	n := strconv.FormatInt(e.Seq, 10)
	return core.Errors{core.NewErrorText(core.FieldInvalid, path, "entry "+n+" is a reversal", "记录 "+n+" 本身是撤销")}
}

// unreversed refuses a settlement a reversal names (settlement_already_reversed).
func unreversed(ctx context.Context, tx Tx, seq int64, path string) error {
	if _, err := tx.ReversalOf(ctx, seq); err == nil {
		return core.Errors{apierr.NewError(apierr.AlreadyReversed, path, strconv.FormatInt(seq, 10))}
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	return nil
}

// reversal appends the reversal of e and returns it and the totals without e.
func (l *Ledger) reversal(ctx context.Context, tx Tx, e *Entry, totals claim.Totals, keyID, reason string) (*Entry, claim.Totals, error) {
	r := *e
	r.Seq, r.Kind, r.Reverses, r.Corrects = 0, KindReversal, e.Seq, 0
	r.Request, r.Result = nil, nil
	r.Recorded, r.Reason = l.opts.Now().UTC(), reason
	stamp(&r, keyID)
	seq, err := tx.Append(ctx, &r)
	if err != nil {
		return nil, totals, err
	}
	r.Seq = seq
	if err := refundAccount(ctx, tx, e, &r); err != nil {
		return nil, totals, err
	}
	return &r, apply(totals, e.Delta, -1), nil
}

// Reverse records the reversal (撤销) of settlement seq and gives its figures back
// to the person's totals. institution, when not "", must be the settlement's.
// Retrying the same reversal (the same reason) returns the first, Replayed; a
// settlement reversed otherwise, or replaced by a correction, is
// settlement_already_reversed.
func (l *Ledger) Reverse(ctx context.Context, keyID, institution string, seq int64, reason string) (*Receipt, error) {
	var es core.Errors
	if !checkText(&es, "/reason", reason, MaxReasonLen) {
		return nil, es
	}
	var out *Receipt
	err := l.store.Update(ctx, func(tx Tx) error {
		out = nil
		e, totals, err := settlement(ctx, tx, institution, seq)
		if core.ErrorCode(err) == apierr.AlreadyReversed {
			rc, rerr := replayReversal(ctx, tx, seq, reason)
			if rerr != nil {
				return rerr
			}
			if rc != nil {
				out = rc
				return nil
			}
		}
		if err != nil {
			return err
		}
		// A reversal changes the year's figures as a correction does: in a closed
		// year only the county's (institution "") is recorded.
		if err := openYear(ctx, tx, e.Year, institution == "", "/seq"); err != nil {
			return err
		}
		r, after, err := l.reversal(ctx, tx, e, totals, keyID, reason)
		if err != nil {
			return err
		}
		if err := tx.PutTotals(ctx, e.Person, e.Year, after); err != nil {
			return err
		}
		out = &Receipt{Seq: r.Seq, Recorded: r.Recorded, Reverses: seq, Key: r.Key, Operator: r.Operator}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// replayReversal returns the receipt of the reversal of settlement seq when a
// reversal request with the reason made it, or nil. A correction's reversal is not
// one, whatever the reason given: the correction's settlement, of the same person
// after the reversal, names seq in Corrects.
func replayReversal(ctx context.Context, tx Tx, seq int64, reason string) (*Receipt, error) {
	r, err := tx.ReversalOf(ctx, seq)
	if err != nil || r.Reason != reason {
		return nil, err
	}
	for next, err := range tx.Entries(ctx, Filter{Person: r.Person, Kind: KindSettlement, AfterSeq: r.Seq}) {
		if err != nil {
			return nil, err
		}
		if next.Corrects == seq {
			return nil, nil
		}
	}
	return &Receipt{Seq: r.Seq, Recorded: r.Recorded, Replayed: true, Reverses: seq}, nil
}

// Correct replaces settlement seq by the corrected bill in req: it reverses the
// original and settles the new bill on the totals without it, in one transaction.
// The receipt's Refund is what the hospital owes the patient (Hu county refunds an
// under-payment). Retrying the same correction returns the first.
//
// reason (required) is kept on both entries of the correction, the reversal and the
// new settlement, so that either slip reprinted says why. A manual claim's
// correction keeps its invoices and payout.
func (l *Ledger) Correct(ctx context.Context, keyID, institution string, seq int64, reason string, req []byte) (*Settled, error) {
	var es core.Errors
	if strings.TrimSpace(reason) == "" {
		es.AddText(core.FieldRequired, "/reason", "a correction says why", "更正须填写原因")
	} else {
		checkText(&es, "/reason", reason, MaxReasonLen)
	}
	if len(es) > 0 {
		return nil, es
	}
	c, err := l.prepare(ctx, req)
	if err != nil {
		return nil, underRequest(err)
	}
	var out *Settled
	err = l.store.Update(ctx, func(tx Tx) error {
		out = nil
		if err := tx.Lock(ctx, c.visitLock()); err != nil {
			return err
		}
		old, err := owned(ctx, tx, institution, seq)
		if err != nil {
			return err
		}
		if err := sameVisit(old, c); err != nil {
			return err
		}
		if cur, err := tx.Current(ctx, old.Institution, old.Visit); err == nil && cur.Corrects == seq && cur.BillHash == c.bill {
			out = &Settled{Result: cur.Result, Receipt: Receipt{Seq: cur.Seq, Recorded: cur.Recorded, Replayed: true,
				Corrects: seq, Refund: refund(old, cur)}}
			return nil
		}
		// In a closed year only the county corrects (institution "": its key or an
		// administrator).
		if err := openYear(ctx, tx, old.Year, institution == "", "/seq"); err != nil {
			return err
		}
		// The entry read above is the one to reverse: entries never change.
		old, totals, err := lockSettlement(ctx, tx, old)
		if err != nil {
			return err
		}
		if c.manual, err = manualOf(ctx, tx, old.Seq); err != nil {
			return err
		}
		_, totals, err = l.reversal(ctx, tx, old, totals, keyID, reason)
		if err != nil {
			return err
		}
		c.reason = reason
		s, e, err := l.record(ctx, tx, c, totals, keyID, seq)
		if err != nil {
			return err
		}
		s.Refund = refund(old, e)
		out = s
		return nil
	})
	if err != nil {
		return nil, underRequest(err)
	}
	return l.present(out, c)
}

// sameVisit checks a correction is for the visit, person and year it corrects.
func sameVisit(old *Entry, c *claimRequest) error {
	var es core.Errors
	cl := &c.req.Claim
	if cl.ID != old.Visit {
		es.AddText(core.FieldInvalid, "/claim/id", "a correction keeps the visit id "+core.Quote(old.Visit), "更正须保持就诊编号 "+core.Quote(old.Visit))
	}
	if cl.Visit.Institution != old.Institution {
		es.AddText(core.FieldInvalid, "/claim/visit/institution", "a correction keeps the institution", "更正须保持医疗机构")
	}
	if c.person != old.Person {
		es.AddText(core.FieldInvalid, "/claim/person/id", "a correction keeps the person", "更正须保持参合人员")
	}
	if c.year != old.Year {
		es.AddText(core.FieldInvalid, "/claim/visit/admission", fmt.Sprintf("a correction stays in %d", old.Year), fmt.Sprintf("更正须在 %d 年度内", old.Year))
	}
	return es.Err()
}

// refund is what the patient paid in cash under old beyond what they pay under new.
func refund(old, new *Entry) *money.Amount {
	r := old.Cash.Sub(new.Cash)
	return &r
}
