package settle

import (
	"strconv"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/core/trace"
)

// singleDisease settles an inpatient stay at its single-disease fixed price. It
// returns false when the ordinary benefit rules should settle the stay instead.
func (s *state) singleDisease() bool {
	sd, _ := s.p.Disease(s.c.Visit.Disease)
	idx := 0
	for i := range s.pol.SingleDiseases {
		if s.pol.SingleDiseases[i].Code == sd.Code {
			idx = i
		}
	}
	rule := s.tr.Join("/singleDiseases/", strconv.Itoa(idx))
	inClass := len(sd.Classes) == 0 || contains(sd.Classes, s.c.Visit.Class)
	if !inClass || (sd.InCountyOnly && !s.class.InCounty) {
		if sd.Outside == policy.OutsideRefuse {
			s.r.Route = RouteNotCovered
			at := s.tr.Join(rule, "/outside")
			s.tr.Add(trace.StageSingleDisease, at, "single_disease_refused", nil, trace.V("disease", sd.Code))
			s.warn(core.WarnNotCovered)
			return true
		}
		at := s.tr.Join(rule, "/outside")
		s.tr.Add(trace.StageSingleDisease, at, "single_disease_outside", nil, trace.V("disease", sd.Code))
		s.warn(core.WarnSingleDiseaseFallback)
		return false
	}
	total := s.r.Total
	price := sd.Fund.Add(sd.Patient)
	fund := sd.Fund
	if total.Cmp(price) < 0 {
		switch sd.Below {
		case policy.BelowRegular:
			at := s.tr.Join(rule, "/below")
			s.tr.Add(trace.StageSingleDisease, at, "single_disease_below",
				[]trace.Value{trace.V("disease", sd.Code), trace.V("total", s.amt(total)), trace.V("price", s.amt(price)), trace.V("below", string(sd.Below))},
				trace.V("fund", "—"), trace.V("patient", "—"))
			return false
		case policy.BelowPatientFirst:
			fund = total.Sub(money.Min(total, sd.Patient))
		case policy.BelowFundFirst:
			fund = money.Min(total, sd.Fund)
		case policy.BelowProportional:
			// Rounding to whole yuan must not pay more than the stay cost.
			fund = money.Min(money.MulDiv(total, sd.Fund, price, s.pol.Rounding.Scale, s.pol.Rounding.Mode), total)
		}
		at := s.tr.Join(rule, "/below")
		s.tr.Add(trace.StageSingleDisease, at, "single_disease_below",
			[]trace.Value{trace.V("disease", sd.Code), trace.V("total", s.amt(total)), trace.V("price", s.amt(price)), trace.V("below", string(sd.Below))},
			trace.V("fund", s.amt(fund)), trace.V("patient", s.amt(total.Sub(fund))))
	} else {
		s.r.Hospital = total.Sub(price)
		s.tr.Add(trace.StageSingleDisease, rule, "single_disease_above",
			[]trace.Value{trace.V("disease", sd.Code), trace.V("total", s.amt(total)), trace.V("price", s.amt(price))},
			trace.V("fund", s.amt(sd.Fund)), trace.V("patient", s.amt(sd.Patient)), trace.V("hospital", s.amt(s.r.Hospital)))
	}
	s.r.Route, s.disease = RouteSingleDisease, true
	s.countAdmission()
	f := Fund{Fund: policy.FundSingleDisease, Name: sd.Name, Kind: FundSingleDisease, Base: money.Min(total, price), Amount: fund}
	if pool, ok := s.p.Pool(sd.Pool); ok {
		var lim capping
		f.Fund, f.Name = pool.ID, pool.Name
		f.Amount, lim = s.annualCap(pool, s.tr.Join("/pools/", s.poolIndex(pool.ID), "/cap"), pool.Cap, fund)
		f = s.capped(f, lim)
	}
	s.pay(f)
	return true
}

