package ledger

import (
	"context"
	"time"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/core/money"
)

// SettlementStatus is where a settlement stands, derived from the journal: a
// reversal names the settlement it cancels, and a correction's settlement names
// the one it replaces. No row is ever updated to say so.
type SettlementStatus string

// Statuses of a settlement; the values are wire values.
const (
	StatusLive      SettlementStatus = "live"      // no reversal names it
	StatusReversed  SettlementStatus = "reversed"  // reversed and not replaced
	StatusCorrected SettlementStatus = "corrected" // reversed and replaced by a correction
)

// MaxListLimit bounds one page of a list; DefaultListLimit is a page's size when
// the caller names none.
const (
	DefaultListLimit = 50
	MaxListLimit     = 200
)

// SettlementQuery selects settlements (never reversals) for a page of a list,
// newest first (journal sequence descending). Zero fields match everything; date
// bounds are inclusive.
type SettlementQuery struct {
	// SettledFrom and SettledTo bound the day the settlement was recorded, in China
	// Standard Time (UTC+8), the county's clock.
	SettledFrom, SettledTo civil.Date
	// VisitFrom and VisitTo bound the visit's admission date.
	VisitFrom, VisitTo civil.Date
	Institution        string
	Township           string
	// Village selects the settlements of households the registry places in the
	// village (the journal keeps the household, not its village).
	Village   string
	Person    string
	Household string
	VisitType string
	Status    SettlementStatus
	// MinTotal and MaxTotal bound the bill's total, inclusive.
	MinTotal, MaxTotal *money.Amount
	// BeforeSeq, when positive, keeps to settlements older than that entry (the
	// cursor of the next page).
	BeforeSeq int64
	// Limit is the most rows to return; at most MaxListLimit.
	Limit int
}

// SettlementRow is a settlement with its status and the entries linked to it.
type SettlementRow struct {
	Entry  *Entry
	Status SettlementStatus
	// ReversedBy is the reversal's sequence number, CorrectedBy the settlement that
	// replaced it; 0 for none.
	ReversedBy, CorrectedBy int64
}

// CST is China Standard Time, the clock a settlement's day is read by.
var CST = time.FixedZone("CST", 8*60*60)

// DayStart is the instant day d begins in China Standard Time.
func DayStart(d civil.Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, CST)
}

// Settlements returns a page of settlements matching q, newest first, and whether
// more follow.
func (l *Ledger) Settlements(ctx context.Context, q SettlementQuery) ([]SettlementRow, bool, error) {
	if q.Limit <= 0 {
		q.Limit = DefaultListLimit
	}
	q.Limit = min(q.Limit, MaxListLimit)
	want := q.Limit
	q.Limit++ // one more, to know whether a next page exists
	var rows []SettlementRow
	err := l.store.View(ctx, func(tx Tx) error {
		var err error
		rows, err = tx.Settlements(ctx, q)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	more := len(rows) > want
	if more {
		rows = rows[:want]
	}
	return rows, more, nil
}

// ResidentID returns the canonical spelling of a resident ID (18 characters, upper
// X) as the journal and registry store it, or the core's typed error.
func (l *Ledger) ResidentID(id string) (string, error) {
	parsed, err := identity.ParseID(id, l.today())
	if err != nil {
		return "", err
	}
	return parsed.Number, nil
}
