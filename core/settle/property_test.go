package settle_test

// Property tests and the FuzzSettle target for the settlement pipeline. Every helper
// here is prefixed "prop" so that this file shares package settle_test with
// settle_test.go without clashing.
//
// The properties, checked on random claims under several policies built below:
//
//  1. every fen is accounted for: Σ funds + family account + cash + hospital = total,
//     FundTotal = Σ funds, Personal = family account + cash;
//  2. nothing is negative, in the result or in its year-to-date totals;
//  3. no fund pays above its base, nor above what its cap still allowed;
//  4. caps hold across a year: feeding each result's TotalsAfter into the next claim
//     never takes a pool or a layer above its cap (and, as "ledger", the next claim
//     accepts those totals);
//  5. adding cost to a class-A line never lowers what the funds pay;
//  6. settlement is deterministic and does not modify its input.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/core/codec"
	"github.com/ruralhealth/ncms/core/enroll"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policies"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/core/settle"
)

// Property names, used as subtest names and in failure reports.
const (
	propAccounting  = "accounting"
	propNonNegative = "non_negative"
	propFundBounds  = "fund_bounds"
	propCaps        = "caps"
	propLedger      = "ledger"
	propMonotonic   = "monotonic"
	propDeterminism = "determinism"
)

// propClaims is how many random claims each policy settles; propSequences how many
// one-person years of 1–15 claims.
const (
	propClaims    = 2000
	propSequences = 500
)

func propAmt(s string) money.Amount   { return money.MustAmount(s) }
func propAmtP(s string) *money.Amount { a := money.MustAmount(s); return &a }
func propRate(s string) money.Rate    { return money.MustRate(s) }

func propBands(method policy.BandMethod, axis policy.BandAxis, fromRate ...string) policy.Schedule {
	s := policy.Schedule{Method: method, Axis: axis}
	for i := 0; i+1 < len(fromRate); i += 2 {
		s.Bands = append(s.Bands, policy.Band{From: propAmt(fromRate[i]), Rate: propRate(fromRate[i+1])})
	}
	return s
}

// propBanded is policy (a) when method is excess and (b) when it is whole: per-admission
// deductibles (first and later), Pingluo's bands, one pool with a cap, a lower annual
// cap at non-designated facilities, and the referral rules.
func propBanded(id string, method policy.BandMethod) policy.Policy {
	p := propCommon(id)
	p.Pools = []policy.Pool{{ID: "inpatient", Name: "住院统筹基金", Cap: propAmt("15000")}}
	p.Benefits = []policy.Benefit{
		{
			ID: "in-local", Name: "县内住院", VisitTypes: []string{string(policy.VisitInpatient)},
			Classes: []string{"village", "township", "county"}, Pool: "inpatient", Kind: policy.KindRatio,
			Deductible: policy.Deductible{Basis: policy.PerAdmission, First: propAmt("300"), Later: propAmtP("200"), Count: policy.CountClass},
			Ratio: propBands(method, policy.AxisCost,
				"0", "0.20", "1000", "0.25", "1500", "0.30", "2000", "0.35",
				"2500", "0.40", "3000", "0.45", "3500", "0.50", "4000", "0.55"),
		},
		{
			ID: "in-city", Name: "县外住院", VisitTypes: []string{string(policy.VisitInpatient)},
			Classes: []string{"city"}, Pool: "inpatient", Kind: policy.KindRatio,
			Deductible: policy.Deductible{Basis: policy.PerAdmission, First: propAmt("500"), Later: propAmtP("400"), Count: policy.CountAll},
			Ratio:      propBands(method, policy.AxisCost, "0", "0.30", "5000", "0.40", "20000", "0.50"),
			Referral:   policy.Referral{Required: true, Missing: policy.ReferralReduce, Points: propRate("0.10")},
		},
		{
			ID: "in-nondesignated", Name: "非定点住院", VisitTypes: []string{string(policy.VisitInpatient)},
			Classes: []string{"other"}, Pool: "inpatient", Kind: policy.KindRatio,
			Deductible: policy.Deductible{Basis: policy.PerAdmission, First: propAmt("800")},
			Ratio:      propBands(method, policy.AxisAbove, "0", "0.25", "3000", "0.35"),
			AnnualCap:  propAmtP("3000"),
			Referral:   policy.Referral{Required: true, Missing: policy.ReferralRefuse},
		},
		{
			ID: "special", Name: "特殊大病门诊", VisitTypes: []string{string(policy.VisitSpecialOutpatient)},
			Pool: "inpatient", Kind: policy.KindRatio,
			Deductible: policy.Deductible{Basis: policy.NoDeductible},
			Ratio:      propBands(method, policy.AxisAbove, "0", "0.50", "10000", "0.60"),
			VisitCap:   propAmtP("5000"),
		},
	}
	return p
}

