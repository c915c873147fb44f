package ledger

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/money"
)

// The county's books (医院垫付 → 中心审核 → 拨付, RULES §4): the hospital advances the
// fund's share at its counter, the county office states what it owes the hospital for
// a period from the journal, an auditor deducts what breaks the rules (违规扣款), the
// county approves the rest, and a payment batch goes to the bank and is marked paid.
// Every step is a new row; nothing is updated or deleted, and a statement's state is
// derived from which rows name it.

// Figures are sums over journal entries: a settlement adds its figures, a reversal
// takes its settlement's away again, so a correction (a reversal and a settlement)
// counts once, at its new amount.
type Figures struct {
	Settlements int          `json:"settlements"`
	Reversals   int          `json:"reversals"`
	Total       money.Amount `json:"total"`
	Cash        money.Amount `json:"cash"`
	// Fund is what the scheme's funds paid (the entries' fundTotal); FamilyAccount
	// what was drawn from households' family accounts (家庭账户).
	Fund          money.Amount `json:"fund"`
	FamilyAccount money.Amount `json:"familyAccount"`
	// Owed is Fund + FamilyAccount: what the hospital advanced for the county and
	// the county owes it.
	Owed money.Amount `json:"owed"`
	// Funds is Fund by fund, in fund order.
	Funds []FundPaid `json:"funds"`
}

// NewFigures returns empty figures (non-nil Funds, for the JSON).
func NewFigures() Figures { return Figures{Funds: []FundPaid{}} }

// Add counts e: a settlement with sign +1, a reversal with −1.
func (f *Figures) Add(e *Entry) {
	add := money.Amount.Add
	if e.Kind == KindReversal {
		f.Reversals++
		add = money.Amount.Sub
	} else {
		f.Settlements++
	}
	f.Total = add(f.Total, e.Total)
	f.Cash = add(f.Cash, e.Cash)
	f.Fund = add(f.Fund, e.FundTotal)
	f.FamilyAccount = add(f.FamilyAccount, e.Delta.FamilyAccount)
	f.Owed = f.Fund.Add(f.FamilyAccount)
	for _, p := range e.Funds {
		i, ok := slices.BinarySearchFunc(f.Funds, p.Fund, func(q FundPaid, fund string) int { return cmp.Compare(q.Fund, fund) })
		if !ok {
			f.Funds = slices.Insert(f.Funds, i, FundPaid{Fund: p.Fund, Kind: p.Kind})
		}
		f.Funds[i].Amount = add(f.Funds[i].Amount, p.Amount)
	}
}

// StatementStatus is where a statement stands; the values are wire values.
type StatementStatus string

// A statement is issued, then approved (after the auditor's deductions), then in a
// payment batch, then paid when the batch is.
const (
	StatementIssued   StatementStatus = "issued"
	StatementApproved StatementStatus = "approved"
	StatementBatched  StatementStatus = "batched"
	StatementPaid     StatementStatus = "paid"
)

// Statement (结算单) is what the fund owes an institution for the journal entries
// recorded in a period (From to To inclusive, days in China Standard Time, within one
// month): settlements less reversals, whatever the visit's own date, so a period's
// figures never change once it has ended.
type Statement struct {
	ID          int64      `json:"id"`
	Institution string     `json:"institution"`
	From        civil.Date `json:"from"`
	To          civil.Date `json:"to"`
	Figures     Figures    `json:"figures"`
	Recorded    time.Time  `json:"recorded"`
	Actor       string     `json:"actor"`

	// What later rows say of it, filled in by the store.
	Deductions []Deduction `json:"deductions"`
	Approval   *Approval   `json:"approval,omitzero"`
	Batch      int64       `json:"batch,omitzero"`
	Payment    *Payment    `json:"payment,omitzero"`
	// Status is derived from the rows above (Derive).
	Status StatementStatus `json:"status"`
	// Replayed is set when a request for an existing statement returns it.
	Replayed bool `json:"replayed,omitzero"`
}

// Deducted is the sum of the statement's deductions.
func (s *Statement) Deducted() money.Amount {
	var sum money.Amount
	for _, d := range s.Deductions {
		sum = sum.Add(d.Amount)
	}
	return sum
}

// Derive sets Status from the rows that name the statement.
func (s *Statement) Derive() {
	switch {
	case s.Payment != nil:
		s.Status = StatementPaid
	case s.Batch != 0:
		s.Status = StatementBatched
	case s.Approval != nil:
		s.Status = StatementApproved
	default:
		s.Status = StatementIssued
	}
	if s.Deductions == nil {
		s.Deductions = []Deduction{}
	}
}

