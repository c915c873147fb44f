package policy_test

import (
	"testing"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/policy"
)

// TestNationalFundTypes checks the policy's national fund type mapping: what it
// accepts, what it refuses and where, and the code each fund gets.
func TestNationalFundTypes(t *testing.T) {
	type problem struct {
		code core.Code
		path string
	}
	for _, tc := range []struct {
		name  string
		types []policy.FundType
		cl    *policy.Clause
		want  []problem
		// got lists fund id, kind and the code FundType must give.
		got [][3]string
	}{
		{
			name: "defaults",
			got: [][3]string{{"inpatient", "basic", "390100"}, {"single_disease", "single_disease", "390100"},
				{"maternity", "maternity", "390100"}, {"x", "topup", "390100"}, {"x", "catastrophic", "390200"},
				{"x", "assistance", "610100"}, {"x", "oop_ceiling", "640100"}, {"x", "supplementary", "999997"}},
		},
		{
			name:  "mapped",
			types: []policy.FundType{{Fund: "inpatient", Type: "310100"}, {Fund: "single_disease", Type: "390100"}, {Fund: "maternity", Type: "510100"}},
			cl:    &policy.Clause{Number: "第十二条", Title: "结算信息上报"},
			got:   [][3]string{{"inpatient", "basic", "310100"}, {"maternity", "maternity", "510100"}, {"other", "catastrophic", "390200"}},
		},
		{
			name: "refused",
			types: []policy.FundType{{Fund: "inpatient", Type: "39010"}, {Fund: "nowhere", Type: "390100"},
				{Fund: "inpatient", Type: "390100"}, {Fund: "", Type: ""}, {Fund: "maternity", Type: "39O100"}},
			cl: &policy.Clause{},
			want: []problem{
				{core.FieldRequired, "/national/clause/title"},
				{core.FieldInvalid, "/national/fundTypes/0/type"},
				{core.PolicyReference, "/national/fundTypes/1/fund"},
				{core.PolicyDuplicate, "/national/fundTypes/2/fund"},
				{core.FieldRequired, "/national/fundTypes/3/fund"},
				{core.FieldRequired, "/national/fundTypes/3/type"},
				{core.FieldInvalid, "/national/fundTypes/4/type"},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := wordsPolicy(t, func(p *policy.Policy) {
				if tc.types != nil || tc.cl != nil {
					p.National = &policy.National{FundTypes: tc.types, Clause: tc.cl}
				}
			})
			var got []problem
			for _, e := range core.AsErrors(err) {
				got = append(got, problem{e.Code, e.Path})
			}
			if len(got) != len(tc.want) {
				t.Fatalf("problems %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("problem %d: %v, want %v", i, got[i], tc.want[i])
				}
			}
			for _, g := range tc.got {
				if code := c.FundType(g[0], g[1]); code != g[2] {
					t.Errorf("FundType(%s, %s) = %s, want %s", g[0], g[1], code, g[2])
				}
			}
		})
	}
}
