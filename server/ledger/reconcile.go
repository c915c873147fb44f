package ledger

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/money"
)

// Reconciliation (对账) checks the books against the journal per institution and
// month: the journal's figures = the statements' (and what no statement covers yet),
// and each statement = its approved payment + its deductions (or is pending).

// DifferenceCode names a difference the reconciliation found; the values are wire
// values.
type DifferenceCode string

const (
	// DiffStatementJournal: a statement's amount is not the journal's for its days
	// now (an entry recorded in its days after it was issued).
	DiffStatementJournal DifferenceCode = "statement_journal"
	// DiffApproval: an approval's amount and deductions do not add up to its
	// statement's amount, or its deductions to the statement's.
	DiffApproval DifferenceCode = "approval_sum"
	// DiffBatch: a statement is in a batch at an amount other than its approval's.
	DiffBatch DifferenceCode = "batch_amount"
)

// Difference is one difference found: the statement, what the books say it should
// be and what it is.
type Difference struct {
	Code      DifferenceCode `json:"code"`
	Statement int64          `json:"statement"`
	Want      money.Amount   `json:"want"`
	Got       money.Amount   `json:"got"`
}

// ReconcileRow is one institution's month. Journal = Stated + Unstated when the
// statements match the journal; Stated = Approved + Deducted + Pending.
type ReconcileRow struct {
	Institution string `json:"institution"`
	Month       string `json:"month"` // YYYY-MM
	// Journal is what the fund owes for the entries recorded in the month;
	// Unstated the part recorded on days no statement covers.
	Journal  money.Amount `json:"journal"`
	Stated   money.Amount `json:"stated"`
	Unstated money.Amount `json:"unstated"`
	// Approved is the approved payments, Deducted the approved statements'
	// deductions, Pending the statements not approved yet; Paid the approved
	// payments in batches the bank paid.
	Approved    money.Amount `json:"approved"`
	Deducted    money.Amount `json:"deducted"`
	Pending     money.Amount `json:"pending"`
	Paid        money.Amount `json:"paid"`
	Statements  []int64      `json:"statements"`
	Differences []Difference `json:"differences"`
}

// Reconciliation is the report over whole months From to To.
type Reconciliation struct {
	From civil.Date     `json:"from"`
	To   civil.Date     `json:"to"`
	Rows []ReconcileRow `json:"rows"`
	// Balanced is true when no row has a difference.
	Balanced bool `json:"balanced"`
}

// Reconcile builds the reconciliation of the months from from's to to's.
func (l *Ledger) Reconcile(ctx context.Context, from, to civil.Date) (*Reconciliation, error) {
	from = civil.New(from.Year, from.Month, 1)
	to = civil.New(to.Year, to.Month, 1).AddMonths(1).AddDays(-1)
	rep := &Reconciliation{From: from, To: to, Rows: []ReconcileRow{}, Balanced: true}
	err := l.store.View(ctx, func(tx Tx) error {
		rep.Rows = rep.Rows[:0]
		type key struct {
			inst string
			day  civil.Date
		}
		days := map[key]money.Amount{}
		rows := map[[2]string]*ReconcileRow{}
		row := func(inst string, d civil.Date) *ReconcileRow {
			k := [2]string{inst, fmt.Sprintf("%04d-%02d", d.Year, d.Month)}
			r := rows[k]
			if r == nil {
				r = &ReconcileRow{Institution: inst, Month: k[1], Statements: []int64{}, Differences: []Difference{}}
				rows[k] = r
			}
			return r
		}
		for e, err := range tx.Entries(ctx, recordedIn("", from, to)) {
			if err != nil {
				return err
			}
			fig := NewFigures()
			fig.Add(e)
			d := dayOf(e.Recorded)
			days[key{e.Institution, d}] = days[key{e.Institution, d}].Add(fig.Owed)
			r := row(e.Institution, d)
			r.Journal = r.Journal.Add(fig.Owed)
		}
		ss, err := tx.Statements(ctx, StatementQuery{From: from, To: to})
		if err != nil {
			return err
		}
		batches := map[int64]*Batch{}
		for _, s := range ss {
			r := row(s.Institution, s.From)
			r.Statements = append(r.Statements, s.ID)
			owed := s.Figures.Owed
			r.Stated = r.Stated.Add(owed)
			var journal money.Amount
			for d := s.From; !s.To.Before(d); d = d.AddDays(1) {
				journal = journal.Add(days[key{s.Institution, d}])
			}
			r.Unstated = r.Unstated.Sub(journal) // the month's journal is added below
			if journal.Cmp(owed) != 0 {
				r.Differences = append(r.Differences, Difference{Code: DiffStatementJournal, Statement: s.ID, Want: journal, Got: owed})
			}
			a := s.Approval
			if a == nil {
				r.Pending = r.Pending.Add(owed)
				continue
			}
			r.Approved, r.Deducted = r.Approved.Add(a.Amount), r.Deducted.Add(a.Deducted)
			if sum := a.Amount.Add(a.Deducted); sum.Cmp(owed) != 0 || a.Deducted.Cmp(s.Deducted()) != 0 {
				r.Differences = append(r.Differences, Difference{Code: DiffApproval, Statement: s.ID, Want: owed, Got: sum})
			}
			if s.Batch == 0 {
				continue
			}
			b := batches[s.Batch]
			if b == nil {
				if b, err = tx.Batch(ctx, s.Batch); err != nil {
					return err
				}
				batches[s.Batch] = b
			}
			for _, it := range b.Items {
				if it.Statement == s.ID && it.Amount.Cmp(a.Amount) != 0 {
					r.Differences = append(r.Differences, Difference{Code: DiffBatch, Statement: s.ID, Want: a.Amount, Got: it.Amount})
				}
			}
			if s.Payment != nil {
				r.Paid = r.Paid.Add(a.Amount)
			}
		}
		for _, r := range rows {
			r.Unstated = r.Unstated.Add(r.Journal)
			rep.Rows = append(rep.Rows, *r)
			if len(r.Differences) > 0 {
				rep.Balanced = false
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(rep.Rows, func(a, b ReconcileRow) int {
		return cmp.Or(cmp.Compare(a.Institution, b.Institution), cmp.Compare(a.Month, b.Month))
	})
	return rep, nil
}

// dayOf is the day of an instant in China Standard Time.
func dayOf(t time.Time) civil.Date {
	t = t.In(CST)
	return civil.New(t.Year(), t.Month(), t.Day())
}