// maternity pays the fixed inpatient-delivery subsidy.
func (s *state) maternity() {
	m := s.pol.Maternity
	s.r.Route = RouteMaternity
	s.countAdmission()
	if s.status.Paid < m.MinYearsPaid || (m.RequireFamilyPlanning && !s.c.Person.FamilyPlanning) {
		s.tr.Add(trace.StageMaternity, "/maternity", "maternity_ineligible",
			[]trace.Value{trace.V("familyPlanning", strconv.FormatBool(s.c.Person.FamilyPlanning))},
			trace.V("paid", strconv.Itoa(s.status.Paid)), trace.V("required", strconv.Itoa(m.MinYearsPaid)))
		s.warn(core.WarnMaternityIneligible)
		return
	}
	idx := -1
	for i, sub := range m.Subsidies {
		if policy.Delivery(sub.Delivery) != s.c.Visit.Delivery {
			continue
		}
		if sub.Tier == s.status.BenefitTier {
			idx = i
			break
		}
		if sub.Tier == "" && idx < 0 {
			idx = i
		}
	}
	if idx < 0 {
		s.r.Route = RouteNotCovered
		s.tr.Add(trace.StageMaternity, "/maternity/subsidies", "not_covered", nil)
		s.warn(core.WarnNotCovered)
		return
	}
	sub := m.Subsidies[idx]
	rule := s.tr.Join("/maternity/subsidies/", strconv.Itoa(idx))
	amount := money.Min(sub.Amount, s.r.Scope)
	s.tr.Add(trace.StageMaternity, rule, "maternity", []trace.Value{trace.V("delivery", sub.Delivery), trace.V("scope", s.amt(s.r.Scope))},
		trace.V("subsidy", s.amt(sub.Amount)), trace.V("pay", s.amt(amount)))
	f := Fund{Fund: policy.FundMaternity, Name: "住院分娩补助", Kind: FundMaternity, Base: s.r.Scope, Amount: amount}
	if pool, ok := s.p.Pool(m.Pool); ok {
		var lim capping
		f.Fund, f.Name = pool.ID, pool.Name
		f.Amount, lim = s.annualCap(pool, s.tr.Join("/pools/", s.poolIndex(pool.ID), "/cap"), pool.Cap, amount)
		f = s.capped(f, lim)
	}
	s.pay(f)
}

// layers runs the funds after the basic fund, in policy order.
func (s *state) layers() {
	for i := range s.pol.Layers {
		l := &s.pol.Layers[i]
		if !contains(l.VisitTypes, string(s.c.Visit.Type)) ||
			(len(l.Categories) > 0 && !contains(l.Categories, s.c.Person.Category)) ||
			(l.SingleDiseaseOnly && !s.disease) {
			continue
		}
		s.layer(l, s.tr.Join("/layers/", strconv.Itoa(i)))
	}
}

