package settle_test

// Settlement tests against the example policies of core/policies. Every expected
// amount is worked out by hand in the comment above its case, from the policy text
// (RULES.md and the policy's JSON), never copied from the engine's output.
//
// Helpers carry an xp prefix so they cannot collide with other test files of the
// package.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/core/enroll"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policies"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/core/settle"
	"github.com/ruralhealth/ncms/core/trace"
)

// xpDecode returns the embedded policy document with the id, decoded strictly, for
// tests that build a variant of it.
func xpDecode(t testing.TB, id string) policy.Policy {
	t.Helper()
	for _, d := range policies.Documents() {
		dec := json.NewDecoder(bytes.NewReader(d.JSON))
		dec.DisallowUnknownFields()
		var p policy.Policy
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("%s: %v", d.Name, err)
		}
		if p.ID == id {
			return p
		}
	}
	t.Fatalf("no embedded policy %q", id)
	return policy.Policy{}
}

// xpPolicy compiles the embedded policy with the id, after edit changes it if given.
func xpPolicy(t testing.TB, id string, edit func(*policy.Policy)) *policy.Compiled {
	t.Helper()
	p := xpDecode(t, id)
	if edit != nil {
		edit(&p)
	}
	c, err := policy.Compile(p)
	if err != nil {
		for _, e := range core.AsErrors(err) {
			t.Errorf("policy %s: %s", id, e)
		}
		t.FailNow()
	}
	return c
}

// xpID builds a valid 18-character resident ID from a region, a birth date and a
// 3-digit sequence, with its MOD 11-2 check character.
func xpID(region, birth, seq string) string {
	first17 := region + strings.ReplaceAll(birth, "-", "") + seq
	c, err := identity.CheckChar(first17)
	if err != nil {
		panic(err)
	}
	return first17 + string(c)
}

// xpPerson is a person whose ID agrees with the birth date.
func xpPerson(region, birth, seq, category string, years []enroll.Year) claim.Person {
	return claim.Person{
		ID:         xpID(region, birth, seq),
		Category:   category,
		Birth:      civil.MustParse(birth),
		Enrollment: years,
	}
}

// xpYears lists enrollment from one year to another in a tier, each paid on 1
// December of the year before, as the collection drives run.
func xpYears(tier string, from, to int) []enroll.Year {
	var ys []enroll.Year
	for y := from; y <= to; y++ {
		ys = append(ys, enroll.Year{Year: y, Tier: tier, PaidOn: civil.New(y-1, time.December, 1)})
	}
	return ys
}

// xpYear is one enrollment year paid on a given day.
func xpYear(year int, tier, paidOn string) enroll.Year {
	return enroll.Year{Year: year, Tier: tier, PaidOn: civil.MustParse(paidOn)}
}

// xpStay is a week-long inpatient stay.
func xpStay(class, admission string) claim.Visit {
	a := civil.MustParse(admission)
	return claim.Visit{Type: policy.VisitInpatient, Class: class, Admission: a, Discharge: a.AddDays(7)}
}

// xpVisit is a visit of another type on one day.
func xpVisit(typ policy.VisitType, class, date string) claim.Visit {
	d := civil.MustParse(date)
	return claim.Visit{Type: typ, Class: class, Admission: d, Discharge: d}
}

// xpA is a bill of one class-A line.
func xpA(amount string) []claim.Item {
	return []claim.Item{{Code: "FEE-A", Kind: claim.KindTreatment, Class: claim.ClassA, Amount: money.MustAmount(amount)}}
}

// xpTotals are year-to-date totals for 2025 with one pool's payments and admissions.
func xpTotals(fund, paid string, admissions ...claim.ClassCount) claim.Totals {
	return claim.Totals{
		Year:       2025,
		Funds:      []claim.FundTotal{{Fund: fund, Paid: money.MustAmount(paid), Visits: len(admissions)}},
		Admissions: admissions,
	}
}

type xpFund struct{ fund, amount string }

// xpWant is the expected breakdown. Empty amounts mean 0.00; an empty scope or
// deductible is not checked.
type xpWant struct {
	route             settle.Route
	benefit           string
	scope, deductible string
	funds             []xpFund
	family, cash      string
	hospital          string
	warnings          []core.Code
	// after lists pools or layers whose year-to-date payments after the claim are checked.
	after []xpFund
	check func(t *testing.T, r *settle.Result)
}

type xpCase struct {
	name string
	// bug, when set, skips the case: it describes an engine bug the expectation
	// below shows the fix for.
	bug    string
	edit   func(*policy.Policy)
	person claim.Person
	visit  claim.Visit
	items  []claim.Item
	totals claim.Totals
	want   xpWant
}

func xpAmt(s string) money.Amount {
	if s == "" {
		return money.Amount{}
	}
	return money.MustAmount(s)
}

// xpRun settles a claim that must be valid.
func xpRun(t *testing.T, p *policy.Compiled, c claim.Claim) *settle.Result {
	t.Helper()
	r, err := settle.Run(p, &c)
	if err != nil {
		for _, e := range core.AsErrors(err) {
			t.Errorf("claim rejected: %s", e)
		}
		t.FailNow()
	}
	return r
}

func xpTable(t *testing.T, id string, cases []xpCase) {
	t.Helper()
	base := xpPolicy(t, id, nil)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.bug != "" {
				t.Skip(tc.bug)
			}
			p := base
			if tc.edit != nil {
				p = xpPolicy(t, id, tc.edit)
			}
			c := claim.Claim{ID: "T-" + strconv.Itoa(len(tc.name)), Person: tc.person, Visit: tc.visit, Items: tc.items, Totals: tc.totals}
			r := xpRun(t, p, c)
			xpCheck(t, c, r, tc.want)
		})
	}
}

// xpCheck compares the result with want and checks that every fen of the total is in
// exactly one of the funds, the family account, cash and the hospital.
func xpCheck(t *testing.T, c claim.Claim, r *settle.Result, w xpWant) {
	t.Helper()
	var total money.Amount
	for _, it := range c.Items {
		total = total.Add(it.Amount)
	}
	if r.Total.Cmp(total) != 0 {
		t.Errorf("total %s, want %s", r.Total, total)
	}
	if r.Route != w.route {
		t.Errorf("route %q, want %q", r.Route, w.route)
	}
	if w.benefit != "" && r.Benefit != w.benefit {
		t.Errorf("benefit %q, want %q", r.Benefit, w.benefit)
	}
	if w.scope != "" && r.Scope.String() != xpAmt(w.scope).String() {
		t.Errorf("scope %s, want %s", r.Scope, xpAmt(w.scope))
	}
	if w.deductible != "" && r.Deductible.String() != xpAmt(w.deductible).String() {
		t.Errorf("deductible %s, want %s", r.Deductible, xpAmt(w.deductible))
	}
	var wantFunds, gotFunds money.Amount
	if len(r.Funds) != len(w.funds) {
		t.Errorf("%d fund payments %v, want %d %v", len(r.Funds), r.Funds, len(w.funds), w.funds)
	}
	for i, f := range r.Funds {
		gotFunds = gotFunds.Add(f.Amount)
		if i >= len(w.funds) {
			continue
		}
		if f.Fund != w.funds[i].fund || f.Amount.String() != xpAmt(w.funds[i].amount).String() {
			t.Errorf("fund %d: %s pays %s, want %s pays %s", i, f.Fund, f.Amount, w.funds[i].fund, xpAmt(w.funds[i].amount))
		}
	}
	for _, f := range w.funds {
		wantFunds = wantFunds.Add(xpAmt(f.amount))
	}
	if r.FundTotal.String() != wantFunds.String() || gotFunds.Cmp(r.FundTotal) != 0 {
		t.Errorf("fund total %s (sum of payments %s), want %s", r.FundTotal, gotFunds, wantFunds)
	}
	for _, x := range []struct {
		name string
		got  money.Amount
		want money.Amount
	}{
		{"family account", r.FamilyAccount, xpAmt(w.family)},
		{"cash", r.Cash, xpAmt(w.cash)},
		{"personal", r.Personal, xpAmt(w.family).Add(xpAmt(w.cash))},
		{"hospital", r.Hospital, xpAmt(w.hospital)},
	} {
		if x.got.String() != x.want.String() {
			t.Errorf("%s %s, want %s", x.name, x.got, x.want)
		}
	}
	sum := gotFunds.Add(r.FamilyAccount).Add(r.Cash).Add(r.Hospital)
	if sum.Cmp(r.Total) != 0 {
		t.Errorf("funds %s + family account %s + cash %s + hospital %s = %s ≠ total %s",
			gotFunds, r.FamilyAccount, r.Cash, r.Hospital, sum, r.Total)
	}
	var codes []core.Code
	for _, wn := range r.Warnings {
		codes = append(codes, wn.Code)
	}
	if fmt.Sprint(codes) != fmt.Sprint(w.warnings) {
		t.Errorf("warnings %v, want %v", codes, w.warnings)
	}
	for _, a := range w.after {
		if got := r.TotalsAfter.Fund(a.fund).Paid; got.String() != xpAmt(a.amount).String() {
			t.Errorf("year-to-date %s paid after the claim %s, want %s", a.fund, got, xpAmt(a.amount))
		}
	}
	if w.check != nil {
		w.check(t, r)
	}
}

