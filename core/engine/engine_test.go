package engine_test

import (
	"encoding/json"
	"github.com/ruralhealth/ncms/core/coretest"
	"math/rand/v2"
	"os"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/claim"
	wirecodec "github.com/ruralhealth/ncms/core/codec"
	codec "github.com/ruralhealth/ncms/core/codec/anycodec"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/settle"
)

func newEngine(t testing.TB) *engine.Engine {
	t.Helper()
	e, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("testdata/pingluo.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.LoadPolicy(doc); err != nil {
		t.Fatal(err)
	}
	return e
}

// The Pingluo report's worked example: an 8432元 county-hospital stay paid 4000元.
const pingluoClaim = `{"schema":1,"policy":"test-pingluo","claim":{"id":"V1",
 "person":{"id":"640221198001010015","category":"general","birthDate":"1980-01-01","enrollment":[{"year":2025,"paidOn":"2024-12-01"}]},
 "visit":{"type":"inpatient","class":"county","referral":false,"admission":"2025-03-01","discharge":"2025-03-10"},
 "items":[{"code":"X1","kind":"treatment","class":"A","amount":"8432"}],
 "totals":{"year":0,"funds":[],"admissions":[],"familyAccount":"0"}}}`

type envelope struct {
	Schema int            `json:"schema"`
	OK     bool           `json:"ok"`
	Result *settle.Result `json:"result"`
	Errors core.Errors    `json:"errors"`
}

func TestSettlePingluo(t *testing.T) {
	e := newEngine(t)
	out := e.Handle(engine.OpSettle, []byte(pingluoClaim))
	var env envelope
	if err := codec.Decode(out, &env); err != nil {
		t.Fatalf("decode %s: %v", out, err)
	}
	if !env.OK {
		t.Fatalf("errors: %v", env.Errors)
	}
	// (8432 − 300) × 55% = 4472.60, capped at 4000.
	if got := env.Result.FundTotal.String(); got != "4000.00" {
		t.Errorf("fund = %s, want 4000.00", got)
	}
	if got := env.Result.Cash.String(); got != "4432.00" {
		t.Errorf("cash = %s, want 4432.00", got)
	}
	if again := e.Handle(engine.OpSettle, []byte(pingluoClaim)); string(again) != string(out) {
		t.Error("same input gave different bytes")
	}
}

func TestHandleErrors(t *testing.T) {
	e := newEngine(t)
	cases := []struct {
		name, op, req string
		want          []string // codes, in order
		paths         []string
	}{
		{"malformed", engine.OpSettle, `{"schema":1,`, []string{"request_malformed_json"}, []string{""}},
		{"trailing", engine.OpSettle, `{"schema":1} {}`, []string{"request_malformed_json"}, []string{""}},
		{"unknown op", "nope", `{}`, []string{"request_unknown_operation"}, []string{""}},
		{"unknown field", engine.OpSettle, `{"schema":1,"policy":"test-pingluo","claim":{"visit":{"colour":"red"}}}`,
			[]string{"request_unknown_field"}, []string{"/claim/visit/colour"}},
		{"schema", engine.OpSettle, `{"schema":2,"policy":"x","claim":{}}`, []string{"request_schema_unsupported"}, []string{"/schema"}},
		// The error shows the start of the bad text; cut inside a character it would be
		// invalid UTF-8 and the envelope could not be encoded at all.
		{"long text amount", engine.OpSettle, `{"schema":1,"policy":"test-pingluo","claim":{"items":[{"amount":"一二三四五六七八九十一二三四五六七八九十"}]}}`,
			[]string{"amount_invalid"}, []string{"/claim/items/0/amount"}},
		{"no policy", engine.OpSettle, `{"schema":1,"policy":"nowhere","claim":{}}`, []string{"policy_not_found"}, []string{"/policy"}},
		{"bad amounts and dates", engine.OpSettle, `{"schema":1,"policy":"test-pingluo","claim":{"id":"V",
			"person":{"id":"640221198001010016","category":"general","birthDate":"1980-01-01","enrollment":[]},
			"visit":{"type":"inpatient","class":"mars","admission":"2025-02-30"},
			"items":[{"code":"a","kind":"drug","class":"A","amount":12.5},{"code":"b","kind":"drug","class":"A","amount":"-1"},
			         {"code":"c","kind":"drug","class":"A","amount":"1.005"}],
			"totals":{"year":0,"funds":[],"admissions":[],"familyAccount":"0"}}}`,
			[]string{"date_invalid", "amount_invalid", "amount_negative", "amount_precision", "id_checksum", "claim_unknown_facility_class"},
			[]string{"/claim/visit/admission", "/claim/items/0/amount", "/claim/items/1/amount", "/claim/items/2/amount", "/claim/person/id", "/claim/visit/class"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var env envelope
			out := e.Handle(tc.op, []byte(tc.req))
			if err := codec.Decode(out, &env); err != nil {
				t.Fatalf("decode %s: %v", out, err)
			}
			if env.OK {
				t.Fatalf("ok, want errors")
			}
			got := map[string]string{}
			for _, er := range env.Errors {
				got[string(er.Code)] = er.Path
			}
			for i, code := range tc.want {
				path, ok := got[code]
				if !ok {
					t.Errorf("missing %s in %s", code, out)
				} else if path != tc.paths[i] {
					t.Errorf("%s at %q, want %q", code, path, tc.paths[i])
				}
			}
		})
	}
}

