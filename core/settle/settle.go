// Package settle computes a settlement: from a validated claim and a compiled policy
// to the full breakdown of who pays what, with a trace of every rule applied. It runs
// in stages — eligibility, scope, route (benefit, single disease or maternity),
// deductible, ratio, caps, layers, family account, cash — each a function below.
package settle

import (
	"strconv"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/core/enroll"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/core/trace"
)

// Schema is the result format version.
const Schema = 1

// Validate checks the claim under the policy and returns every problem, or nil. Besides
// the claim's own checks, the birth date must be the one the resident ID carries.
func Validate(p *policy.Compiled, c *claim.Claim) error {
	var parsed identity.ID
	err := c.Validate(p, func(id string, on civil.Date) error {
		var err error
		parsed, err = identity.ParseID(id, on)
		return err
	})
	if parsed.Number == "" || !c.Person.Birth.Valid() || parsed.Birth.Compare(c.Person.Birth) == 0 {
		return err
	}
	es := append(core.AsErrors(err), core.NewErrorText(core.FieldInvalid, "/person/birthDate",
		c.Person.Birth.String()+" is not the birth date in the resident ID ("+parsed.Birth.String()+")",
		c.Person.Birth.String()+" 与身份证号中的出生日期（"+parsed.Birth.String()+"）不符"))
	return es.Err()
}

// Run validates the claim and settles it under the policy. Bad input returns
// core.Errors; the claim is not modified.
func Run(p *policy.Compiled, c *claim.Claim) (*Result, error) {
	if err := Validate(p, c); err != nil {
		return nil, err
	}
	return run(p, c, true), nil
}

// RunQuiet is Run without the trace: every figure, fund, warning and total of the
// result is Run's, and its Trace is empty. It is for hosts that read no trace, such
// as a simulation replaying a county's year, which then pay nothing for the steps
// and the texts they format.
func RunQuiet(p *policy.Compiled, c *claim.Claim) (*Result, error) {
	if err := Validate(p, c); err != nil {
		return nil, err
	}
	return run(p, c, false), nil
}

// state carries one settlement through its stages.
type state struct {
	p      *policy.Compiled
	pol    *policy.Policy
	c      *claim.Claim
	r      *Result
	tr     *trace.Builder
	date   civil.Date
	class  *policy.Class
	status enroll.Status
	// after holds the running totals of every pool and layer, by fund id. Its capacity
	// is reserved up front for every fund a settlement can touch, so pointers into it
	// stay valid while later funds are added.
	after []claim.FundTotal
	// avail holds the cap figures of funds (cap, paid before, available, left), which
	// results point to.
	avail []money.Amount
	// disease is set when the stay was settled at a single-disease price.
	disease bool
	// admitted is set when the stay counts as an admission for later deductibles.
	admitted bool
}

// storage is a result together with the backing arrays of its lists, allocated at
// once: a banded inpatient settlement (8 to 10 steps of about four values, a fund or
// two) fits without allocating again, and a larger one grows out of the arrays as
// slices do.
type storage struct {
	r      Result
	tr     trace.Builder
	funds  [2]Fund
	warns  [2]Warning
	avail  [8]money.Amount
	totals [4]claim.FundTotal
}

// tracedStorage is storage with the backing arrays of a trace; a settlement without
// one (RunQuiet) allocates and clears only storage.
type tracedStorage struct {
	storage
	steps [10]trace.Step
	vals  [40]trace.Value
}