// xpValue returns a named output, else input, of a step.
func xpValue(s trace.Step, name string) string {
	for _, v := range append(append([]trace.Value{}, s.Out...), s.In...) {
		if v.Name == name {
			return v.Value
		}
	}
	return "<none>"
}

// xpStepIs checks a step's rule pointer and some of its values.
func xpStepIs(note, rule string, values ...string) func(t *testing.T, r *settle.Result) {
	return func(t *testing.T, r *settle.Result) {
		t.Helper()
		s, ok := trace.Step{}, false
		for _, st := range r.Trace {
			if st.Note == note && (rule == "" || st.Rule == rule) {
				s, ok = st, true
				break
			}
		}
		if !ok {
			t.Errorf("no trace step %q with rule %q in %v", note, rule, r.Trace)
			return
		}
		for i := 0; i+1 < len(values); i += 2 {
			if got := xpValue(s, values[i]); got != values[i+1] {
				t.Errorf("step %s: %s = %q, want %q", note, values[i], got, values[i+1])
			}
		}
	}
}

var (
	// A Pingluo farmer born 1 January 1980, enrolled 2024 and 2025 (paid each
	// previous December, so no wait applies).
	xpPingluoFarmer = xpPerson("640221", "1980-01-01", "001", "farmer", xpYears("", 2024, 2025))
	xpHuFarmer      = xpPerson("610125", "1955-06-15", "002", "farmer", xpYears("", 2024, 2025))
	xpKuiwen        = xpPerson("370705", "1970-08-08", "003", "resident", xpYears("", 2024, 2025))
	xpZhengzhou     = xpPerson("410122", "1968-03-21", "005", "farmer", xpYears("", 2024, 2025))
)

func xpCity(category, birth string, years []enroll.Year) claim.Person {
	return xpPerson("620702", birth, "004", category, years)
}

func xpQinghai(category string) claim.Person {
	return xpPerson("630121", "1962-11-30", "007", category, xpYears("", 2024, 2025))
}

func xpPingluoBands(method policy.BandMethod) func(*policy.Policy) {
	return func(p *policy.Policy) { p.Benefits[0].Ratio.Method = method }
}

// TestSettlePingluoOriginal: RULES §2.1, deductible 300 per admission, bands on the
// cost from 0: 20% to 1000, then +5 points each 500 up to 55% above 4000, whole-amount
// reading (全额累进), cap 4000 a year, family account for outpatient care.
func TestSettlePingluoOriginal(t *testing.T) {
	f := xpPingluoFarmer
	county := func(amount string) (claim.Visit, []claim.Item) { return xpStay("county", "2025-03-02"), xpA(amount) }
	v8432, i8432 := county("8432.00")
	v2800, i2800 := county("2800.00")
	cases := []xpCase{
		{
			// The report's example: 8432 reaches the band above 4000 (55%); the whole
			// amount above the deductible is paid at that rate: (8432 − 300) × 0.55 =
			// 8132 × 0.55 = 4472.60 > cap 4000 → 4000.00. Cash 8432 − 4000 = 4432.00.
			name: "report example 8432 whole capped at 4000", person: f, visit: v8432, items: i8432,
			want: xpWant{route: settle.RouteBenefit, benefit: "inpatient", scope: "8432", deductible: "300",
				funds: []xpFund{{"inpatient", "4000.00"}}, cash: "4432.00",
				warnings: []core.Code{core.WarnCapReached}, after: []xpFund{{"inpatient", "4000.00"}},
				check: xpStepIs("band_whole", "/benefits/0/ratio/bands/7", "amount", "8132.00", "rate", "55%", "pay", "4472.60")},
		},
		{
			// Band by band (超额累进): 700×20% 140 + 500×25% 125 + 500×30% 150 +
			// 500×35% 175 + 500×40% 200 + 500×45% 225 + 500×50% 250 + 4432×55%
			// 2437.60 = 3702.60 < 4000: no cap. Cash 8432 − 3702.60 = 4729.40.
			name: "report example 8432 excess reading", edit: xpPingluoBands(policy.Excess), person: f, visit: v8432, items: i8432,
			want: xpWant{route: settle.RouteBenefit, scope: "8432", deductible: "300",
				funds: []xpFund{{"inpatient", "3702.60"}}, cash: "4729.40"},
		},
		{
			// Scope 250 < deductible 300: all of it is deductible, the fund pays 0.
			name: "deductible exceeds cost", person: f, visit: xpStay("county", "2025-03-02"), items: xpA("250.00"),
			want: xpWant{route: settle.RouteBenefit, scope: "250", deductible: "250",
				funds: []xpFund{{"inpatient", "0"}}, cash: "250.00",
				warnings: []core.Code{core.WarnDeductibleExceeds}},
		},
		{
			// 1000.00 is the top of the first band "301–1000": (1000 − 300) × 20% = 140.00.
			name: "band edge 1000.00 whole", person: f, visit: xpStay("county", "2025-03-02"), items: xpA("1000.00"),
			want: xpWant{route: settle.RouteBenefit, deductible: "300", funds: []xpFund{{"inpatient", "140.00"}}, cash: "860.00",
				check: xpStepIs("band_whole", "/benefits/0/ratio/bands/0", "rate", "20%")},
		},
		{
			// 1000.01 reaches the 25% band and the whole 700.01 is paid at 25% =
			// 175.0025 → 175.00 (half-up). Cash 1000.01 − 175.00 = 825.01.
			name: "band edge 1000.01 whole", person: f, visit: xpStay("county", "2025-03-02"), items: xpA("1000.01"),
			want: xpWant{route: settle.RouteBenefit, deductible: "300", funds: []xpFund{{"inpatient", "175.00"}}, cash: "825.01",
				check: xpStepIs("band_whole", "/benefits/0/ratio/bands/1", "rate", "25%", "pay", "175.0025")},
		},
		{
			// Excess: 700 × 20% = 140.00.
			name: "band edge 1000.00 excess", edit: xpPingluoBands(policy.Excess), person: f,
			visit: xpStay("county", "2025-03-02"), items: xpA("1000.00"),
			want: xpWant{route: settle.RouteBenefit, funds: []xpFund{{"inpatient", "140.00"}}, cash: "860.00"},
		},
		{
			// Excess: 700 × 20% + 0.01 × 25% = 140.0025 → 140.00. Cash 860.01.
			name: "band edge 1000.01 excess", edit: xpPingluoBands(policy.Excess), person: f,
			visit: xpStay("county", "2025-03-02"), items: xpA("1000.01"),
			want: xpWant{route: settle.RouteBenefit, funds: []xpFund{{"inpatient", "140.00"}}, cash: "860.01"},
		},
		{
			// 4000.00 is the top of the 50% band: (4000 − 300) × 50% = 1850.00.
			name: "band edge 4000.00 whole", person: f, visit: xpStay("county", "2025-03-02"), items: xpA("4000.00"),
			want: xpWant{route: settle.RouteBenefit, funds: []xpFund{{"inpatient", "1850.00"}}, cash: "2150.00"},
		},
		{
			// 4000.01 reaches 55%: 3700.01 × 55% = 2035.0055 → 2035.01. Cash 1965.00.
			name: "band edge 4000.01 whole", person: f, visit: xpStay("county", "2025-03-02"), items: xpA("4000.01"),
			want: xpWant{route: settle.RouteBenefit, funds: []xpFund{{"inpatient", "2035.01"}}, cash: "1965.00"},
		},
		{
			// 2800 is in the 40% band (2500, 3000]: (2800 − 300) × 40% = 1000.00. 3000
			// paid before leaves exactly 1000 under the 4000 cap: paid in full, no
			// warning, and the year's total reaches 4000.00.
			name: "cap reached exactly", person: f, visit: v2800, items: i2800,
			totals: xpTotals("inpatient", "3000", claim.ClassCount{Class: "county", Count: 2}),
			want: xpWant{route: settle.RouteBenefit, funds: []xpFund{{"inpatient", "1000.00"}}, cash: "1800.00",
				after: []xpFund{{"inpatient", "4000.00"}},
				check: xpStepIs("annual_cap", "/pools/0/cap", "cap", "4000.00", "available", "1000.00", "amount", "1000.00")},
		},
		{
			// Same 1000.00, but 3500 paid before leaves 500: pays 500.00, cash 2300.00.
			name: "cap crossed", person: f, visit: v2800, items: i2800,
			totals: xpTotals("inpatient", "3500", claim.ClassCount{Class: "county", Count: 2}),
			want: xpWant{route: settle.RouteBenefit, funds: []xpFund{{"inpatient", "500.00"}}, cash: "2300.00",
				warnings: []core.Code{core.WarnCapReached}, after: []xpFund{{"inpatient", "4000.00"}}},
		},
		{
			// The cap is used up: pays 0.00.
			name: "cap already used", person: f, visit: v2800, items: i2800,
			totals: xpTotals("inpatient", "4000", claim.ClassCount{Class: "county", Count: 3}),
			want: xpWant{route: settle.RouteBenefit, funds: []xpFund{{"inpatient", "0"}}, cash: "2800.00",
				warnings: []core.Code{core.WarnCapReached}, after: []xpFund{{"inpatient", "4000.00"}}},
		},
		{
			// Enrolled for 2024 only; the 2025 visit is not covered at all.
			name: "not enrolled", person: xpPerson("640221", "1980-01-01", "001", "farmer", xpYears("", 2024, 2024)),
			visit: v2800, items: i2800,
			want: xpWant{route: settle.RouteIneligible, cash: "2800.00", warnings: []core.Code{core.WarnNotEnrolled}},
		},
		{
			// Inpatient care is not paid from the family account (outpatient only).
			name: "family account not used for inpatient care", person: f, visit: v2800, items: i2800,
			totals: claim.Totals{Year: 2025, FamilyAccount: money.MustAmount("50.00")},
			want:   xpWant{route: settle.RouteBenefit, funds: []xpFund{{"inpatient", "1000.00"}}, cash: "1800.00"},
		},
		{
			// Outpatient: no pooled benefit (inpatient-only scheme); the household
			// account pays 30.00 of the 45.50 bill before cash 15.50.
			name: "family account pays outpatient before cash, runs out", person: f,
			visit: xpVisit(policy.VisitOutpatient, "village", "2025-04-08"),
			items: []claim.Item{
				{Code: "DRUG-1", Kind: claim.KindDrug, Class: claim.ClassA, Amount: money.MustAmount("30.50")},
				{Code: "INJ-1", Kind: claim.KindTreatment, Class: claim.ClassA, Amount: money.MustAmount("15.00")},
			},
			totals: claim.Totals{Year: 2025, FamilyAccount: money.MustAmount("30.00")},
			want: xpWant{route: settle.RouteNotCovered, family: "30.00", cash: "15.50",
				warnings: []core.Code{core.WarnNotCovered, core.WarnFamilyAccountEmpty},
				check: func(t *testing.T, r *settle.Result) {
					if got := r.TotalsAfter.FamilyAccount.String(); got != "0.00" {
						t.Errorf("family account after %s, want 0.00", got)
					}
				}},
		},
		{
			// Balance 120.00 covers the whole 45.50; 74.50 is left.
			name: "family account pays outpatient in full", person: f,
			visit: xpVisit(policy.VisitOutpatient, "village", "2025-04-08"), items: xpA("45.50"),
			totals: claim.Totals{Year: 2025, FamilyAccount: money.MustAmount("120.00")},
			want: xpWant{route: settle.RouteNotCovered, family: "45.50",
				warnings: []core.Code{core.WarnNotCovered},
				check: func(t *testing.T, r *settle.Result) {
					if got := r.TotalsAfter.FamilyAccount.String(); got != "74.50" {
						t.Errorf("family account after %s, want 74.50", got)
					}
				}},
		},
	}
	xpTable(t, "pingluo-original", cases)
}