// TestSettleEnvelopeAsCodec checks that the settle response, written directly, is the
// envelope the codec encodes by reflection.
func TestSettleEnvelopeAsCodec(t *testing.T) {
	e, err := engine.WithExamples()
	if err != nil {
		t.Fatal(err)
	}
	req, err := os.ReadFile("testdata/twenty-lines.json")
	if err != nil {
		t.Fatal(err)
	}
	var r engine.SettleRequest
	if err := codec.Decode(req, &r); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"", "zh", "en"} {
		c := r.Claim
		res, err := e.Settle(r.Policy, r.Version, &c, true)
		if err != nil {
			t.Fatal(err)
		}
		if lang != "" {
			if err := e.Explain(&c, res, lang); err != nil {
				t.Fatal(err)
			}
		}
		type plain settle.Result // no methods: encoded by reflection
		want, err := codec.Encode(struct {
			Schema int    `json:"schema"`
			OK     bool   `json:"ok"`
			Result *plain `json:"result,omitempty"`
		}{1, true, (*plain)(res)})
		if err != nil {
			t.Fatal(err)
		}
		withLang := req
		if lang != "" {
			withLang = []byte(strings.Replace(string(req), `"schema":1,`, `"schema":1,"lang":"`+lang+`",`, 1))
			if string(withLang) == string(req) {
				t.Fatal("the request has no schema field to put lang after")
			}
		}
		if got := e.Handle(engine.OpSettle, withLang); string(got) != string(want) {
			t.Errorf("Handle, lang %q:\n%s\nwant\n%s", lang, got, want)
		}
	}
}