func run(p *policy.Compiled, c *claim.Claim, traced bool) *Result {
	pol := p.Policy()
	class, _ := p.Class(c.Visit.Class)
	var st *storage
	if traced {
		t := new(tracedStorage)
		st = &t.storage
		st.tr.Use(t.steps[:], t.vals[:])
	} else {
		st = new(storage)
		st.tr.Discard()
	}
	st.r = Result{
		Schema:   Schema,
		Claim:    c.ID,
		Policy:   PolicyRef{ID: p.ID(), Version: p.Version(), Hash: p.Hash()},
		Engine:   core.EngineVersion,
		Funds:    st.funds[:0],
		Warnings: st.warns[:0],
	}
	s := &state{
		p: p, pol: pol, c: c, class: class,
		date:  c.Date(p),
		tr:    &st.tr,
		r:     &st.r,
		avail: st.avail[:0],
	}
	// Every fund paid is a pool, a layer, or the single-disease or maternity fund.
	if n := len(c.Totals.Funds) + len(pol.Pools) + len(pol.Layers) + 2; n <= len(st.totals) {
		s.after = append(st.totals[:0], c.Totals.Funds...)
	} else {
		s.after = append(make([]claim.FundTotal, 0, n), c.Totals.Funds...)
	}
	s.eligibility()
	s.scope()
	if s.r.Eligible {
		s.route()
		if s.r.Route != RouteNotCovered {
			s.layers()
		}
	}
	s.familyAccount()
	s.cash()
	s.totals()
	s.r.Trace = s.tr.Steps()
	return s.r
}

func (s *state) warn(c core.Code) { s.r.Warnings = append(s.r.Warnings, warning(c)) }

// amt returns a's canonical text, kept in the trace's shared text buffer. Zero, which
// a trace records often (no over-limit part, nothing from the hospital), is a literal.
func (s *state) amt(a money.Amount) string {
	if s.tr.Discarding() {
		return ""
	}
	if a.IsZero() && a.Problem() == "" {
		return "0.00"
	}
	var buf [32]byte
	return s.tr.Text(a.Append(buf[:0]))
}

// pct returns r as a percentage text, kept in the trace's shared text buffer.
func (s *state) pct(r money.Rate) string {
	if s.tr.Discarding() {
		return ""
	}
	var buf [24]byte
	return s.tr.Text(r.AppendPercent(buf[:0]))
}

func (s *state) round(a money.Amount) money.Amount {
	return a.Round(s.pol.Rounding.Scale, s.pol.Rounding.Mode)
}

// keep keeps a, one of a fund's cap figures, for a result to point to.
func (s *state) keep(a money.Amount) *money.Amount {
	if len(s.avail) == cap(s.avail) {
		// A copy made here, not &a: taking a's address would move every call's a to
		// the heap, not only this rare one's.
		p := new(money.Amount)
		*p = a
		return p
	}
	s.avail = append(s.avail, a)
	return &s.avail[len(s.avail)-1]
}

// fund returns the running totals of a pool or layer, created on first use.
func (s *state) fund(id string) *claim.FundTotal {
	for i := range s.after {
		if s.after[i].Fund == id {
			return &s.after[i]
		}
	}
	s.after = append(s.after, claim.FundTotal{Fund: id})
	return &s.after[len(s.after)-1]
}

// personalLeft is what the funds so far leave to the patient and family.
func (s *state) personalLeft() money.Amount {
	return s.r.Total.Sub(s.r.Hospital).Sub(s.r.FundTotal)
}

// scopeLeft is the policy-scope part of what is left to the patient.
func (s *state) scopeLeft() money.Amount {
	return money.Min(s.personalLeft(), money.NonNegative(s.r.Scope.Sub(s.r.FundTotal)))
}

// pay records a fund's payment.
func (s *state) pay(f Fund) {
	s.r.Funds = append(s.r.Funds, f)
	s.r.FundTotal = s.r.FundTotal.Add(f.Amount)
	t := s.fund(f.Fund)
	t.Paid = t.Paid.Add(f.Amount)
	t.Visits++
}