func (s *state) layer(l *policy.Layer, rule string) {
	t := s.fund(l.ID)
	// limit is what this layer may pay at most: what the funds before it left to the
	// patient within the layer's base.
	var base, exact, limit money.Amount
	if l.Mode == policy.ModeTopUp {
		goalBase, left := s.r.Scope, s.scopeLeft()
		if l.Base == policy.BaseTotal {
			goalBase, left = s.r.Total.Sub(s.r.Hospital), s.personalLeft()
		}
		base, limit = goalBase, left
		goal := goalBase.Mul(l.Target)
		exact = money.Min(money.NonNegative(goal.Sub(s.r.FundTotal)), left)
		at := s.tr.Join(rule, "/target")
		s.tr.Add(trace.StageLayer, at, "layer_topup",
			[]trace.Value{trace.V("layer", l.ID), trace.V("base", s.amt(base)), trace.V("target", s.pct(l.Target))},
			trace.V("goal", s.amt(goal)), trace.V("paid", s.amt(s.r.FundTotal)), trace.V("pay", s.amt(exact)))
	} else {
		base = s.scopeLeft()
		if l.Base == policy.BasePersonal {
			base = s.personalLeft()
		}
		// Funds before never pay above what they leave, but a layer must not pay a
		// negative amount even if one did.
		base = money.NonNegative(base)
		if l.Basis == policy.BasisYear {
			before := t.Base
			after := before.Add(base)
			exact = s.schedule(l.Ratio, s.tr.Join(rule, "/ratio"), money.Rate{}, l.Threshold, after).
				Sub(s.quiet(l.Ratio, l.Threshold, before))
			t.Base = after
		} else {
			exact = s.schedule(l.Ratio, s.tr.Join(rule, "/ratio"), money.Rate{}, l.Threshold, base)
		}
		// A whole-amount schedule over a year's running base can jump by more than
		// this claim's base; no fund pays above what is left to the patient.
		exact = money.Min(money.NonNegative(exact), base)
		limit = base
		s.tr.Add(trace.StageLayer, rule, "layer_ratio",
			[]trace.Value{trace.V("layer", l.ID), trace.V("base", s.amt(base)), trace.V("threshold", s.amt(l.Threshold))},
			trace.V("pay", s.amt(exact)))
	}
	amount := s.rounded(exact, limit, rule)
	f := Fund{Fund: l.ID, Name: l.Name, Kind: string(l.Kind), Base: base}
	if l.Cap != nil {
		a := money.NonNegative(l.Cap.Sub(t.Paid))
		if amount.Cmp(a) > 0 {
			amount = a
			s.warn(core.WarnCapReached)
		}
		at := s.tr.Join(rule, "/cap")
		s.tr.Add(trace.StageCap, at, "annual_cap", []trace.Value{trace.V("paidBefore", s.amt(t.Paid))},
			trace.V("cap", s.amt(*l.Cap)), trace.V("available", s.amt(a)), trace.V("amount", s.amt(amount)))
		f.Amount = amount
		f = s.capped(f, capping{cap: *l.Cap, before: t.Paid, avail: a})
	}
	f.Amount = amount
	s.pay(f)
}

// quiet applies a schedule without tracing, for the year-to-date base before this claim.
func (s *state) quiet(sc policy.Schedule, d, x money.Amount) money.Amount {
	saved := s.tr
	s.tr = trace.NewBuilder(0)
	v := s.schedule(sc, "", money.Rate{}, d, x)
	s.tr = saved
	return v
}

// familyAccount pays from the household account before cash.
func (s *state) familyAccount() {
	fa := s.pol.FamilyAccount
	if fa == nil || !s.r.Eligible || !contains(fa.VisitTypes, string(s.c.Visit.Type)) {
		return
	}
	left := s.personalLeft()
	if fa.Covers == policy.BaseScopePersonal {
		left = s.scopeLeft()
	}
	balance := s.c.Totals.FamilyAccount
	use := money.Min(balance, left)
	s.r.FamilyAccount = use
	s.tr.Add(trace.StageFamilyAccount, "/familyAccount", "family_account", []trace.Value{trace.V("balance", s.amt(balance))},
		trace.V("pay", s.amt(use)), trace.V("after", s.amt(balance.Sub(use))))
	if use.Cmp(left) < 0 && left.Sign() > 0 {
		s.warn(core.WarnFamilyAccountEmpty)
	}
}

// cash is what remains for the patient to pay at the counter.
func (s *state) cash() {
	r := s.r
	r.Cash = s.personalLeft().Sub(r.FamilyAccount)
	r.Personal = r.Cash.Add(r.FamilyAccount)
	r.EffectiveRatio = money.Ratio(r.FundTotal, r.Total.Sub(r.Hospital))
	s.tr.Add(trace.StageCash, "", "cash", nil,
		trace.V("funds", s.amt(r.FundTotal)), trace.V("familyAccount", s.amt(r.FamilyAccount)),
		trace.V("cash", s.amt(r.Cash)), trace.V("hospital", s.amt(r.Hospital)), trace.V("ratio", s.pct(r.EffectiveRatio)))
}