// propFull is policy (c): tiers, continuity bonuses, a per-year deductible, capped-fee
// outpatient care with a visit cap, a single-disease table, maternity, a catastrophic
// layer on the year's running base, a top-up layer and a family account.
func propFull(id string) policy.Policy {
	p := propCommon(id)
	p.VisitDate = "discharge"
	p.Rounding = policy.Rounding{Scale: 2, Mode: money.HalfEven, PreSelfPay: "line"}
	p.Tiers = []policy.Tier{
		{Code: "t1", Name: "一档", Contribution: propAmt("150"), Individual: propAmt("30")},
		{Code: "t2", Name: "二档", Contribution: propAmt("240"), Individual: propAmt("120")},
	}
	p.Categories = append(p.Categories, policy.Category{Code: "minor", Name: "未成年人", BenefitTier: "t2"})
	p.Enrollment.UpgradeWaitMonths = 3
	p.Continuity = &policy.Continuity{
		RateAfterYears: 3, RateStep: propRate("0.01"), RateMax: propRate("0.10"),
		CapSteps: []policy.CapStep{{Years: 5, Bonus: propRate("0.10")}, {Years: 10, Bonus: propRate("0.20")}, {Years: 15, Bonus: propRate("0.30")}},
	}
	p.Pools = []policy.Pool{
		{ID: "inpatient", Name: "住院统筹基金", Cap: propAmt("50000"), ContinuityBonus: true},
		{ID: "outpatient", Name: "门诊统筹基金", Cap: propAmt("400")},
	}
	yearDeductible := policy.Deductible{Basis: policy.PerYear, First: propAmt("600")}
	p.Benefits = []policy.Benefit{
		{
			ID: "in-t1", Name: "县内住院一档", VisitTypes: []string{string(policy.VisitInpatient), string(policy.VisitMaternity)},
			Classes: []string{"village", "township", "county"}, Tiers: []string{"t1"}, Pool: "inpatient", Kind: policy.KindRatio,
			Deductible: yearDeductible, ContinuityBonus: true,
			Ratio: propBands(policy.Excess, policy.AxisCost, "0", "0.60", "10000", "0.70", "30000", "0.75"),
		},
		{
			ID: "in-t2", Name: "县内住院二档", VisitTypes: []string{string(policy.VisitInpatient), string(policy.VisitMaternity)},
			Classes: []string{"village", "township", "county"}, Tiers: []string{"t2"}, Pool: "inpatient", Kind: policy.KindRatio,
			Deductible: yearDeductible, ContinuityBonus: true,
			Ratio: propBands(policy.Excess, policy.AxisCost, "0", "0.75", "10000", "0.85", "30000", "0.90"),
		},
		{
			ID: "in-out", Name: "县外住院", VisitTypes: []string{string(policy.VisitInpatient), string(policy.VisitMaternity)},
			Classes: []string{"city", "other"}, Pool: "inpatient", Kind: policy.KindRatio,
			Deductible: yearDeductible,
			Ratio:      propBands(policy.Whole, policy.AxisAbove, "0", "0.40", "10000", "0.50"),
			AnnualCap:  propAmtP("30000"),
			Referral:   policy.Referral{Required: true, Missing: policy.ReferralReduce, Points: propRate("0.10")},
		},
		{
			ID: "outpatient", Name: "门诊统筹（限费）", VisitTypes: []string{string(policy.VisitOutpatient)},
			Classes: []string{"village", "township"}, Pool: "outpatient", Kind: policy.KindCappedFee,
			Deductible:   policy.Deductible{Basis: policy.NoDeductible},
			PatientLimit: propAmtP("10"), VisitCap: propAmtP("50"),
		},
		{
			ID: "outpatient-county", Name: "县级门诊", VisitTypes: []string{string(policy.VisitOutpatient)},
			Classes: []string{"county"}, Pool: "outpatient", Kind: policy.KindRatio,
			Deductible: policy.Deductible{Basis: policy.NoDeductible},
			Ratio:      propBands(policy.Excess, policy.AxisCost, "0", "0.40"),
			VisitCap:   propAmtP("100"),
		},
		{
			ID: "special", Name: "特殊大病门诊", VisitTypes: []string{string(policy.VisitSpecialOutpatient)},
			Pool: "inpatient", Kind: policy.KindRatio, Deductible: yearDeductible,
			Ratio: propBands(policy.Excess, policy.AxisCost, "0", "0.60"),
		},
	}
	p.SingleDiseases = []policy.SingleDisease{
		{
			Code: "K35", Name: "阑尾炎", Fund: propAmt("2000"), Patient: propAmt("800"),
			Classes: []string{"township", "county"}, InCountyOnly: true,
			Below: policy.BelowProportional, Outside: policy.OutsideRegular, Pool: "inpatient",
		},
		{
			Code: "J18", Name: "肺炎", Fund: propAmt("1500"), Patient: propAmt("600"),
			Classes: []string{"county"}, InCountyOnly: true,
			Below: policy.BelowProportional, Outside: policy.OutsideRefuse,
		},
	}
	p.Maternity = &policy.Maternity{
		MinYearsPaid: 1, RequireFamilyPlanning: true, Pool: "inpatient",
		Subsidies: []policy.Subsidy{
			{Delivery: string(policy.DeliveryNormal), Tier: "t1", Amount: propAmt("300")},
			{Delivery: string(policy.DeliveryDifficult), Tier: "t1", Amount: propAmt("400")},
			{Delivery: string(policy.DeliveryMultiple), Tier: "t1", Amount: propAmt("400")},
			{Delivery: string(policy.DeliveryNormal), Tier: "t2", Amount: propAmt("400")},
			{Delivery: string(policy.DeliveryDifficult), Tier: "t2", Amount: propAmt("500")},
			{Delivery: string(policy.DeliveryMultiple), Tier: "t2", Amount: propAmt("500")},
		},
	}
	p.Layers = []policy.Layer{
		{
			ID: "catastrophic", Name: "大病保险", Kind: policy.LayerCatastrophic,
			VisitTypes: []string{string(policy.VisitInpatient), string(policy.VisitSpecialOutpatient)},
			Base:       policy.BaseScopePersonal, Basis: policy.BasisYear, Mode: policy.ModeRatio,
			Threshold: propAmt("10000"),
			Ratio:     propBands(policy.Excess, policy.AxisAbove, "0", "0.50", "50000", "0.60", "100000", "0.70"),
			Cap:       propAmtP("60000"),
		},
		{
			ID: "assistance", Name: "医疗救助", Kind: policy.LayerTopUp,
			VisitTypes: []string{string(policy.VisitInpatient)}, Categories: []string{"dibao", "wubao"},
			Base: policy.BaseScope, Basis: policy.BasisClaim, Mode: policy.ModeTopUp,
			Target: propRate("0.90"), Cap: propAmtP("20000"),
		},
	}
	p.FamilyAccount = &policy.FamilyAccount{
		PerPerson: propAmt("8"), VisitTypes: []string{string(policy.VisitOutpatient), string(policy.VisitSpecialOutpatient)},
		Covers: policy.BasePersonal,
	}
	return p
}

// propCommon holds what every test policy shares.
func propCommon(id string) policy.Policy {
	return policy.Policy{
		Schema: policy.Schema, ID: id, Version: "1", Name: "property test " + id,
		Region: "640221", Scheme: "ncms",
		Effective: policy.Period{From: civil.MustParse("2024-01-01"), To: civil.MustParse("2026-12-31")},
		VisitDate: "admission", Source: "core/settle/property_test.go",
		Rounding: policy.Rounding{Scale: 2, Mode: money.HalfUp, PreSelfPay: "line"},
		Classes: []policy.Class{
			{Code: "village", Name: "村卫生室", Level: "village", InCounty: true, Designated: true},
			{Code: "township", Name: "乡镇卫生院", Level: "township", InCounty: true, Designated: true},
			{Code: "county", Name: "县级医院", Level: "county", InCounty: true, Designated: true},
			{Code: "city", Name: "县外医院", Level: "city", InCounty: false, Designated: true},
			{Code: "other", Name: "非定点医院", Level: "other", InCounty: false, Designated: false},
		},
		Categories: []policy.Category{
			{Code: "ordinary", Name: "一般人员"},
			{Code: "dibao", Name: "低保", RatePoints: propRate("0.05")},
			{Code: "wubao", Name: "五保", RatePoints: propRate("0.10")},
		},
		Catalogue: policy.Catalogue{
			ClassB: propRate("0.10"),
			ClassBByKind: []policy.KindRate{
				{Kind: string(claim.KindDrug), Rate: propRate("0.15")},
				{Kind: string(claim.KindMaterial), Rate: propRate("0.20")},
			},
		},
		Enrollment: policy.Enrollment{Required: true, FirstWaitMonths: 3, LapseMonths: 6, LapseWaitMonths: 4},
		Cards:      policy.Cards{Fee: propAmt("5"), FeeExemptAge: 60, FeeAgeOn: "year_start"},
		Reports:    policy.Reports{PerCapita: policy.Rounding{Scale: 2, Mode: money.Down}},
	}
}

// propPolicy is one test policy and how hard to test it.
type propPolicy struct {
	name string
	c    *policy.Compiled
	// claims and sequences are how many random claims and one-person years to settle.
	claims, sequences int
}

func propCompile(t testing.TB, p policy.Policy) *policy.Compiled {
	t.Helper()
	c, err := policy.Compile(p)
	if err != nil {
		for _, e := range core.AsErrors(err) {
			t.Errorf("policy %s: %s", p.ID, e)
		}
		t.FailNow()
	}
	return c
}

// propPolicies returns the test policies: (a) banded excess, (b) banded whole,
// (c) the full policy, (c) again rounded to the whole yuan, and, with fewer claims
// each, the example county policies of package policies.
func propPolicies(t testing.TB) []propPolicy {
	b := propBanded("prop-whole", policy.Whole)
	b.Rounding = policy.Rounding{Scale: 2, Mode: money.Up, PreSelfPay: "total"}
	yuan := propFull("prop-full-yuan")
	yuan.Rounding = policy.Rounding{Scale: 0, Mode: money.HalfUp, PreSelfPay: "total"}
	out := []propPolicy{
		{name: "banded_excess", c: propCompile(t, propBanded("prop-excess", policy.Excess))},
		{name: "banded_whole", c: propCompile(t, b)},
		{name: "full", c: propCompile(t, propFull("prop-full"))},
		{name: "full_yuan_rounding", c: propCompile(t, yuan)},
	}
	for i := range out {
		out[i].claims, out[i].sequences = propClaims, propSequences
	}
	examples, err := policies.Compiled()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range examples {
		out = append(out, propPolicy{name: "example_" + c.ID(), c: c, claims: propClaims / 4, sequences: propSequences / 4})
	}
	return out
}

