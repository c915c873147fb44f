package identity_test

import (
	"testing"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
)

// testPolicy compiles the smallest valid policy with Gansu's card rules (5元 a card,
// none from 60, age on 1 January), after edit changes it.
func testPolicy(t testing.TB, edit func(*policy.Policy)) *policy.Compiled {
	t.Helper()
	p := policy.Policy{
		Schema:     policy.Schema,
		ID:         "test-identity",
		Version:    "1",
		Name:       "identity test policy",
		Region:     "640221",
		Scheme:     "ncms",
		Effective:  policy.Period{From: civil.MustParse("2025-01-01")},
		VisitDate:  "admission",
		Source:     "test",
		Rounding:   policy.Rounding{Scale: 2, Mode: money.HalfUp, PreSelfPay: "line"},
		Classes:    []policy.Class{{Code: "county", Name: "county hospital", Level: "county", InCounty: true, Designated: true}},
		Categories: []policy.Category{{Code: "ordinary", Name: "ordinary"}},
		Catalogue:  policy.Catalogue{ClassB: money.MustRate("0")},
		Pools:      []policy.Pool{{ID: "basic", Name: "basic", Cap: money.MustAmount("100000")}},
		Benefits: []policy.Benefit{{
			ID:         "inpatient",
			Name:       "inpatient",
			VisitTypes: []string{string(policy.VisitInpatient)},
			Pool:       "basic",
			Kind:       policy.KindRatio,
			Deductible: policy.Deductible{Basis: policy.NoDeductible},
			Ratio: policy.Schedule{
				Method: policy.Excess,
				Axis:   policy.AxisCost,
				Bands:  []policy.Band{{From: money.MustAmount("0"), Rate: money.MustRate("0.5")}},
			},
		}},
		Cards: policy.Cards{
			Issuers:      []string{"622848"},
			Certificate:  `6201[0-9]{8}`,
			Fee:          money.MustAmount("5"),
			FeeExemptAge: 60,
			FeeAgeOn:     "year_start",
		},
		Reports: policy.Reports{PerCapita: policy.Rounding{Scale: 2, Mode: money.HalfUp}},
	}
	if edit != nil {
		edit(&p)
	}
	c, err := policy.Compile(p)
	if err != nil {
		for _, e := range core.AsErrors(err) {
			t.Errorf("policy: %s", e)
		}
		t.FailNow()
	}
	return c
}

// want is an expected error by code and path; messages are not a contract.
type want struct {
	code core.Code
	path string
}

// checkErrors compares got with want in order.
func checkErrors(t *testing.T, got core.Errors, want []want) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d errors, want %d", len(got), len(want))
	}
	for i := 0; i < len(got) || i < len(want); i++ {
		var g, w string
		if i < len(got) {
			g = string(got[i].Code) + " at " + got[i].Path
		}
		if i < len(want) {
			w = string(want[i].code) + " at " + want[i].path
		}
		if g != w {
			t.Errorf("error %d: got %q, want %q", i, g, w)
		}
	}
}

// codeOf returns the code and path of a single error, or empty strings for nil.
func codeOf(t *testing.T, err error) (core.Code, string) {
	t.Helper()
	if err == nil {
		return "", ""
	}
	e, ok := err.(*core.Error)
	if !ok {
		t.Fatalf("error %T is not *core.Error: %v", err, err)
	}
	return e.Code, e.Path
}
