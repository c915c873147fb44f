package policy_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/codec"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
)

// fuzzPingluo is Pingluo county's inpatient scheme (RULES.md §2.1), as a host sends it.
const fuzzPingluo = `{
  "schema": 1, "id": "test-pingluo", "version": "1", "name": "平罗县新农合住院补偿（测试）",
  "region": "640221", "scheme": "ncms", "effective": {"from": "2025-01-01", "to": ""},
  "visitDate": "admission", "source": "RULES.md §2.1",
  "rounding": {"scale": 2, "mode": "half_up", "preSelfPay": "line"},
  "facilityClasses": [
    {"code": "county", "name": "县级医院", "level": "county", "inCounty": true, "designated": true},
    {"code": "outside", "name": "县外医院", "level": "other", "inCounty": false, "designated": true}],
  "categories": [{"code": "general", "name": "一般人员", "ratePoints": "0"}],
  "catalogue": {"classB": "0.1"},
  "enrollment": {"required": true, "firstWaitMonths": 0, "lapseMonths": 0, "lapseWaitMonths": 0, "upgradeWaitMonths": 0},
  "pools": [{"id": "inpatient", "name": "住院统筹基金", "cap": "4000"}],
  "benefits": [{
    "id": "inpatient", "name": "住院补偿", "visitTypes": ["inpatient"], "pool": "inpatient", "kind": "ratio",
    "deductible": {"basis": "admission", "first": "300"},
    "ratio": {"method": "whole", "axis": "cost", "bands": [
      {"from": "0", "rate": "0.20"}, {"from": "1000", "rate": "0.25"}, {"from": "1500", "rate": "0.30"},
      {"from": "2000", "rate": "0.35"}, {"from": "2500", "rate": "0.40"}, {"from": "3000", "rate": "0.45"},
      {"from": "3500", "rate": "0.50"}, {"from": "4000", "rate": "0.55"}]},
    "referral": {"required": true, "missing": "refuse", "points": "0"}}],
  "cards": {"issuers": ["622848"], "certificate": "6402[0-9]{8}", "fee": "5", "feeExemptAge": 60, "feeAgeOn": "year_start"},
  "audit": {"drugShare": "0.45"},
  "reports": {"perCapita": {"scale": 2, "mode": "down"}}
}`

func fuzzAmt(s string) money.Amount   { return money.MustAmount(s) }
func fuzzAmtP(s string) *money.Amount { a := money.MustAmount(s); return &a }
func fuzzRate(s string) money.Rate    { return money.MustRate(s) }