// propGen generates random claims valid under one policy.
type propGen struct {
	r *rand.Rand
	p *policy.Compiled
}

var (
	propVisitTypes = []policy.VisitType{
		policy.VisitInpatient, policy.VisitInpatient, policy.VisitInpatient, policy.VisitOutpatient,
		policy.VisitOutpatient, policy.VisitSpecialOutpatient, policy.VisitMaternity,
	}
	propKinds      = []claim.ItemKind{claim.KindDrug, claim.KindExam, claim.KindTreatment, claim.KindMaterial, claim.KindBed, claim.KindService, claim.KindOther}
	propDeliveries = []policy.Delivery{policy.DeliveryNormal, policy.DeliveryDifficult, policy.DeliveryMultiple}
)

func (g *propGen) pick(xs []string) string { return pickOf(g, xs) }

// pickOf returns one of xs at random.
func pickOf[T any](g *propGen, xs []T) T { return xs[g.r.IntN(len(xs))] }

// fen returns a random number of fen in [1, max], spread evenly over the orders of
// magnitude so that small and large bills are equally common.
func (g *propGen) fen(max int64) int64 {
	limit := int64(10)
	for n := g.r.IntN(9); n > 0 && limit < max; n-- {
		limit *= 10
	}
	if limit > max {
		limit = max
	}
	return g.r.Int64N(limit) + 1
}

// date returns a day of 2025 between 1 January and 15 November.
func (g *propGen) date() civil.Date { return civil.New(2025, time.January, 1).AddDays(g.r.IntN(319)) }

// person returns a resident with a valid ID and an enrollment history that is
// usually, but not always, in force on the visit dates of 2025.
func (g *propGen) person() claim.Person {
	pol := g.p.Policy()
	birth := civil.New(1940, time.January, 1).AddDays(g.r.IntN(85 * 365))
	body := fmt.Sprintf("640221%04d%02d%02d%03d", birth.Year, int(birth.Month), birth.Day, g.r.IntN(1000))
	check, err := identity.CheckChar(body)
	if err != nil {
		panic(err)
	}
	var cats []string
	for _, c := range pol.Categories {
		cats = append(cats, c.Code)
	}
	var tiers []string
	for _, t := range pol.Tiers {
		tiers = append(tiers, t.Code)
	}
	tier := func() string {
		if len(tiers) == 0 {
			return ""
		}
		return g.pick(tiers)
	}
	year := func(y int, paid civil.Date) enroll.Year { return enroll.Year{Year: y, Tier: tier(), PaidOn: paid} }
	var hist []enroll.Year
	switch k := g.r.IntN(20); {
	case k == 0: // not enrolled this year
		hist = append(hist, year(2024, civil.New(2023, time.December, 10)))
	case k == 1: // first enrollment this year: waiting period
		hist = append(hist, year(2025, civil.New(2025, time.January, 1).AddDays(g.r.IntN(200))))
	case k == 2: // back after a gap
		hist = append(hist, year(2022, civil.New(2021, time.December, 1)), year(2023, civil.New(2022, time.December, 1)),
			year(2025, civil.New(2025, time.January, 1).AddDays(g.r.IntN(200))))
	default: // continuous years up to 2025, sometimes paid late
		n := 1 + g.r.IntN(18)
		for y := 2025 - n + 1; y <= 2025; y++ {
			hist = append(hist, year(y, civil.New(y-1, time.December, 1+g.r.IntN(31))))
		}
		if k == 3 {
			hist[len(hist)-1].PaidOn = civil.New(2025, time.July, 1)
		}
		g.r.Shuffle(len(hist), func(i, j int) { hist[i], hist[j] = hist[j], hist[i] })
	}
	return claim.Person{
		ID: body + string(check), Name: "测试", Category: g.pick(cats), Birth: birth,
		Enrollment: hist, FamilyPlanning: g.r.IntN(4) != 0,
	}
}

// visit returns a random visit in 2025.
func (g *propGen) visit() claim.Visit {
	pol := g.p.Policy()
	var classes []string
	for _, c := range pol.Classes {
		classes = append(classes, c.Code)
	}
	v := claim.Visit{
		Type: pickOf(g, propVisitTypes), Institution: fmt.Sprintf("H%03d", g.r.IntN(128)),
		Class: g.pick(classes), Referral: g.r.IntN(2) == 0, Admission: g.date(),
	}
	if v.Type == policy.VisitInpatient || v.Type == policy.VisitMaternity || g.r.IntN(4) == 0 {
		v.Discharge = v.Admission.AddDays(g.r.IntN(45))
	}
	if len(pol.SingleDiseases) > 0 && g.r.IntN(3) == 0 {
		v.Disease = pol.SingleDiseases[g.r.IntN(len(pol.SingleDiseases))].Code
	}
	if v.Type == policy.VisitMaternity || g.r.IntN(10) == 0 {
		v.Delivery = pickOf(g, propDeliveries)
	}
	return v
}

// items returns 0–30 bill lines of up to 200000.00 yuan each or, one time in four, a
// small bill of one or two lines under 5 yuan, where rounding matters most.
func (g *propGen) items() []claim.Item {
	n, max := g.r.IntN(31), int64(20_000_000)
	if g.r.IntN(4) == 0 {
		n, max = 1+g.r.IntN(2), 500
	}
	out := make([]claim.Item, 0, n)
	for i := 0; i < n; i++ {
		it := claim.Item{Code: fmt.Sprintf("X%03d", i), Kind: pickOf(g, propKinds)}
		switch k := g.r.IntN(10); {
		case k < 5:
			it.Class = claim.ClassA
		case k < 8:
			it.Class = claim.ClassB
		default:
			it.Class = claim.ClassSelf
		}
		var amount int64
		if g.r.IntN(20) != 0 {
			amount = g.fen(max)
		}
		it.Amount = money.Fen(amount)
		if amount > 0 && g.r.IntN(4) == 0 {
			it.OverLimit = money.Fen(g.r.Int64N(amount + 1))
		}
		out = append(out, it)
	}
	return out
}

// totals returns random year-to-date totals for 2025 in which no pool or layer has
// yet paid above its cap.
func (g *propGen) totals() claim.Totals {
	pol := g.p.Policy()
	if g.r.IntN(4) == 0 {
		return claim.Totals{}
	}
	t := claim.Totals{Year: 2025, FamilyAccount: money.Fen(g.r.Int64N(50_000))}
	fund := func(id string, cap *money.Amount) {
		if g.r.IntN(2) == 0 {
			return
		}
		f := claim.FundTotal{Fund: id, Visits: g.r.IntN(10)}
		switch {
		case cap == nil:
			f.Paid = money.Fen(g.r.Int64N(10_000_000))
		case g.r.IntN(5) == 0:
			f.Paid = *cap
		default:
			capFen := cap.Decimal().Shift(2).IntPart()
			f.Paid = money.Fen(g.r.Int64N(capFen + 1))
		}
		if g.r.IntN(2) == 0 {
			f.Base = money.Fen(g.fen(20_000_000))
		}
		if g.r.IntN(2) == 0 {
			f.Deductible = money.Fen(g.r.Int64N(100_000))
		}
		t.Funds = append(t.Funds, f)
	}
	for i := range pol.Pools {
		fund(pol.Pools[i].ID, &pol.Pools[i].Cap)
	}
	for i := range pol.Layers {
		fund(pol.Layers[i].ID, pol.Layers[i].Cap)
	}
	for _, c := range pol.Classes {
		if g.r.IntN(3) == 0 {
			t.Admissions = append(t.Admissions, claim.ClassCount{Class: c.Code, Count: g.r.IntN(4)})
		}
	}
	return t
}

