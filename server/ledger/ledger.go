package ledger

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/claim"
	codec "github.com/ruralhealth/ncms/core/codec/anycodec"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/core/settle"
	"github.com/ruralhealth/ncms/server/apierr"
)

// Calculator computes with the core through its JSON interface: the native engine
// or the WebAssembly module the county ships (wasm/host), so the county can settle
// with the very bytes the hospitals run.
type Calculator interface {
	Call(ctx context.Context, op string, req []byte) ([]byte, error)
}

// Native returns the in-process engine as a Calculator.
func Native(e *engine.Engine) Calculator { return native{e} }

type native struct{ e *engine.Engine }

func (n native) Call(_ context.Context, op string, req []byte) ([]byte, error) {
	return n.e.Handle(op, req), nil
}

// Options tune a Ledger.
type Options struct {
	// Now is the clock that stamps entries; nil means time.Now.
	Now func() time.Time
	// RequireRegistered refuses claims of people missing from the registry; otherwise
	// their claim's own enrollment history is used.
	RequireRegistered bool
	// RequireFacility refuses claims of institutions missing from the facility
	// register on the visit date (facility_unknown); otherwise such a claim keeps its
	// own facility class. A registered institution's class is always the register's.
	// ncms serve sets it unless started with --require-facility=false.
	RequireFacility bool
	// PasswordCost is bcrypt's cost for operators' passwords; 0 means
	// bcrypt.DefaultCost. Tests lower it.
	PasswordCost int
}

// Ledger settles claims against a Store: it is the only writer of the journal and
// the totals, and keeps its own copy of the policies the county published.
type Ledger struct {
	store Store
	eng   *engine.Engine
	calc  Calculator
	opts  Options

	// refresh serializes reloads of the published policies, which happen when
	// another replica published one; published is how many this replica has seen.
	refresh   sync.Mutex
	published atomic.Int64
}

// New returns a ledger over the store. It loads every policy stored in the
// database into e and, when calc is not e itself, into calc.
func New(ctx context.Context, s Store, e *engine.Engine, calc Calculator, o Options) (*Ledger, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if calc == nil {
		calc = Native(e)
	}
	l := &Ledger{store: s, eng: e, calc: calc, opts: o}
	if err := l.reload(ctx); err != nil {
		return nil, err
	}
	return l, nil
}

// Engine returns the engine holding the ledger's policies.
func (l *Ledger) Engine() *engine.Engine { return l.eng }

// Store returns the ledger's store, for reports and health checks.
func (l *Ledger) Store() Store { return l.store }

