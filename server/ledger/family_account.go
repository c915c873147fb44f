package ledger

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/server/apierr"
)

// AccountKind is what moved money in a family account.
type AccountKind string

// Kinds of family account row: a member's contribution and a reversal credit the
// account, a settlement debits it.
const (
	AccountContribution AccountKind = "contribution"
	AccountSettlement   AccountKind = "settlement"
	AccountReversal     AccountKind = "reversal"
)

// Credit reports whether the kind adds to the balance.
func (k AccountKind) Credit() bool { return k != AccountSettlement }

// AccountRow is one credit or debit of a household's family account (家庭账户), with
// the balance after it. Rows are never changed; the balance rolls over from year to
// year and is never negative.
type AccountRow struct {
	Seq       int64        `json:"seq"`
	Household string       `json:"household"`
	Kind      AccountKind  `json:"kind"`
	Amount    money.Amount `json:"amount"` // positive; Kind says which way
	Balance   money.Amount `json:"balance"`
	Person    string       `json:"person"`
	Year      int          `json:"year"`
	// Contribution is the contribution credited (kind contribution), Entry the
	// journal entry that drew or gave back (settlement, reversal); 0 for none.
	Contribution int64     `json:"contribution,omitzero"`
	Entry        int64     `json:"entry,omitzero"`
	Recorded     time.Time `json:"recorded"`
}

// accountLock names the lock of a household's family account.
func accountLock(household string) string { return "family-account\x1f" + household }

// lockAccount takes the household account's lock. Settlements take it after the
// person's totals, so the order is always visit, person, account.
func lockAccount(ctx context.Context, tx Tx, household string) error {
	return tx.Lock(ctx, accountLock(household))
}

// accountBalance is the household's balance: its newest row's, 0 before any.
func accountBalance(ctx context.Context, tx Tx, household string) (money.Amount, error) {
	r, err := tx.LastAccountRow(ctx, household)
	switch {
	case errors.Is(err, ErrNotFound):
		return money.Amount{}, nil
	case err != nil:
		return money.Amount{}, err
	}
	return r.Balance, nil
}

// householdAccount is the balance the server supplies to a registered person's
// claim, from their household's account, locked when lock is set. It returns nil
// for a person outside the registry, whose claim keeps its own figure.
func householdAccount(ctx context.Context, tx Tx, p *Person, lock bool) (*money.Amount, error) {
	if p == nil || p.Household == "" {
		return nil, nil
	}
	if lock {
		if err := lockAccount(ctx, tx, p.Household); err != nil {
			return nil, err
		}
	}
	bal, err := accountBalance(ctx, tx, p.Household)
	if err != nil {
		return nil, err
	}
	return &bal, nil
}

// drawAccount records what settlement e (journal seq) drew from the household's
// account, whose balance before it was bal.
func drawAccount(ctx context.Context, tx Tx, e *Entry, bal money.Amount) error {
	draw := e.Delta.FamilyAccount
	if e.Household == "" || draw.Sign() <= 0 {
		return nil
	}
	after := bal.Sub(draw)
	if after.Sign() < 0 {
		// The core draws at most the balance it was given: this is a bug, and the
		// transaction must not commit.
		return fmt.Errorf("ledger: settlement %d draws %s from household %s's account of %s", e.Seq, draw, e.Household, bal)
	}
	_, err := tx.AppendAccountRow(ctx, &AccountRow{Household: e.Household, Kind: AccountSettlement, Amount: draw,
		Balance: after, Person: e.Person, Year: e.Year, Entry: e.Seq, Recorded: e.Recorded})
	return err
}

// refundAccount gives back to the household's account what settlement e drew, when
// its reversal r is recorded. A settlement recorded before the server kept the
// accounts drew nothing from one and gets nothing back.
func refundAccount(ctx context.Context, tx Tx, e, r *Entry) error {
	d, err := tx.AccountRowOf(ctx, e.Seq, AccountSettlement)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil
	case err != nil:
		return err
	}
	if err := lockAccount(ctx, tx, d.Household); err != nil {
		return err
	}
	bal, err := accountBalance(ctx, tx, d.Household)
	if err != nil {
		return err
	}
	_, err = tx.AppendAccountRow(ctx, &AccountRow{Household: d.Household, Kind: AccountReversal, Amount: d.Amount,
		Balance: bal.Add(d.Amount), Person: d.Person, Year: d.Year, Entry: r.Seq, Recorded: r.Recorded})
	return err
}

// AccountStatement is a household's family account statement: the balance, the sums of
// every credit and debit, and one page of rows, oldest first.
type AccountStatement struct {
	Household string       `json:"household"`
	Balance   money.Amount `json:"balance"`
	Credits   money.Amount `json:"credits"`
	Debits    money.Amount `json:"debits"`
	Rows      []AccountRow `json:"rows"`
	// Next is the sequence number to pass as after for the next page; 0 on the last.
	Next int64 `json:"-"`
}

// FamilyAccount returns the statement of a registered household's account: every
// row is summed, and up to limit rows after seq after are listed.
func (l *Ledger) FamilyAccount(ctx context.Context, household string, after int64, limit int) (*AccountStatement, error) {
	if limit < 1 {
		limit = DefaultListLimit
	}
	st := &AccountStatement{Household: household, Rows: []AccountRow{}}
	err := l.store.View(ctx, func(tx Tx) error {
		*st = AccountStatement{Household: household, Rows: []AccountRow{}}
		if _, err := tx.Household(ctx, household); errors.Is(err, ErrNotFound) {
			return core.Errors{apierr.NewError(apierr.NotFound, "/id", core.Quote(household))}
		} else if err != nil {
			return err
		}
		for cursor := int64(0); ; {
			rows, err := tx.AccountRows(ctx, household, cursor, MaxListLimit)
			if err != nil {
				return err
			}
			for _, r := range rows {
				if r.Kind.Credit() {
					st.Credits = st.Credits.Add(r.Amount)
				} else {
					st.Debits = st.Debits.Add(r.Amount)
				}
				st.Balance = r.Balance
				if r.Seq > after && len(st.Rows) < limit {
					st.Rows = append(st.Rows, r)
				} else if r.Seq > after && st.Next == 0 {
					st.Next = st.Rows[len(st.Rows)-1].Seq
				}
			}
			if len(rows) < MaxListLimit {
				return nil
			}
			cursor = rows[len(rows)-1].Seq
		}
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}
