package ledger

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/server/apierr"
)

// BatchRequest asks for a payment batch (拨付批次): the approved statements named,
// or when none are named every approved statement not yet in a batch. The
// idempotency key is the client's name for the batch: the same request with the same
// key returns the same batch, so a batch run twice pays once.
type BatchRequest struct {
	Key        string  `json:"idempotencyKey"`
	Statements []int64 `json:"statements,omitzero"`
}

// hash is what the request asks for, independent of the order statements are named
// in.
func (r BatchRequest) hash() string {
	ids := slices.Clone(r.Statements)
	slices.Sort(ids)
	var b strings.Builder
	b.WriteString("statements:")
	for _, id := range ids {
		b.WriteString(strconv.FormatInt(id, 10) + ",")
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// CreateBatch makes a payment batch of approved statements: one transfer per
// institution, of its statements' approved amounts. An institution whose statements
// sum to zero or less (reversals exceeding settlements) is left for a later batch
// when statements are not named, and refused when they are. The same key again
// returns the batch it made (Replayed); the same key with another request is
// batch_key_conflict.
func (l *Ledger) CreateBatch(ctx context.Context, actor string, r BatchRequest) (*Batch, error) {
	var es core.Errors
	if r.Key == "" {
		es.Add(core.FieldRequired, "/idempotencyKey", "")
	} else {
		checkText(&es, "/idempotencyKey", r.Key, MaxCodeLen)
	}
	for i, id := range r.Statements {
		if slices.Index(r.Statements, id) < i {
			es.AddText(core.FieldInvalid, "/statements/"+strconv.Itoa(i), "named twice", "重复")
		}
	}
	if err := es.Err(); err != nil {
		return nil, err
	}
	hash := r.hash()
	var out *Batch
	err := l.updateBooks(ctx, func(tx Tx) error {
		out = nil
		switch b, err := tx.BatchByKey(ctx, r.Key); {
		case err == nil && b.RequestHash == hash:
			b.Replayed = true
			out = b
			return nil
		case err == nil:
			return core.Errors{apierr.NewError(apierr.BatchKeyConflict, "/idempotencyKey", core.Quote(r.Key)+" → "+strconv.FormatInt(b.ID, 10))}
		case !errors.Is(err, ErrNotFound):
			return err
		}
		items, err := payable(ctx, tx, r.Statements)
		if err != nil {
			return err
		}
		if len(items) == 0 {
			return core.Errors{apierr.NewError(apierr.BatchEmpty, "", "")}
		}
		b := &Batch{Key: r.Key, RequestHash: hash, Items: items, Recorded: l.opts.Now().UTC(), Actor: actor, Status: BatchUnpaid}
		for _, it := range items {
			b.Total = b.Total.Add(it.Amount)
		}
		if b.ID, err = tx.AppendBatch(ctx, b); err != nil {
			return err
		}
		out = b
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// payable returns the items of a new batch: the statements named, each approved and
// in no batch, or every such statement of institutions whose sum is positive.
func payable(ctx context.Context, tx Tx, named []int64) ([]BatchItem, error) {
	var ss []Statement
	if len(named) > 0 {
		for i, id := range named {
			path := "/statements/" + strconv.Itoa(i)
			s, err := tx.Statement(ctx, id)
			switch {
			case errors.Is(err, ErrNotFound):
				return nil, core.Errors{apierr.NewError(apierr.NotFound, path, strconv.FormatInt(id, 10))}
			case err != nil:
				return nil, err
			case s.Approval == nil:
				return nil, core.Errors{apierr.NewError(apierr.StatementNotApproved, path, strconv.FormatInt(id, 10))}
			case s.Batch != 0:
				return nil, core.Errors{apierr.NewError(apierr.StatementBatched, path, strconv.FormatInt(id, 10)+" → "+strconv.FormatInt(s.Batch, 10))}
			}
			ss = append(ss, *s)
		}
	} else {
		all, err := tx.Statements(ctx, StatementQuery{})
		if err != nil {
			return nil, err
		}
		for _, s := range all {
			if s.Approval != nil && s.Batch == 0 {
				ss = append(ss, s)
			}
		}
	}
	sums := map[string]money.Amount{}
	for _, s := range ss {
		sums[s.Institution] = sums[s.Institution].Add(s.Approval.Amount)
	}
	var items []BatchItem
	for i, s := range ss {
		if sums[s.Institution].Sign() <= 0 {
			if len(named) > 0 {
				return nil, core.Errors{apierr.NewError(apierr.BatchEmpty, "/statements/"+strconv.Itoa(i),
					core.Quote(s.Institution)+": "+sums[s.Institution].String())}
			}
			continue
		}
		items = append(items, BatchItem{Statement: s.ID, Institution: s.Institution, Amount: s.Approval.Amount})
	}
	slices.SortFunc(items, func(a, b BatchItem) int { return int(a.Statement - b.Statement) })
	return items, nil
}

// Batch returns a payment batch with its items and payment.
func (l *Ledger) Batch(ctx context.Context, id int64) (*Batch, error) {
	var b *Batch
	err := l.store.View(ctx, func(tx Tx) error {
		var err error
		b, err = batch(ctx, tx, id)
		return err
	})
	return b, err
}

func batch(ctx context.Context, tx Tx, id int64) (*Batch, error) {
	b, err := tx.Batch(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, core.Errors{apierr.NewError(apierr.NotFound, "/id", strconv.FormatInt(id, 10))}
	}
	return b, err
}

// PaymentRequest records the bank's payment of a batch.
type PaymentRequest struct {
	PaidOn    civil.Date `json:"paidOn"`
	Reference string     `json:"reference"`
}

// MarkPaid records that the bank paid batch id on a day (not after today) under its
// reference. The same payment again returns the batch (Replayed); another is
// batch_already_paid.
func (l *Ledger) MarkPaid(ctx context.Context, actor string, id int64, r PaymentRequest) (*Batch, error) {
	var es core.Errors
	if e := r.PaidOn.Check("/paidOn"); e != nil {
		es = append(es, e)
	} else if r.PaidOn.IsZero() {
		es.Add(core.FieldRequired, "/paidOn", "")
	} else if l.dayCST().Before(r.PaidOn) {
		es.AddText(core.FieldInvalid, "/paidOn", "after today", "晚于今天")
	}
	if r.Reference == "" {
		es.Add(core.FieldRequired, "/reference", "")
	} else {
		checkText(&es, "/reference", r.Reference, MaxCodeLen)
	}
	if err := es.Err(); err != nil {
		return nil, err
	}
	var out *Batch
	err := l.updateBooks(ctx, func(tx Tx) error {
		out = nil
		b, err := batch(ctx, tx, id)
		if err != nil {
			return err
		}
		if p := b.Payment; p != nil {
			if p.PaidOn == r.PaidOn && p.Reference == r.Reference {
				b.Replayed = true
				out = b
				return nil
			}
			return core.Errors{apierr.NewError(apierr.BatchPaid, "", p.PaidOn.String()+", "+core.Quote(p.Reference))}
		}
		if r.PaidOn.Before(dayOf(b.Recorded)) {
			return core.Errors{core.NewErrorText(core.FieldInvalid, "/paidOn", "before the batch was made ("+dayOf(b.Recorded).String()+")",
				"早于批次生成日期（"+dayOf(b.Recorded).String()+"）")}
		}
		p := Payment{Batch: id, PaidOn: r.PaidOn, Reference: r.Reference, Recorded: l.opts.Now().UTC(), Actor: actor}
		if err := tx.AppendPayment(ctx, p); err != nil {
			return err
		}
		b.Payment, b.Status = &p, BatchPaid
		out = b
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
