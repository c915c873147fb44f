package policy_test

import (
	"strings"
	"testing"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/codec"
	"github.com/ruralhealth/ncms/core/policy"
)

// wordsPolicy is the test Pingluo scheme with clauses on some parts and English
// names on others.
func wordsPolicy(t *testing.T, edit func(p *policy.Policy)) (*policy.Compiled, error) {
	t.Helper()
	var p policy.Policy
	if err := codec.Decode([]byte(fuzzPingluo), &p); err != nil {
		t.Fatal(err)
	}
	b := &p.Benefits[0]
	b.NameEn = "Inpatient care"
	b.Clause = &policy.Clause{Number: "第四条", Title: "住院补偿", NumberEn: "Art. 4", TitleEn: "Inpatient compensation"}
	b.Deductible.Clause = &policy.Clause{Number: "第五条", Title: "起付线"}
	p.Pools[0].NameEn = "Inpatient pool"
	p.Enrollment.Clause = &policy.Clause{Title: "参合"}
	if edit != nil {
		edit(&p)
	}
	return policy.Compile(p)
}

func TestClauseAndName(t *testing.T) {
	c, err := wordsPolicy(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ rule, lang, want string }{
		{"/benefits/0", "zh", "第四条 住院补偿"},
		{"/benefits/0", "en", "Art. 4 Inpatient compensation"},
		// The deepest clause on the path decides; without English the Chinese stands.
		{"/benefits/0/deductible/first", "zh", "第五条 起付线"},
		{"/benefits/0/deductible/first", "en", "第五条 起付线"},
		// No clause of its own: the benefit's.
		{"/benefits/0/ratio/bands/7", "en", "Art. 4 Inpatient compensation"},
		{"/benefits/0/referral", "zh", "第四条 住院补偿"},
		// A title alone.
		{"/enrollment/firstWaitMonths", "zh", "参合"},
		// No clause anywhere on the path: the name of the part, never the pointer.
		{"/pools/0/cap", "zh", "住院统筹基金"},
		{"/pools/0/cap", "en", "Inpatient pool"},
		{"/categories/0", "en", "一般人员"},
		{"/rounding", "zh", ""},
		{"/benefits/9/deductible", "zh", ""},
		{"/benefits/x", "zh", ""},
		{"", "zh", ""},
		{"/", "zh", ""},
	} {
		if got := c.Clause(tc.rule, tc.lang); got != tc.want {
			t.Errorf("Clause(%q, %s) = %q, want %q", tc.rule, tc.lang, got, tc.want)
		}
	}
	for _, tc := range []struct{ kind, id, lang, want string }{
		{policy.NameBenefit, "inpatient", "zh", "住院补偿"},
		{policy.NameBenefit, "inpatient", "en", "Inpatient care"},
		{policy.NameBenefit, "nope", "en", "nope"},
		{policy.NameFund, "inpatient", "en", "Inpatient pool"},
		{policy.NameFund, policy.FundMaternity, "zh", "住院分娩补助"},
		{policy.NameClass, "county", "en", "县级医院"},
		{policy.NameTier, "t1", "zh", "t1"},
		{policy.NameLayer, "inpatient", "zh", "inpatient"}, // a pool is not a layer
	} {
		if got := c.Name(tc.kind, tc.id, tc.lang); got != tc.want {
			t.Errorf("Name(%s, %q, %s) = %q, want %q", tc.kind, tc.id, tc.lang, got, tc.want)
		}
	}
}

// TestWordsValidated: names and clauses are text a counter screen can show, of
// bounded length; a clause needs a number or a title.
func TestWordsValidated(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(p *policy.Policy)
		code core.Code
		path string
	}{
		{"empty clause", func(p *policy.Policy) { p.Pools[0].Clause = &policy.Clause{NumberEn: "Art. 7"} },
			core.FieldRequired, "/pools/0/clause/title"},
		{"long title", func(p *policy.Policy) {
			p.Benefits[0].Ratio.Clause = &policy.Clause{Title: strings.Repeat("比", policy.MaxClauseTitle+1)}
		},
			core.FieldInvalid, "/benefits/0/ratio/clause/title"},
		{"long number", func(p *policy.Policy) { p.Enrollment.Clause.Number = strings.Repeat("1", policy.MaxClauseNumber+1) },
			core.FieldInvalid, "/enrollment/clause/number"},
		{"control character", func(p *policy.Policy) { p.Benefits[0].NameEn = "Inpatient\ncare" },
			core.FieldInvalid, "/benefits/0/nameEn"},
		{"invalid UTF-8", func(p *policy.Policy) { p.Classes[1].NameEn = "out\xffside" },
			core.FieldInvalid, "/facilityClasses/1/nameEn"},
		{"padded", func(p *policy.Policy) {
			p.Benefits[0].Referral.Clause = &policy.Clause{TitleEn: " Referral", Title: "转诊"}
		},
			core.FieldInvalid, "/benefits/0/referral/clause/titleEn"},
		{"long name", func(p *policy.Policy) { p.NameEn = strings.Repeat("n", policy.MaxName+1) },
			core.FieldInvalid, "/nameEn"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := wordsPolicy(t, tc.edit)
			es := core.AsErrors(err)
			if len(es) != 1 || es[0].Code != tc.code || es[0].Path != tc.path {
				t.Errorf("got %v, want %s at %s", err, tc.code, tc.path)
			}
		})
	}
	// At the limits the wording is accepted.
	_, err := wordsPolicy(t, func(p *policy.Policy) {
		p.NameEn = strings.Repeat("n", policy.MaxName)
		p.Pools[0].Clause = &policy.Clause{Number: strings.Repeat("十", policy.MaxClauseNumber), Title: strings.Repeat("封", policy.MaxClauseTitle)}
	})
	if err != nil {
		t.Errorf("wording at the limits: %v", err)
	}
}