// TestSettlePingluoExcessDocument checks the published excess variant itself gives
// the band-by-band 3702.60 for the report's 8432 stay (see the excess case above).
func TestSettlePingluoExcessDocument(t *testing.T) {
	v, items := xpStay("county", "2025-03-02"), xpA("8432.00")
	xpTable(t, "pingluo-original-excess", []xpCase{{
		name: "8432 band by band", person: xpPingluoFarmer, visit: v, items: items,
		want: xpWant{route: settle.RouteBenefit, funds: []xpFund{{"inpatient", "3702.60"}}, cash: "4729.40",
			check: xpStepIs("band", "/benefits/0/ratio/bands/7", "from", "4000.00", "to", "8432.00", "pay", "2437.60")},
	}})
}

// TestSettlePingluoRevised: RULES §2.1 proposed revision — deductibles township 150,
// level-2 designated 300, non-designated 500; township 25% under 1000; cap 3000 at
// non-designated facilities.
func TestSettlePingluoRevised(t *testing.T) {
	f := xpPingluoFarmer
	cases := []xpCase{
		{
			// Township, 800 ≤ 1000: (800 − 150) × 25% = 162.50. Cash 637.50.
			name: "township 25% under 1000", person: f, visit: xpStay("township", "2025-05-06"), items: xpA("800.00"),
			want: xpWant{route: settle.RouteBenefit, benefit: "inpatient-township", deductible: "150",
				funds: []xpFund{{"inpatient", "162.50"}}, cash: "637.50"},
		},
		{
			// Township, 2000 in (1500, 2000] → 30%: (2000 − 150) × 30% = 555.00.
			name: "township 2000", person: f, visit: xpStay("township", "2025-05-06"), items: xpA("2000.00"),
			want: xpWant{route: settle.RouteBenefit, benefit: "inpatient-township", deductible: "150",
				funds: []xpFund{{"inpatient", "555.00"}}, cash: "1445.00"},
		},
		{
			// Level-2 designated keeps 300 and 20%: (800 − 300) × 20% = 100.00.
			name: "level-2 designated", person: f, visit: xpStay("county", "2025-05-06"), items: xpA("800.00"),
			want: xpWant{route: settle.RouteBenefit, benefit: "inpatient-designated", deductible: "300",
				funds: []xpFund{{"inpatient", "100.00"}}, cash: "700.00"},
		},
		{
			// Non-designated, 3000 in (2500, 3000] → 40%: (3000 − 500) × 40% = 1000.00;
			// the lower cap 3000 less 2800 paid leaves 200.00. Cash 2800.00.
			name: "non-designated lower cap crossed", person: f, visit: xpStay("nondesignated", "2025-05-06"), items: xpA("3000.00"),
			totals: xpTotals("inpatient", "2800", claim.ClassCount{Class: "county", Count: 2}),
			want: xpWant{route: settle.RouteBenefit, benefit: "inpatient-nondesignated", deductible: "500",
				funds: []xpFund{{"inpatient", "200.00"}}, cash: "2800.00", warnings: []core.Code{core.WarnCapReached},
				check: xpStepIs("annual_cap", "/benefits/2/annualCap", "cap", "3000.00", "available", "200.00")},
		},
		{
			// Non-designated 8432: (8432 − 500) × 55% = 4362.60 → cap 3000.00.
			name: "non-designated 8432", person: f, visit: xpStay("nondesignated", "2025-05-06"), items: xpA("8432.00"),
			want: xpWant{route: settle.RouteBenefit, funds: []xpFund{{"inpatient", "3000.00"}}, cash: "5432.00",
				warnings: []core.Code{core.WarnCapReached}},
		},
	}
	xpTable(t, "pingluo-revised", cases)
}