// TestSettleDecodeMatchesReflection holds the generated decoder of settle requests to
// the reflective one: the same request, or the same error code and path. Inputs are
// the benchmark claim and the Pingluo request, cut and mutated byte by byte.
func TestSettleDecodeMatchesReflection(t *testing.T) {
	twenty, err := os.ReadFile("testdata/twenty-lines.json")
	if err != nil {
		t.Fatal(err)
	}
	seeds := [][]byte{twenty, []byte(pingluoClaim),
		[]byte(`{"schema":1,"policy":"p","version":"v","claim":{}}`),
		[]byte(`{"schema":2,"policy":"","claim":{"items":[]}}`),
		[]byte(`{"schema":1,"claim":null}`), []byte(`{"schema":1,"policy":"p","policy":"q"}`),
		[]byte(`{"schema":1,"nope":1}`), []byte(`{"schema":"1"}`), []byte(` {"schema":1} `),
		[]byte(`{"schema":1,"policy":"p","lang":"zh","claim":{}}`), []byte(`{"lang":"en","lang":"fr"}`)}
	check := func(req []byte) bool {
		var fast, slow engine.SettleRequest
		errFast, errSlow := wirecodec.Decode(req, &fast), codec.Reflect(req, &slow)
		ef, es := core.AsErrors(errFast), core.AsErrors(errSlow)
		if len(ef) != len(es) || len(ef) > 0 && (ef[0].Code != es[0].Code ||
			ef[0].Code != core.RequestMalformed && ef[0].Path != es[0].Path) {
			t.Fatalf("errors differ:\n generated %v\n reflection %v\n%s", errFast, errSlow, req)
		}
		if errFast == nil && !reflect.DeepEqual(fast, slow) {
			t.Fatalf("requests differ:\n fast %+v\n slow %+v\n%s", fast, slow, req)
		}
		return errFast == nil
	}
	if !check(twenty) || !check([]byte(pingluoClaim)) {
		t.Fatal("a plain request was refused")
	}
	const junk = "{}[],:\"\\ 0-.eanu\t\xff"
	r := rand.New(rand.NewPCG(3, 4))
	accepted := 0
	for i := 0; i < 20000; i++ {
		req := append([]byte(nil), seeds[r.IntN(len(seeds))]...)
		for n := r.IntN(3); n >= 0 && len(req) > 0; n-- {
			j := r.IntN(len(req))
			switch r.IntN(4) {
			case 0:
				req = append(req[:j], req[j+1:]...)
			case 1:
				req = append(req[:j], append([]byte{junk[r.IntN(len(junk))]}, req[j:]...)...)
			case 2:
				req[j] = junk[r.IntN(len(junk))]
			default:
				req = req[:j]
			}
		}
		if check(req) {
			accepted++
		}
	}
	t.Logf("%d of 20000 mutated requests decoded", accepted)
}

// TestManyItems: a request of millions of empty lines (8 MiB of "{},") is refused as
// too many items without keeping them, and a bad line past the limit does not change
// the answer. Memory is counted, not timed.
func TestManyItems(t *testing.T) {
	e := newEngine(t)
	claim := func(items string) []byte {
		return []byte(`{"schema":1,"policy":"test-pingluo","claim":{"id":"V","person":{"id":"640221198001010015","category":"general","birthDate":"1980-01-01","enrollment":[{"year":2025,"paidOn":"2024-12-01"}]},"visit":{"type":"inpatient","class":"county","admission":"2025-03-01"},"items":[` + items + `],"totals":{"year":0,"funds":[],"admissions":[],"familyAccount":"0"}}}`)
	}
	line := `{"code":"a","kind":"drug","class":"A","amount":"1"}`
	huge := claim(strings.TrimSuffix(strings.Repeat("{},", (codec.MaxRequest-400)/3), ","))
	badLate := claim(strings.Repeat(line+",", 10003) + `{"colour":"red"}`)
	years := strings.Replace(string(claim(line)), `"enrollment":[{"year":2025,"paidOn":"2024-12-01"}]`,
		`"enrollment":[`+strings.TrimSuffix(strings.Repeat("{},", (codec.MaxRequest-600)/3), ",")+`]`, 1)
	// Enrollment years, roster rows and a card holder's years are bounded too (the
	// duplicate checks are quadratic or hashed): millions of them must not be kept.
	empties := strings.TrimSuffix(strings.Repeat("{},", (codec.MaxRequest-600)/3), ",")
	for _, tc := range []struct {
		name, op string
		req      []byte
		want     string
	}{
		{"8 MiB of empty lines", engine.OpSettle, huge, `"code":"claim_too_many_items","path":"/claim/items"`},
		{"an unknown field past the limit", engine.OpSettle, badLate, `"code":"claim_too_many_items","path":"/claim/items"`},
		{"8 MiB of enrollment years", engine.OpSettle, []byte(years), `"code":"field_invalid","path":"/claim/person/enrollment"`},
		{"8 MiB of roster rows", engine.OpValidateRoster,
			[]byte(`{"schema":1,"policy":"test-pingluo","today":"2025-06-01","rows":[` + empties + `]}`),
			`"code":"field_invalid","path":"/rows"`},
		{"8 MiB of years at the card reader", engine.OpVerifyCard,
			[]byte(`{"schema":1,"policy":"test-pingluo","card":{"number":"6228480000000019","owner":"640221198001010015","certificate":"","status":"active","issued":"2025-01-01"},"presenter":"640221198001010015","date":"2025-06-01","category":"general","enrollment":[` + empties + `]}`),
			`"code":"field_invalid","path":"/enrollment"`},
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		out := e.Handle(tc.op, tc.req)
		runtime.ReadMemStats(&after)
		if !strings.Contains(string(out), tc.want) {
			t.Fatalf("%s: %.300s", tc.name, out)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
			t.Errorf("%s: decoding allocated %d MiB", tc.name, grew>>20)
		}
	}
}

