package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/ruralhealth/ncms/server/ledger"
)

// The county's books: statements, deductions, approvals, payment batches and their
// payments (migrations/*/0012_books.sql). Every method adds a row or reads; a
// statement's state is read from the rows that name it. The statements are few (an
// institution's month is one) and off the settlement path, so they run as text
// through the dialect.

const (
	statementSelect = `SELECT id, institution, period_from, period_to, figures, recorded, actor FROM statements`
	deductionSelect = `SELECT id, statement, amount, reason, entries, recorded, actor FROM deductions`
	approvalSelect  = `SELECT statement, deducted, amount, recorded, actor FROM approvals`
	batchSelect     = `SELECT id, idempotency_key, request_hash, total, recorded, actor FROM payment_batches`
	itemSelect      = `SELECT batch, statement, institution, amount FROM batch_items`
	paymentSelect   = `SELECT batch, paid_on, reference, recorded, actor FROM payments`
)

func (t *txn) AppendStatement(ctx context.Context, s *ledger.Statement) (int64, error) {
	what := "appending the statement of " + s.Institution
	qctx, err := t.begin(ctx, what, true)
	if err != nil {
		return 0, err
	}
	var e encoder
	from, to := e.date(s.From), e.date(s.To)
	figures, amount, recorded := e.json(s.Figures), e.amount(s.Figures.Owed), e.time(s.Recorded)
	if err := e.err(); err != nil {
		return 0, fail(ctx, what, err)
	}
	var id int64
	err = t.rawRow(qctx, `INSERT INTO statements (institution, period_from, period_to, figures, amount, recorded, actor)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, s.Institution, from, to, figures, amount, recorded, s.Actor).Scan(&id)
	if err != nil {
		return 0, fail(ctx, what, err)
	}
	return id, nil
}

func scanStatement(sc scanner) (ledger.Statement, error) {
	var s ledger.Statement
	var from, to, figures, recorded string
	if err := sc.Scan(&s.ID, &s.Institution, &from, &to, &figures, &recorded, &s.Actor); err != nil {
		return s, err
	}
	var d decoder
	var err error
	s.From, err = parseDate(from)
	d.check("from", err)
	s.To, err = parseDate(to)
	d.check("to", err)
	d.check("figures", decodeJSON(figures, &s.Figures))
	s.Recorded, err = parseTime(recorded)
	d.check("recorded", err)
	if s.Figures.Funds == nil {
		s.Figures.Funds = []ledger.FundPaid{}
	}
	return s, d.err("statement " + strconv.FormatInt(s.ID, 10))
}

func (t *txn) Statement(ctx context.Context, id int64) (*ledger.Statement, error) {
	what := "statement " + strconv.FormatInt(id, 10)
	qctx, err := t.begin(ctx, what, false)
	if err != nil {
		return nil, err
	}
	s, err := scanStatement(t.rawRow(qctx, statementSelect+` WHERE id = ?`, id))
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	ss := []ledger.Statement{s}
	if err := t.attach(qctx, ss); err != nil {
		return nil, fail(ctx, what, err)
	}
	return &ss[0], nil
}

func (t *txn) Statements(ctx context.Context, q ledger.StatementQuery) ([]ledger.Statement, error) {
	const what = "statements"
	qctx, err := t.begin(ctx, what, false)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString(statementSelect + ` WHERE 1 = 1`)
	var args []any
	if q.Institution != "" {
		b.WriteString(` AND institution = ?`)
		args = append(args, q.Institution)
	}
	var e encoder
	if !q.From.IsZero() {
		b.WriteString(` AND period_to >= ?`)
		args = append(args, e.date(q.From))
	}
	if !q.To.IsZero() {
		b.WriteString(` AND period_from <= ?`)
		args = append(args, e.date(q.To))
	}
	if err := e.err(); err != nil {
		return nil, fail(ctx, what, err)
	}
	b.WriteString(` ORDER BY id`)
	rows, err := t.rawQuery(qctx, b.String(), args...)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	ss, err := collect(rows, scanStatement)
	if err == nil {
		err = t.attach(qctx, ss)
	}
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	if ss == nil {
		ss = []ledger.Statement{}
	}
	return ss, nil
}

// attach fills in the rows that name each statement (deductions, approval, batch,
// payment) and derives its status: four queries over the statements' id range
// whatever their number.
func (t *txn) attach(ctx context.Context, ss []ledger.Statement) error {
	if len(ss) == 0 {
		return nil
	}
	lo, hi := ss[0].ID, ss[0].ID
	byID := map[int64]*ledger.Statement{}
	for i := range ss {
		s := &ss[i]
		lo, hi = min(lo, s.ID), max(hi, s.ID)
		byID[s.ID] = s
	}
	rows, err := t.rawQuery(ctx, deductionSelect+` WHERE statement BETWEEN ? AND ? ORDER BY id`, lo, hi)
	if err != nil {
		return err
	}
	ds, err := collect(rows, scanDeduction)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if s := byID[d.Statement]; s != nil {
			s.Deductions = append(s.Deductions, d)
		}
	}
	if rows, err = t.rawQuery(ctx, approvalSelect+` WHERE statement BETWEEN ? AND ?`, lo, hi); err != nil {
		return err
	}
	as, err := collect(rows, scanApproval)
	if err != nil {
		return err
	}
	for _, a := range as {
		if s := byID[a.Statement]; s != nil {
			s.Approval = &a
		}
	}
	if rows, err = t.rawQuery(ctx, itemSelect+` WHERE statement BETWEEN ? AND ?`, lo, hi); err != nil {
		return err
	}
	items, err := collect(rows, scanItem)
	if err != nil {
		return err
	}
	batches := map[int64][]*ledger.Statement{}
	for _, it := range items {
		if s := byID[it.statement]; s != nil {
			s.Batch = it.batch
			batches[it.batch] = append(batches[it.batch], s)
		}
	}
	for batch, in := range batches {
		p, err := scanPayment(t.rawRow(ctx, paymentSelect+` WHERE batch = ?`, batch))
		switch {
		case err == sql.ErrNoRows:
			continue
		case err != nil:
			return err
		}
		for _, s := range in {
			s.Payment = &p
		}
	}
	for i := range ss {
		ss[i].Derive()
	}
	return nil
}

func scanDeduction(sc scanner) (ledger.Deduction, error) {
	var d ledger.Deduction
	var amount, entries, recorded string
	if err := sc.Scan(&d.ID, &d.Statement, &amount, &d.Reason, &entries, &recorded, &d.Actor); err != nil {
		return d, err
	}
	var dec decoder
	d.Amount = dec.amount("amount", amount)
	dec.check("entries", decodeJSON(entries, &d.Entries))
	d.Recorded = dec.time("recorded", recorded)
	return d, dec.err("deduction " + strconv.FormatInt(d.ID, 10))
}

func scanApproval(sc scanner) (ledger.Approval, error) {
	var a ledger.Approval
	var deducted, amount, recorded string
	if err := sc.Scan(&a.Statement, &deducted, &amount, &recorded, &a.Actor); err != nil {
		return a, err
	}
	var dec decoder
	a.Deducted = dec.amount("deducted", deducted)
	a.Amount = dec.amount("amount", amount)
	a.Recorded = dec.time("recorded", recorded)
	return a, dec.err("approval of statement " + strconv.FormatInt(a.Statement, 10))
}

// item is a batch_items row.
type item struct {
	batch, statement int64
	ledger.BatchItem
}

func scanItem(sc scanner) (item, error) {
	var it item
	var amount string
	if err := sc.Scan(&it.batch, &it.statement, &it.Institution, &amount); err != nil {
		return it, err
	}
	it.Statement = it.statement
	var err error
	it.Amount, err = parseAmount(amount)
	if err != nil {
		return it, fmt.Errorf("item of batch %d: amount: %w", it.batch, err)
	}
	return it, nil
}

func scanPayment(sc scanner) (ledger.Payment, error) {
	var p ledger.Payment
	var paidOn, recorded string
	if err := sc.Scan(&p.Batch, &paidOn, &p.Reference, &recorded, &p.Actor); err != nil {
		return p, err
	}
	var dec decoder
	p.PaidOn = dec.date("paid on", paidOn)
	p.Recorded = dec.time("recorded", recorded)
	return p, dec.err("payment of batch " + strconv.FormatInt(p.Batch, 10))
}

func (t *txn) AppendDeduction(ctx context.Context, d *ledger.Deduction) (int64, error) {
	what := "appending a deduction from statement " + strconv.FormatInt(d.Statement, 10)
	qctx, err := t.begin(ctx, what, true)
	if err != nil {
		return 0, err
	}
	var e encoder
	amount, entries, recorded := e.amount(d.Amount), e.json(d.Entries), e.time(d.Recorded)
	if err := e.err(); err != nil {
		return 0, fail(ctx, what, err)
	}
	var id int64
	err = t.rawRow(qctx, `INSERT INTO deductions (statement, amount, reason, entries, recorded, actor)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, d.Statement, amount, d.Reason, entries, recorded, d.Actor).Scan(&id)
	if err != nil {
		return 0, fail(ctx, what, err)
	}
	return id, nil
}