// TestSettleHuCounty: RULES §2.2 with the illustrative terms of hu-county.json —
// county 300 at 60%, out of county 800 at 45% with referral, cap 15000, single-disease
// prices (K35 1500 + 700, K80 3000 + 1500) in county only, patient first below.
func TestSettleHuCounty(t *testing.T) {
	f := xpHuFarmer
	disease := func(class, code string, referral bool) claim.Visit {
		v := xpStay(class, "2025-07-01")
		v.Disease, v.Referral = code, referral
		return v
	}
	outside := func(referral bool) claim.Visit {
		v := xpStay("outside", "2025-07-01")
		v.Referral = referral
		return v
	}
	cases := []xpCase{
		{
			// K35 priced 1500 + 700 = 2200; the stay cost 2600: the fund pays its fixed
			// 1500, the patient the fixed 700, the hospital bears 2600 − 2200 = 400.
			name: "single disease above price", person: f, visit: disease("county", "K35", false), items: xpA("2600.00"),
			want: xpWant{route: settle.RouteSingleDisease, funds: []xpFund{{"inpatient", "1500.00"}},
				cash: "700.00", hospital: "400.00", after: []xpFund{{"inpatient", "1500.00"}}},
		},
		{
			// Below the 2200 price, patient first: the patient pays the fixed 700, the
			// fund the rest 1800 − 700 = 1100.00.
			name: "single disease below price patient first", person: f, visit: disease("county", "K35", false), items: xpA("1800.00"),
			want: xpWant{route: settle.RouteSingleDisease, funds: []xpFund{{"inpatient", "1100.00"}}, cash: "700.00"},
		},
		{
			// Cost 500 is below even the patient's 700 share: the patient pays 500, the fund 0.
			name: "single disease below patient share", person: f, visit: disease("county", "K35", false), items: xpA("500.00"),
			want: xpWant{route: settle.RouteSingleDisease, funds: []xpFund{{"inpatient", "0"}}, cash: "500.00"},
		},
		{
			// K80 at its price 4500: fund 3000, but 14000 paid before leaves 1000 of the
			// 15000 cap: fund 1000.00, the patient the rest 3500.00.
			name: "single disease payment limited by the cap", person: f, visit: disease("county", "K80", false), items: xpA("4500.00"),
			totals: xpTotals("inpatient", "14000", claim.ClassCount{Class: "county", Count: 3}),
			want: xpWant{route: settle.RouteSingleDisease, funds: []xpFund{{"inpatient", "1000.00"}}, cash: "3500.00",
				warnings: []core.Code{core.WarnCapReached}, after: []xpFund{{"inpatient", "15000.00"}}},
		},
		{
			// Out of county without referral: refused, the fund pays 0 and the stay
			// is not covered (no layers run, no admission counted).
			name: "out of county without referral refused", person: f, visit: outside(false), items: xpA("10000.00"),
			want: xpWant{route: settle.RouteNotCovered, benefit: "inpatient-outside", deductible: "0",
				funds: []xpFund{{"inpatient", "0"}}, cash: "10000.00", warnings: []core.Code{core.WarnReferralRefused}},
		},
		{
			// With a referral: (10000 − 800) × 45% = 4140.00.
			name: "out of county with referral", person: f, visit: outside(true), items: xpA("10000.00"),
			want: xpWant{route: settle.RouteBenefit, benefit: "inpatient-outside", deductible: "800",
				funds: []xpFund{{"inpatient", "4140.00"}}, cash: "5860.00"},
		},
		{
			// Single-disease prices are in-county only: out of county the ordinary
			// rules apply, (6000 − 800) × 45% = 2340.00.
			name: "single disease out of county falls back", person: f, visit: disease("outside", "K80", true), items: xpA("6000.00"),
			want: xpWant{route: settle.RouteBenefit, benefit: "inpatient-outside", funds: []xpFund{{"inpatient", "2340.00"}},
				cash: "3660.00", warnings: []core.Code{core.WarnSingleDiseaseFallback}},
		},
		{
			// …and the ordinary rules need a referral.
			name: "single disease out of county without referral", person: f, visit: disease("outside", "K80", false), items: xpA("6000.00"),
			want: xpWant{route: settle.RouteNotCovered, funds: []xpFund{{"inpatient", "0"}}, cash: "6000.00",
				warnings: []core.Code{core.WarnSingleDiseaseFallback, core.WarnReferralRefused}},
		},
		{
			// Class B pre-self-pay is 0 in Hu county (甲乙类都报销). Total 1000 + 500
			// + 200 + 300 = 2000; self-paid 200; over limit 100 + 50 = 150; scope 1650;
			// (1650 − 300) × 60% = 810.00. Cash 1190.00.
			name: "class B and over-limit lines", person: f, visit: xpStay("county", "2025-07-01"),
			items: []claim.Item{
				{Code: "D1", Kind: claim.KindDrug, Class: claim.ClassA, Amount: money.MustAmount("1000.00")},
				{Code: "D2", Kind: claim.KindDrug, Class: claim.ClassB, Amount: money.MustAmount("500.00"), OverLimit: money.MustAmount("100.00")},
				{Code: "D3", Kind: claim.KindDrug, Class: claim.ClassSelf, Amount: money.MustAmount("200.00")},
				{Code: "M1", Kind: claim.KindMaterial, Class: claim.ClassA, Amount: money.MustAmount("300.00"), OverLimit: money.MustAmount("50.00")},
			},
			want: xpWant{route: settle.RouteBenefit, scope: "1650", deductible: "300", funds: []xpFund{{"inpatient", "810.00"}}, cash: "1190.00",
				check: func(t *testing.T, r *settle.Result) {
					if r.SelfPaid.String() != "200.00" || r.OverLimit.String() != "150.00" || r.PreSelfPay.String() != "0.00" {
						t.Errorf("self %s over %s pre %s, want 200.00 150.00 0.00", r.SelfPaid, r.OverLimit, r.PreSelfPay)
					}
				}},
		},
		{
			// A variant with class B 10% (drugs) and 20% (materials), each line rounded:
			// drug (500 − 100) × 10% = 40.00; material 333.33 × 20% = 66.666 → 66.67;
			// pre 106.67. Total 2333.33; self 200; over 150; scope 2333.33 − 200 − 150 −
			// 106.67 = 1876.66; (1876.66 − 300) × 60% = 945.996 → 946.00; cash 1387.33.
			name: "class B pre-self-pay by kind", person: f, visit: xpStay("county", "2025-07-01"),
			edit: func(p *policy.Policy) {
				p.Catalogue.ClassB = money.MustRate("0.10")
				p.Catalogue.ClassBByKind = []policy.KindRate{{Kind: string(claim.KindMaterial), Rate: money.MustRate("0.20")}}
			},
			items: []claim.Item{
				{Code: "D1", Kind: claim.KindDrug, Class: claim.ClassA, Amount: money.MustAmount("1000.00")},
				{Code: "D2", Kind: claim.KindDrug, Class: claim.ClassB, Amount: money.MustAmount("500.00"), OverLimit: money.MustAmount("100.00")},
				{Code: "M2", Kind: claim.KindMaterial, Class: claim.ClassB, Amount: money.MustAmount("333.33")},
				{Code: "D3", Kind: claim.KindDrug, Class: claim.ClassSelf, Amount: money.MustAmount("200.00")},
				{Code: "E1", Kind: claim.KindExam, Class: claim.ClassA, Amount: money.MustAmount("300.00"), OverLimit: money.MustAmount("50.00")},
			},
			want: xpWant{route: settle.RouteBenefit, scope: "1876.66", funds: []xpFund{{"inpatient", "946.00"}}, cash: "1387.33",
				check: func(t *testing.T, r *settle.Result) {
					if r.PreSelfPay.String() != "106.67" || r.OverLimit.String() != "150.00" {
						t.Errorf("pre %s over %s, want 106.67 150.00", r.PreSelfPay, r.OverLimit)
					}
				}},
		},
	}
	xpTable(t, "hu-county", cases)
}

// TestSettlePreSelfPayRounding: three class-B lines of 0.05 at 10% are 0.005 each.
// Rounded per line (half-up) they are 0.01 each, 0.03; rounded as a total, 0.015 →
// 0.02. Total 999.85 + 0.15 = 1000.00 at Hu county's county hospital (300, 60%).
func TestSettlePreSelfPayRounding(t *testing.T) {
	items := []claim.Item{{Code: "A", Kind: claim.KindTreatment, Class: claim.ClassA, Amount: money.MustAmount("999.85")}}
	for i := 0; i < 3; i++ {
		items = append(items, claim.Item{Code: "B" + strconv.Itoa(i), Kind: claim.KindDrug, Class: claim.ClassB, Amount: money.MustAmount("0.05")})
	}
	mode := func(m policy.PreSelfPayRounding) func(*policy.Policy) {
		return func(p *policy.Policy) {
			p.Catalogue.ClassB = money.MustRate("0.10")
			p.Rounding.PreSelfPay = m
		}
	}
	check := func(pre string) func(t *testing.T, r *settle.Result) {
		return func(t *testing.T, r *settle.Result) {
			if r.PreSelfPay.String() != pre {
				t.Errorf("pre-self-pay %s, want %s", r.PreSelfPay, pre)
			}
		}
	}
	xpTable(t, "hu-county", []xpCase{
		{
			// Scope 1000 − 0.03 = 999.97; (999.97 − 300) × 60% = 419.982 → 419.98.
			name: "line", edit: mode("line"), person: xpHuFarmer, visit: xpStay("county", "2025-07-01"), items: items,
			want: xpWant{route: settle.RouteBenefit, scope: "999.97", funds: []xpFund{{"inpatient", "419.98"}}, cash: "580.02", check: check("0.03")},
		},
		{
			// Scope 1000 − 0.02 = 999.98; (999.98 − 300) × 60% = 419.988 → 419.99.
			name: "total", edit: mode("total"), person: xpHuFarmer, visit: xpStay("county", "2025-07-01"), items: items,
			want: xpWant{route: settle.RouteBenefit, scope: "999.98", funds: []xpFund{{"inpatient", "419.99"}}, cash: "580.01", check: check("0.02")},
		},
	})
}