// TestFindForDischargeDate: a stay from 28 December to 3 January settles under the
// new year's version when the policy says the discharge date decides, and under the
// old one when the admission date does.
func TestFindForDischargeDate(t *testing.T) {
	doc, err := os.ReadFile("testdata/pingluo.json")
	if err != nil {
		t.Fatal(err)
	}
	stay := &claim.Claim{Visit: claim.Visit{Admission: civil.MustParse("2025-12-28"), Discharge: civil.MustParse("2026-01-03")}}
	for _, tc := range []struct{ visitDate, want string }{{"admission", "1"}, {"discharge", "2"}} {
		e, err := engine.New()
		if err != nil {
			t.Fatal(err)
		}
		old := strings.Replace(string(doc), `"visitDate": "admission"`, `"visitDate": "`+tc.visitDate+`"`, 1)
		old = strings.Replace(old, `"effective": {"from": "2025-01-01", "to": ""}`, `"effective": {"from": "2025-01-01", "to": "2025-12-31"}`, 1)
		next := strings.Replace(strings.Replace(old, `"version": "1"`, `"version": "2"`, 1),
			`"effective": {"from": "2025-01-01", "to": "2025-12-31"}`, `"effective": {"from": "2026-01-01", "to": ""}`, 1)
		for _, d := range []string{old, next} {
			if _, err := e.LoadPolicy([]byte(d)); err != nil {
				t.Fatal(err)
			}
		}
		p, err := e.FindFor("test-pingluo", "", stay)
		if err != nil || p.Version() != tc.want {
			t.Errorf("visitDate %s: version %v (%v), want %s", tc.visitDate, p, err, tc.want)
		}
		if tc.visitDate == "discharge" {
			late := &claim.Claim{Visit: claim.Visit{Admission: civil.MustParse("2025-12-28"), Discharge: civil.MustParse("2024-01-03")}}
			if _, err := e.FindFor("test-pingluo", "", late); core.AsErrors(err)[0].Path != "/claim/visit/discharge" {
				t.Errorf("no version on the discharge date: %v", err)
			}
		}
	}
}

