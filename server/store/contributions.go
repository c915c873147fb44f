package store

import (
	"context"
	"strconv"

	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/server/ledger"
)

// Contributions (以户参合): one append-only row per person and year.

const contributionColumns = `household, person, year, policy_id, policy_version, tier, previous_tier, category,
	payer, subsidy, amount, family_credit, paid_on, back_pay, benefits_from, recorded, key_id`

const contributionSelect = `SELECT seq, ` + contributionColumns + ` FROM contributions`

func (t *txn) AppendContribution(ctx context.Context, c *ledger.Contribution) (int64, error) {
	what := "recording the contribution of " + identity.Mask(c.Person) + " for " + strconv.Itoa(c.Year)
	qctx, err := t.begin(ctx, what, true)
	if err != nil {
		return 0, err
	}
	var v encoder
	amount, credit := v.amount(c.Amount), v.amount(c.FamilyCredit)
	paidOn, from, recorded := v.date(c.PaidOn), v.date(c.BenefitsFrom), v.time(c.Recorded)
	if err := v.err(); err != nil {
		return 0, fail(ctx, what, err)
	}
	var seq int64
	err = t.rawRow(qctx, `INSERT INTO contributions (`+contributionColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
		c.Household, c.Person, c.Year, c.Policy, c.PolicyVersion, c.Tier, c.PreviousTier, c.Category,
		string(c.Payer), string(c.Subsidy), amount, credit, paidOn, c.BackPay, from, recorded, c.Key).Scan(&seq)
	if err != nil {
		return 0, fail(ctx, what, err)
	}
	return seq, nil
}

func scanContribution(sc scanner) (ledger.Contribution, error) {
	var c ledger.Contribution
	var payer, subsidy, amount, credit, paidOn, from, recorded string
	err := sc.Scan(&c.Seq, &c.Household, &c.Person, &c.Year, &c.Policy, &c.PolicyVersion, &c.Tier, &c.PreviousTier,
		&c.Category, &payer, &subsidy, &amount, &credit, &paidOn, &c.BackPay, &from, &recorded, &c.Key)
	if err != nil {
		return c, err
	}
	c.Payer, c.Subsidy, c.Receipt = ledger.Payer(payer), ledger.Subsidy(subsidy), ledger.ReceiptNumber(c.Year, c.Seq)
	var r decoder
	c.Amount, c.FamilyCredit = r.amount("amount", amount), r.amount("family credit", credit)
	c.PaidOn, c.BenefitsFrom = r.date("paid on", paidOn), r.date("benefits from", from)
	c.Recorded = r.time("recorded", recorded)
	return c, r.err("contribution " + strconv.FormatInt(c.Seq, 10))
}

func (t *txn) Contribution(ctx context.Context, seq int64) (*ledger.Contribution, error) {
	what := "contribution " + strconv.FormatInt(seq, 10)
	qctx, err := t.begin(ctx, what, false)
	if err != nil {
		return nil, err
	}
	c, err := scanContribution(t.rawRow(qctx, contributionSelect+` WHERE seq = ?`, seq))
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	return &c, nil
}

func (t *txn) Contributions(ctx context.Context, q ledger.ContributionQuery) ([]ledger.Contribution, error) {
	const what = "contributions"
	qctx, err := t.begin(ctx, what, false)
	if err != nil {
		return nil, err
	}
	where, args := ` WHERE household = ?`, []any{q.Household}
	if q.Person != "" {
		where, args = ` WHERE person = ?`, []any{q.Person}
		if q.Household != "" {
			where, args = where+` AND household = ?`, append(args, q.Household)
		}
	}
	if q.Year != 0 {
		where, args = where+` AND year = ?`, append(args, q.Year)
	}
	rows, err := t.rawQuery(qctx, contributionSelect+where+` ORDER BY year, seq`, args...)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	cs, err := collect(rows, scanContribution)
	if err != nil {
		return nil, fail(ctx, what, err)
	}
	if cs == nil {
		cs = []ledger.Contribution{} // an empty list, not null
	}
	return cs, nil
}