func (g *propGen) claim(n int) claim.Claim {
	return claim.Claim{
		ID: fmt.Sprintf("P%05d", n), Person: g.person(), Visit: g.visit(), Items: g.items(), Totals: g.totals(),
	}
}

// propEdges returns the costs at which the arithmetic of a settlement changes: first,
// for the benefit r applied, its deductibles (and the one applied), its band edges on
// the cost axis and above each deductible, and its patient limit; second, the visit's
// single-disease price and the layers' thresholds and band edges above them.
func propEdges(p *policy.Compiled, c *claim.Claim, r *settle.Result) (benefit, other []money.Amount) {
	pol := p.Policy()
	bands := func(out []money.Amount, s policy.Schedule, starts []money.Amount) []money.Amount {
		for _, b := range s.Bands {
			for _, d := range starts {
				out = append(out, d.Add(b.From))
			}
			out = append(out, b.From)
		}
		return out
	}
	for _, b := range pol.Benefits {
		if b.ID != r.Benefit {
			continue
		}
		starts := []money.Amount{r.Deductible, b.Deductible.First}
		if b.Deductible.Later != nil {
			starts = append(starts, *b.Deductible.Later)
		}
		benefit = append(benefit, starts...)
		if b.PatientLimit != nil {
			benefit = append(benefit, *b.PatientLimit)
		}
		benefit = bands(benefit, b.Ratio, starts)
	}
	if sd, ok := p.Disease(c.Visit.Disease); ok {
		other = append(other, sd.Fund.Add(sd.Patient))
	}
	for _, l := range pol.Layers {
		other = append(other, l.Threshold)
		other = bands(other, l.Ratio, []money.Amount{l.Threshold})
	}
	return benefit, other
}

// edgeProbe returns two bill amounts around an edge, usually one of the benefit's:
// one below it (by up to a quarter of the edge, at most 1000 yuan), and the edge
// itself or one fen past it.
func (g *propGen) edgeProbe(benefit, other []money.Amount) (below, above money.Amount) {
	edges := benefit
	if len(edges) == 0 || (len(other) > 0 && g.r.IntN(4) == 0) {
		edges = other
	}
	if len(edges) == 0 {
		return money.Amount{}, money.Fen(1 + g.fen(100_000))
	}
	e := edges[g.r.IntN(len(edges))]
	span := min(e.Decimal().Shift(2).IntPart()/4, 100_000)
	below = money.NonNegative(e.Sub(money.Fen(1 + g.r.Int64N(span+1))))
	return below, e.Add(money.Fen(g.r.Int64N(2)))
}

// propMonotone checks property 5 on a claim and the same claim with more class-A cost.
func propMonotone(t *testing.T, rep *propReport, p *policy.Compiled, less, more *claim.Claim, change string) {
	t.Helper()
	r1, err := settle.Run(p, less)
	if err != nil {
		t.Fatalf("%s: %v\n%s", change, err, propJSON(less))
	}
	r2, err := settle.Run(p, more)
	if err != nil {
		t.Fatalf("%s: %v\n%s", change, err, propJSON(more))
	}
	if r2.FundTotal.Cmp(r1.FundTotal) < 0 {
		rep.add(propMonotonic, fmt.Sprintf("%s lowers fundTotal from %s to %s", change, r1.FundTotal, r2.FundTotal), func() string {
			return "claim: " + propJSON(less) + "\n    before: " + propSummary(r1) + "\n    after:  " + propSummary(r2)
		})
	}
}

// propJSON marshals v compactly, for reports.
func propJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "<" + err.Error() + ">"
	}
	return string(b)
}

// propClone deep-copies a claim through its JSON form.
func propClone(c *claim.Claim) claim.Claim {
	b, err := json.Marshal(c)
	if err != nil {
		panic(err)
	}
	var out claim.Claim
	if err := propDecode(b, &out); err != nil {
		panic(err)
	}
	return out
}

// propDecode decodes strictly, as the codec does.
func propDecode(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("data after the JSON value")
	}
	return nil
}

// propViolation is one broken property.
type propViolation struct {
	prop   string
	detail string
}

// propCheck checks properties 1–3 on one result.
func propCheck(c *claim.Claim, r *settle.Result) []propViolation {
	var out []propViolation
	bad := func(prop, format string, args ...any) {
		out = append(out, propViolation{prop, fmt.Sprintf(format, args...)})
	}
	var items, funds money.Amount
	for _, it := range c.Items {
		items = items.Add(it.Amount)
	}
	if r.Total.Cmp(items) != 0 {
		bad(propAccounting, "total %s ≠ Σ items %s", r.Total, items)
	}
	for _, f := range r.Funds {
		funds = funds.Add(f.Amount)
	}
	if r.FundTotal.Cmp(funds) != 0 {
		bad(propAccounting, "fundTotal %s ≠ Σ funds %s", r.FundTotal, funds)
	}
	if sum := funds.Add(r.FamilyAccount).Add(r.Cash).Add(r.Hospital); sum.Cmp(r.Total) != 0 {
		bad(propAccounting, "Σ funds %s + familyAccount %s + cash %s + hospital %s = %s ≠ total %s",
			funds, r.FamilyAccount, r.Cash, r.Hospital, sum, r.Total)
	}
	if r.Personal.Cmp(r.FamilyAccount.Add(r.Cash)) != 0 {
		bad(propAccounting, "personal %s ≠ familyAccount %s + cash %s", r.Personal, r.FamilyAccount, r.Cash)
	}
	if want := c.Totals.FamilyAccount.Sub(r.FamilyAccount); r.TotalsAfter.FamilyAccount.Cmp(want) != 0 {
		bad(propAccounting, "totalsAfter.familyAccount %s ≠ balance %s − used %s", r.TotalsAfter.FamilyAccount, c.Totals.FamilyAccount, r.FamilyAccount)
	}

	neg := func(name string, a money.Amount) {
		if a.Sign() < 0 {
			bad(propNonNegative, "%s = %s", name, a)
		}
	}
	for _, f := range []struct {
		name string
		a    money.Amount
	}{
		{"total", r.Total}, {"selfPaid", r.SelfPaid}, {"overLimit", r.OverLimit}, {"preSelfPay", r.PreSelfPay},
		{"scope", r.Scope}, {"deductible", r.Deductible}, {"fundTotal", r.FundTotal},
		{"familyAccount", r.FamilyAccount}, {"cash", r.Cash}, {"personal", r.Personal}, {"hospital", r.Hospital},
		{"totalsAfter.familyAccount", r.TotalsAfter.FamilyAccount},
	} {
		neg(f.name, f.a)
	}
	if r.EffectiveRatio.Cmp(money.Rate{}) < 0 {
		bad(propNonNegative, "effectiveRatio = %s", r.EffectiveRatio)
	}
	for i, f := range r.Funds {
		neg(fmt.Sprintf("funds[%d](%s).amount", i, f.Fund), f.Amount)
		neg(fmt.Sprintf("funds[%d](%s).base", i, f.Fund), f.Base)
		if f.Available != nil {
			neg(fmt.Sprintf("funds[%d](%s).available", i, f.Fund), *f.Available)
		}
		if f.Amount.Cmp(f.Base) > 0 {
			bad(propFundBounds, "fund %s pays %s above its base %s", f.Fund, f.Amount, f.Base)
		}
		if f.Available != nil && f.Amount.Cmp(*f.Available) > 0 {
			bad(propFundBounds, "fund %s pays %s above its available %s", f.Fund, f.Amount, *f.Available)
		}
		// The cap figures come together, and agree: what was available is the cap
		// less what was paid before (never below zero), and what is left is what was
		// available less this payment.
		if (f.Available == nil) != (f.Cap == nil) || (f.Cap == nil) != (f.PaidBefore == nil) || (f.Cap == nil) != (f.Left == nil) {
			bad(propFundBounds, "fund %s has some cap figures and not others", f.Fund)
		} else if f.Cap != nil {
			if want := money.NonNegative(f.Cap.Sub(*f.PaidBefore)); f.Available.Cmp(want) != 0 {
				bad(propFundBounds, "fund %s: available %s, but cap %s − paid before %s = %s", f.Fund, *f.Available, *f.Cap, *f.PaidBefore, want)
			}
			if want := f.Available.Sub(f.Amount); f.Left.Cmp(want) != 0 {
				bad(propFundBounds, "fund %s: left %s, but available %s − amount %s = %s", f.Fund, *f.Left, *f.Available, f.Amount, want)
			}
			neg(fmt.Sprintf("funds[%d](%s).left", i, f.Fund), *f.Left)
		}
	}
	for _, f := range r.TotalsAfter.Funds {
		neg("totalsAfter."+f.Fund+".paid", f.Paid)
		neg("totalsAfter."+f.Fund+".base", f.Base)
		neg("totalsAfter."+f.Fund+".deductible", f.Deductible)
		if f.Visits < 0 {
			bad(propNonNegative, "totalsAfter.%s.visits = %d", f.Fund, f.Visits)
		}
	}
	for _, a := range r.TotalsAfter.Admissions {
		if a.Count < 0 {
			bad(propNonNegative, "totalsAfter.admissions.%s = %d", a.Class, a.Count)
		}
	}
	return out
}