// TestSettleLang asks for the Pingluo report's example explained in each language:
// every step in words, citing the printed scheme's clauses rather than JSON pointers,
// the benefit by name, and the fund with its cap, what it paid before and what is
// left. Without lang the result has no sentences at all; a language the engine does
// not speak is an error at /lang.
func TestSettleLang(t *testing.T) {
	e, err := engine.WithExamples()
	if err != nil {
		t.Fatal(err)
	}
	req := func(lang string) []byte {
		r := strings.Replace(pingluoClaim, `"policy":"test-pingluo"`, `"policy":"pingluo-original"`+lang, 1)
		// The example policy knows farmers, not the test policy's general category.
		return []byte(strings.Replace(r, `"category":"general"`, `"category":"farmer"`, 1))
	}
	decode := func(out []byte) *settle.Result {
		t.Helper()
		var env envelope
		if err := codec.Decode(out, &env); err != nil || !env.OK {
			t.Fatalf("%s: %v", out, err)
		}
		return env.Result
	}

	plain := e.Handle(engine.OpSettle, req(""))
	if strings.Contains(string(plain), `"text":`) || strings.Contains(string(plain), `"clause":`) {
		t.Errorf("without lang the result has sentences:\n%s", plain)
	}
	r := decode(plain)
	f := r.Funds[0]
	// Cap 4000 a year, nothing paid before, 4000 paid now: nothing left.
	if f.Cap == nil || f.Cap.String() != "4000.00" || f.PaidBefore.String() != "0.00" || f.Left.String() != "0.00" || f.Name != "住院统筹基金" {
		t.Errorf("fund %+v, want cap 4000.00, paid before 0.00, left 0.00", f)
	}

	for _, tc := range []struct {
		lang        string
		fund        string
		benefit     string
		deductible  [2]string // sentence, clause
		clauseCount int
	}{
		{"zh", "住院统筹基金", "适用补偿规定：住院补偿",
			[2]string{"本年第1次住院，起付线300.00元，本次扣除300.00元", "第五条 起付线"}, 6},
		{"en", "Inpatient pool", "Benefit applied: Inpatient care",
			[2]string{"Admission 1 this year: deductible 300.00, applied 300.00", "Art. 5 Deductible"}, 6},
	} {
		r := decode(e.Handle(engine.OpSettle, req(`,"lang":"`+tc.lang+`"`)))
		if r.Funds[0].Name != tc.fund {
			t.Errorf("%s: fund name %q, want %q", tc.lang, r.Funds[0].Name, tc.fund)
		}
		clauses := 0
		for _, s := range r.Trace {
			if s.Text == "" || strings.ContainsAny(s.Text, "?{}") {
				t.Errorf("%s: step %d (%s) reads %q", tc.lang, s.Seq, s.Note, s.Text)
			}
			if strings.Contains(s.Text+s.Clause, "/") {
				t.Errorf("%s: step %d cites a pointer: %q (%q)", tc.lang, s.Seq, s.Text, s.Clause)
			}
			if s.Clause != "" {
				clauses++
			}
			switch s.Note {
			case "benefit":
				if s.Text != tc.benefit {
					t.Errorf("%s: benefit step %q, want %q", tc.lang, s.Text, tc.benefit)
				}
			case "deductible_first":
				if [2]string{s.Text, s.Clause} != tc.deductible {
					t.Errorf("%s: deductible step %q (%q), want %q", tc.lang, s.Text, s.Clause, tc.deductible)
				}
			}
		}
		// Every step but the final cash line comes from a clause of the scheme.
		if clauses != tc.clauseCount {
			t.Errorf("%s: %d steps cite a clause, want %d", tc.lang, clauses, tc.clauseCount)
		}
		// Explaining changes words only: the figures and steps are the plain result's.
		if r.FundTotal != decode(plain).FundTotal || len(r.Trace) != 7 {
			t.Errorf("%s: explained result differs from the plain one", tc.lang)
		}
	}

	for _, tc := range []struct{ name, lang string }{{"unknown", `"fr"`}, {"case", `"ZH"`}, {"not a string", `1`}} {
		out := e.Handle(engine.OpSettle, req(`,"lang":`+tc.lang))
		var env envelope
		if err := codec.Decode(out, &env); err != nil || env.OK || len(env.Errors) != 1 || env.Errors[0].Path != "/lang" {
			t.Errorf("lang %s: %s, want one error at /lang", tc.lang, out)
		}
	}
}

