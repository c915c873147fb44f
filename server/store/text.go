package store

import (
	"context"
	"database/sql"
	"fmt"
	"iter"
	"strings"

	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/server/ledger"
)

// textColumn is a stored column of free text and its limit (0 for JSON text).
type textColumn struct {
	name string
	max  int
}

// textTables are the columns a request's free text reaches, by table, with the
// column that names a row. Amounts, dates, instants, hashes and the codes the
// server writes itself are not free text; the request and result blobs are the
// codec's JSON, which escapes every control character.
var textTables = [...]struct {
	table, key string
	maskKey    bool // the key is a resident ID
	columns    []textColumn
}{
	{"households", "id", false, []textColumn{{"id", ledger.MaxCodeLen}, {"head", ledger.MaxCodeLen},
		{"township", ledger.MaxNameLen}, {"village", ledger.MaxNameLen}, {"address", ledger.MaxAddressLen}}},
	{"persons", "id", true, []textColumn{{"name", ledger.MaxNameLen}, {"household", ledger.MaxCodeLen},
		{"category", ledger.MaxCodeLen}, {"enrollment", 0}}},
	{"entries", "seq", false, []textColumn{{"institution", claim.MaxText}, {"visit", claim.MaxText},
		{"household", ledger.MaxCodeLen}, {"township", ledger.MaxNameLen}, {"reason", ledger.MaxReasonLen}}},
	{"manual_claims", "seq", false, []textColumn{{"holder", ledger.MaxNameLen}, {"bank", ledger.MaxNameLen}}},
	{"manual_invoices", "seq", false, []textColumn{{"invoice", ledger.MaxCodeLen}}},
	{"card_events", "seq", false, []textColumn{{"certificate", ledger.MaxCodeLen}, {"reason", ledger.MaxReasonLen}}},
	{"api_keys", "id", false, []textColumn{{"institution", ledger.MaxCodeLen}, {"name", ledger.MaxNameLen}}},
	{"statements", "id", false, []textColumn{{"institution", claim.MaxText}}},
	{"deductions", "id", false, []textColumn{{"reason", ledger.MaxReasonLen}}},
	{"payment_batches", "id", false, []textColumn{{"idempotency_key", ledger.MaxCodeLen}}},
	{"payments", "batch", false, []textColumn{{"reference", ledger.MaxCodeLen}}},
	{"contributions", "seq", false, []textColumn{{"household", ledger.MaxCodeLen}, {"tier", ledger.MaxCodeLen},
		{"category", ledger.MaxCodeLen}}},
}

// texts yields every value of textTables in one read snapshot, table by table in
// key order.
func texts(ctx context.Context, s ledger.Store) iter.Seq2[ledger.StoredText, error] {
	return func(yield func(ledger.StoredText, error) bool) {
		stop := false
		err := s.View(ctx, func(t ledger.Tx) error {
			tx := t.(*txn).tx
			for _, tt := range textTables {
				names := make([]string, len(tt.columns))
				for i, c := range tt.columns {
					names[i] = c.name
				}
				rows, err := tx.QueryContext(ctx, "SELECT "+tt.key+", "+strings.Join(names, ", ")+
					" FROM "+tt.table+" ORDER BY "+tt.key)
				if err != nil {
					return fmt.Errorf("store: reading %s: %w", tt.table, err)
				}
				if stop, err = scanTexts(rows, tt.table, tt.maskKey, tt.columns, yield); err != nil || stop {
					return err
				}
			}
			return nil
		})
		if err != nil && !stop {
			yield(ledger.StoredText{}, err)
		}
	}
}

// scanTexts yields the values of each row and closes rows; stop is whether yield
// asked to stop.
func scanTexts(rows *sql.Rows, table string, maskKey bool, cols []textColumn, yield func(ledger.StoredText, error) bool) (stop bool, err error) {
	defer rows.Close()
	vals := make([]sql.RawBytes, 1+len(cols))
	dest := make([]any, len(vals))
	for i := range vals {
		dest[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return false, fmt.Errorf("store: reading %s: %w", table, err)
		}
		key := string(vals[0])
		if maskKey {
			key = identity.Mask(key)
		}
		for i, c := range cols {
			if !yield(ledger.StoredText{Table: table, Column: c.name, Key: key, Value: string(vals[1+i]), Max: c.max}, nil) {
				return true, nil
			}
		}
	}
	if err := rows.Err(); err != nil {
		return false, fmt.Errorf("store: reading %s: %w", table, err)
	}
	return false, nil
}

// Texts yields every stored value of free text, for ledger.CheckStoredText.
func (s *sqliteStore) Texts(ctx context.Context) iter.Seq2[ledger.StoredText, error] {
	return texts(ctx, s)
}

// Texts yields every stored value of free text, for ledger.CheckStoredText.
func (s *pgStore) Texts(ctx context.Context) iter.Seq2[ledger.StoredText, error] {
	return texts(ctx, s)
}

var (
	_ ledger.TextScanner = (*sqliteStore)(nil)
	_ ledger.TextScanner = (*pgStore)(nil)
)
