package ledger

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/server/apierr"
)

// booksLock serializes the writes of the books (statements, deductions, approvals,
// batches, payments) across replicas: they are few, and each checks rows another
// could be adding (an overlapping statement, a deduction past the total, a statement
// going into two batches).
const booksLock = "books"

// updateBooks runs fn in an Update that holds the books lock.
func (l *Ledger) updateBooks(ctx context.Context, fn func(Tx) error) error {
	return l.store.Update(ctx, func(tx Tx) error {
		if err := tx.Lock(ctx, booksLock); err != nil {
			return err
		}
		return fn(tx)
	})
}

// dayCST is the ledger clock's day in China Standard Time, the day the books count
// in (registry.go's today is the clock's own zone's, for ID checks).
func (l *Ledger) dayCST() civil.Date {
	t := l.opts.Now().In(CST)
	return civil.New(t.Year(), t.Month(), t.Day())
}

// checkPeriod checks a statement's days: from ≤ to, one month, ended before today.
func (l *Ledger) checkPeriod(es *core.Errors, from, to civil.Date) {
	ok := true
	for _, d := range []struct {
		path string
		d    civil.Date
	}{{"/from", from}, {"/to", to}} {
		if e := d.d.Check(d.path); e != nil {
			*es, ok = append(*es, e), false
		} else if d.d.IsZero() {
			es.Add(core.FieldRequired, d.path, "")
			ok = false
		}
	}
	switch {
	case !ok:
	case to.Before(from):
		es.AddText(core.FieldInvalid, "/to", "before from", "早于起始日期")
	case to.Year != from.Year || to.Month != from.Month:
		es.AddText(core.FieldInvalid, "/to", "a statement stays within one month", "结算单不能跨月")
	case !to.Before(l.dayCST()):
		*es = append(*es, apierr.NewError(apierr.PeriodNotEnded, "/to", to.String()))
	}
}