// TestHugeValueQuoted: an offending value of nearly 8 MiB — an unknown member's name,
// a policy id, a date, a code, an operation — is quoted by a short prefix in the
// path and in both messages, so the error envelope stays a few hundred bytes rather
// than two or three copies of the request.
func TestHugeValueQuoted(t *testing.T) {
	e := newEngine(t)
	huge := strings.Repeat("名", (codec.MaxRequest-1000)/3)
	digits := strings.Repeat("9", codec.MaxRequest-1000)
	class := strings.Replace(pingluoClaim, `"class":"county"`, `"class":"`+huge+`"`, 1)
	for _, tc := range []struct {
		name, op   string
		req        string
		code, path string
	}{
		{"unknown member", engine.OpCheckID, `{"schema":1,"` + huge + `":1}`, "request_unknown_field", "/" + huge[:core.MaxQuote-1] + "…"},
		{"unknown nested member", engine.OpSettle, `{"schema":1,"policy":"test-pingluo","claim":{"` + huge + `":1}}`, "request_unknown_field", "/claim/" + huge[:core.MaxQuote-1] + "…"},
		{"policy id", engine.OpSettle, `{"schema":1,"policy":"` + huge + `","claim":{}}`, "policy_not_found", "/policy"},
		{"policy version", engine.OpGetPolicy, `{"schema":1,"policy":"test-pingluo","version":"` + huge + `"}`, "policy_not_found", "/version"},
		{"today", engine.OpCheckID, `{"schema":1,"id":"640221198001010015","today":"` + huge + `"}`, "date_invalid", "/today"},
		{"resident ID", engine.OpCheckID, `{"schema":1,"id":"` + huge + `","today":"2025-06-01"}`, "id_length", "/id"},
		{"card number", engine.OpVerifyCard, `{"schema":1,"policy":"test-pingluo","card":{"number":"` + huge + `","owner":"640221198001010015","certificate":"","status":"active","issued":"2025-01-01"},"presenter":"640221198001010015","date":"2025-06-01","category":"general","enrollment":[]}`, "", ""},
		{"card number of digits", engine.OpVerifyCard, `{"schema":1,"policy":"test-pingluo","card":{"number":"` + digits + `","owner":"640221198001010015","certificate":"","status":"active","issued":"2025-01-01"},"presenter":"640221198001010015","date":"2025-06-01","category":"general","enrollment":[]}`, "", ""},
		{"facility class", engine.OpSettle, class, "claim_unknown_facility_class", "/claim/visit/class"},
		{"amount", engine.OpSettle, strings.Replace(pingluoClaim, `"amount":"8432"`, `"amount":"`+digits+`"`, 1), "amount_too_large", "/claim/items/0/amount"},
		{"policy document id", engine.OpLoadPolicy, `{"schema":1,"id":"` + huge + `"}`, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := e.Handle(tc.op, []byte(tc.req))
			if len(out) > 4096 {
				t.Errorf("a %d-byte request gave a %d-byte response: %.300s…", len(tc.req), len(out), out)
			}
			var env struct {
				OK     bool        `json:"ok"`
				Errors core.Errors `json:"errors"`
				Result struct {
					Problems core.Errors `json:"problems"`
				} `json:"result"`
			}
			// Leniently: only the errors matter here.
			if err := json.Unmarshal(out, &env); err != nil {
				t.Fatalf("decode %.300s: %v", out, err)
			}
			es := append(env.Errors, env.Result.Problems...)
			if len(es) == 0 {
				t.Fatalf("no errors: %.300s", out)
			}
			if tc.code != "" && (string(es[0].Code) != tc.code || es[0].Path != tc.path) {
				t.Errorf("first error %s at %.60q, want %s at %.60q", es[0].Code, es[0].Path, tc.code, tc.path)
			}
			for _, e := range es {
				if ws := coretest.LatinWords(e); len(ws) > 0 {
					t.Errorf("messageZh %q has Latin words %q", e.MessageZh, ws)
				}
			}
		})
	}
	t.Run("operation name", func(t *testing.T) {
		if out := e.Handle(huge, nil); len(out) > 4096 || !strings.Contains(string(out), "request_unknown_operation") {
			t.Errorf("a %d-byte operation name gave %d bytes: %.300s", len(huge), len(out), out)
		}
	})
}

// TestTodayRequired: check_id and validate_roster refuse a request without today,
// which would otherwise skip the check of a birth date in the future.
func TestTodayRequired(t *testing.T) {
	e := newEngine(t)
	for _, tc := range []struct{ op, req string }{
		{engine.OpCheckID, `{"schema":1,"id":"640221203001010019"}`},
		{engine.OpValidateRoster, `{"schema":1,"policy":"test-pingluo","rows":[]}`},
	} {
		var env envelope
		out := e.Handle(tc.op, []byte(tc.req))
		if err := codec.Decode(out, &env); err != nil {
			t.Fatalf("decode %s: %v", out, err)
		}
		if env.OK || len(env.Errors) != 1 || env.Errors[0].Code != core.FieldRequired || env.Errors[0].Path != "/today" {
			t.Errorf("%s without today: %s", tc.op, out)
		}
	}
}
