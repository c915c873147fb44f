package store

import (
	"context"
	"database/sql"
	"strconv"

	"github.com/ruralhealth/ncms/server/ledger"
)

// Family accounts (家庭账户): append-only rows of credits and debits, each with the
// household's balance after it. The database refuses a negative amount or balance.

const accountColumns = `household, kind, amount, balance, person, year, contribution, entry, recorded`

const accountSelect = `SELECT seq, ` + accountColumns + ` FROM family_account`

func (t *txn) AppendAccountRow(ctx context.Context, r *ledger.AccountRow) (int64, error) {
	what := "recording a " + string(r.Kind) + " of household " + r.Household + "'s family account"
	qctx, err := t.begin(ctx, what, true)
	if err != nil {
		return 0, err
	}
	var v encoder
	amount, balance, recorded := v.amount(r.Amount), v.amount(r.Balance), v.time(r.Recorded)
	if err := v.err(); err != nil {
		return 0, fail(ctx, what, err)
	}
	var seq int64
	err = t.rawRow(qctx, `INSERT INTO family_account (`+accountColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
		r.Household, string(r.Kind), amount, balance, r.Person, r.Year, nullSeq(r.Contribution), nullSeq(r.Entry),
		recorded).Scan(&seq)
	if err != nil {
		return 0, fail(ctx, what, err)
	}
	return seq, nil
}

func scanAccountRow(sc scanner) (ledger.AccountRow, error) {
	var a ledger.AccountRow
	var kind, amount, balance, recorded string
	var contribution, entry sql.NullInt64
	err := sc.Scan(&a.Seq, &a.Household, &kind, &amount, &balance, &a.Person, &a.Year, &contribution, &entry, &recorded)
	if err != nil {
		return a, err
	}
	a.Kind, a.Contribution, a.Entry = ledger.AccountKind(kind), contribution.Int64, entry.Int64
	var r decoder
	a.Amount, a.Balance = r.amount("amount", amount), r.amount("balance", balance)
	a.Recorded = r.time("recorded", recorded)
	return a, r.err("family account row " + strconv.FormatInt(a.Seq, 10))
}

func (t *txn) accountRow(ctx context.Context, what, where string, args ...any) (*ledger.AccountRow, error) {
	qctx, err := t.begin(ctx, what, false)
	if err != nil {
		return nil, err
	}
	a, err := scanAccountRow(t.rawRow(qctx, accountSelect+where, args...))
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	return &a, nil
}

func (t *txn) LastAccountRow(ctx context.Context, household string) (*ledger.AccountRow, error) {
	return t.accountRow(ctx, "balance of household "+household, ` WHERE household = ? ORDER BY seq DESC LIMIT 1`, household)
}

func (t *txn) AccountRowOf(ctx context.Context, entry int64, kind ledger.AccountKind) (*ledger.AccountRow, error) {
	return t.accountRow(ctx, "family account row of entry "+strconv.FormatInt(entry, 10), ` WHERE entry = ? AND kind = ?`, entry, string(kind))
}

func (t *txn) AccountRows(ctx context.Context, household string, after int64, limit int) ([]ledger.AccountRow, error) {
	what := "family account of household " + household
	qctx, err := t.begin(ctx, what, false)
	if err != nil {
		return nil, err
	}
	rows, err := t.rawQuery(qctx, accountSelect+` WHERE household = ? AND seq > ? ORDER BY seq LIMIT ?`, household, after, limit)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	out, err := collect(rows, scanAccountRow)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	if out == nil {
		out = []ledger.AccountRow{} // an empty list, not null
	}
	return out, nil
}
