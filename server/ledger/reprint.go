package ledger

import (
	"context"
	"errors"
)

// EntryRecord is a journal entry with what the journal said of it afterwards, for a
// reprinted slip (补打): its reversal, and the settlement that corrected it.
type EntryRecord struct {
	*Entry
	// OperatorName is the name of the operator who recorded the entry, "" for a key.
	OperatorName string
	// Reversal is the reversal of a settlement, nil while it stands.
	Reversal *Entry
	// CorrectedBy is the settlement that replaced it in a correction, 0 for none.
	CorrectedBy int64
}

// Record returns the entry seq with its reversal and correction; institution, when
// not "", must be the entry's (another institution's is not_found). A manual
// claim's entry carries its invoices and payout.
func (l *Ledger) Record(ctx context.Context, institution string, seq int64) (*EntryRecord, error) {
	var rec *EntryRecord
	err := l.store.View(ctx, func(tx Tx) error {
		e, err := owned(ctx, tx, institution, seq)
		if err != nil {
			return err
		}
		rec = &EntryRecord{Entry: e}
		if e.Kind != KindSettlement {
			return nil
		}
		if e.Manual, err = manualOf(ctx, tx, e.Seq); err != nil {
			return err
		}
		if e.Operator != "" {
			switch o, err := tx.Operator(ctx, e.Operator); {
			case err == nil:
				rec.OperatorName = o.Name
			case !errors.Is(err, ErrNotFound):
				return err
			}
		}
		r, err := tx.ReversalOf(ctx, seq)
		switch {
		case errors.Is(err, ErrNotFound):
			return nil
		case err != nil:
			return err
		}
		rec.Reversal = r
		for next, err := range tx.Entries(ctx, Filter{Person: e.Person, Kind: KindSettlement, AfterSeq: r.Seq}) {
			if err != nil {
				return err
			}
			if next.Corrects == seq {
				rec.CorrectedBy = next.Seq
				break
			}
		}
		return nil
	})
	return rec, err
}