// TestSettleCityResident: RULES §2.3. Level 3: 600 first / 500 later, t1 40% t2 55%;
// level 2: 350 / 250, t1 50% t2 65%; cap 50000 shared with special outpatient care;
// continuity +1 point a year beyond 3 (max +10), cap +10/20/30% at 5/10/15 years.
func TestSettleCityResident(t *testing.T) {
	general := xpCity("general", "1975-04-20", xpYears("t1", 2024, 2025))
	generalT2 := xpCity("general", "1975-04-20", xpYears("t2", 2024, 2025))
	years := func(from int) claim.Person { return xpCity("general", "1975-04-20", xpYears("t2", from, 2025)) }
	l3 := func() (claim.Visit, []claim.Item) { return xpStay("level3", "2025-06-16"), xpA("10000.00") }
	v3, i3 := l3()
	v2, i2 := xpStay("level2", "2025-06-16"), xpA("5000.00")
	countClass := func(p *policy.Policy) {
		for i := range p.Benefits {
			if p.Benefits[i].Deductible.Later != nil {
				p.Benefits[i].Deductible.Count = policy.CountClass
			}
		}
	}
	waitCheck := func(rule, from string) func(t *testing.T, r *settle.Result) {
		return xpStepIs("waiting", rule, "from", from)
	}
	cases := []xpCase{
		{
			// Tier 1 at level 3, first admission: (10000 − 600) × 40% = 3760.00.
			name: "tier 1 level 3", person: general, visit: v3, items: i3,
			want: xpWant{route: settle.RouteBenefit, benefit: "inpatient-level3-t1", deductible: "600",
				funds: []xpFund{{"basic", "3760.00"}}, cash: "6240.00"},
		},
		{
			// Tier 2: 9400 × 55% = 5170.00.
			name: "tier 2 level 3", person: generalT2, visit: v3, items: i3,
			want: xpWant{route: settle.RouteBenefit, benefit: "inpatient-level3-t2", deductible: "600",
				funds: []xpFund{{"basic", "5170.00"}}, cash: "4830.00"},
		},
		{
			// A minor pays tier 1 but gets tier-2 benefits: 5170.00 as above.
			name: "minor paying tier 1 gets tier 2", person: xpCity("minor", "2015-05-05", xpYears("t1", 2024, 2025)), visit: v3, items: i3,
			want: xpWant{route: settle.RouteBenefit, benefit: "inpatient-level3-t2",
				funds: []xpFund{{"basic", "5170.00"}}, cash: "4830.00",
				check: xpStepIs("eligible", "/enrollment", "tier", "t2")},
		},
		{
			// A student likewise, at level 2: (5000 − 350) × 65% = 3022.50.
			name: "student paying tier 1 gets tier 2", person: xpCity("student", "2006-09-01", xpYears("t1", 2024, 2025)), visit: v2, items: i2,
			want: xpWant{route: settle.RouteBenefit, benefit: "inpatient-level2-t2",
				funds: []xpFund{{"basic", "3022.50"}}, cash: "1977.50"},
		},
		{
			// Level 2 first admission: (5000 − 350) × 50% = 2325.00.
			name: "level 2 first admission", person: general, visit: v2, items: i2,
			want: xpWant{route: settle.RouteBenefit, deductible: "350", funds: []xpFund{{"basic", "2325.00"}}, cash: "2675.00",
				check: xpStepIs("deductible_first", "/benefits/4/deductible/first", "admission", "1")},
		},
		{
			// Second admission at level 2: (5000 − 250) × 50% = 2375.00.
			name: "level 2 second admission", person: general, visit: v2, items: i2,
			totals: xpTotals("basic", "2325", claim.ClassCount{Class: "level2", Count: 1}),
			want: xpWant{route: settle.RouteBenefit, deductible: "250", funds: []xpFund{{"basic", "2375.00"}}, cash: "2625.00",
				after: []xpFund{{"basic", "4700.00"}},
				check: xpStepIs("deductible_later", "/benefits/4/deductible/later", "admission", "2")},
		},
		{
			// Count "all": an earlier level-3 admission makes this one later: 2375.00.
			name: "level 2 after a level 3 admission, count all", person: general, visit: v2, items: i2,
			totals: xpTotals("basic", "3760", claim.ClassCount{Class: "level3", Count: 1}),
			want:   xpWant{route: settle.RouteBenefit, deductible: "250", funds: []xpFund{{"basic", "2375.00"}}, cash: "2625.00"},
		},
		{
			// Count "class" (the other reading): the level-3 stay does not count, 2325.00.
			name: "level 2 after a level 3 admission, count class", edit: countClass, person: general, visit: v2, items: i2,
			totals: xpTotals("basic", "3760", claim.ClassCount{Class: "level3", Count: 1}),
			want:   xpWant{route: settle.RouteBenefit, deductible: "350", funds: []xpFund{{"basic", "2325.00"}}, cash: "2675.00"},
		},
		{
			// Township, tier 1: (1000 − 100) × 80% = 720.00.
			name: "township tier 1", person: general, visit: xpStay("township", "2025-06-16"), items: xpA("1000.00"),
			want: xpWant{route: settle.RouteBenefit, deductible: "100", funds: []xpFund{{"basic", "720.00"}}, cash: "280.00"},
		},
		{
			// 2022–2024 complete: 3 continuous years, no bonus yet: 5170.00.
			name: "continuity 3 years no bonus", person: years(2022), visit: v3, items: i3,
			want: xpWant{route: settle.RouteBenefit, funds: []xpFund{{"basic", "5170.00"}}, cash: "4830.00"},
		},
		{
			// 2021–2024: 4 years → +1 point → 56%: 9400 × 56% = 5264.00.
			name: "continuity 4 years plus 1 point", person: years(2021), visit: v3, items: i3,
			want: xpWant{route: settle.RouteBenefit, funds: []xpFund{{"basic", "5264.00"}}, cash: "4736.00",
				check: xpStepIs("continuity", "/continuity", "years", "4", "points", "1%")},
		},
		{
			// 2017–2024: 8 years → +5 points → 60%: 9400 × 60% = 5640.00; cap 50000 +10%.
			name: "continuity 8 years plus 5 points", person: years(2017), visit: v3, items: i3,
			want: xpWant{route: settle.RouteBenefit, funds: []xpFund{{"basic", "5640.00"}}, cash: "4360.00",
				check: xpStepIs("annual_cap", "/pools/0/cap", "cap", "55000.00")},
		},
		{
			// 2005–2024: 20 years → 17 points, capped at +10 → 65%: 9400 × 65% =
			// 6110.00; cap +30% (15 years or more) = 65000.
			name: "continuity 20 years capped at 10 points", person: years(2005), visit: v3, items: i3,
			want: xpWant{route: settle.RouteBenefit, funds: []xpFund{{"basic", "6110.00"}}, cash: "3890.00",
				check: func(t *testing.T, r *settle.Result) {
					xpStepIs("continuity", "/continuity", "points", "10%")(t, r)
					xpStepIs("annual_cap", "", "cap", "65000.00")(t, r)
				}},
		},
		{
			// 2010–2020 and 2022–2025: the 2021 gap resets the count to 2022–2024 = 3
			// years, no bonus: 5170.00 and the plain 50000 cap.
			name: "continuity reset by a gap", person: xpCity("general", "1975-04-20", append(xpYears("t2", 2010, 2020), xpYears("t2", 2022, 2025)...)),
			visit: v3, items: i3,
			want: xpWant{route: settle.RouteBenefit, funds: []xpFund{{"basic", "5170.00"}}, cash: "4830.00",
				check: xpStepIs("annual_cap", "", "cap", "50000.00")},
		},
		{
			// 2015–2024: 10 years → +7 points → 62%, cap +20% = 60000. Sixth level-3
			// admission: deductible 500; (10000 − 500) × 62% = 5890.00; 52000 paid
			// leaves 8000 — beyond the plain 50000 cap — so it is paid in full.
			name: "cap bonus at 10 years", person: years(2015), visit: v3, items: i3,
			totals: xpTotals("basic", "52000", claim.ClassCount{Class: "level3", Count: 5}),
			want: xpWant{route: settle.RouteBenefit, deductible: "500", funds: []xpFund{{"basic", "5890.00"}}, cash: "4110.00",
				after: []xpFund{{"basic", "57890.00"}}, check: xpStepIs("annual_cap", "", "cap", "60000.00", "available", "8000.00")},
		},
		{
			// Same person, 58000 paid: 2000 left of 60000 → 2000.00.
			name: "cap bonus crossed", person: years(2015), visit: v3, items: i3,
			totals: xpTotals("basic", "58000", claim.ClassCount{Class: "level3", Count: 5}),
			want: xpWant{route: settle.RouteBenefit, funds: []xpFund{{"basic", "2000.00"}}, cash: "8000.00",
				warnings: []core.Code{core.WarnCapReached}, after: []xpFund{{"basic", "60000.00"}}},
		},
		{
			// Without the bonus (1 year), 50000 paid leaves nothing.
			name: "cap without bonus used up", person: generalT2, visit: v3, items: i3,
			totals: xpTotals("basic", "50000", claim.ClassCount{Class: "level3", Count: 5}),
			want: xpWant{route: settle.RouteBenefit, funds: []xpFund{{"basic", "0"}}, cash: "10000.00",
				warnings: []core.Code{core.WarnCapReached}},
		},
		{
			// Special outpatient care shares the inpatient cap: 3000 × 65% (t2, no
			// deductible) = 1950.00, but 49000 paid leaves 1000.00.
			name: "special outpatient shares the cap", person: generalT2,
			visit: xpVisit(policy.VisitSpecialOutpatient, "level3", "2025-06-16"), items: xpA("3000.00"),
			totals: xpTotals("basic", "49000"),
			want: xpWant{route: settle.RouteBenefit, benefit: "special-outpatient-t2", funds: []xpFund{{"basic", "1000.00"}},
				cash: "2000.00", warnings: []core.Code{core.WarnCapReached}},
		},
		{
			// First enrollment paid 2025-03-10: benefits from 2025-03-10 + 3 months =
			// 2025-06-10; a visit on 2025-05-01 is inside the wait.
			name: "waiting period after first enrollment", person: xpCity("general", "1975-04-20", []enroll.Year{xpYear(2025, "t1", "2025-03-10")}),
			visit: xpStay("level2", "2025-05-01"), items: i2,
			want: xpWant{route: settle.RouteIneligible, cash: "5000.00", warnings: []core.Code{core.WarnWaitingPeriod},
				check: waitCheck("/enrollment/firstWaitMonths", "2025-06-10")},
		},
		{
			// On 2025-06-10 the wait is over: first admission at level 2, 2325.00.
			name: "waiting period ends", person: xpCity("general", "1975-04-20", []enroll.Year{xpYear(2025, "t1", "2025-03-10")}),
			visit: xpStay("level2", "2025-06-10"), items: i2,
			want: xpWant{route: settle.RouteBenefit, funds: []xpFund{{"basic", "2325.00"}}, cash: "2675.00"},
		},
		{
			// Paid 2024-11-20 for 2025: the wait counts from 2025-01-01 → 2025-04-01.
			name: "waiting counts from the enrollment year", person: xpCity("general", "1975-04-20", []enroll.Year{xpYear(2025, "t1", "2024-11-20")}),
			visit: xpStay("level2", "2025-03-31"), items: i2,
			want: xpWant{route: settle.RouteIneligible, cash: "5000.00", warnings: []core.Code{core.WarnWaitingPeriod},
				check: waitCheck("/enrollment/firstWaitMonths", "2025-04-01")},
		},
		{
			// Enrolled 2023, not 2024, paid 2025 on 2025-02-01: a gap, wait 4 months
			// from payment → 2025-06-01.
			name: "gap year waits 4 months", person: xpCity("general", "1975-04-20", []enroll.Year{xpYear(2023, "t1", "2022-12-01"), xpYear(2025, "t1", "2025-02-01")}),
			visit: xpStay("level2", "2025-05-15"), items: i2,
			want: xpWant{route: settle.RouteIneligible, cash: "5000.00", warnings: []core.Code{core.WarnWaitingPeriod},
				check: waitCheck("/enrollment/lapseWaitMonths", "2025-06-01")},
		},
		{
			// Paid for 2025 on 2025-07-01, six months after 2024's cover ended: a gap,
			// wait 4 months → 2025-11-01.
			name: "late payment is a gap", person: xpCity("general", "1975-04-20", []enroll.Year{xpYear(2024, "t1", "2023-12-01"), xpYear(2025, "t1", "2025-07-01")}),
			visit: xpStay("level2", "2025-09-01"), items: i2,
			want: xpWant{route: settle.RouteIneligible, cash: "5000.00", warnings: []core.Code{core.WarnWaitingPeriod},
				check: waitCheck("/enrollment/lapseWaitMonths", "2025-11-01")},
		},
		{
			// Upgraded t1 → t2, paid 2025-02-15: tier-2 benefits from 2025-05-15; on
			// 2025-04-01 tier 1 applies: (10000 − 600) × 40% = 3760.00.
			name: "tier upgrade pending", person: xpCity("general", "1975-04-20", []enroll.Year{xpYear(2024, "t1", "2023-12-01"), xpYear(2025, "t2", "2025-02-15")}),
			visit: xpStay("level3", "2025-04-01"), items: i3,
			want: xpWant{route: settle.RouteBenefit, benefit: "inpatient-level3-t1", funds: []xpFund{{"basic", "3760.00"}},
				cash: "6240.00", warnings: []core.Code{core.WarnTierPending}},
		},
		{
			// A minor gets tier-2 benefits whatever tier was paid, so an upgrade to t2
			// changes nothing: tier 2, 5170.00, and no pending-upgrade warning.
			name:   "minor upgrading to tier 2 has nothing pending",
			person: xpCity("minor", "2015-05-05", []enroll.Year{xpYear(2024, "t1", "2023-12-01"), xpYear(2025, "t2", "2025-02-15")}),
			visit:  xpStay("level3", "2025-04-01"), items: i3,
			want: xpWant{route: settle.RouteBenefit, benefit: "inpatient-level3-t2", funds: []xpFund{{"basic", "5170.00"}}, cash: "4830.00"},
		},
		{
			// From 2025-05-15 tier 2: 5170.00.
			name: "tier upgrade in force", person: xpCity("general", "1975-04-20", []enroll.Year{xpYear(2024, "t1", "2023-12-01"), xpYear(2025, "t2", "2025-02-15")}),
			visit: xpStay("level3", "2025-05-15"), items: i3,
			want: xpWant{route: settle.RouteBenefit, benefit: "inpatient-level3-t2", funds: []xpFund{{"basic", "5170.00"}}, cash: "4830.00"},
		},
	}
	xpTable(t, "city-resident", cases)
}

