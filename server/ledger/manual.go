package ledger

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/identity"
)

// Manual claims (手工报销, RULES §3): when the card or the network failed at the
// facility, the patient paid in full and claims later at the township or county
// office with the receipts. The office settles the bill through the same
// calculation, under the facility that issued the invoices (its class from the
// register), and pays the fund's share to the patient's bank card.

// MaxInvoices is how many invoices one manual claim may carry.
const MaxInvoices = 20

// Invoice is one receipt (发票) of a manual claim: its number and the day it was
// issued.
type Invoice struct {
	Number string     `json:"number"`
	Date   civil.Date `json:"date"`
}

// Payout is the bank card the fund's share is paid to. Card is the full number in a
// request; the journal keeps it masked (identity.MaskCard: the issuer's 6 digits and
// the last 4), so that no reader of the journal sees a whole card number: the
// office's transfer is made when the claim is recorded, from the number typed.
type Payout struct {
	Holder string `json:"holder"` // 开户人
	Bank   string `json:"bank"`   // 开户银行
	Card   string `json:"card"`
}

// ManualRequest is a manual claim as the office sends it: the engine's settle
// request of the bill (the visit's institution is the facility that issued the
// invoices), the invoices and the payout.
type ManualRequest struct {
	Request  jsontext.Value `json:"request"`
	Invoices []Invoice      `json:"invoices"`
	Payout   Payout         `json:"payout"`
}

// Manual is what the journal keeps of a manual claim beside its entry.
type Manual struct {
	Invoices []Invoice `json:"invoices"`
	Payout   Payout    `json:"payout"` // Card masked
}

// ManualTx is the part of a Tx that keeps manual claims.
type ManualTx interface {
	// PutManual records the manual claim of settlement seq at the institution; its
	// invoice numbers become ones SettledInvoice finds while seq stands.
	PutManual(ctx context.Context, seq int64, institution string, m Manual) error
	// Manual returns the manual claim of settlement seq, or ErrNotFound.
	Manual(ctx context.Context, seq int64) (*Manual, error)
}

// checkManual returns the problems of a manual claim's invoices and payout and the
// claim as the journal keeps it: invoice numbers trimmed, the card masked.
func (l *Ledger) checkManual(r *ManualRequest) (*Manual, error) {
	var es core.Errors
	m := &Manual{Invoices: []Invoice{}}
	switch {
	case len(r.Invoices) == 0:
		es.AddText(core.FieldRequired, "/invoices", "a manual claim needs its receipts", "手工报销须有发票")
	case len(r.Invoices) > MaxInvoices:
		es.AddText(core.FieldInvalid, "/invoices", fmt.Sprintf("at most %d", MaxInvoices), fmt.Sprintf("最多 %d 张", MaxInvoices))
	}
	seen := map[string]bool{}
	today := l.today()
	for i, inv := range r.Invoices {
		at := "/invoices/" + strconv.Itoa(i)
		n := strings.TrimSpace(inv.Number)
		if n == "" {
			es.Add(core.FieldRequired, at+"/number", "")
		} else if checkText(&es, at+"/number", n, MaxCodeLen) {
			if seen[n] {
				es.AddText(core.FieldInvalid, at+"/number", "invoice "+core.Quote(n)+" is listed twice", "发票 "+core.Quote(n)+" 重复填写")
			}
			seen[n] = true
		}
		switch {
		case inv.Date.IsZero():
			es.Add(core.FieldRequired, at+"/date", "")
		case today.Before(inv.Date):
			es.AddText(core.FieldInvalid, at+"/date", "an invoice from the future", "开票日期晚于今天")
		}
		m.Invoices = append(m.Invoices, Invoice{Number: n, Date: inv.Date})
	}
	p := r.Payout
	m.Payout.Holder, m.Payout.Bank = strings.TrimSpace(p.Holder), strings.TrimSpace(p.Bank)
	for _, f := range []struct{ path, v string }{{"/payout/holder", m.Payout.Holder}, {"/payout/bank", m.Payout.Bank}} {
		if f.v == "" {
			es.Add(core.FieldRequired, f.path, "")
		} else {
			checkText(&es, f.path, f.v, MaxNameLen)
		}
	}
	// RULES §3: bank card numbers carry a Luhn check digit, UnionPay's 62… included.
	// A wrong digit is refused, never only warned of: money paid to a mistyped card
	// is money lost.
	card := strings.Join(strings.Fields(p.Card), "")
	if card == "" {
		es.Add(core.FieldRequired, "/payout/card", "")
	} else if err := identity.CheckCard(card, nil); err != nil {
		es = append(es, core.AsErrors(core.Prefix(err, "/payout/card"))...)
	}
	m.Payout.Card = identity.MaskCard(card)
	if err := es.Err(); err != nil {
		return nil, err
	}
	return m, nil
}