// reload loads stored policies the engine does not have yet.
func (l *Ledger) reload(ctx context.Context) error {
	l.refresh.Lock()
	defer l.refresh.Unlock()
	var docs [][]byte
	n := 0
	err := l.store.View(ctx, func(tx Tx) error {
		docs, n = nil, 0
		for p, err := range tx.Policies(ctx) {
			if err != nil {
				return err
			}
			n++
			if _, err := l.eng.Find(p.ID, p.Version, civil.Date{}); err == nil {
				continue
			}
			docs = append(docs, p.Document)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("ledger: reading published policies: %w", err)
	}
	for _, d := range docs {
		if _, err := l.load(ctx, d); err != nil {
			return fmt.Errorf("ledger: loading a published policy: %w", err)
		}
	}
	l.published.Store(int64(n))
	return nil
}

// load adds a policy document to the engine and the calculator and returns the
// engine's load_policy response.
func (l *Ledger) load(ctx context.Context, doc []byte) ([]byte, error) {
	resp := l.eng.Handle(engine.OpLoadPolicy, doc)
	if _, err := open(resp); err != nil {
		return resp, err
	}
	if n, ok := l.calc.(native); !ok || n.e != l.eng {
		other, err := l.calc.Call(ctx, engine.OpLoadPolicy, doc)
		if err != nil {
			return nil, fmt.Errorf("ledger: loading the policy into the calculator: %w", err)
		}
		if _, err := open(other); err != nil {
			return nil, fmt.Errorf("ledger: the calculator refused a policy the engine took: %w", err)
		}
	}
	return resp, nil
}

// LoadPolicy validates a policy document, publishes it in the database for every
// replica and then loads it, so a policy is never in use here that a restart would
// forget. It returns the engine's load_policy response envelope, also when the
// engine refuses the document.
func (l *Ledger) LoadPolicy(ctx context.Context, doc []byte) ([]byte, error) {
	if err := l.fresh(ctx); err != nil {
		return nil, err
	}
	// A scratch engine gives the refusal of a bad document byte for byte as the
	// ledger's own would, without loading anything.
	scratch, err := engine.New()
	if err != nil {
		return nil, err
	}
	resp := scratch.Handle(engine.OpLoadPolicy, doc)
	raw, err := open(resp)
	if err != nil {
		return resp, err
	}
	var info engine.PolicyInfo
	if err := jsonv2.Unmarshal(raw, &info); err != nil {
		return nil, fmt.Errorf("ledger: reading load_policy's result: %w", err)
	}
	if _, err := l.eng.Find(info.ID, info.Version, civil.Date{}); err == nil {
		// Already here: the same document again is a no-op, another one a conflict;
		// the engine says which, in its own words, and changes nothing.
		resp := l.eng.Handle(engine.OpLoadPolicy, doc)
		_, err := open(resp)
		return resp, err
	}
	p, err := scratch.Find(info.ID, info.Version, civil.Date{})
	if err != nil {
		return nil, err
	}
	sp := StoredPolicy{ID: info.ID, Version: info.Version, Hash: info.Hash, Document: p.Canonical(), Loaded: l.opts.Now()}
	if err := l.store.Update(ctx, func(tx Tx) error { return tx.PutPolicy(ctx, sp) }); err != nil {
		return nil, fmt.Errorf("ledger: publishing policy %s %s: %w", info.ID, info.Version, err)
	}
	return l.load(ctx, doc)
}

// fresh loads the policies other replicas published since this one last looked.
func (l *Ledger) fresh(ctx context.Context) error {
	var n int
	err := l.store.View(ctx, func(tx Tx) error {
		var err error
		n, err = tx.PolicyCount(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("ledger: counting published policies: %w", err)
	}
	if int64(n) == l.published.Load() {
		return nil
	}
	return l.reload(ctx)
}

// Receipt is the ledger's record of a settlement, reversal or correction.
type Receipt struct {
	Seq      int64     `json:"seq"`
	Recorded time.Time `json:"recorded"`
	// Replayed is true when an identical earlier request's entry is returned.
	Replayed bool  `json:"replayed"`
	Corrects int64 `json:"corrects,omitempty"`
	Reverses int64 `json:"reverses,omitempty"`
	// Refund is, for a correction, the old cash payment minus the new: what the
	// hospital owes the patient (negative: what the patient still owes).
	Refund *money.Amount `json:"refund,omitempty"`
	// Key or Operator is who recorded the entry: the API key's id or the operator's.
	Key      string `json:"key,omitempty"`
	Operator string `json:"operator,omitempty"`
}

// Settled is a recorded settlement: the core's result bytes and the receipt.
type Settled struct {
	Result jsontext.Value
	Receipt
}

// claimRequest is a settle request decoded and checked for what the ledger needs.
type claimRequest struct {
	req    engine.SettleRequest
	pol    *policy.Compiled
	person string // canonical 18-character ID
	year   int
	bill   string
	// profile is the output profile the request asked for, taken out of req: the
	// journal keeps the engine's own result and request, and the profile is added
	// to the result when the ledger answers (present).
	profile string
	// manual is the manual claim's invoices and payout (SettleManual), or nil.
	manual *Manual
	// reason is a correction's, kept on its settlement too.
	reason string
	// account is the household's family account balance the server supplies for a
	// registered person (family_account.go); nil keeps the claim's own figure.
	account *money.Amount
}

// prepare decodes a settle request, resolves its policy and person and fills the
// person from the registry inside tx.
func (l *Ledger) prepare(ctx context.Context, raw []byte) (*claimRequest, error) {
	var c claimRequest
	if err := codec.Decode(raw, &c.req); err != nil {
		return nil, err
	}
	var es core.Errors
	if c.req.Schema != engine.Schema {
		es.AddText(core.RequestSchema, "/schema", "want 1", "应为 1")
	}
	if c.req.Policy == "" {
		es.Add(core.FieldRequired, "/policy", "")
	}
	if err := engine.CheckProfile(c.req.Profile); err != nil {
		es = append(es, core.AsErrors(err)...)
	}
	c.profile, c.req.Profile = c.req.Profile, ""
	cl := &c.req.Claim
	if cl.ID == "" {
		es.AddText(core.FieldRequired, "/claim/id", "a settlement needs the visit id", "结算须有就诊编号")
	}
	if cl.Visit.Institution == "" {
		es.AddText(core.FieldRequired, "/claim/visit/institution", "the ledger records settlements by institution", "台账按医疗机构记录结算")
	}
	if e := cl.Visit.Admission.Check("/claim/visit/admission"); e != nil {
		es = append(es, e)
	} else if cl.Visit.Admission.IsZero() {
		es.Add(core.FieldRequired, "/claim/visit/admission", "")
	}
	if len(es) > 0 {
		return nil, es.Err()
	}
	id, err := identity.ParseID(cl.Person.ID, cl.Visit.Admission)
	if err != nil {
		return nil, core.Prefix(err, "/claim/person/id")
	}
	c.person = id.Number
	// A newer version published on another replica must apply here at once.
	if err := l.fresh(ctx); err != nil {
		return nil, err
	}
	if c.pol, err = l.eng.FindFor(c.req.Policy, c.req.Version, cl); err != nil {
		return nil, err
	}
	if err := l.facilityClass(ctx, cl, cl.Date(c.pol)); err != nil {
		return nil, err
	}
	// The claim is checked as received: re-encoded with the ledger's totals, an
	// amount that arrived as a JSON number would read as a good string.
	if err := settle.Validate(c.pol, cl); err != nil {
		return nil, core.Prefix(err, "/claim")
	}
	c.year = cl.Date(c.pol).Year
	// The bill is the request without the totals the ledger supplies, so a retry
	// whose totals went stale is still the same bill, and without the visit id and
	// institution, so the audit sees one invoice settled under two visits, and
	// without the language the result is explained in, which changes no figure: a
	// retry asking in English is the same bill and returns the original entry. The
	// output profile was taken out of the request above, for the same reason.
	bill := c.req
	bill.Claim.Totals = claim.Totals{}
	bill.Claim.ID, bill.Claim.Visit.Institution = "", ""
	bill.Lang = ""
	b, err := codec.Encode(bill)
	if err != nil {
		return nil, fmt.Errorf("ledger: encoding the bill: %w", err)
	}
	sum := sha256.Sum256(b)
	c.bill = hex.EncodeToString(sum[:])
	return &c, nil
}

// visitLock names the lock of the claim's visit.
func (c *claimRequest) visitLock() string {
	return "visit\x1f" + c.req.Claim.Visit.Institution + "\x1f" + c.req.Claim.ID
}

// register fills the claim's person from the registry, which is the record of who
// is enrolled: a hospital cannot claim enrollment the county has no trace of.
func (l *Ledger) register(ctx context.Context, tx Tx, c *claimRequest) (*Person, *Household, error) {
	p, err := tx.Person(ctx, c.person)
	switch {
	case errors.Is(err, ErrNotFound):
		if l.opts.RequireRegistered {
			return nil, nil, core.Errors{apierr.NewError(apierr.NotRegistered, "/claim/person/id", identity.Mask(c.person))}
		}
		return nil, nil, nil
	case err != nil:
		return nil, nil, err
	}
	// The enrollment is the contributions' where recorded (contributions.go).
	category, err := withContributions(ctx, tx, p, c.year)
	if err != nil {
		return nil, nil, err
	}
	if category == "" {
		category = p.Category
	}
	cp := &c.req.Claim.Person
	cp.Category, cp.Birth, cp.Enrollment = category, p.Birth, p.Enrollment
	if cp.Name == "" {
		cp.Name = p.Name
	}
	var h *Household
	if p.Household != "" {
		if h, err = tx.Household(ctx, p.Household); err != nil && !errors.Is(err, ErrNotFound) {
			return nil, nil, err
		}
	}
	return p, h, nil
}

// outcome is what the ledger reads back from a core result.
type outcome struct {
	Eligible    bool         `json:"eligible"`
	Route       string       `json:"route"`
	Total       money.Amount `json:"total"`
	FundTotal   money.Amount `json:"fundTotal"`
	Cash        money.Amount `json:"cash"`
	Funds       []FundPaid   `json:"funds"`
	TotalsAfter claim.Totals `json:"totalsAfter"`
	Warnings    []struct {
		Code string `json:"code"`
	} `json:"warnings"`
}

// compute settles the claim on the person's totals and builds its journal entry and
// the totals after it.
func (l *Ledger) compute(ctx context.Context, c *claimRequest, totals claim.Totals, op string) (jsontext.Value, *Entry, claim.Totals, error) {
	// A registered person's family account balance is the ledger's (the claim's
	// figure is ignored); only a person outside the registry keeps the claim's.
	balance := c.req.Claim.Totals.FamilyAccount
	if c.account != nil {
		balance = *c.account
	}
	totals = totals.Carried(balance)
	c.req.Claim.Totals = totals
	b, err := codec.Encode(c.req)
	if err != nil {
		return nil, nil, totals, fmt.Errorf("ledger: encoding the claim: %w", err)
	}
	resp, err := l.calc.Call(ctx, op, b)
	if err != nil {
		return nil, nil, totals, fmt.Errorf("ledger: calculating: %w", err)
	}
	raw, err := open(resp)
	if err != nil {
		return nil, nil, totals, err
	}
	var o outcome
	if err := jsonv2.Unmarshal(raw, &o); err != nil {
		return nil, nil, totals, fmt.Errorf("ledger: reading the result: %w", err)
	}
	cl := &c.req.Claim
	e := &Entry{
		Kind: KindSettlement, Institution: cl.Visit.Institution, Visit: cl.ID, Person: c.person, Year: c.year,
		VisitType: string(cl.Visit.Type), Class: cl.Visit.Class, Admission: cl.Visit.Admission, Discharge: cl.Visit.Discharge,
		Disease: cl.Visit.Disease, PolicyID: c.pol.ID(), PolicyVersion: c.pol.Version(), PolicyHash: c.pol.Hash(),
		BillHash: c.bill, Eligible: o.Eligible, Route: o.Route, Total: o.Total, FundTotal: o.FundTotal, Cash: o.Cash,
		Funds: o.Funds, Warnings: []string{}, Delta: delta(totals, o.TotalsAfter), Request: b, Result: raw,
		Recorded: l.opts.Now().UTC(),
	}
	if e.Funds == nil {
		e.Funds = []FundPaid{}
	}
	for _, w := range o.Warnings {
		e.Warnings = append(e.Warnings, w.Code)
	}
	for _, it := range cl.Items {
		if it.Kind == claim.KindDrug {
			e.Drug = e.Drug.Add(it.Amount)
		}
	}
	return raw, e, o.TotalsAfter, nil
}

// Settle records a settlement of the request (an engine settle request) under the
// person's running totals. The same institution, visit and bill again returns the
// original settlement; the same visit with another bill is settlement_conflict. A
// bill whose settlement of the visit was reversed is settlement_reversed: the
// request is more likely a late retry of the original than a wish to pay the
// reversed bill again, which Resettle expresses.
func (l *Ledger) Settle(ctx context.Context, keyID string, req []byte) (*Settled, error) {
	return l.settle(ctx, keyID, req, false)
}

// Resettle is Settle for a bill whose settlement of the visit was reversed: it
// settles the bill anew. Retrying it returns the new settlement, as Settle does.
func (l *Ledger) Resettle(ctx context.Context, keyID string, req []byte) (*Settled, error) {
	return l.settle(ctx, keyID, req, true)
}

func (l *Ledger) settle(ctx context.Context, keyID string, req []byte, again bool) (*Settled, error) {
	c, err := l.prepare(ctx, req)
	if err != nil {
		return nil, err
	}
	return l.settleClaim(ctx, keyID, c, again)
}

// settleClaim records the prepared claim c, as settle describes.
func (l *Ledger) settleClaim(ctx context.Context, keyID string, c *claimRequest, again bool) (*Settled, error) {
	var out *Settled
	var err error
	err = l.store.Update(ctx, func(tx Tx) error {
		out = nil
		// The locks come first, the visit's then the person's (always in that order):
		// two requests for one visit, even naming different people or years, run one
		// after the other, and so do two of one person.
		if err := tx.Lock(ctx, c.visitLock()); err != nil {
			return err
		}
		totals, err := tx.LockTotals(ctx, c.person, c.year)
		if err != nil {
			return err
		}
		cur, err := tx.Current(ctx, c.req.Claim.Visit.Institution, c.req.Claim.ID)
		switch {
		case err == nil:
			if cur.BillHash != c.bill {
				return core.Errors{apierr.NewErrorText(apierr.SettlementConflict, "/claim/id",
					fmt.Sprintf("visit %s is settlement %d", core.Quote(cur.Visit), cur.Seq), fmt.Sprintf("就诊 %s 已是结算 %d", core.Quote(cur.Visit), cur.Seq))}
			}
			out = &Settled{Result: cur.Result, Receipt: Receipt{Seq: cur.Seq, Recorded: cur.Recorded, Replayed: true,
				Corrects: cur.Corrects, Key: cur.Key, Operator: cur.Operator}}
			return nil
		case !errors.Is(err, ErrNotFound):
			return err
		}
		if !again {
			old, err := tx.Reversed(ctx, c.req.Claim.Visit.Institution, c.req.Claim.ID, c.bill)
			switch {
			case err == nil:
				return core.Errors{apierr.NewErrorText(apierr.SettlementReversed, "/claim/id",
					fmt.Sprintf("visit %s was settlement %d, reversed", core.Quote(old.Visit), old.Seq),
					fmt.Sprintf("就诊 %s 的第 %d 号结算已撤销", core.Quote(old.Visit), old.Seq))}
			case !errors.Is(err, ErrNotFound):
				return err
			}
		}
		// After the replay above, so a retry of a settlement recorded before the
		// close still answers with it.
		if err := openYear(ctx, tx, c.year, false, "/claim/visit/admission"); err != nil {
			return err
		}
		out, _, err = l.record(ctx, tx, c, totals, keyID, 0)
		return err
	})
	if err != nil {
		return nil, err
	}
	return l.present(out, c)
}

// present adds the output profile the request asked for to a settlement's result,
// derived from the result the journal keeps, as the engine would have added it.
func (l *Ledger) present(s *Settled, c *claimRequest) (*Settled, error) {
	if c.profile == "" {
		return s, nil
	}
	res, err := l.eng.ProfileJSON(s.Result, c.profile, string(c.req.Lang))
	if err != nil {
		return nil, fmt.Errorf("ledger: presenting settlement %d: %w", s.Seq, err)
	}
	out := *s
	out.Result = res
	return &out, nil
}

// record computes the claim on totals, appends its entry and stores the new totals.
func (l *Ledger) record(ctx context.Context, tx Tx, c *claimRequest, totals claim.Totals, keyID string, corrects int64) (*Settled, *Entry, error) {
	p, h, err := l.register(ctx, tx, c)
	if err != nil {
		return nil, nil, err
	}
	numbers, paths := c.invoices()
	for i, n := range numbers {
		if err := invoiceUnsettled(ctx, tx, c.req.Claim.Visit.Institution, n, paths[i]); err != nil {
			return nil, nil, err
		}
	}
	if c.account, err = householdAccount(ctx, tx, p, true); err != nil {
		return nil, nil, err
	}
	res, e, after, err := l.compute(ctx, c, totals, engine.OpSettle)
	if err != nil {
		return nil, nil, err
	}
	e.Invoice = c.req.Claim.Visit.Invoice
	if c.manual != nil {
		// The first receipt shows in the journal's lists; all of them are the
		// manual claim's (PutManual).
		e.Invoice, e.Manual = c.manual.Invoices[0].Number, c.manual
	}
	if p != nil {
		e.Household = p.Household
	}
	if h != nil {
		e.Township = h.Township
	}
	stamp(e, keyID)
	e.Corrects, e.Reason = corrects, c.reason
	seq, err := tx.Append(ctx, e)
	if err != nil {
		return nil, nil, err
	}
	if err := tx.PutTotals(ctx, c.person, c.year, after); err != nil {
		return nil, nil, err
	}
	if c.manual != nil {
		if err := tx.PutManual(ctx, seq, e.Institution, *c.manual); err != nil {
			return nil, nil, err
		}
	}
	e.Seq = seq
	if c.account != nil {
		if err := drawAccount(ctx, tx, e, *c.account); err != nil {
			return nil, nil, err
		}
	}
	return &Settled{Result: res, Receipt: Receipt{Seq: seq, Recorded: e.Recorded, Corrects: corrects, Key: e.Key, Operator: e.Operator}}, e, nil
}

// open returns the result of an engine response envelope, or its errors.
func open(resp []byte) (jsontext.Value, error) {
	r, err := engine.Open(resp)
	if err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	return r.Result, r.Err()
}