// propReport collects violations by property and reports a few, each with the
// smallest claim the shrinker finds.
type propReport struct {
	count map[string]int
	first map[string][]string
}

func newPropReport() *propReport {
	return &propReport{count: map[string]int{}, first: map[string][]string{}}
}

const propShown = 2

// add records a violation; repro is called only for the first few of a property.
func (rep *propReport) add(prop, detail string, repro func() string) {
	rep.count[prop]++
	if len(rep.first[prop]) < propShown {
		rep.first[prop] = append(rep.first[prop], detail+"\n    "+repro())
	}
}

// subtests reports each property as its own subtest of t.
func (rep *propReport) subtests(t *testing.T, of int, props ...string) {
	for _, prop := range props {
		t.Run(prop, func(t *testing.T) {
			if n := rep.count[prop]; n > 0 {
				t.Errorf("%d of %d cases violate %s; first:\n  %s", n, of, prop, strings.Join(rep.first[prop], "\n  "))
			}
		})
	}
}

// propShrink greedily simplifies a claim while fails still holds for it: fewer items,
// smaller amounts, empty totals, fewer enrollment years.
func propShrink(c *claim.Claim, fails func(*claim.Claim) bool) claim.Claim {
	cur := propClone(c)
	for pass := 0; pass < 50; pass++ {
		changed := false
		try := func(mut func(*claim.Claim)) {
			next := propClone(&cur)
			mut(&next)
			if propJSON(&next) != propJSON(&cur) && fails(&next) {
				cur, changed = next, true
			}
		}
		for i := len(cur.Items) - 1; i >= 0; i-- {
			if i < len(cur.Items) {
				try(func(c *claim.Claim) { c.Items = append(c.Items[:i:i], c.Items[i+1:]...) })
			}
		}
		try(func(c *claim.Claim) { c.Totals = claim.Totals{} })
		for i := len(cur.Totals.Funds) - 1; i >= 0; i-- {
			if i < len(cur.Totals.Funds) {
				try(func(c *claim.Claim) { c.Totals.Funds = append(c.Totals.Funds[:i:i], c.Totals.Funds[i+1:]...) })
				try(func(c *claim.Claim) {
					f := &c.Totals.Funds[i]
					f.Base, f.Deductible, f.Visits = money.Amount{}, money.Amount{}, 0
				})
				try(func(c *claim.Claim) { c.Totals.Funds[i].Paid = propRound(c.Totals.Funds[i].Paid) })
			}
		}
		try(func(c *claim.Claim) { c.Totals.Admissions = nil })
		try(func(c *claim.Claim) { c.Totals.FamilyAccount = money.Amount{} })
		try(func(c *claim.Claim) { c.Totals.FamilyAccount = propRound(c.Totals.FamilyAccount) })
		try(func(c *claim.Claim) { c.Totals.Year = 0 })
		for i := range cur.Items {
			try(func(c *claim.Claim) { c.Items[i].OverLimit = money.Amount{} })
			try(func(c *claim.Claim) { c.Items[i].Class = claim.ClassA })
			try(func(c *claim.Claim) { c.Items[i].Kind = claim.KindOther })
			try(func(c *claim.Claim) { c.Items[i].Code = fmt.Sprintf("X%d", i) })
			try(func(c *claim.Claim) {
				c.Items[i].Amount = propRound(c.Items[i].Amount)
				c.Items[i].OverLimit = money.Min(c.Items[i].OverLimit, c.Items[i].Amount)
			})
			try(func(c *claim.Claim) {
				fen := c.Items[i].Amount.Decimal().Shift(2).IntPart()
				c.Items[i].Amount = money.Fen(fen / 2)
				c.Items[i].OverLimit = money.Min(c.Items[i].OverLimit, c.Items[i].Amount)
			})
		}
		try(func(c *claim.Claim) { c.ID = "" })
		try(func(c *claim.Claim) { c.Person.Name = "" })
		try(func(c *claim.Claim) { c.Person.Category = "ordinary" })
		try(func(c *claim.Claim) { c.Person.FamilyPlanning = false })
		try(func(c *claim.Claim) { c.Visit.Institution = "" })
		try(func(c *claim.Claim) { c.Visit.Referral = false })
		try(func(c *claim.Claim) { c.Visit.Disease = "" })
		try(func(c *claim.Claim) { c.Visit.Discharge = civil.Date{} })
		try(func(c *claim.Claim) { c.Visit.Delivery = "" })
		for i := len(cur.Person.Enrollment) - 1; i >= 0; i-- {
			if i < len(cur.Person.Enrollment) {
				try(func(c *claim.Claim) {
					c.Person.Enrollment = append(c.Person.Enrollment[:i:i], c.Person.Enrollment[i+1:]...)
				})
			}
		}
		if !changed {
			break
		}
	}
	return cur
}

// propRound rounds an amount of a yuan or more to a simpler value: whole hundreds,
// tens or yuan.
func propRound(a money.Amount) money.Amount {
	fen := a.Decimal().Shift(2).IntPart()
	for _, unit := range []int64{100_000_00, 10_000_00, 1000_00, 100_00, 10_00, 100} {
		if fen >= unit && fen%unit != 0 {
			return money.Fen(fen / unit * unit)
		}
	}
	return a
}

// propShrunk shrinks a claim that violates prop (one of properties 1–3) and describes
// the smallest one found.
func propShrunk(p *policy.Compiled, c *claim.Claim, prop string) string {
	min := propShrink(c, func(c *claim.Claim) bool {
		r, err := settle.Run(p, c)
		return err == nil && propHas(propCheck(c, r), prop)
	})
	r, err := settle.Run(p, &min)
	if err != nil {
		return "shrunk claim fails: " + err.Error()
	}
	return "smallest claim found: " + propJSON(&min) + "\n    its result: " + propSummary(r) +
		"\n    its violations: " + fmt.Sprint(propCheck(&min, r))
}