// TestSettleCityMaternity: fixed subsidy t1 300 / 400 / 400, t2 400 / 500 / 500;
// needs a year paid in and family-planning compliance.
func TestSettleCityMaternity(t *testing.T) {
	mother := func(tier string, years []enroll.Year, fp bool) claim.Person {
		p := xpPerson("620702", "1996-02-14", "006", "general", years)
		p.FamilyPlanning = fp
		return p
	}
	birth := func(delivery policy.Delivery) claim.Visit {
		v := xpStay("level2", "2025-08-03")
		v.Type, v.Delivery = policy.VisitMaternity, delivery
		return v
	}
	items := xpA("3000.00")
	cases := []xpCase{
		{
			// Tier 2, difficult delivery: 400 + 100 = 500.00 of 3000; cash 2500.00.
			name: "tier 2 difficult", person: mother("t2", xpYears("t2", 2024, 2025), true), visit: birth(policy.DeliveryDifficult), items: items,
			want: xpWant{route: settle.RouteMaternity, funds: []xpFund{{"maternity", "500.00"}}, cash: "2500.00",
				check: xpStepIs("maternity", "/maternity/subsidies/4", "subsidy", "500.00")},
		},
		{
			// Tier 1, normal: 300.00.
			name: "tier 1 normal", person: mother("t1", xpYears("t1", 2024, 2025), true), visit: birth(policy.DeliveryNormal), items: items,
			want: xpWant{route: settle.RouteMaternity, funds: []xpFund{{"maternity", "300.00"}}, cash: "2700.00"},
		},
		{
			// Tier 1, multiple birth: 400.00.
			name: "tier 1 multiple", person: mother("t1", xpYears("t1", 2024, 2025), true), visit: birth(policy.DeliveryMultiple), items: items,
			want: xpWant{route: settle.RouteMaternity, funds: []xpFund{{"maternity", "400.00"}}, cash: "2600.00"},
		},
		{
			// Not compliant with family planning: no subsidy.
			name: "no family planning", person: mother("t2", xpYears("t2", 2024, 2025), false), visit: birth(policy.DeliveryDifficult), items: items,
			want: xpWant{route: settle.RouteMaternity, cash: "3000.00", warnings: []core.Code{core.WarnMaternityIneligible}},
		},
		{
			// First enrolled for 2025 (paid 2024-11-20, wait over on 2025-04-01): no
			// year paid in before the delivery year, so no subsidy.
			name: "less than a year paid", person: mother("t2", []enroll.Year{xpYear(2025, "t2", "2024-11-20")}, true), visit: birth(policy.DeliveryNormal), items: items,
			want: xpWant{route: settle.RouteMaternity, cash: "3000.00", warnings: []core.Code{core.WarnMaternityIneligible}},
		},
	}
	xpTable(t, "city-resident", cases)
}