// Deduction (违规扣款) is an amount the auditor takes off a statement, with the reason
// and the journal entries it concerns.
type Deduction struct {
	ID        int64        `json:"id"`
	Statement int64        `json:"statement"`
	Amount    money.Amount `json:"amount"`
	Reason    string       `json:"reason"`
	Entries   []int64      `json:"entries"`
	Recorded  time.Time    `json:"recorded"`
	Actor     string       `json:"actor"`
	Replayed  bool         `json:"replayed,omitzero"`
}

// Approval is the county's approval of a statement: Amount = the statement's Owed
// less Deducted is what the fund pays.
type Approval struct {
	Statement int64        `json:"statement"`
	Deducted  money.Amount `json:"deducted"`
	Amount    money.Amount `json:"amount"`
	Recorded  time.Time    `json:"recorded"`
	Actor     string       `json:"actor"`
}

// Batch (拨付批次) is a payment order for the bank: approved statements, one transfer
// per institution. The idempotency key makes a batch run twice one batch.
type Batch struct {
	ID  int64  `json:"id"`
	Key string `json:"idempotencyKey"`
	// RequestHash is what the request asked for, so that the same key with another
	// request is a conflict, not a replay.
	RequestHash string       `json:"-"`
	Total       money.Amount `json:"total"`
	Items       []BatchItem  `json:"items"`
	Recorded    time.Time    `json:"recorded"`
	Actor       string       `json:"actor"`
	Payment     *Payment     `json:"payment,omitzero"`
	Status      BatchStatus  `json:"status"`
	Replayed    bool         `json:"replayed,omitzero"`
}

// BatchItem is one statement in a batch, at its approved amount.
type BatchItem struct {
	Statement   int64        `json:"statement"`
	Institution string       `json:"institution"`
	Amount      money.Amount `json:"amount"`
}

// BatchStatus is a batch's state; the values are wire values.
type BatchStatus string

// A batch is unpaid until its payment is recorded.
const (
	BatchUnpaid BatchStatus = "unpaid"
	BatchPaid   BatchStatus = "paid"
)

// Transfers returns the batch's transfers: one per institution, its statements'
// amounts summed, in institution order.
func (b *Batch) Transfers() []BatchItem {
	var out []BatchItem
	for _, it := range b.Items {
		i, ok := slices.BinarySearchFunc(out, it.Institution, func(t BatchItem, inst string) int { return cmp.Compare(t.Institution, inst) })
		if !ok {
			out = slices.Insert(out, i, BatchItem{Institution: it.Institution})
		}
		out[i].Amount = out[i].Amount.Add(it.Amount)
	}
	return out
}

// Payment records that the bank paid a batch.
type Payment struct {
	Batch     int64      `json:"batch"`
	PaidOn    civil.Date `json:"paidOn"`
	Reference string     `json:"reference"`
	Recorded  time.Time  `json:"recorded"`
	Actor     string     `json:"actor"`
}

// YearClose is the county's close of a year (年终结算): the journal's figures for the
// settlements dated in the year as they stood at the close.
type YearClose struct {
	Year     int       `json:"year"`
	Figures  Figures   `json:"figures"`
	Recorded time.Time `json:"recorded"`
	Actor    string    `json:"actor"`
	Replayed bool      `json:"replayed,omitzero"`
}

// StatementQuery selects statements; zero fields match everything. From and To
// select the statements whose period overlaps them.
type StatementQuery struct {
	Institution string
	From, To    civil.Date
}

// BooksTx is the part of a Tx that keeps the county's books. Every Append adds a row
// and never changes one.
type BooksTx interface {
	// AppendStatement adds a statement and returns its id.
	AppendStatement(ctx context.Context, s *Statement) (int64, error)
	// Statement returns a statement with the rows that name it, or ErrNotFound.
	Statement(ctx context.Context, id int64) (*Statement, error)
	// Statements returns the statements matching q with the rows that name them, in
	// id order.
	Statements(ctx context.Context, q StatementQuery) ([]Statement, error)
	AppendDeduction(ctx context.Context, d *Deduction) (int64, error)
	AppendApproval(ctx context.Context, a Approval) error
	// AppendBatch adds a batch with its items and returns its id; a statement
	// already in a batch is refused by the database.
	AppendBatch(ctx context.Context, b *Batch) (int64, error)
	// Batch and BatchByKey return a batch with its items and payment, or
	// ErrNotFound.
	Batch(ctx context.Context, id int64) (*Batch, error)
	BatchByKey(ctx context.Context, key string) (*Batch, error)
	AppendPayment(ctx context.Context, p Payment) error
	// CloseYear records a year's close; YearClose returns it, or ErrNotFound.
	CloseYear(ctx context.Context, c YearClose) error
	YearClose(ctx context.Context, year int) (*YearClose, error)
}
