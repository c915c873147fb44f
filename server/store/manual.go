package store

import (
	"context"
	"strconv"

	"github.com/ruralhealth/ncms/server/ledger"
)

// Manual claims (ledger.ManualTx): the payout beside the journal entry, and every
// invoice of the claim where the duplicate-invoice check finds it (SettledInvoice).

func (t *txn) PutManual(ctx context.Context, seq int64, institution string, m ledger.Manual) error {
	what := "putting manual claim " + strconv.FormatInt(seq, 10)
	qctx, err := t.start(ctx, true)
	if err != nil {
		return fail(ctx, what, err)
	}
	if err := t.rawExec(qctx, `INSERT INTO manual_claims (seq, holder, bank, card) VALUES (?, ?, ?, ?)`,
		seq, m.Payout.Holder, m.Payout.Bank, m.Payout.Card); err != nil {
		return fail(ctx, what, err)
	}
	for i, inv := range m.Invoices {
		issued, err := formatDate(inv.Date)
		if err != nil {
			return fail(ctx, what, err)
		}
		if err := t.rawExec(qctx, `INSERT INTO manual_invoices (seq, position, institution, invoice, issued)
			VALUES (?, ?, ?, ?, ?)`, seq, i, institution, inv.Number, issued); err != nil {
			return fail(ctx, what, err)
		}
	}
	return nil
}

func (t *txn) Manual(ctx context.Context, seq int64) (*ledger.Manual, error) {
	what := "manual claim " + strconv.FormatInt(seq, 10)
	qctx, err := t.start(ctx, false)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	m := &ledger.Manual{Invoices: []ledger.Invoice{}}
	if err := t.rawRow(qctx, `SELECT holder, bank, card FROM manual_claims WHERE seq = ?`, seq).Scan(
		&m.Payout.Holder, &m.Payout.Bank, &m.Payout.Card); err != nil {
		return nil, fail(ctx, what, err)
	}
	rows, err := t.rawQuery(qctx, `SELECT invoice, issued FROM manual_invoices WHERE seq = ? ORDER BY position`, seq)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	defer rows.Close()
	for rows.Next() {
		var inv ledger.Invoice
		var issued string
		if err := rows.Scan(&inv.Number, &issued); err != nil {
			return nil, fail(ctx, what, err)
		}
		if inv.Date, err = parseDate(issued); err != nil {
			return nil, fail(ctx, what, err)
		}
		m.Invoices = append(m.Invoices, inv)
	}
	if err := rows.Err(); err != nil {
		return nil, fail(ctx, what, err)
	}
	return m, nil
}