// SettleManual records a manual claim: the bill settled as Settle does, under the
// invoices' facility, each invoice number refused (invoice_already_settled) when a
// standing settlement of that facility carries it. The same claim again (the same
// visit id, bill, invoices and payout) returns the original settlement.
func (l *Ledger) SettleManual(ctx context.Context, actor string, r *ManualRequest) (*Settled, *Manual, error) {
	m, err := l.checkManual(r)
	if err != nil {
		return nil, nil, err
	}
	c, err := l.prepare(ctx, r.Request)
	if err != nil {
		return nil, nil, underRequest(err)
	}
	if c.req.Claim.Visit.Invoice != "" {
		return nil, nil, core.Errors{core.NewErrorText(core.FieldInvalid, "/request/claim/visit/invoice",
			"a manual claim lists its invoices in /invoices", "手工报销的发票填在发票列表中")}
	}
	c.manual = m
	// The bill is the receipts too: another payout or invoice under the same visit
	// id is another claim (settlement_conflict), not a retry.
	sum := sha256.New()
	sum.Write([]byte(c.bill))
	for _, inv := range m.Invoices {
		fmt.Fprintf(sum, "\x1f%s\x1f%s", inv.Number, inv.Date)
	}
	fmt.Fprintf(sum, "\x1e%s\x1f%s\x1f%s", m.Payout.Holder, m.Payout.Bank, m.Payout.Card)
	c.bill = hex.EncodeToString(sum.Sum(nil))
	st, err := l.settleClaim(ctx, actor, c, false)
	if err != nil {
		return nil, nil, underRequest(err)
	}
	return st, m, nil
}

// underRequest moves the paths of a refusal of the settle request under /request,
// where a manual claim or a correction carries it; other paths (the invoices', the
// reason's, the settlement number's) and foreign errors stay as they are.
func underRequest(err error) error {
	var es core.Errors
	var e *core.Error
	if !errors.As(err, &es) && !errors.As(err, &e) {
		return err
	}
	out := core.AsErrors(err)
	moved := make(core.Errors, len(out))
	for i, e := range out {
		c := *e
		if c.Path == "" || slices.ContainsFunc([]string{"/claim", "/schema", "/policy", "/version", "/lang"}, func(p string) bool {
			return c.Path == p || strings.HasPrefix(c.Path, p+"/")
		}) {
			c.Path = "/request" + c.Path
		}
		moved[i] = &c
	}
	return moved
}

// invoices are the invoice numbers a claim settles with the path each is named at:
// the visit's, or a manual claim's, sorted so that two claims naming the same
// invoices lock them in one order.
func (c *claimRequest) invoices() (numbers, paths []string) {
	if c.manual == nil {
		if inv := c.req.Claim.Visit.Invoice; inv != "" {
			return []string{inv}, []string{"/claim/visit/invoice"}
		}
		return nil, nil
	}
	idx := make([]int, len(c.manual.Invoices))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return strings.Compare(c.manual.Invoices[a].Number, c.manual.Invoices[b].Number) })
	for _, i := range idx {
		numbers = append(numbers, c.manual.Invoices[i].Number)
		// Outside /request: core.Prefix leaves a path that starts with /invoices.
		paths = append(paths, "/invoices/"+strconv.Itoa(i)+"/number")
	}
	return numbers, paths
}

// manualOf reads the manual claim of settlement seq, nil when it is none.
func manualOf(ctx context.Context, tx Tx, seq int64) (*Manual, error) {
	m, err := tx.Manual(ctx, seq)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	return m, err
}
