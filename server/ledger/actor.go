package ledger

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/server/apierr"
)

// OperatorPrefix starts every operator's id. The ledger's write methods take the
// id of whoever acts, an API key ("k_…") or a signed-in operator ("op_…"), and the
// journal keeps it in the matching column.
const OperatorPrefix = "op_"

// stamp records the actor of an entry.
func stamp(e *Entry, actor string) {
	e.Key, e.Operator = actor, ""
	if strings.HasPrefix(actor, OperatorPrefix) {
		e.Key, e.Operator = "", actor
	}
}

// invoiceUnsettled refuses a settlement whose invoice number a live settlement of
// the same institution already carries (两头报销: one invoice paid twice). It runs
// after the person's totals lock, so every path takes its locks in one order
// (visit, person, invoice).
func invoiceUnsettled(ctx context.Context, tx Tx, institution, invoice, path string) error {
	if invoice == "" {
		return nil
	}
	if err := tx.Lock(ctx, "invoice\x1f"+institution+"\x1f"+invoice); err != nil {
		return err
	}
	prev, err := tx.SettledInvoice(ctx, institution, invoice)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil
	case err != nil:
		return err
	}
	return core.Errors{apierr.NewError(apierr.InvoiceSettled, path,
		fmt.Sprintf("%q → %d, %q", invoice, prev.Seq, prev.Visit))}
}