// fuzzFull is a policy that uses every section: tiers, continuity, capped-fee care,
// single diseases, maternity, every layer mode and the family account.
func fuzzFull() policy.Policy {
	flat := func(rate string) policy.Schedule {
		return policy.Schedule{Method: policy.Excess, Axis: policy.AxisCost, Bands: []policy.Band{{From: fuzzAmt("0"), Rate: fuzzRate(rate)}}}
	}
	return policy.Policy{
		Schema: policy.Schema, ID: "fuzz-full", Version: "2025.1", Name: "全功能测试方案", Region: "410100", Scheme: "resident",
		Effective: policy.Period{From: civil.MustParse("2025-01-01"), To: civil.MustParse("2025-12-31")},
		VisitDate: "discharge", Source: "RULES.md §2.3", Illustrative: true, Notes: []string{"test"},
		Rounding: policy.Rounding{Scale: 2, Mode: money.HalfEven, PreSelfPay: "total"},
		Classes: []policy.Class{
			{Code: "township", Name: "乡镇卫生院", Level: "township", InCounty: true, Designated: true},
			{Code: "level3", Name: "三级医院", Level: "level3", InCounty: false, Designated: true},
		},
		Categories: []policy.Category{
			{Code: "ordinary", Name: "一般"},
			{Code: "minor", Name: "未成年人", BenefitTier: "t2"},
			{Code: "dibao", Name: "低保", RatePoints: fuzzRate("-0.05")},
		},
		Tiers: []policy.Tier{
			{Code: "t1", Name: "一档", Contribution: fuzzAmt("150"), Individual: fuzzAmt("30")},
			{Code: "t2", Name: "二档", Contribution: fuzzAmt("240"), Individual: fuzzAmt("120")},
		},
		Catalogue:  policy.Catalogue{ClassB: fuzzRate("0.1"), ClassBByKind: []policy.KindRate{{Kind: "drug", Rate: fuzzRate("0.15")}}},
		Enrollment: policy.Enrollment{Required: true, FirstWaitMonths: 3, LapseMonths: 6, LapseWaitMonths: 4, UpgradeWaitMonths: 3},
		Continuity: &policy.Continuity{
			CountVisitYear: true, RateAfterYears: 3, RateStep: fuzzRate("0.01"), RateMax: fuzzRate("0.1"),
			CapSteps: []policy.CapStep{{Years: 5, Bonus: fuzzRate("0.1")}, {Years: 10, Bonus: fuzzRate("0.2")}},
		},
		Pools: []policy.Pool{
			{ID: "inpatient", Name: "住院", Cap: fuzzAmt("50000"), ContinuityBonus: true},
			{ID: "outpatient", Name: "门诊", Cap: fuzzAmt("400")},
		},
		Benefits: []policy.Benefit{
			{
				ID: "in", Name: "住院", VisitTypes: []string{string(policy.VisitInpatient)}, Tiers: []string{"t1", "t2"}, Pool: "inpatient",
				Kind:       policy.KindRatio,
				Deductible: policy.Deductible{Basis: policy.PerAdmission, First: fuzzAmt("350"), Later: fuzzAmtP("250"), Count: policy.CountAll},
				Ratio: policy.Schedule{Method: policy.Whole, Axis: policy.AxisAbove, Bands: []policy.Band{
					{From: fuzzAmt("0"), Rate: fuzzRate("0.5")}, {From: fuzzAmt("1000.50"), Rate: fuzzRate("0.6555")}}},
				VisitCap: fuzzAmtP("30000"), AnnualCap: fuzzAmtP("40000"),
				Referral:        policy.Referral{Required: true, Missing: policy.ReferralReduce, Points: fuzzRate("0.1")},
				ContinuityBonus: true,
			},
			{
				ID: "out", Name: "门诊", VisitTypes: []string{string(policy.VisitOutpatient)}, Classes: []string{"township"},
				Categories: []string{"ordinary", "minor"}, Pool: "outpatient", Kind: policy.KindCappedFee,
				Deductible:   policy.Deductible{Basis: policy.NoDeductible},
				PatientLimit: fuzzAmtP("10"), VisitCap: fuzzAmtP("50"),
			},
			{
				ID: "special", Name: "慢病", VisitTypes: []string{string(policy.VisitSpecialOutpatient)}, Pool: "inpatient",
				Kind: policy.KindRatio, Deductible: policy.Deductible{Basis: policy.PerYear, First: fuzzAmt("600")},
				Ratio: flat("0.6"),
			},
		},
		SingleDiseases: []policy.SingleDisease{
			{Code: "K35", Name: "阑尾炎", Fund: fuzzAmt("2000"), Patient: fuzzAmt("800"), Classes: []string{"township"},
				InCountyOnly: true, Below: policy.BelowProportional, Outside: policy.OutsideRegular, Pool: "inpatient"},
			{Code: "O80", Name: "顺产", Fund: fuzzAmt("1000"), Patient: fuzzAmt("0"),
				Below: policy.BelowFundFirst, Outside: policy.OutsideRefuse},
		},
		Maternity: &policy.Maternity{
			MinYearsPaid: 1, RequireFamilyPlanning: true, Pool: "inpatient",
			Subsidies: []policy.Subsidy{
				{Delivery: string(policy.DeliveryNormal), Tier: "t1", Amount: fuzzAmt("300")},
				{Delivery: string(policy.DeliveryDifficult), Amount: fuzzAmt("400")},
			},
		},
		Layers: []policy.Layer{
			{ID: "cat", Name: "大病保险", Kind: policy.LayerCatastrophic, VisitTypes: []string{string(policy.VisitInpatient)},
				Base: policy.BaseScopePersonal, Basis: policy.BasisYear, Mode: policy.ModeRatio, Threshold: fuzzAmt("15000"),
				Ratio: flat("0.5"), Cap: fuzzAmtP("200000")},
			{ID: "topup", Name: "二次补偿", Kind: policy.LayerTopUp, VisitTypes: []string{string(policy.VisitInpatient)},
				SingleDiseaseOnly: true, Base: policy.BaseTotal, Basis: policy.BasisClaim, Mode: policy.ModeTopUp,
				Target: fuzzRate("0.7")},
			{ID: "aid", Name: "医疗救助", Kind: policy.LayerAssistance, VisitTypes: []string{string(policy.VisitInpatient)},
				Categories: []string{"dibao"}, Base: policy.BaseScope, Basis: policy.BasisClaim, Mode: policy.ModeTopUp,
				Target: fuzzRate("0.9"), Cap: fuzzAmtP("10000")},
		},
		FamilyAccount: &policy.FamilyAccount{PerPerson: fuzzAmt("8"), VisitTypes: []string{string(policy.VisitOutpatient)}, Covers: policy.BaseScopePersonal},
		Cards:         policy.Cards{Certificate: `[0-9]{12}`, Fee: fuzzAmt("5"), FeeExemptAge: 60, FeeAgeOn: "date"},
		Audit:         policy.Audit{DrugShare: fuzzRate("0.45")},
		Reports:       policy.Reports{PerCapita: policy.Rounding{Scale: 3, Mode: money.Down}},
	}
}