// propSummary is the part of a result a reader needs to see a violation.
func propSummary(r *settle.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "route=%s benefit=%s total=%s selfPaid=%s overLimit=%s preSelfPay=%s scope=%s deductible=%s funds=[",
		r.Route, r.Benefit, r.Total, r.SelfPaid, r.OverLimit, r.PreSelfPay, r.Scope, r.Deductible)
	for i, f := range r.Funds {
		if i > 0 {
			b.WriteString(" ")
		}
		avail := "none"
		if f.Available != nil {
			avail = f.Available.String()
		}
		fmt.Fprintf(&b, "%s:base=%s,available=%s,amount=%s", f.Fund, f.Base, avail, f.Amount)
	}
	fmt.Fprintf(&b, "] fundTotal=%s familyAccount=%s cash=%s hospital=%s", r.FundTotal, r.FamilyAccount, r.Cash, r.Hospital)
	return b.String()
}

// propCount counts the routes, funds that paid and warnings of a result, to show in
// the log (go test -v) which paths the random claims reached.
func propCount(cov map[string]int, r *settle.Result) {
	cov["route:"+string(r.Route)]++
	for _, f := range r.Funds {
		if f.Amount.Sign() > 0 {
			cov["paid:"+f.Fund]++
		}
	}
	for _, w := range r.Warnings {
		cov[string(w.Code)]++
	}
}

// propHas reports whether vs holds a violation of prop.
func propHas(vs []propViolation, prop string) bool {
	for _, v := range vs {
		if v.prop == prop {
			return true
		}
	}
	return false
}

// TestSettleProperties settles random claims under each test policy and checks
// properties 1, 2, 3, 5 and 6 on each.
func TestSettleProperties(t *testing.T) {
	for i, pp := range propPolicies(t) {
		t.Run(pp.name, func(t *testing.T) {
			t.Parallel()
			p := pp.c
			g := &propGen{r: rand.New(rand.NewPCG(20250101, uint64(i))), p: p}
			rep := newPropReport()
			cov := map[string]int{}
			settled := 0
			for n := 0; n < pp.claims; n++ {
				c := g.claim(n)
				before, err := json.Marshal(&c)
				if err != nil {
					t.Fatal(err)
				}
				r, err := settle.Run(p, &c)
				if err != nil {
					t.Fatalf("generated claim %d is invalid: %v\n%s", n, err, before)
				}
				settled++
				propCount(cov, r)

				// Properties 1–3.
				for _, v := range propCheck(&c, r) {
					prop := v.prop
					rep.add(prop, v.detail, func() string { return propShrunk(p, &c, prop) })
				}

				// Property 6: deterministic, independent of the input's memory, and the
				// input is left alone.
				out1, err := json.Marshal(r)
				if err != nil {
					t.Fatal(err)
				}
				if after, _ := json.Marshal(&c); !bytes.Equal(before, after) {
					rep.add(propDeterminism, "settle.Run modified its claim", func() string {
						return "before: " + string(before) + "\n    after: " + string(after)
					})
				}
				r2, err := settle.Run(p, &c)
				if err != nil {
					t.Fatal(err)
				}
				if out2, _ := json.Marshal(r2); !bytes.Equal(out1, out2) {
					rep.add(propDeterminism, "two runs differ", func() string { return "claim: " + string(before) })
				}
				wire1, err1 := codec.Encode(r)
				wire2, err2 := codec.Encode(r2)
				if err1 != nil || err2 != nil || !bytes.Equal(wire1, wire2) {
					rep.add(propDeterminism, fmt.Sprintf("codec.Encode of two runs differs (%v, %v)", err1, err2),
						func() string { return "claim: " + string(before) })
				}
				cp := propClone(&c)
				r3, err := settle.Run(p, &cp)
				if err != nil {
					t.Fatalf("deep copy fails: %v", err)
				}
				if out3, _ := json.Marshal(r3); !bytes.Equal(out1, out3) {
					rep.add(propDeterminism, "a deep copy settles differently", func() string {
						out3, _ := json.Marshal(r3)
						return "claim: " + string(before) + "\n    original: " + string(out1) + "\n    copy:     " + string(out3)
					})
				}

				// Property 5: more class-A cost never lowers what the funds pay: a random
				// increase on one class-A line, and the same person and visit with a
				// one-line bill just below and then at or just past a point where the
				// policy's arithmetic changes.
				delta := money.Fen(g.fen(5_000_000))
				more := propClone(&c)
				at := -1
				for _, j := range g.r.Perm(len(more.Items)) {
					if more.Items[j].Class == claim.ClassA {
						at = j
						break
					}
				}
				if at < 0 {
					more.Items = append(more.Items, claim.Item{Code: "EXTRA", Kind: claim.KindTreatment, Class: claim.ClassA})
					at = len(more.Items) - 1
				}
				more.Items[at].Amount = more.Items[at].Amount.Add(delta)
				propMonotone(t, rep, p, &c, &more, fmt.Sprintf("adding %s to class-A item %d", delta, at))
				below, above := g.edgeProbe(propEdges(p, &c, r))
				lo, hi := propClone(&c), propClone(&c)
				lo.Items = []claim.Item{{Code: "EDGE", Kind: claim.KindTreatment, Class: claim.ClassA, Amount: below}}
				hi.Items = []claim.Item{{Code: "EDGE", Kind: claim.KindTreatment, Class: claim.ClassA, Amount: above}}
				propMonotone(t, rep, p, &lo, &hi, fmt.Sprintf("raising a one-line bill from %s to %s", below, above))
			}
			t.Logf("%d claims settled; coverage: %v", settled, cov)
			rep.subtests(t, settled, propAccounting, propNonNegative, propFundBounds, propMonotonic, propDeterminism)
		})
	}
}

// propCapBound is the most a pool may have paid in the year for the person: its cap,
// or a benefit's annual cap on the pool where that is higher (it replaces the pool's
// cap for its visits), raised by the continuity step reached when the pool takes the
// bonus (rounded up).
func propCapBound(p *policy.Compiled, pool *policy.Pool, c *claim.Claim) money.Amount {
	cap := pool.Cap
	for _, b := range p.Policy().Benefits {
		if b.Pool == pool.ID && b.AnnualCap != nil {
			cap = money.Max(cap, *b.AnnualCap)
		}
	}
	if k := p.Policy().Continuity; pool.ContinuityBonus && k != nil {
		st := enroll.Check(p, c.Person.Category, c.Person.Enrollment, c.Date(p))
		var bonus money.Rate
		for _, step := range k.CapSteps {
			if st.Continuous >= step.Years {
				bonus = step.Bonus
			}
		}
		cap = cap.Add(cap.Mul(bonus)).Round(p.Policy().Rounding.Scale, money.Up)
	}
	return cap
}

// propCapViolations checks property 4 on one result: no pool or layer has paid more
// than its cap for the year.
func propCapViolations(p *policy.Compiled, c *claim.Claim, r *settle.Result) []string {
	var out []string
	pol := p.Policy()
	for _, f := range r.TotalsAfter.Funds {
		if pool, ok := p.Pool(f.Fund); ok {
			if bound := propCapBound(p, pool, c); f.Paid.Cmp(bound) > 0 {
				out = append(out, fmt.Sprintf("pool %s has paid %s, above its cap %s", f.Fund, f.Paid, bound))
			}
		}
		for i := range pol.Layers {
			if l := &pol.Layers[i]; l.ID == f.Fund && l.Cap != nil && f.Paid.Cmp(*l.Cap) > 0 {
				out = append(out, fmt.Sprintf("layer %s has paid %s, above its cap %s", f.Fund, f.Paid, *l.Cap))
			}
		}
	}
	return out
}