// TestSettleKuiwen: RULES §2.4, level 3: deductible 700, 55%, cap 180000.
func TestSettleKuiwen(t *testing.T) {
	p := xpKuiwen
	cases := []xpCase{
		{
			// (20000 − 700) × 55% = 19300 × 0.55 = 10615.00.
			name: "level 3", person: p, visit: xpStay("level3", "2025-10-09"), items: xpA("20000.00"),
			want: xpWant{route: settle.RouteBenefit, deductible: "700", funds: []xpFund{{"inpatient", "10615.00"}}, cash: "9385.00"},
		},
		{
			// 175000 paid leaves 5000 of 180000.
			name: "cap 180000 crossed", person: p, visit: xpStay("level3", "2025-10-09"), items: xpA("20000.00"),
			totals: xpTotals("inpatient", "175000", claim.ClassCount{Class: "level3", Count: 6}),
			want: xpWant{route: settle.RouteBenefit, funds: []xpFund{{"inpatient", "5000.00"}}, cash: "15000.00",
				warnings: []core.Code{core.WarnCapReached}, after: []xpFund{{"inpatient", "180000.00"}}},
		},
		{
			// 650 < 700: nothing paid.
			name: "deductible exceeds cost", person: p, visit: xpStay("level3", "2025-10-09"), items: xpA("650.00"),
			want: xpWant{route: settle.RouteBenefit, deductible: "650", funds: []xpFund{{"inpatient", "0"}}, cash: "650.00",
				warnings: []core.Code{core.WarnDeductibleExceeds}},
		},
	}
	xpTable(t, "kuiwen", cases)
}

// TestSettleRoundingModes rounds half a fen under each mode, on Kuiwen's 55% above 700.
func TestSettleRoundingModes(t *testing.T) {
	mode := func(m money.Mode) func(*policy.Policy) {
		return func(p *policy.Policy) { p.Rounding.Mode = m }
	}
	var cases []xpCase
	for _, tc := range []struct {
		name, scope, exact string
		mode               money.Mode
		fund, cash         string
	}{
		// 1700.30 − 700 = 1000.30; × 0.55 = 550.165: the fen digit 6 is even.
		{"550.165 half_up", "1700.30", "550.165", money.HalfUp, "550.17", "1150.13"},
		{"550.165 half_even", "1700.30", "550.165", money.HalfEven, "550.16", "1150.14"},
		{"550.165 down", "1700.30", "550.165", money.Down, "550.16", "1150.14"},
		// 1700.10 − 700 = 1000.10; × 0.55 = 550.055: the fen digit 5 is odd.
		{"550.055 half_up", "1700.10", "550.055", money.HalfUp, "550.06", "1150.04"},
		{"550.055 half_even", "1700.10", "550.055", money.HalfEven, "550.06", "1150.04"},
		{"550.055 down", "1700.10", "550.055", money.Down, "550.05", "1150.05"},
	} {
		cases = append(cases, xpCase{
			name: tc.name, edit: mode(tc.mode), person: xpKuiwen, visit: xpStay("level3", "2025-10-09"), items: xpA(tc.scope),
			want: xpWant{route: settle.RouteBenefit, funds: []xpFund{{"inpatient", tc.fund}}, cash: tc.cash,
				check: xpStepIs("round", "/rounding", "exact", tc.exact, "mode", string(tc.mode), "amount", tc.fund)},
		})
	}
	xpTable(t, "kuiwen", cases)
}

// TestSettleWholeYuanRoundingNeverOverpays: a policy may round payments to the yuan
// (scale 0). Kuiwen without a deductible, a bill of 0.94: 0.94 × 55% = 0.517, which
// half-up to the yuan is 1.00 — more than the bill. No fund may pay more than the cost
// it applies to, and cash can never be negative.
func TestSettleWholeYuanRoundingNeverOverpays(t *testing.T) {
	p := xpPolicy(t, "kuiwen", func(p *policy.Policy) {
		p.Rounding.Scale = 0
		p.Benefits[0].Deductible = policy.Deductible{Basis: policy.NoDeductible}
	})
	r := xpRun(t, p, claim.Claim{Person: xpKuiwen, Visit: xpStay("level3", "2025-10-09"), Items: xpA("0.94")})
	if r.FundTotal.Cmp(r.Scope) > 0 {
		t.Errorf("the fund pays %s on a policy-scope cost of %s", r.FundTotal, r.Scope)
	}
	if r.Cash.Sign() < 0 {
		t.Errorf("cash %s is negative", r.Cash)
	}
}

// TestSettleZhengzhou: basic (illustrative county 500 at 65%, cap 100000) and the
// supplementary layer (illustrative 60% above 3000 of the year's accumulated
// policy-scope cost left to the patient, cap 120000).
func TestSettleZhengzhou(t *testing.T) {
	p := xpZhengzhou
	v, items := xpStay("county", "2025-11-11"), xpA("20000.00")
	cases := []xpCase{
		{
			// Basic (20000 − 500) × 65% = 12675.00. Left in scope 7325; the year's base
			// 0 → 7325; (7325 − 3000) × 60% = 2595.00. Cash 20000 − 12675 − 2595 = 4730.00.
			name: "supplementary layer", person: p, visit: v, items: items,
			want: xpWant{route: settle.RouteBenefit, funds: []xpFund{{"basic", "12675.00"}, {"supplementary", "2595.00"}}, cash: "4730.00",
				after: []xpFund{{"basic", "12675.00"}, {"supplementary", "2595.00"}},
				check: func(t *testing.T, r *settle.Result) {
					if got := r.TotalsAfter.Fund("supplementary").Base.String(); got != "7325.00" {
						t.Errorf("supplementary base after %s, want 7325.00", got)
					}
				}},
		},
		{
			// The year's base was 5000 (1200 paid): 5000 → 12325; (12325 − 3000) × 60% −
			// (5000 − 3000) × 60% = 5595 − 1200 = 4395.00. Cash 20000 − 12675 − 4395 = 2930.00.
			name: "supplementary threshold met earlier in the year", person: p, visit: v, items: items,
			totals: claim.Totals{Year: 2025, Funds: []claim.FundTotal{
				{Fund: "basic", Paid: money.MustAmount("10000"), Visits: 1},
				{Fund: "supplementary", Paid: money.MustAmount("1200"), Base: money.MustAmount("5000"), Visits: 1},
			}, Admissions: []claim.ClassCount{{Class: "county", Count: 1}}},
			want: xpWant{route: settle.RouteBenefit, funds: []xpFund{{"basic", "12675.00"}, {"supplementary", "4395.00"}}, cash: "2930.00",
				after: []xpFund{{"basic", "22675.00"}, {"supplementary", "5595.00"}}},
		},
		{
			// Township 2000: basic (2000 − 200) × 80% = 1440.00; 560 left is under the
			// 3000 threshold: the layer pays 0.00.
			name: "supplementary below threshold", person: p, visit: xpStay("township", "2025-11-11"), items: xpA("2000.00"),
			want: xpWant{route: settle.RouteBenefit, funds: []xpFund{{"basic", "1440.00"}, {"supplementary", "0"}}, cash: "560.00"},
		},
		{
			// 119000 of the layer's 120000 paid: 7325 × 60% = 4395 is cut to 1000.00.
			// Cash 20000 − 12675 − 1000 = 6325.00.
			name: "supplementary cap", person: p, visit: v, items: items,
			totals: claim.Totals{Year: 2025, Funds: []claim.FundTotal{
				{Fund: "basic", Paid: money.MustAmount("60000"), Visits: 4},
				{Fund: "supplementary", Paid: money.MustAmount("119000"), Base: money.MustAmount("250000"), Visits: 4},
			}, Admissions: []claim.ClassCount{{Class: "county", Count: 4}}},
			want: xpWant{route: settle.RouteBenefit, funds: []xpFund{{"basic", "12675.00"}, {"supplementary", "1000.00"}}, cash: "6325.00",
				warnings: []core.Code{core.WarnCapReached}, after: []xpFund{{"supplementary", "120000.00"}}},
		},
	}
	xpTable(t, "zhengzhou", cases)
}