// eligibility decides whether the fund pays at all and which tier applies.
func (s *state) eligibility() {
	st := enroll.Check(s.p, s.c.Person.Category, s.c.Person.Enrollment, s.date)
	s.status = st
	year := strconv.Itoa(s.date.Year)
	switch {
	case !st.Enrolled:
		s.tr.Add(trace.StageEligibility, "/enrollment/required", "not_enrolled", []trace.Value{trace.V("year", year)})
		s.warn(core.WarnNotEnrolled)
	case st.Waiting:
		s.tr.Add(trace.StageEligibility, s.waitRule(), "waiting",
			[]trace.Value{trace.V("year", year), trace.V("date", s.date.String())}, trace.V("from", st.BenefitsFrom.String()))
		s.warn(core.WarnWaitingPeriod)
	default:
		s.r.Eligible = true
		note, out := "eligible", []trace.Value{trace.V("tier", st.BenefitTier), trace.V("continuous", strconv.Itoa(st.Continuous))}
		if st.BenefitTier == "" {
			note, out = "eligible_untiered", out[1:]
		}
		s.tr.Add(trace.StageEligibility, "/enrollment", note,
			[]trace.Value{trace.V("year", year), trace.V("category", s.c.Person.Category)}, out...)
		if st.TierPending {
			s.tr.Add(trace.StageEligibility, "/enrollment/upgradeWaitMonths", "tier_pending", nil,
				trace.V("tier", st.BenefitTier), trace.V("from", st.TierFrom.String()))
			s.warn(core.WarnTierPending)
		}
	}
	if !s.r.Eligible {
		s.r.Route = RouteIneligible
	}
}

func (s *state) waitRule() string {
	if s.status.Lapsed {
		return "/enrollment/lapseWaitMonths"
	}
	return "/enrollment/firstWaitMonths"
}

// scope splits the bill into wholly self-paid, over-limit, pre-self-pay and the
// policy-scope cost the benefits apply to.
func (s *state) scope() {
	var total, self, over, pre money.Amount
	lineRounding := s.pol.Rounding.PreSelfPay == policy.PreSelfPayLine
	for i := range s.c.Items {
		it := &s.c.Items[i]
		total = total.Add(it.Amount)
		switch it.Class {
		case claim.ClassSelf:
			self = self.Add(it.Amount)
		case claim.ClassB:
			over = over.Add(it.OverLimit)
			share := it.Amount.Sub(it.OverLimit).Mul(s.p.ClassB(string(it.Kind)))
			if lineRounding {
				share = s.round(share)
			}
			pre = pre.Add(share)
		default:
			over = over.Add(it.OverLimit)
		}
	}
	if !lineRounding {
		pre = s.round(pre)
	}
	r := s.r
	r.Total, r.SelfPaid, r.OverLimit, r.PreSelfPay = total, self, over, pre
	r.Scope = money.NonNegative(total.Sub(self).Sub(over).Sub(pre))
	s.tr.Add(trace.StageScope, "/catalogue", "scope", nil,
		trace.V("total", s.amt(total)), trace.V("selfPaid", s.amt(self)), trace.V("overLimit", s.amt(over)),
		trace.V("preSelfPay", s.amt(pre)), trace.V("scope", s.amt(r.Scope)))
}

// route sends the claim to maternity, a single-disease price or a benefit rule.
func (s *state) route() {
	v := &s.c.Visit
	switch {
	case v.Type == policy.VisitMaternity && s.pol.Maternity != nil:
		s.maternity()
		return
	case v.Type == policy.VisitInpatient && v.Disease != "":
		if s.singleDisease() {
			return
		}
	}
	s.benefit()
}