// TestSettleCapsAcrossYear settles 1–15 successive claims for one person, feeding each
// result's TotalsAfter into the next claim, and checks property 4 after each claim
// (and properties 1–3 on the way). When the next claim rejects the totals ("ledger"),
// the funds the policy does not know are dropped so the year can go on.
func TestSettleCapsAcrossYear(t *testing.T) {
	for i, pp := range propPolicies(t) {
		t.Run(pp.name, func(t *testing.T) {
			t.Parallel()
			p := pp.c
			g := &propGen{r: rand.New(rand.NewPCG(20251231, uint64(i))), p: p}
			rep := newPropReport()
			cov := map[string]int{}
			settled := 0
			for s := 0; s < pp.sequences; s++ {
				person := g.person()
				totals := g.totals()
				for k, n := 0, 1+g.r.IntN(15); k < n; k++ {
					c := claim.Claim{ID: fmt.Sprintf("S%03d-%02d", s, k), Person: person, Visit: g.visit(), Items: g.items(), Totals: totals}
					r, err := settle.Run(p, &c)
					if err != nil && k > 0 {
						// The previous result's TotalsAfter was rejected as this claim's
						// Totals: the ledger could not go on. Report it, then drop the
						// funds the policy does not know so the caps are still checked
						// for the rest of the year.
						rep.add(propLedger, fmt.Sprintf("claim %d of a sequence: the previous claim's totalsAfter is rejected: %v", k+1, err),
							func() string { return "totals: " + propJSON(&c.Totals) })
						var known []claim.FundTotal
						for _, f := range c.Totals.Funds {
							if p.HasFund(f.Fund) {
								known = append(known, f)
							}
						}
						c.Totals.Funds = known
						r, err = settle.Run(p, &c)
					}
					if err != nil {
						t.Fatalf("claim %d of sequence %d is invalid: %v\n%s", k+1, s, err, propJSON(&c))
					}
					settled++
					propCount(cov, r)
					for _, v := range propCapViolations(p, &c, r) {
						rep.add(propCaps, v, func() string {
							min := propShrink(&c, func(c *claim.Claim) bool {
								r, err := settle.Run(p, c)
								return err == nil && len(propCapViolations(p, c, r)) > 0
							})
							r, _ := settle.Run(p, &min)
							return "smallest claim found: " + propJSON(&min) + "\n    its result: " + propSummary(r)
						})
					}
					for _, v := range propCheck(&c, r) {
						rep.add(v.prop, v.detail, func() string { return propShrunk(p, &c, v.prop) })
					}
					totals = r.TotalsAfter
				}
			}
			t.Logf("%d claims settled in %d sequences; coverage: %v", settled, pp.sequences, cov)
			rep.subtests(t, settled, propCaps, propLedger, propAccounting, propNonNegative, propFundBounds)
		})
	}
}

// propSeeds are the seed corpus of FuzzSettle: hand-written claims for each route.
var propSeeds = []string{
	// Inpatient at the county hospital, class A, B and self-paid lines.
	`{"id":"F1","person":{"id":"640221198001010015","category":"ordinary","birthDate":"1980-01-01",
	  "enrollment":[{"year":2024,"tier":"t1","paidOn":"2023-12-01"},{"year":2025,"tier":"t1","paidOn":"2024-12-01"}]},
	 "visit":{"type":"inpatient","class":"county","referral":false,"admission":"2025-03-01","discharge":"2025-03-10"},
	 "items":[{"code":"A1","kind":"drug","class":"A","amount":"8432.00","overLimit":"0"},
	          {"code":"B1","kind":"material","class":"B","amount":"1200.55","overLimit":"100"},
	          {"code":"S1","kind":"other","class":"self","amount":"99.99","overLimit":"0"}],
	 "totals":{"year":2025,"funds":[{"fund":"inpatient","paid":"3000","base":"0","deductible":"0","visits":1}],
	           "admissions":[{"class":"county","count":1}],"familyAccount":"30"}}`,
	// Single disease below its price, out of county with no referral.
	`{"person":{"id":"640221198001010015","category":"dibao","birthDate":"1980-01-01",
	  "enrollment":[{"year":2025,"tier":"t2","paidOn":"2024-12-01"}]},
	 "visit":{"type":"inpatient","class":"township","referral":false,"admission":"2025-05-01","discharge":"2025-05-03","disease":"K35"},
	 "items":[{"code":"A1","kind":"treatment","class":"A","amount":"1500","overLimit":"0"}],
	 "totals":{"year":0,"funds":[],"admissions":[],"familyAccount":"0"}}`,
	// Maternity.
	`{"person":{"id":"640221199502020026","category":"ordinary","birthDate":"1995-02-02","familyPlanning":true,
	  "enrollment":[{"year":2023,"tier":"t1","paidOn":"2022-12-01"},{"year":2024,"tier":"t2","paidOn":"2023-12-01"},{"year":2025,"tier":"t2","paidOn":"2024-12-01"}]},
	 "visit":{"type":"maternity","class":"county","referral":true,"admission":"2025-06-01","discharge":"2025-06-04","delivery":"normal"},
	 "items":[{"code":"A1","kind":"bed","class":"A","amount":"2600","overLimit":"0"}],
	 "totals":{"year":2025,"funds":[],"admissions":[],"familyAccount":"0"}}`,
	// Outpatient with a family account balance.
	`{"person":{"id":"640221198001010015","category":"wubao","birthDate":"1980-01-01",
	  "enrollment":[{"year":2025,"tier":"t1","paidOn":"2024-11-01"}]},
	 "visit":{"type":"outpatient","class":"village","referral":false,"admission":"2025-02-01","discharge":""},
	 "items":[{"code":"A1","kind":"drug","class":"A","amount":"85.50","overLimit":"0"},{"code":"B1","kind":"drug","class":"B","amount":"20","overLimit":"0"}],
	 "totals":{"year":2025,"funds":[{"fund":"outpatient","paid":"390","base":"0","deductible":"0","visits":12}],"admissions":[],"familyAccount":"12.34"}}`,
	// Special outpatient, a large year so far under the catastrophic layer.
	`{"person":{"id":"640221196001010018","category":"ordinary","birthDate":"1960-01-01",
	  "enrollment":[{"year":2025,"tier":"t2","paidOn":"2024-12-31"}]},
	 "visit":{"type":"special_outpatient","class":"city","referral":true,"admission":"2025-09-09","discharge":""},
	 "items":[{"code":"A1","kind":"exam","class":"A","amount":"199999.99","overLimit":"0.01"}],
	 "totals":{"year":2025,"funds":[{"fund":"inpatient","paid":"49000","base":"0","deductible":"600","visits":3},
	           {"fund":"catastrophic","paid":"1000","base":"80000","deductible":"0","visits":2}],"admissions":[],"familyAccount":"0"}}`,
}