func (t *txn) AppendApproval(ctx context.Context, a ledger.Approval) error {
	what := "appending the approval of statement " + strconv.FormatInt(a.Statement, 10)
	qctx, err := t.begin(ctx, what, true)
	if err != nil {
		return err
	}
	var e encoder
	deducted, amount, recorded := e.amount(a.Deducted), e.amount(a.Amount), e.time(a.Recorded)
	if err := e.err(); err != nil {
		return fail(ctx, what, err)
	}
	err = t.rawExec(qctx, `INSERT INTO approvals (statement, deducted, amount, recorded, actor) VALUES (?, ?, ?, ?, ?)`,
		a.Statement, deducted, amount, recorded, a.Actor)
	if err != nil {
		return fail(ctx, what, err)
	}
	return nil
}

func (t *txn) AppendBatch(ctx context.Context, b *ledger.Batch) (int64, error) {
	what := "appending payment batch " + b.Key
	qctx, err := t.begin(ctx, what, true)
	if err != nil {
		return 0, err
	}
	var e encoder
	total, recorded := e.amount(b.Total), e.time(b.Recorded)
	amounts := make([]string, len(b.Items))
	for i, it := range b.Items {
		amounts[i] = e.amount(it.Amount)
	}
	if err := e.err(); err != nil {
		return 0, fail(ctx, what, err)
	}
	var id int64
	err = t.rawRow(qctx, `INSERT INTO payment_batches (idempotency_key, request_hash, total, recorded, actor)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, b.Key, b.RequestHash, total, recorded, b.Actor).Scan(&id)
	if err != nil {
		return 0, fail(ctx, what, err)
	}
	for i, it := range b.Items {
		err := t.rawExec(qctx, `INSERT INTO batch_items (batch, statement, institution, amount) VALUES (?, ?, ?, ?)`,
			id, it.Statement, it.Institution, amounts[i])
		if err != nil {
			return 0, fail(ctx, what, err)
		}
	}
	return id, nil
}

func scanBatch(sc scanner) (*ledger.Batch, error) {
	var b ledger.Batch
	var total, recorded string
	if err := sc.Scan(&b.ID, &b.Key, &b.RequestHash, &total, &recorded, &b.Actor); err != nil {
		return nil, err
	}
	var dec decoder
	b.Total = dec.amount("total", total)
	b.Recorded = dec.time("recorded", recorded)
	return &b, dec.err("batch " + strconv.FormatInt(b.ID, 10))
}

func (t *txn) batchBy(ctx context.Context, what, where string, arg any) (*ledger.Batch, error) {
	qctx, err := t.begin(ctx, what, false)
	if err != nil {
		return nil, err
	}
	b, err := scanBatch(t.rawRow(qctx, batchSelect+` WHERE `+where+` = ?`, arg))
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	rows, err := t.rawQuery(qctx, itemSelect+` WHERE batch = ? ORDER BY statement`, b.ID)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	items, err := collect(rows, scanItem)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	b.Items = make([]ledger.BatchItem, len(items))
	for i, it := range items {
		b.Items[i] = it.BatchItem
	}
	b.Status = ledger.BatchUnpaid
	p, err := scanPayment(t.rawRow(qctx, paymentSelect+` WHERE batch = ?`, b.ID))
	switch {
	case err == nil:
		b.Payment, b.Status = &p, ledger.BatchPaid
	case err != sql.ErrNoRows:
		return nil, fail(ctx, what, err)
	}
	return b, nil
}

func (t *txn) Batch(ctx context.Context, id int64) (*ledger.Batch, error) {
	return t.batchBy(ctx, "payment batch "+strconv.FormatInt(id, 10), "id", id)
}

func (t *txn) BatchByKey(ctx context.Context, key string) (*ledger.Batch, error) {
	return t.batchBy(ctx, "payment batch "+key, "idempotency_key", key)
}

func (t *txn) AppendPayment(ctx context.Context, p ledger.Payment) error {
	what := "appending the payment of batch " + strconv.FormatInt(p.Batch, 10)
	qctx, err := t.begin(ctx, what, true)
	if err != nil {
		return err
	}
	var e encoder
	paidOn, recorded := e.date(p.PaidOn), e.time(p.Recorded)
	if err := e.err(); err != nil {
		return fail(ctx, what, err)
	}
	err = t.rawExec(qctx, `INSERT INTO payments (batch, paid_on, reference, recorded, actor) VALUES (?, ?, ?, ?, ?)`,
		p.Batch, paidOn, p.Reference, recorded, p.Actor)
	if err != nil {
		return fail(ctx, what, err)
	}
	return nil
}