// TestSettleQinghai: basic, a single-disease top-up to an effective 70% and assistance
// to 90% for 低保 and 五保 (illustrative county 300 at 60%; I63 priced 6000 + 4000).
func TestSettleQinghai(t *testing.T) {
	i63 := func() claim.Visit {
		v := xpStay("county", "2025-02-20")
		v.Disease = "I63"
		return v
	}
	cases := []xpCase{
		{
			// I63 at 12000: fund 6000, hospital bears 2000. Base 12000 − 2000 = 10000;
			// 70% = 7000; top-up 7000 − 6000 = 1000.00. Cash 10000 − 7000 = 3000.00.
			name: "single disease top-up", person: xpQinghai("farmer"), visit: i63(), items: xpA("12000.00"),
			want: xpWant{route: settle.RouteSingleDisease, funds: []xpFund{{"basic", "6000.00"}, {"disease-topup", "1000.00"}},
				cash: "3000.00", hospital: "2000.00"},
		},
		{
			// Also 低保: assistance to 90% of 10000 = 9000; 9000 − 7000 = 2000.00. Cash 1000.00.
			name: "single disease top-up and assistance", person: xpQinghai("dibao"), visit: i63(), items: xpA("12000.00"),
			want: xpWant{route: settle.RouteSingleDisease,
				funds: []xpFund{{"basic", "6000.00"}, {"disease-topup", "1000.00"}, {"assistance", "2000.00"}},
				cash:  "1000.00", hospital: "2000.00"},
		},
		{
			// Below price, proportional: fund 8000 × 6000 ÷ 10000 = 4800.00; 70% of 8000
			// = 5600; top-up 800.00; cash 8000 − 5600 = 2400.00.
			name: "single disease below price proportional", person: xpQinghai("farmer"), visit: i63(), items: xpA("8000.00"),
			want: xpWant{route: settle.RouteSingleDisease, funds: []xpFund{{"basic", "4800.00"}, {"disease-topup", "800.00"}},
				cash: "2400.00"},
		},
		{
			// An ordinary stay of a 五保 person: basic (10000 − 300) × 60% = 5820.00; no
			// disease top-up; assistance 9000 − 5820 = 3180.00. Cash 1000.00.
			name: "ordinary stay with assistance", person: xpQinghai("wubao"), visit: xpStay("county", "2025-02-20"), items: xpA("10000.00"),
			want: xpWant{route: settle.RouteBenefit, funds: []xpFund{{"basic", "5820.00"}, {"assistance", "3180.00"}}, cash: "1000.00"},
		},
	}
	xpTable(t, "qinghai", cases)
}

// TestSettleTotalsAfterRoundTrip feeds a settlement's year-to-date totals into the
// person's next claim, as the ledger does.
func TestSettleTotalsAfterRoundTrip(t *testing.T) {
	tests := []struct {
		name  string
		id    string
		first claim.Claim
		bug   string
	}{
		{
			name: "inpatient stay", id: "city-resident",
			first: claim.Claim{Person: xpCity("general", "1975-04-20", xpYears("t1", 2024, 2025)), Visit: xpStay("level2", "2025-03-03"), Items: xpA("5000.00")},
		},
		{
			name: "maternity without a pool", id: "city-resident",
			first: func() claim.Claim {
				p := xpPerson("620702", "1996-02-14", "006", "general", xpYears("t2", 2024, 2025))
				p.FamilyPlanning = true
				v := xpStay("level2", "2025-03-03")
				v.Type, v.Delivery = policy.VisitMaternity, policy.DeliveryNormal
				return claim.Claim{Person: p, Visit: v, Items: xpA("3000.00")}
			}(),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.bug != "" {
				t.Skip(tc.bug)
			}
			p := xpPolicy(t, tc.id, nil)
			r := xpRun(t, p, tc.first)
			next := claim.Claim{Person: tc.first.Person, Visit: xpStay("level2", "2025-09-09"), Items: xpA("5000.00"), Totals: r.TotalsAfter}
			// The next level-2 stay is a later admission: (5000 − 250) × rate.
			r2 := xpRun(t, p, next)
			if r2.Deductible.String() != "250.00" {
				t.Errorf("next deductible %s, want 250.00 (a later admission)", r2.Deductible)
			}
		})
	}
}

// TestSettleTraceRenders checks every step of a settlement renders in both languages
// with all its values filled in (a missing value renders as "?").
func TestSettleTraceRenders(t *testing.T) {
	tests := []struct {
		name  string
		id    string
		claim claim.Claim
		bug   string
	}{
		{name: "pingluo report example", id: "pingluo-original",
			claim: claim.Claim{Person: xpPingluoFarmer, Visit: xpStay("county", "2025-03-02"), Items: xpA("8432.00")}},
		{name: "waiting period", id: "city-resident",
			claim: claim.Claim{Person: xpCity("general", "1975-04-20", []enroll.Year{xpYear(2025, "t1", "2025-03-10")}), Visit: xpStay("level2", "2025-05-01"), Items: xpA("5000.00")}},
		{name: "tier upgrade pending", id: "city-resident",
			claim: claim.Claim{Person: xpCity("general", "1975-04-20", []enroll.Year{xpYear(2024, "t1", "2023-12-01"), xpYear(2025, "t2", "2025-02-15")}),
				Visit: xpStay("level3", "2025-04-01"), Items: xpA("10000.00")}},
		{name: "single disease and top-ups", id: "qinghai",
			claim: claim.Claim{Person: xpQinghai("dibao"), Visit: func() claim.Visit { v := xpStay("county", "2025-02-20"); v.Disease = "I63"; return v }(), Items: xpA("12000.00")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.bug != "" {
				t.Skip(tc.bug)
			}
			p := xpPolicy(t, tc.id, nil)
			r := xpRun(t, p, tc.claim)
			for _, lang := range []string{string(trace.Chinese), string(trace.English)} {
				for i, s := range trace.Render(r.Trace, lang, p) {
					if strings.Contains(s, "?") || strings.ContainsAny(s, "{}") {
						t.Errorf("%s step %d (%s) renders with a missing value: %s", lang, i+1, r.Trace[i].Note, s)
					}
				}
			}
		})
	}
}

// ExampleRun settles the Pingluo report's example (RULES §2.1): an 8432元 stay at the
// county hospital. The whole amount above the 300元 deductible reaches the 55% band:
// (8432 − 300) × 55% = 4472.60, capped at 4000 a year, so the fund pays 4000.00 and
// the farmer 4432.00.
func ExampleRun() {
	all, err := policies.Compiled()
	if err != nil {
		fmt.Println(err)
		return
	}
	var p *policy.Compiled
	for _, c := range all {
		if c.ID() == "pingluo-original" {
			p = c
		}
	}
	c := claim.Claim{
		ID:     "PL-2025-000123",
		Person: xpPingluoFarmer,
		Visit:  xpStay("county", "2025-03-02"),
		Items:  xpA("8432.00"),
	}
	r, err := settle.Run(p, &c)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("fund:", r.FundTotal, "cash:", r.Cash)
	settle.Explain(p, &c, r, string(trace.Chinese))
	for _, s := range r.Trace {
		if s.Clause != "" {
			fmt.Printf("%s（%s）\n", s.Text, s.Clause)
		} else {
			fmt.Println(s.Text)
		}
	}
	f := r.Funds[0]
	fmt.Println(f.Name, "cap:", *f.Cap, "paid before:", *f.PaidBefore, "left:", *f.Left)
	// Output:
	// fund: 4000.00 cash: 4432.00
	// 2025年已参合，连续参合1年（第二条 参合与待遇享受）
	// 总费用8432.00元，全自费0.00元，超限价0.00元，乙类先行自付0.00元，政策范围内费用8432.00元（第三条 补偿范围）
	// 适用补偿规定：住院补偿（第四条 住院补偿）
	// 本年第1次住院，起付线300.00元，本次扣除300.00元（第五条 起付线）
	// 费用达到4000.00元以上段，全额8132.00元按55%报销4472.60元（第六条 补偿比例）
	// 年度封顶线4000.00元，已支付0.00元，本次可支付4000.00元，实付4000.00元（第七条 封顶线）
	// 基金合计支付4000.00元，家庭账户0.00元，个人现金4432.00元，医院承担0.00元，实际报销比例47.44%
	// 住院统筹基金 cap: 4000.00 paid before: 0.00 left: 0.00
}