// FuzzSettle decodes a claim from JSON and settles it under every test policy: the
// engine must never panic, must return core errors for bad input, and must keep
// properties 1–3 on every settlement.
func FuzzSettle(f *testing.F) {
	for _, s := range propSeeds {
		f.Add([]byte(s))
	}
	// Generated claims under the full policy add every visit type and odd totals.
	all := propPolicies(f)
	g := &propGen{r: rand.New(rand.NewPCG(7, 7)), p: all[2].c} // the full policy
	for n := 0; n < 8; n++ {
		c := g.claim(n)
		f.Add([]byte(propJSON(&c)))
	}
	var pols []*policy.Compiled
	for _, pp := range all {
		pols = append(pols, pp.c)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var c claim.Claim
		if propDecode(data, &c) != nil {
			t.Skip()
		}
		for _, p := range pols {
			before := propJSON(&c)
			r, err := settle.Run(p, &c)
			if after := propJSON(&c); after != before {
				t.Errorf("policy %s: settle.Run modified the claim:\n%s\n%s", p.ID(), before, after)
			}
			if err != nil {
				for _, e := range core.AsErrors(err) {
					if e.Code == core.EngineInternal {
						t.Errorf("policy %s: error is not a core error: %v", p.ID(), err)
					}
				}
				continue
			}
			for _, v := range propCheck(&c, r) {
				t.Errorf("policy %s: %s: %s\n%s", p.ID(), v.prop, v.detail, propSummary(r))
			}
		}
	})
}

// propMinimal is the smallest policy for the regression tests below: one class, one
// category, one pool and a flat 60% on inpatient care with no deductible.
func propMinimal() policy.Policy {
	p := propCommon("prop-minimal")
	p.Classes = p.Classes[2:3] // county
	p.Categories = p.Categories[:1]
	p.Catalogue = policy.Catalogue{ClassB: propRate("0")}
	p.Pools = []policy.Pool{{ID: "inpatient", Name: "住院统筹基金", Cap: propAmt("50000")}}
	p.Benefits = []policy.Benefit{{
		ID: "inpatient", Name: "住院", VisitTypes: []string{string(policy.VisitInpatient), string(policy.VisitMaternity)},
		Pool: "inpatient", Kind: policy.KindRatio,
		Deductible: policy.Deductible{Basis: policy.NoDeductible},
		Ratio:      propBands(policy.Excess, policy.AxisCost, "0", "0.60"),
	}}
	return p
}

// propMinimalClaim is one county inpatient stay of one class-A line, for a person
// enrolled in 2024 and 2025.
func propMinimalClaim(amount string) claim.Claim {
	return claim.Claim{
		Person: claim.Person{
			ID: "640221198001010015", Category: "ordinary", Birth: civil.MustParse("1980-01-01"), FamilyPlanning: true,
			Enrollment: []enroll.Year{
				{Year: 2024, PaidOn: civil.MustParse("2023-12-01")},
				{Year: 2025, PaidOn: civil.MustParse("2024-12-01")},
			},
		},
		Visit: claim.Visit{Type: policy.VisitInpatient, Class: "county", Admission: civil.MustParse("2025-03-01")},
		Items: []claim.Item{{Code: "A1", Kind: claim.KindTreatment, Class: claim.ClassA, Amount: propAmt(amount)}},
	}
}

// TestPropRegressionYuanRounding guards the overpayments the property tests found in
// policies that pay in whole yuan (rounding scale 0, which Validate accepts): the funds
// must never pay more than the bill. Each case is the smallest claim the shrinker found,
// one class-A line of a few yuan; before the fixes:
//
//   - benefit: a flat 60% of 0.94 is 0.564, rounded to 1.00, above the base 0.94
//     (cash −0.06);
//   - top_up_after_basic: 60% of 3.90 is 2.34 → 2.00; a 90% top-up then owed 1.51 and
//     rounded it to 2.00, within its own base (the whole scope, 3.90) but above the 1.90
//     the patient still owed: the funds paid 4.00 of 3.90 (cash −0.10);
//   - single_disease: the proportional fixed payment 0.90 × 2000 ÷ 2800 = 0.64 rounded
//     to 1.00 on a 0.90 bill (cash −0.10);
//   - single_disease_then_layer: as above, and a catastrophic layer after it took the
//     negative remainder as its base and paid −0.10, hiding the overpayment (cash
//     0.00) and writing a negative paid amount into totalsAfter.
func TestPropRegressionYuanRounding(t *testing.T) {
	disease := func(p *policy.Policy, c *claim.Claim) {
		p.SingleDiseases = []policy.SingleDisease{{
			Code: "K35", Name: "阑尾炎", Fund: propAmt("2000"), Patient: propAmt("800"),
			Below: policy.BelowProportional, Outside: policy.OutsideRegular,
		}}
		c.Visit.Disease = "K35"
	}
	for _, tc := range []struct {
		name   string
		amount string
		edit   func(*policy.Policy, *claim.Claim)
	}{
		{"benefit", "0.94", func(*policy.Policy, *claim.Claim) {}},
		{"top_up_after_basic", "3.90", func(p *policy.Policy, _ *claim.Claim) {
			p.Layers = []policy.Layer{{
				ID: "aid", Name: "医疗救助", Kind: policy.LayerAssistance, VisitTypes: []string{string(policy.VisitInpatient)},
				Base: policy.BaseScope, Basis: policy.BasisClaim, Mode: policy.ModeTopUp, Target: propRate("0.90"),
			}}
		}},
		{"single_disease", "0.90", disease},
		{"single_disease_then_layer", "0.90", func(p *policy.Policy, c *claim.Claim) {
			disease(p, c)
			p.Layers = []policy.Layer{{
				ID: "catastrophic", Name: "大病保险", Kind: policy.LayerCatastrophic, VisitTypes: []string{string(policy.VisitInpatient)},
				Base: policy.BaseScopePersonal, Basis: policy.BasisClaim, Mode: policy.ModeRatio,
				Ratio: propBands(policy.Excess, policy.AxisCost, "0", "0.50"),
			}}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pol := propMinimal()
			pol.Rounding = policy.Rounding{Scale: 0, Mode: money.HalfUp, PreSelfPay: "total"}
			c := propMinimalClaim(tc.amount)
			tc.edit(&pol, &c)
			p := propCompile(t, pol)
			r, err := settle.Run(p, &c)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range propCheck(&c, r) {
				t.Errorf("%s: %s", v.prop, v.detail)
			}
			if t.Failed() {
				t.Logf("claim: %s\nresult: %s", propJSON(&c), propSummary(r))
			}
		})
	}
}

// TestPropRegressionTotalsAfterUnknownFund guards the ledger round trip the sequence
// property found broken: a single-disease price or a maternity subsidy without a pool
// was recorded in TotalsAfter under a made-up fund ("single_disease", "maternity") that
// the claim validator then rejected (claim_unknown_fund) when TotalsAfter was passed
// into the person's next claim.
func TestPropRegressionTotalsAfterUnknownFund(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*policy.Policy, *claim.Claim)
	}{
		{"single_disease", func(p *policy.Policy, c *claim.Claim) {
			p.SingleDiseases = []policy.SingleDisease{{
				Code: "J18", Name: "肺炎", Fund: propAmt("1500"), Patient: propAmt("600"),
				Below: policy.BelowProportional, Outside: policy.OutsideRegular,
			}}
			c.Visit.Disease = "J18"
		}},
		{"maternity", func(p *policy.Policy, c *claim.Claim) {
			p.Maternity = &policy.Maternity{Subsidies: []policy.Subsidy{{Delivery: string(policy.DeliveryNormal), Amount: propAmt("300")}}}
			c.Visit.Type, c.Visit.Delivery = policy.VisitMaternity, policy.DeliveryNormal
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pol := propMinimal()
			c := propMinimalClaim("1000")
			tc.edit(&pol, &c)
			p := propCompile(t, pol)
			r, err := settle.Run(p, &c)
			if err != nil {
				t.Fatal(err)
			}
			next := c
			next.Totals = r.TotalsAfter
			if _, err := settle.Run(p, &next); err != nil {
				t.Errorf("the first claim's totalsAfter %s is rejected as the next claim's totals: %v",
					propJSON(&r.TotalsAfter), err)
			}
		})
	}
}
