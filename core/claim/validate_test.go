package claim_test

import (
	"errors"
	"fmt"
	"os"
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
)

// residentID builds a valid 18-character resident ID with its MOD 11-2 check character.
func residentID(region, birth, seq string) string {
	first17 := region + strings.ReplaceAll(birth, "-", "") + seq
	c, err := identity.CheckChar(first17)
	if err != nil {
		panic(err)
	}
	return first17 + string(c)
}

// goodID is a valid ID (Lanzhou, born 1975-04-20) and badID the same with a wrong
// check character.
var (
	goodID = residentID("620102", "1975-04-20", "123")
	badID  = goodID[:17] + wrongCheck(goodID[17])
)

func wrongCheck(c byte) string {
	if c == '0' {
		return "1"
	}
	return "0"
}

// personID is the parser the engine passes to Validate.
func personID(id string, on civil.Date) error {
	_, err := identity.ParseID(id, on)
	return err
}

// baseJSON is a valid city-resident claim: a level-2 stay in June 2025 of a general
// resident enrolled at tier 1 for 2024 and 2025. Cases patch its text or edit the
// decoded claim.
var baseJSON = `{
  "id": "V2025-0001",
  "person": {
    "id": "` + goodID + `",
    "name": "张三",
    "category": "general",
    "birthDate": "1975-04-20",
    "enrollment": [
      {"year": 2024, "tier": "t1", "paidOn": "2023-12-01"},
      {"year": 2025, "tier": "t1", "paidOn": "2024-12-01"}
    ]
  },
  "visit": {"type": "inpatient", "institution": "H620102001", "class": "level2", "referral": false,
            "admission": "2025-06-16", "discharge": "2025-06-23"},
  "items": [
    {"code": "FEE-A", "name": "治疗费", "kind": "treatment", "class": "A", "amount": "100.00", "overLimit": "0"}
  ],
  "totals": {
    "year": 2025,
    "funds": [{"fund": "basic", "paid": "0", "base": "0", "deductible": "0", "visits": 0}],
    "admissions": [{"class": "level2", "count": 1}],
    "familyAccount": "0"
  }
}`

// totalsYear is the text of the totals' year in baseJSON, for patches.
const totalsYear = "\"totals\": {\n    \"year\": 2025"

func compiled(t *testing.T, id string) *policy.Compiled {
	t.Helper()
	cs, err := policies.Compiled()
	if err != nil {
		t.Fatalf("policies.Compiled: %v", err)
	}
	for _, c := range cs {
		if c.ID() == id {
			return c
		}
	}
	t.Fatalf("no policy %q", id)
	return nil
}