// matches reports whether the benefit's selectors admit the visit.
func (s *state) matches(b *policy.Benefit) bool {
	return contains(b.VisitTypes, string(s.c.Visit.Type)) &&
		(len(b.Classes) == 0 || contains(b.Classes, s.c.Visit.Class)) &&
		(len(b.Tiers) == 0 || contains(b.Tiers, s.status.BenefitTier)) &&
		(len(b.Categories) == 0 || contains(b.Categories, s.c.Person.Category))
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// notCovered ends the route with nothing paid by the basic fund.
func (s *state) notCovered() {
	s.r.Route = RouteNotCovered
	s.tr.Add(trace.StageRoute, "/benefits", "not_covered", []trace.Value{
		trace.V("type", string(s.c.Visit.Type)), trace.V("class", s.c.Visit.Class)})
	s.warn(core.WarnNotCovered)
}

// benefit settles the claim under the first matching benefit rule.
func (s *state) benefit() {
	idx := -1
	for i := range s.pol.Benefits {
		if s.matches(&s.pol.Benefits[i]) {
			idx = i
			break
		}
	}
	if idx < 0 {
		s.notCovered()
		return
	}
	b := &s.pol.Benefits[idx]
	rule := s.tr.Join("/benefits/", strconv.Itoa(idx))
	s.r.Route, s.r.Benefit = RouteBenefit, b.ID
	s.tr.Add(trace.StageRoute, rule, "benefit", nil, trace.V("benefit", b.ID))
	s.countAdmission()

	points, refused := s.points(b, rule)
	pool, _ := s.p.Pool(b.Pool)
	scope := s.r.Scope
	var exact money.Amount
	var base money.Amount
	switch {
	case refused:
	case b.Kind == policy.KindCappedFee:
		patient := money.Min(scope, *b.PatientLimit)
		exact = scope.Sub(patient)
		base = scope
		at := s.tr.Join(rule, "/patientLimit")
		s.tr.Add(trace.StageRatio, at, "capped_fee", []trace.Value{trace.V("scope", s.amt(scope))},
			trace.V("limit", s.amt(*b.PatientLimit)), trace.V("patient", s.amt(patient)), trace.V("pay", s.amt(exact)))
	default:
		d := s.deductible(b, rule)
		applied := money.Min(d, scope)
		s.r.Deductible = applied
		if b.Deductible.Basis == policy.PerYear {
			t := s.fund(b.Pool)
			t.Deductible = t.Deductible.Add(applied)
		}
		if scope.Cmp(d) <= 0 && scope.Sign() > 0 {
			s.warn(core.WarnDeductibleExceeds)
		}
		base = scope.Sub(applied)
		exact = s.schedule(b.Ratio, s.tr.Join(rule, "/ratio"), points, d, scope)
	}
	amount := s.rounded(exact, base, rule)
	if b.VisitCap != nil && amount.Cmp(*b.VisitCap) > 0 {
		amount = *b.VisitCap
		at := s.tr.Join(rule, "/visitCap")
		s.tr.Add(trace.StageCap, at, "visit_cap", nil, trace.V("cap", s.amt(*b.VisitCap)), trace.V("amount", s.amt(amount)))
		s.warn(core.WarnVisitCapReached)
	}
	capRule, capAmt := s.tr.Join("/pools/", s.poolIndex(pool.ID), "/cap"), pool.Cap
	if b.AnnualCap != nil {
		capRule, capAmt = s.tr.Join(rule, "/annualCap"), *b.AnnualCap
	}
	amount, lim := s.annualCap(pool, capRule, capAmt, amount)
	s.pay(s.capped(Fund{Fund: pool.ID, Name: pool.Name, Kind: FundBasic, Base: base, Amount: amount}, lim))
}

func (s *state) poolIndex(id string) string {
	for i := range s.pol.Pools {
		if s.pol.Pools[i].ID == id {
			return strconv.Itoa(i)
		}
	}
	return "?"
}

// countAdmission adds this stay to the year's admissions at its class.
func (s *state) countAdmission() {
	t := s.c.Visit.Type
	if t != policy.VisitInpatient && t != policy.VisitMaternity {
		return
	}
	s.admitted = true
}

// points sums the percentage points added to every band: the person category's,
// the continuity bonus, and the reduction for missing referral. refused reports that
// the referral rule refuses payment altogether.
func (s *state) points(b *policy.Benefit, rule string) (pts money.Rate, refused bool) {
	if cat, ok := s.p.Category(s.c.Person.Category); ok && !cat.RatePoints.IsZero() {
		pts = pts.Add(cat.RatePoints)
		at := s.tr.Join("/categories/", s.categoryIndex())
		s.tr.Add(trace.StageRatio, at, "category", nil, trace.V("points", s.pct(cat.RatePoints)))
	}
	if b.ContinuityBonus {
		k := s.pol.Continuity
		years := s.status.Continuous - k.RateAfterYears
		if years > 0 {
			bonus := k.RateStep.Scale(int64(years))
			if bonus.Cmp(k.RateMax) > 0 {
				bonus = k.RateMax
			}
			pts = pts.Add(bonus)
			s.tr.Add(trace.StageContinuity, "/continuity", "continuity",
				[]trace.Value{trace.V("years", strconv.Itoa(s.status.Continuous))}, trace.V("points", s.pct(bonus)))
		}
	}
	if b.Referral.Required && !s.class.InCounty && !s.c.Visit.Referral {
		if b.Referral.Missing == policy.ReferralRefuse {
			at := s.tr.Join(rule, "/referral")
			s.tr.Add(trace.StageReferral, at, "referral_refuse", nil)
			s.warn(core.WarnReferralRefused)
			s.r.Route = RouteNotCovered
			return pts, true
		}
		pts = pts.Add(b.Referral.Points.Neg())
		at := s.tr.Join(rule, "/referral")
		s.tr.Add(trace.StageReferral, at, "referral_reduce", nil, trace.V("points", s.pct(b.Referral.Points)))
		s.warn(core.WarnReferralMissing)
	}
	return pts, false
}

func (s *state) categoryIndex() string {
	for i := range s.pol.Categories {
		if s.pol.Categories[i].Code == s.c.Person.Category {
			return strconv.Itoa(i)
		}
	}
	return "?"
}

// deductible returns the deductible due on this claim.
func (s *state) deductible(b *policy.Benefit, rule string) money.Amount {
	d := b.Deductible
	rule = s.tr.Join(rule, "/deductible")
	switch d.Basis {
	case policy.NoDeductible:
		s.tr.Add(trace.StageDeductible, rule, "deductible_none", nil)
		return money.Amount{}
	case policy.PerYear:
		before := s.c.Totals.Fund(b.Pool).Deductible
		due := money.NonNegative(d.First.Sub(before))
		at := s.tr.Join(rule, "/first")
		s.tr.Add(trace.StageDeductible, at, "deductible_year", []trace.Value{trace.V("paidBefore", s.amt(before))},
			trace.V("deductible", s.amt(d.First)), trace.V("applied", s.amt(money.Min(due, s.r.Scope))))
		return due
	}
	class := s.c.Visit.Class
	if d.Count == policy.CountAll {
		class = ""
	}
	n := s.c.Totals.AdmissionsAt(class) + 1
	amount, note, at := d.First, "deductible_first", "/first"
	if d.Later != nil && n > 1 {
		amount, note, at = *d.Later, "deductible_later", "/later"
	}
	at = s.tr.Join(rule, at)
	s.tr.Add(trace.StageDeductible, at, note, []trace.Value{trace.V("admission", strconv.Itoa(n))},
		trace.V("deductible", s.amt(amount)), trace.V("applied", s.amt(money.Min(amount, s.r.Scope))))
	return amount
}

// schedule applies a banded ratio to the cost x above deductible d, unrounded, and
// traces each band's slice.
func (s *state) schedule(sc policy.Schedule, rule string, pts money.Rate, d, x money.Amount) money.Amount {
	lo, hi := d, x // positions on the band axis
	if sc.Axis == policy.AxisAbove {
		lo, hi = money.Amount{}, money.NonNegative(x.Sub(d))
	}
	if hi.Cmp(lo) <= 0 {
		return money.Amount{}
	}
	if sc.Method == policy.Whole {
		i := bandOf(sc.Bands, hi)
		rate := sc.Bands[i].Rate.Add(pts).Unit()
		amount := hi.Sub(lo)
		pay := amount.Mul(rate)
		at := s.tr.Join(rule, "/bands/", strconv.Itoa(i))
		s.tr.Add(trace.StageRatio, at, "band_whole",
			[]trace.Value{trace.V("from", s.amt(sc.Bands[i].From)), trace.V("amount", s.amt(amount)), trace.V("rate", s.pct(rate))},
			trace.V("pay", s.amt(pay)))
		return pay
	}
	var total money.Amount
	for i, b := range sc.Bands {
		from, to := money.Max(lo, b.From), hi
		if i+1 < len(sc.Bands) {
			to = money.Min(hi, sc.Bands[i+1].From)
		}
		if to.Cmp(from) <= 0 {
			continue
		}
		rate := b.Rate.Add(pts).Unit()
		slice := to.Sub(from)
		pay := slice.Mul(rate)
		total = total.Add(pay)
		at := s.tr.Join(rule, "/bands/", strconv.Itoa(i))
		s.tr.Add(trace.StageRatio, at, "band",
			[]trace.Value{trace.V("from", s.amt(from)), trace.V("to", s.amt(to)), trace.V("amount", s.amt(slice)), trace.V("rate", s.pct(rate))},
			trace.V("pay", s.amt(pay)))
	}
	return total
}

// bandOf returns the band that position x falls in: bands cover (from, next from].
func bandOf(bands []policy.Band, x money.Amount) int {
	i := 0
	for j := range bands {
		if bands[j].From.Cmp(x) < 0 {
			i = j
		}
	}
	return i
}

// rounded rounds a computed payment under the policy, never above limit (rounding up
// or to whole yuan must not pay more than the fund's base), and traces it when
// rounding changed the value.
func (s *state) rounded(exact, limit money.Amount, rule string) money.Amount {
	r := money.Min(s.round(exact), limit)
	if r.Cmp(exact) != 0 {
		s.tr.Add(trace.StageRound, "/rounding", "round", []trace.Value{trace.V("exact", s.amt(exact))},
			trace.V("mode", string(s.pol.Rounding.Mode)), trace.V("scale", strconv.Itoa(int(s.pol.Rounding.Scale))), trace.V("amount", s.amt(r)))
	}
	return r
}

// capping is a fund's annual cap as it applied to one visit: the cap, what the fund had
// paid before, and what the cap still allowed.
type capping struct{ cap, before, avail money.Amount }

// capped returns f with its cap figures from l.
func (s *state) capped(f Fund, l capping) Fund {
	f.Available = s.keep(l.avail)
	f.Cap = s.keep(l.cap)
	f.PaidBefore = s.keep(l.before)
	f.Left = s.keep(l.avail.Sub(f.Amount))
	return f
}

// annualCap limits amount to what the pool's cap still allows this year. It returns
// the limited amount and the cap as it applied.
func (s *state) annualCap(pool *policy.Pool, rule string, capAmt, amount money.Amount) (money.Amount, capping) {
	if pool.ContinuityBonus {
		bonus := s.capBonus()
		if !bonus.IsZero() {
			capAmt = s.round(capAmt.Add(capAmt.Mul(bonus)))
		}
	}
	before := s.fund(pool.ID).Paid
	avail := money.NonNegative(capAmt.Sub(before))
	out := money.Min(amount, avail)
	s.tr.Add(trace.StageCap, rule, "annual_cap", []trace.Value{trace.V("paidBefore", s.amt(before))},
		trace.V("cap", s.amt(capAmt)), trace.V("available", s.amt(avail)), trace.V("amount", s.amt(out)))
	if out.Cmp(amount) < 0 {
		s.warn(core.WarnCapReached)
	}
	return out, capping{cap: capAmt, before: before, avail: avail}
}

// capBonus is the continuity cap step reached, as a fraction of the cap.
func (s *state) capBonus() money.Rate {
	var bonus money.Rate
	if k := s.pol.Continuity; k != nil {
		for _, st := range k.CapSteps {
			if s.status.Continuous >= st.Years {
				bonus = st.Bonus
			}
		}
	}
	return bonus
}