// IssueStatements states what the fund owes for the journal entries recorded from
// from to to (days in China Standard Time, inclusive, within one month, before
// today): for the institution, or when it is "" for every institution with entries
// recorded then. A statement of exactly these days already issued is returned again
// (Replayed); one that overlaps them is statement_overlap.
func (l *Ledger) IssueStatements(ctx context.Context, actor, institution string, from, to civil.Date) ([]Statement, error) {
	var es core.Errors
	if institution != "" {
		// An institution code as claims carry it.
		checkText(&es, "/institution", institution, claim.MaxText)
	}
	l.checkPeriod(&es, from, to)
	if err := es.Err(); err != nil {
		return nil, err
	}
	var out []Statement
	err := l.updateBooks(ctx, func(tx Tx) error {
		out = nil
		figs := map[string]*Figures{}
		if institution != "" {
			f := NewFigures()
			figs[institution] = &f
		}
		for e, err := range tx.Entries(ctx, recordedIn(institution, from, to)) {
			if err != nil {
				return err
			}
			fig := figs[e.Institution]
			if fig == nil {
				f := NewFigures()
				fig = &f
				figs[e.Institution] = fig
			}
			fig.Add(e)
		}
		now := l.opts.Now().UTC()
		for _, inst := range slices.Sorted(maps.Keys(figs)) {
			old, err := tx.Statements(ctx, StatementQuery{Institution: inst, From: from, To: to})
			if err != nil {
				return err
			}
			if len(old) == 1 && old[0].From == from && old[0].To == to {
				old[0].Replayed = true
				out = append(out, old[0])
				continue
			}
			if len(old) > 0 {
				o := old[0]
				return core.Errors{apierr.NewError(apierr.StatementOverlap, "/from",
					fmt.Sprintf("%s %d: %s – %s", core.Quote(inst), o.ID, o.From, o.To))}
			}
			s := Statement{Institution: inst, From: from, To: to, Figures: *figs[inst], Recorded: now, Actor: actor}
			if s.ID, err = tx.AppendStatement(ctx, &s); err != nil {
				return err
			}
			s.Derive()
			out = append(out, s)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []Statement{}
	}
	return out, nil
}

// Statement returns a statement with its deductions, approval, batch and payment;
// institution, when not "", must be the statement's (another's is not found).
func (l *Ledger) Statement(ctx context.Context, institution string, id int64) (*Statement, error) {
	var s *Statement
	err := l.store.View(ctx, func(tx Tx) error {
		var err error
		s, err = ownStatement(ctx, tx, institution, id)
		return err
	})
	return s, err
}

// StatementEntries returns the statement and the journal entries it counts, in
// sequence order: what the auditor reviews. institution, when not "", must be the
// statement's.
func (l *Ledger) StatementEntries(ctx context.Context, institution string, id int64) (*Statement, []*Entry, error) {
	var s *Statement
	var es []*Entry
	err := l.store.View(ctx, func(tx Tx) error {
		var err error
		if s, err = ownStatement(ctx, tx, institution, id); err != nil {
			return err
		}
		es = es[:0]
		for e, err := range tx.Entries(ctx, recordedIn(s.Institution, s.From, s.To)) {
			if err != nil {
				return err
			}
			es = append(es, e)
		}
		return nil
	})
	return s, es, err
}

// recordedIn selects the journal entries of the institution ("": every one)
// recorded from from to to, days in China Standard Time, inclusive: what a statement
// of those days counts.
func recordedIn(institution string, from, to civil.Date) Filter {
	return Filter{Institution: institution, RecordedFrom: DayStart(from), RecordedTo: DayStart(to.AddDays(1))}
}

func ownStatement(ctx context.Context, tx Tx, institution string, id int64) (*Statement, error) {
	s, err := tx.Statement(ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && institution != "" && s.Institution != institution) {
		return nil, core.Errors{apierr.NewError(apierr.NotFound, "/id", strconv.FormatInt(id, 10))}
	}
	return s, err
}

// Statements returns the statements overlapping q's days, of q.Institution or all,
// with the status, when not "", in id order.
func (l *Ledger) Statements(ctx context.Context, q StatementQuery, status StatementStatus) ([]Statement, error) {
	var out []Statement
	err := l.store.View(ctx, func(tx Tx) error {
		ss, err := tx.Statements(ctx, q)
		if err != nil {
			return err
		}
		out = slices.DeleteFunc(ss, func(s Statement) bool { return status != "" && s.Status != status })
		return nil
	})
	return out, err
}

// DeductionRequest is an auditor's deduction (违规扣款) from a statement.
type DeductionRequest struct {
	Amount  money.Amount `json:"amount"`
	Reason  string       `json:"reason"`
	Entries []int64      `json:"entries"`
}

// Deduct records a deduction from statement id: a positive amount, a reason, and the
// journal entries of the statement it concerns. The statement must not be approved
// yet, and its deductions together never exceed what it owes. The same deduction
// again (amount, reason and entries) returns the first, Replayed.
func (l *Ledger) Deduct(ctx context.Context, actor string, id int64, r DeductionRequest) (*Deduction, error) {
	var es core.Errors
	if e := r.Amount.Check("/amount"); e != nil {
		es = append(es, e)
	} else if r.Amount.Sign() <= 0 {
		es.AddText(core.FieldInvalid, "/amount", "want more than 0", "应大于 0")
	}
	if r.Reason == "" {
		es.Add(core.FieldRequired, "/reason", "")
	} else {
		checkText(&es, "/reason", r.Reason, MaxReasonLen)
	}
	if len(r.Entries) == 0 {
		es.AddText(core.FieldRequired, "/entries", "the journal entries the deduction concerns", "扣款涉及的台账记录")
	}
	for i, seq := range r.Entries {
		if slices.Index(r.Entries, seq) < i {
			es.AddText(core.FieldInvalid, "/entries/"+strconv.Itoa(i), "named twice", "重复")
		}
	}
	if err := es.Err(); err != nil {
		return nil, err
	}
	var out *Deduction
	err := l.updateBooks(ctx, func(tx Tx) error {
		out = nil
		s, err := ownStatement(ctx, tx, "", id)
		if err != nil {
			return err
		}
		for _, d := range s.Deductions {
			if d.Amount.Cmp(r.Amount) == 0 && d.Reason == r.Reason && slices.Equal(d.Entries, r.Entries) {
				d.Replayed = true
				out = &d
				return nil
			}
		}
		if s.Approval != nil {
			return core.Errors{apierr.NewError(apierr.StatementApproved, "", strconv.FormatInt(id, 10))}
		}
		for i, seq := range r.Entries {
			if err := inStatement(ctx, tx, s, seq, "/entries/"+strconv.Itoa(i)); err != nil {
				return err
			}
		}
		if after := s.Deducted().Add(r.Amount); after.Cmp(s.Figures.Owed) > 0 {
			return core.Errors{apierr.NewError(apierr.DeductionExceeds, "/amount",
				fmt.Sprintf("%s > %s", after, s.Figures.Owed))}
		}
		d := Deduction{Statement: id, Amount: r.Amount, Reason: r.Reason, Entries: r.Entries,
			Recorded: l.opts.Now().UTC(), Actor: actor}
		if d.ID, err = tx.AppendDeduction(ctx, &d); err != nil {
			return err
		}
		out = &d
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// inStatement checks that journal entry seq is one the statement counts: the
// institution's, recorded in its days.
func inStatement(ctx context.Context, tx Tx, s *Statement, seq int64, path string) error {
	e, err := tx.Entry(ctx, seq)
	switch {
	case errors.Is(err, ErrNotFound):
	case err != nil:
		return err
	case e.Institution == s.Institution && !e.Recorded.Before(DayStart(s.From)) && e.Recorded.Before(DayStart(s.To.AddDays(1))):
		// The bounds of recordedIn.
		return nil
	}
	return core.Errors{apierr.NewError(apierr.EntryNotInStatement, path, strconv.FormatInt(seq, 10))}
}

// Approve records the county's approval of statement id: what it owes less its
// deductions is to be paid. Approving it again returns the first approval
// (Replayed on the statement).
func (l *Ledger) Approve(ctx context.Context, actor string, id int64) (*Statement, error) {
	var out *Statement
	err := l.updateBooks(ctx, func(tx Tx) error {
		out = nil
		s, err := ownStatement(ctx, tx, "", id)
		if err != nil {
			return err
		}
		if s.Approval != nil {
			s.Replayed = true
			out = s
			return nil
		}
		deducted := s.Deducted()
		a := Approval{Statement: id, Deducted: deducted, Amount: s.Figures.Owed.Sub(deducted),
			Recorded: l.opts.Now().UTC(), Actor: actor}
		if err := tx.AppendApproval(ctx, a); err != nil {
			return err
		}
		s.Approval = &a
		s.Derive()
		out = s
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