// cityWith compiles the city-resident document after an edit.
func cityWith(t *testing.T, edit func(*policy.Policy)) *policy.Compiled {
	t.Helper()
	for _, d := range policies.Documents() {
		if d.Name != "city-resident.json" {
			continue
		}
		var p policy.Policy
		if err := codec.Decode(d.JSON, &p); err != nil {
			t.Fatal(err)
		}
		edit(&p)
		c, err := policy.Compile(p)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	t.Fatal("city-resident.json is not embedded")
	return nil
}

// decode reads claim JSON with the strict codec, after replacing each patch's old
// text (which must occur exactly once) with its new text.
func decode(t *testing.T, text string, patches ...[2]string) claim.Claim {
	t.Helper()
	for _, p := range patches {
		if n := strings.Count(text, p[0]); n != 1 {
			t.Fatalf("patch %q occurs %d times in the claim", p[0], n)
		}
		text = strings.Replace(text, p[0], p[1], 1)
	}
	var c claim.Claim
	if err := codec.Decode([]byte(text), &c); err != nil {
		t.Fatalf("decode: %v\n%s", err, text)
	}
	return c
}

// amount decodes one JSON token into an Amount with the codec, keeping any problem.
func amount(t *testing.T, raw string) money.Amount {
	t.Helper()
	var a money.Amount
	if err := codec.Decode([]byte(raw), &a); err != nil {
		t.Fatalf("decode amount %s: %v", raw, err)
	}
	return a
}

// date decodes one JSON token into a Date with the codec, keeping any problem.
func date(t *testing.T, raw string) civil.Date {
	t.Helper()
	var d civil.Date
	if err := codec.Decode([]byte(raw), &d); err != nil {
		t.Fatalf("decode date %s: %v", raw, err)
	}
	return d
}

type pair struct {
	code core.Code
	path string
}

func (p pair) String() string { return string(p.code) + " at " + p.path }

func pairs(err error) []pair {
	var out []pair
	for _, e := range core.AsErrors(err) {
		out = append(out, pair{e.Code, e.Path})
	}
	return out
}

// okItem is a valid class-A line.
func okItem(code string) claim.Item {
	return claim.Item{Code: code, Kind: claim.KindDrug, Class: claim.ClassA, Amount: money.MustAmount("10.00")}
}

type validateCase struct {
	name    string
	policy  *policy.Compiled // nil: city-resident
	patches [][2]string      // applied to baseJSON before decoding
	edit    func(t *testing.T, c *claim.Claim)
	id      func(id string, on civil.Date) error // nil: personID
	// want is the exact list of problems in the order Validate returns them (by path).
	want []pair
	bug  string
}

func TestValidate(t *testing.T) {
	city := compiled(t, "city-resident")
	pingluo := compiled(t, "pingluo-original")
	byDischarge := cityWith(t, func(p *policy.Policy) { p.VisitDate = "discharge" })

	cases := []validateCase{
		{name: "valid claim"},
		{
			name: "valid same-day outpatient",
			edit: func(t *testing.T, c *claim.Claim) {
				c.Visit.Type, c.Visit.Class = policy.VisitOutpatient, "township"
				c.Visit.Admission, c.Visit.Discharge = civil.MustParse("2025-03-03"), civil.MustParse("2025-03-03")
			},
		},
		{
			name: "valid maternity with the maternity fund in totals",
			edit: func(t *testing.T, c *claim.Claim) {
				c.Visit.Type, c.Visit.Delivery = policy.VisitMaternity, policy.DeliveryDifficult
				c.Totals.Funds = append(c.Totals.Funds, claim.FundTotal{Fund: policy.FundMaternity})
			},
		},
		{
			name: "valid empty totals year (nothing settled yet)",
			edit: func(t *testing.T, c *claim.Claim) { c.Totals = claim.Totals{} },
		},

		// --- dates ---
		{
			name: "missing admission",
			edit: func(t *testing.T, c *claim.Claim) { c.Visit.Admission = civil.Date{} },
			want: []pair{{core.FieldRequired, "/visit/admission"}},
		},
		{
			name:    "missing admission in JSON (empty string)",
			patches: [][2]string{{`"admission": "2025-06-16"`, `"admission": ""`}},
			want:    []pair{{core.FieldRequired, "/visit/admission"}},
		},
		{
			// 2025-02-30 does not exist; no date_order or policy check on a bad date.
			name:    "impossible admission date",
			patches: [][2]string{{`"admission": "2025-06-16"`, `"admission": "2025-02-30"`}},
			want:    []pair{{core.DateInvalid, "/visit/admission"}},
		},
		{
			name:    "impossible discharge date",
			patches: [][2]string{{`"discharge": "2025-06-23"`, `"discharge": "2025-06-31"`}},
			want:    []pair{{core.DateInvalid, "/visit/discharge"}},
		},
		{
			name:    "admission in the wrong format",
			patches: [][2]string{{`"admission": "2025-06-16"`, `"admission": "16/06/2025"`}},
			want:    []pair{{core.DateInvalid, "/visit/admission"}},
		},
		{
			name:    "admission as a number",
			patches: [][2]string{{`"admission": "2025-06-16"`, `"admission": 20250616`}},
			want:    []pair{{core.DateInvalid, "/visit/admission"}},
		},
		{
			name:    "discharge before admission",
			patches: [][2]string{{`"discharge": "2025-06-23"`, `"discharge": "2025-06-10"`}},
			want:    []pair{{core.DateOrder, "/visit/discharge"}},
		},
		{
			// The policy is effective from 2025-01-01; the totals year is 0 so that
			// only the policy problem is reported.
			name: "policy not effective",
			patches: [][2]string{
				{`"admission": "2025-06-16"`, `"admission": "2024-12-20"`},
				{`"discharge": "2025-06-23"`, `"discharge": "2024-12-27"`},
				{totalsYear, `"totals": {"year": 0`},
			},
			want: []pair{{core.PolicyNotEffective, "/visit/admission"}},
		},
		{
			// With the policy's totals year still 2025 both problems are reported.
			name: "policy not effective and totals of another year",
			patches: [][2]string{
				{`"admission": "2025-06-16"`, `"admission": "2024-12-20"`},
				{`"discharge": "2025-06-23"`, `"discharge": "2024-12-27"`},
			},
			want: []pair{{core.ClaimTotalsYear, "/totals/year"}, {core.PolicyNotEffective, "/visit/admission"}},
		},
		{
			// A same-day visit: admission = discharge = 2024-12-20 under a policy
			// whose visit date is the admission. The admission decides, so the
			// problem belongs at /visit/admission.
			name: "policy not effective, same-day visit",
			edit: func(t *testing.T, c *claim.Claim) {
				c.Visit.Admission, c.Visit.Discharge = civil.MustParse("2024-12-20"), civil.MustParse("2024-12-20")
				c.Totals.Year = 0
			},
			want: []pair{{core.PolicyNotEffective, "/visit/admission"}},
		},
		{
			// Under a discharge-date policy the discharge decides: admitted
			// 2024-12-28, discharged 2025-01-03 is effective.
			name: "discharge policy, stay across the effective date", policy: byDischarge,
			edit: func(t *testing.T, c *claim.Claim) {
				c.Visit.Admission, c.Visit.Discharge = civil.MustParse("2024-12-28"), civil.MustParse("2025-01-03")
			},
		},
		{
			name: "discharge policy, discharged before the effective date", policy: byDischarge,
			edit: func(t *testing.T, c *claim.Claim) {
				c.Visit.Admission, c.Visit.Discharge = civil.MustParse("2024-12-20"), civil.MustParse("2024-12-27")
				c.Totals.Year = 0
			},
			want: []pair{{core.PolicyNotEffective, "/visit/discharge"}},
		},
		{
			name: "discharge policy, totals year follows the discharge", policy: byDischarge,
			edit: func(t *testing.T, c *claim.Claim) {
				c.Visit.Admission, c.Visit.Discharge = civil.MustParse("2025-12-28"), civil.MustParse("2026-01-03")
			},
			want: []pair{{core.ClaimTotalsYear, "/totals/year"}},
		},
		{
			// A date built in Go rather than decoded: 30 February has no decoding
			// problem, but it is still not a date.
			name: "impossible admission built in Go",
			edit: func(t *testing.T, c *claim.Claim) { c.Visit.Admission = civil.New(2025, time.February, 30) },
			want: []pair{{core.DateInvalid, "/visit/admission"}},
		},
		{
			name: "born after the visit",
			edit: func(t *testing.T, c *claim.Claim) { c.Person.Birth = civil.MustParse("2025-07-01") },
			want: []pair{{core.DateOrder, "/person/birthDate"}},
		},
		{
			name:    "impossible birth date",
			patches: [][2]string{{`"birthDate": "1975-04-20"`, `"birthDate": "1975-13-01"`}},
			want:    []pair{{core.DateInvalid, "/person/birthDate"}},
		},
		{
			name:    "impossible payment date",
			patches: [][2]string{{`"paidOn": "2023-12-01"`, `"paidOn": "2023-11-31"`}},
			want:    []pair{{core.DateInvalid, "/person/enrollment/0/paidOn"}},
		},

		// --- visit codes ---
		{
			name: "missing visit type",
			edit: func(t *testing.T, c *claim.Claim) { c.Visit.Type = "" },
			want: []pair{{core.FieldRequired, "/visit/type"}},
		},
		{
			name: "unknown visit type",
			edit: func(t *testing.T, c *claim.Claim) { c.Visit.Type = "dental" },
			want: []pair{{core.FieldInvalid, "/visit/type"}},
		},
		{
			name: "missing class",
			edit: func(t *testing.T, c *claim.Claim) { c.Visit.Class = "" },
			want: []pair{{core.FieldRequired, "/visit/class"}},
		},
		{
			name: "unknown class",
			edit: func(t *testing.T, c *claim.Claim) { c.Visit.Class = "level9" },
			want: []pair{{core.ClaimUnknownClass, "/visit/class"}},
		},
		{
			// pingluo-original's classes are village, township, county, nondesignated.
			name: "class of another policy", policy: pingluo,
			edit: func(t *testing.T, c *claim.Claim) {
				c.Person.Category = "farmer"
				for i := range c.Person.Enrollment {
					c.Person.Enrollment[i].Tier = ""
				}
				c.Totals = claim.Totals{}
			},
			want: []pair{{core.ClaimUnknownClass, "/visit/class"}},
		},
		{
			// The city policy lists no single diseases.
			name: "unknown disease",
			edit: func(t *testing.T, c *claim.Claim) { c.Visit.Disease = "K35" },
			want: []pair{{core.ClaimUnknownDisease, "/visit/disease"}},
		},
		{
			name: "maternity without delivery",
			edit: func(t *testing.T, c *claim.Claim) { c.Visit.Type = policy.VisitMaternity },
			want: []pair{{core.FieldRequired, "/visit/delivery"}},
		},
		{
			name: "bad delivery value",
			edit: func(t *testing.T, c *claim.Claim) {
				c.Visit.Type, c.Visit.Delivery = policy.VisitMaternity, "caesarean"
			},
			want: []pair{{core.FieldInvalid, "/visit/delivery"}},
		},
		{
			// A delivery on a non-maternity visit is checked too.
			name: "bad delivery on an inpatient visit",
			edit: func(t *testing.T, c *claim.Claim) { c.Visit.Delivery = "Normal" },
			want: []pair{{core.FieldInvalid, "/visit/delivery"}},
		},
		{
			name: "institution with a control character",
			edit: func(t *testing.T, c *claim.Claim) { c.Visit.Institution = "H62\x07" },
			want: []pair{{core.FieldTextInvalid, "/visit/institution"}},
		},

		// --- person ---
		{
			name: "unknown category",
			edit: func(t *testing.T, c *claim.Claim) { c.Person.Category = "farmer" },
			want: []pair{{core.ClaimUnknownCategory, "/person/category"}},
		},
		{
			name: "missing category",
			edit: func(t *testing.T, c *claim.Claim) { c.Person.Category = "" },
			want: []pair{{core.FieldRequired, "/person/category"}},
		},
		{
			name: "unknown tier in enrollment",
			edit: func(t *testing.T, c *claim.Claim) { c.Person.Enrollment[1].Tier = "t3" },
			want: []pair{{core.ClaimUnknownTier, "/person/enrollment/1/tier"}},
		},
		{
			// The city policy has tiers, so every year must name one.
			name: "missing tier in enrollment",
			edit: func(t *testing.T, c *claim.Claim) { c.Person.Enrollment[0].Tier = "" },
			want: []pair{{core.FieldRequired, "/person/enrollment/0/tier"}},
		},
		{
			// pingluo-original has no tiers: naming one is unknown.
			name: "tier under an untiered policy", policy: pingluo,
			edit: func(t *testing.T, c *claim.Claim) {
				c.Person.Category, c.Visit.Class = "farmer", "county"
				c.Person.Enrollment[0].Tier = ""
				c.Totals = claim.Totals{}
			},
			want: []pair{{core.ClaimUnknownTier, "/person/enrollment/1/tier"}},
		},
		{
			name: "duplicate enrollment year",
			edit: func(t *testing.T, c *claim.Claim) {
				c.Person.Enrollment = append(c.Person.Enrollment, enroll.Year{Year: 2025, Tier: "t2", PaidOn: civil.MustParse("2025-02-01")})
			},
			want: []pair{{core.FieldInvalid, "/person/enrollment/2/year"}},
		},
		{
			name: "enrollment year out of range",
			edit: func(t *testing.T, c *claim.Claim) { c.Person.Enrollment[0].Year = 24 },
			want: []pair{{core.FieldInvalid, "/person/enrollment/0/year"}},
		},
		{
			name: "missing resident ID is not parsed",
			edit: func(t *testing.T, c *claim.Claim) { c.Person.ID = "" },
			id: func(id string, on civil.Date) error {
				return errors.New("personID called for an empty ID")
			},
			want: []pair{{core.FieldRequired, "/person/id"}},
		},
		{
			name: "invalid resident ID check character",
			edit: func(t *testing.T, c *claim.Claim) { c.Person.ID = badID },
			want: []pair{{core.IDChecksum, "/person/id"}},
		},
		{
			name: "resident ID of the wrong length",
			edit: func(t *testing.T, c *claim.Claim) { c.Person.ID = goodID[:16] },
			want: []pair{{core.IDLength, "/person/id"}},
		},
		{
			// The ID's birth date is checked against the visit date it is passed.
			name: "resident ID born after the visit",
			edit: func(t *testing.T, c *claim.Claim) { c.Person.ID = residentID("620102", "2025-08-01", "123") },
			want: []pair{{core.IDBirthFuture, "/person/id"}},
		},
		{
			// A foreign error from the parser is an engine error at the ID's path.
			name: "foreign error from the ID parser",
			id:   func(string, civil.Date) error { return errors.New("roster unavailable") },
			want: []pair{{core.EngineInternal, "/person/id"}},
		},
		{
			name: "name of invalid UTF-8",
			edit: func(t *testing.T, c *claim.Claim) { c.Person.Name = "张\xff" },
			want: []pair{{core.FieldTextInvalid, "/person/name"}},
		},
		{
			name: "claim id too long",
			edit: func(t *testing.T, c *claim.Claim) { c.ID = strings.Repeat("x", 201) },
			want: []pair{{core.FieldTooLong, "/id"}},
		},

		// --- items ---
		{
			name: "item kind and class invalid",
			edit: func(t *testing.T, c *claim.Claim) { c.Items[0].Kind, c.Items[0].Class = "food", "C" },
			want: []pair{{core.FieldInvalid, "/items/0/class"}, {core.FieldInvalid, "/items/0/kind"}},
		},
		{
			name: "item code, kind and class missing",
			edit: func(t *testing.T, c *claim.Claim) { c.Items[0].Code, c.Items[0].Kind, c.Items[0].Class = "", "", "" },
			want: []pair{{core.FieldRequired, "/items/0/class"}, {core.FieldRequired, "/items/0/code"}, {core.FieldRequired, "/items/0/kind"}},
		},
		{
			name: "item code with a control character (no name)",
			edit: func(t *testing.T, c *claim.Claim) { c.Items[0].Code, c.Items[0].Name = "FEE\tA", "" },
			want: []pair{{core.FieldTextInvalid, "/items/0/code"}},
		},
		{
			// A Chinese code is valid UTF-8 text.
			name: "item code in Chinese (no name)",
			edit: func(t *testing.T, c *claim.Claim) { c.Items[0].Code, c.Items[0].Name = "治疗费", "" },
		},
		{
			name:    "overLimit greater than amount",
			patches: [][2]string{{`"overLimit": "0"`, `"overLimit": "150.00"`}},
			want:    []pair{{core.FieldInvalid, "/items/0/overLimit"}},
		},
		{
			name:    "overLimit equal to amount",
			patches: [][2]string{{`"overLimit": "0"`, `"overLimit": "100"`}},
		},
		{
			name:    "negative amount",
			patches: [][2]string{{`"amount": "100.00"`, `"amount": "-5.00"`}},
			want:    []pair{{core.AmountNegative, "/items/0/amount"}},
		},
		{
			name:    "over-precise amount",
			patches: [][2]string{{`"amount": "100.00"`, `"amount": "100.001"`}},
			want:    []pair{{core.AmountPrecision, "/items/0/amount"}},
		},
		{
			name:    "amount as a JSON number",
			patches: [][2]string{{`"amount": "100.00"`, `"amount": 100`}},
			want:    []pair{{core.AmountInvalid, "/items/0/amount"}},
		},
		{
			name:    "amount too large",
			patches: [][2]string{{`"amount": "100.00"`, `"amount": "1234567890123"`}},
			want:    []pair{{core.AmountTooLarge, "/items/0/amount"}},
		},
		{
			// With a bad amount, overLimit is not compared with it.
			name: "bad amount and bad overLimit",
			patches: [][2]string{
				{`"amount": "100.00"`, `"amount": "1e3"`},
				{`"overLimit": "0"`, `"overLimit": -1`},
			},
			want: []pair{{core.AmountInvalid, "/items/0/amount"}, {core.AmountInvalid, "/items/0/overLimit"}},
		},
		{
			name: "amounts set by decoding one token",
			edit: func(t *testing.T, c *claim.Claim) {
				c.Items[0].Amount = amount(t, `"-0.01"`)
				c.Items[0].OverLimit = amount(t, `"0.005"`)
			},
			want: []pair{{core.AmountNegative, "/items/0/amount"}, {core.AmountPrecision, "/items/0/overLimit"}},
		},
		{
			// An Amount built in Go rather than decoded: money.Fen(-500) carries no
			// decoding problem but is still a negative bill line.
			name: "negative amount built in Go",
			edit: func(t *testing.T, c *claim.Claim) { c.Items[0].Amount = money.Fen(-500) },
			want: []pair{{core.AmountNegative, "/items/0/amount"}},
		},
		{
			// A bill of MaxItems lines is allowed.
			name: "exactly MaxItems items",
			edit: func(t *testing.T, c *claim.Claim) { c.Items = manyItems(claim.MaxItems) },
		},
		{
			// One over the limit: one error, and the (invalid, empty) lines are not
			// checked one by one.
			name: "too many items",
			edit: func(t *testing.T, c *claim.Claim) { c.Items = make([]claim.Item, claim.MaxItems+1) },
			want: []pair{{core.ClaimTooManyItems, "/items"}},
		},

		// --- totals ---
		{
			name:    "totals year mismatch",
			patches: [][2]string{{totalsYear, `"totals": {"year": 2024`}},
			want:    []pair{{core.ClaimTotalsYear, "/totals/year"}},
		},
		{
			name:    "unknown fund in totals",
			patches: [][2]string{{`"fund": "basic"`, `"fund": "outpatient"`}},
			want:    []pair{{core.ClaimUnknownFund, "/totals/funds/0/fund"}},
		},
		{
			name: "duplicate fund in totals",
			edit: func(t *testing.T, c *claim.Claim) {
				c.Totals.Funds = append(c.Totals.Funds, claim.FundTotal{Fund: "basic", Paid: money.MustAmount("5")})
			},
			want: []pair{{core.FieldInvalid, "/totals/funds/1/fund"}},
		},
		{
			name: "missing fund id and negative visits",
			edit: func(t *testing.T, c *claim.Claim) { c.Totals.Funds[0].Fund, c.Totals.Funds[0].Visits = "", -1 },
			want: []pair{{core.FieldRequired, "/totals/funds/0/fund"}, {core.FieldInvalid, "/totals/funds/0/visits"}},
		},
		{
			name: "bad totals amounts",
			patches: [][2]string{
				{`"paid": "0"`, `"paid": "-1"`},
				{`"base": "0"`, `"base": 0`},
				{`"deductible": "0"`, `"deductible": "0.123"`},
				{`"familyAccount": "0"`, `"familyAccount": "x"`},
			},
			want: []pair{
				{core.AmountInvalid, "/totals/familyAccount"},
				{core.AmountInvalid, "/totals/funds/0/base"},
				{core.AmountPrecision, "/totals/funds/0/deductible"},
				{core.AmountNegative, "/totals/funds/0/paid"},
			},
		},
		{
			name: "admissions: unknown class, duplicate class, negative count",
			edit: func(t *testing.T, c *claim.Claim) {
				c.Totals.Admissions = []claim.ClassCount{{Class: "level2", Count: 1}, {Class: "ward", Count: 1}, {Class: "level2", Count: -2}}
			},
			want: []pair{
				{core.ClaimUnknownClass, "/totals/admissions/1/class"},
				{core.FieldInvalid, "/totals/admissions/2/class"},
				{core.FieldInvalid, "/totals/admissions/2/count"},
			},
		},

		// --- many problems at once: all are reported, sorted by path ---
		{
			// 11 items with 9 and 10 bad: /items/10 sorts after /items/9 (numeric
			// order, not text order). Problems elsewhere are reported too.
			name: "many problems sorted by path",
			edit: func(t *testing.T, c *claim.Claim) {
				c.ID = "V\n1"
				c.Items = manyItems(11)
				c.Items[9].Kind, c.Items[9].Class = "", "Z"
				c.Items[10].Code = ""
				c.Items[10].Amount = amount(t, `"-1"`)
				c.Person.Category = "farmer"
				c.Person.ID = badID
				c.Person.Enrollment[0].PaidOn = date(t, `"2023-02-29"`)
				c.Person.Enrollment[1].Tier = "t9"
				c.Totals.Year = 2024
				c.Totals.Funds = append(c.Totals.Funds, claim.FundTotal{Fund: "layer9"})
				c.Visit.Class = "level9"
				c.Visit.Disease = "K35"
				c.Visit.Discharge = civil.MustParse("2025-06-01")
			},
			want: []pair{
				{core.FieldTextInvalid, "/id"},
				{core.FieldInvalid, "/items/9/class"},
				{core.FieldRequired, "/items/9/kind"},
				{core.AmountNegative, "/items/10/amount"},
				{core.FieldRequired, "/items/10/code"},
				{core.ClaimUnknownCategory, "/person/category"},
				{core.DateInvalid, "/person/enrollment/0/paidOn"},
				{core.ClaimUnknownTier, "/person/enrollment/1/tier"},
				{core.IDChecksum, "/person/id"},
				{core.ClaimUnknownFund, "/totals/funds/1/fund"},
				{core.ClaimTotalsYear, "/totals/year"},
				{core.ClaimUnknownClass, "/visit/class"},
				{core.DateOrder, "/visit/discharge"},
				{core.ClaimUnknownDisease, "/visit/disease"},
			},
		},
		{
			// Every item of a long bill is checked: items 0, 9, 10 and 99, in
			// numeric path order.
			name: "bad items across a long bill",
			edit: func(t *testing.T, c *claim.Claim) {
				c.Items = manyItems(100)
				for _, i := range []int{99, 10, 9, 0} {
					c.Items[i].Kind = "x"
				}
			},
			want: []pair{
				{core.FieldInvalid, "/items/0/kind"},
				{core.FieldInvalid, "/items/9/kind"},
				{core.FieldInvalid, "/items/10/kind"},
				{core.FieldInvalid, "/items/99/kind"},
			},
		},
	}

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.bug != "" && os.Getenv("NCMS_RUN_BUGS") == "" {
				// Set NCMS_RUN_BUGS=1 to run the case and see it fail.
				t.Skip("BUG: " + tc.bug)
			}
			p := tc.policy
			if p == nil {
				p = city
			}
			c := decode(t, baseJSON, tc.patches...)
			if tc.edit != nil {
				tc.edit(t, &c)
			}
			id := tc.id
			if id == nil {
				id = personID
			}
			err := c.Validate(p, id)
			got := pairs(err)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("Validate:\n got %v\nwant %v\nerr: %v", got, tc.want, err)
			}
			if (err == nil) != (len(tc.want) == 0) {
				t.Errorf("Validate returned %#v, want nil exactly when there are no problems", err)
			}
			for _, e := range core.AsErrors(err) {
				if e.Message == "" || e.MessageZh == "" {
					t.Errorf("%s at %s has an empty message", e.Code, e.Path)
				}
			}
		})
	}
}

// manyItems is a bill of n valid lines.
func manyItems(n int) []claim.Item {
	items := make([]claim.Item, n)
	for i := range items {
		items[i] = okItem(fmt.Sprintf("ITEM-%05d", i))
	}
	return items
}

// TestValidateDoesNotModify checks that validation leaves the claim as it was.
func TestValidateDoesNotModify(t *testing.T) {
	city := compiled(t, "city-resident")
	c := decode(t, baseJSON)
	c.Person.ID = badID
	c.Visit.Class = "level9"
	before, err := codec.Encode(&c)
	if err != nil {
		t.Fatal(err)
	}
	if c.Validate(city, personID) == nil {
		t.Fatal("want errors")
	}
	after, _ := codec.Encode(&c)
	if string(before) != string(after) {
		t.Errorf("Validate modified the claim:\n%s\n%s", before, after)
	}
}