// FuzzDecodePolicy checks the policy round trip through the one codec: any JSON that
// decodes strictly and compiles must encode to JSON that decodes and compiles again to
// the same hash, and nothing on the way may panic.
func FuzzDecodePolicy(f *testing.F) {
	doc := fuzzFull()
	full, err := codec.Encode(&doc)
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(fuzzPingluo))
	f.Add(full)
	f.Add([]byte(strings.Replace(fuzzPingluo, `"whole"`, `"excess"`, 1)))
	f.Add([]byte(strings.Replace(fuzzPingluo, `"from": "2025-01-01", "to": ""`, `"from": "2025-01-01", "to": "2024-12-31"`, 1)))
	f.Add([]byte(`{"schema":1}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var p1 policy.Policy
		if codec.Decode(data, &p1) != nil {
			return
		}
		c1, err := policy.Compile(p1)
		if err != nil {
			return
		}
		out, err := codec.Encode(&p1)
		if err != nil {
			t.Fatalf("compiled policy does not encode: %v", err)
		}
		if !bytes.Equal(out, c1.Canonical()) {
			t.Errorf("the encoding differs from the canonical form:\n%s\n%s", out, c1.Canonical())
		}
		var p2 policy.Policy
		if err := codec.Decode(out, &p2); err != nil {
			t.Fatalf("the policy's own JSON does not decode: %v\n%s", err, out)
		}
		c2, err := policy.Compile(p2)
		if err != nil {
			t.Fatalf("the policy's own JSON does not compile: %v\n%s", err, out)
		}
		if c1.Hash() != c2.Hash() {
			t.Errorf("hash changes on the round trip:\ninput:  %s\nfirst:  %s\nsecond: %s", data, c1.Canonical(), c2.Canonical())
		}
	})
}

// fuzzRoundTrip decodes, compiles, encodes, decodes and compiles again, and returns
// both canonical forms.
func fuzzRoundTrip(t *testing.T, data string) (first, second []byte) {
	t.Helper()
	var p1, p2 policy.Policy
	if err := codec.Decode([]byte(data), &p1); err != nil {
		t.Fatalf("decode: %v", err)
	}
	c1, err := policy.Compile(p1)
	if err != nil {
		t.Skipf("does not compile (%v): nothing to round-trip", err)
	}
	out, err := codec.Encode(&p1)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	if err := codec.Decode(out, &p2); err != nil {
		t.Fatalf("decode again: %v", err)
	}
	c2, err := policy.Compile(p2)
	if err != nil {
		t.Fatalf("compile again: %v", err)
	}
	return c1.Canonical(), c2.Canonical()
}

// TestFuzzRegressionUnvalidatedAmount guards the canonical form of schedules a rule
// does not apply. Validate used to check a schedule only where the arithmetic used it,
// so a capped-fee benefit's ratio could hold an amount written as a JSON number; Compile
// accepted the policy and wrote the number's text into the canonical form as a string
// ("0"), which decoded the second time as a valid amount written "0.00": the hash of
// the same policy changed on a round trip. Now every schedule is validated, so the
// policy is rejected at the amount; were it ever accepted again, it must round-trip to
// the same bytes.
func TestFuzzRegressionUnvalidatedAmount(t *testing.T) {
	in := strings.NewReplacer(
		`"kind": "ratio"`, `"kind": "capped_fee", "patientLimit": "100"`,
		`{"from": "0", "rate": "0.20"}`, `{"from": 0, "rate": "0.20"}`,
	).Replace(fuzzPingluo)
	var p policy.Policy
	if err := codec.Decode([]byte(in), &p); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if _, err := policy.Compile(p); err != nil {
		var errs core.Errors
		if !errors.As(err, &errs) || len(errs) == 0 || errs[0].Code != core.AmountInvalid ||
			errs[0].Path != "/benefits/0/ratio/bands/0/from" {
			t.Fatalf("Compile: want amount_invalid at /benefits/0/ratio/bands/0/from, got %v", err)
		}
		return
	}
	first, second := fuzzRoundTrip(t, in)
	if !bytes.Equal(first, second) {
		at := 0
		for at < len(first) && at < len(second) && first[at] == second[at] {
			at++
		}
		from := max(at-60, 0)
		t.Errorf("the canonical form changes on a round trip at byte %d:\nfirst:  …%s…\nsecond: …%s…",
			at, first[from:min(at+20, len(first))], second[from:min(at+20, len(second))])
	}
}

// TestFuzzRegressionCertificateNesting guards Compile against a panic: Validate used
// to compile the certificate pattern as given, but Compile wraps it in ^(?:…)$ and
// called regexp.MustCompile, which panicked when the wrapping crossed regexp's nesting
// limit (1000): a pattern of 999 nested groups passed validation and then panicked.
func TestFuzzRegressionCertificateNesting(t *testing.T) {
	pattern := strings.Repeat("(", 999) + "a" + strings.Repeat(")", 999)
	in := strings.Replace(fuzzPingluo, `"6402[0-9]{8}"`, `"`+pattern+`"`, 1)
	var p policy.Policy
	if err := codec.Decode([]byte(in), &p); err != nil {
		t.Fatalf("decode: %v", err)
	}
	defer func() {
		if v := recover(); v != nil {
			msg := fmt.Sprint(v)
			t.Errorf("policy.Compile panics instead of returning field_invalid at /cards/certificate: %.120s…", msg)
		}
	}()
	if _, err := policy.Compile(p); err == nil {
		t.Errorf("policy.Compile accepts a certificate pattern it cannot anchor")
	}
}
