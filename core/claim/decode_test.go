package claim_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/core/codec"
	"github.com/ruralhealth/ncms/core/codec/anycodec"
	"github.com/ruralhealth/ncms/core/engine"
)

// decodeBoth decodes data into a fresh *T with the generated decoder (codec) and with
// reflection (anycodec.Reflect, the oracle), and returns a difference, or "". Errors
// must agree in code; type and unknown-member errors in path and message too. A
// syntax error's wording and pointer are each decoder's own: both name the offset,
// and the pointer the value being read, which for a broken delimiter the reflective
// decoder sometimes names by its container.
func decodeBoth[T any, P interface {
	*T
	codec.Decodable
}](data []byte) string {
	var fast, slow T
	errFast := codec.Decode(data, P(&fast))
	errSlow := anycodec.Reflect(data, &slow)
	if d := sameError(errFast, errSlow); d != "" {
		return d
	}
	if errFast == nil && !reflect.DeepEqual(fast, slow) {
		return fmt.Sprintf("values differ:\n fast %+v\n slow %+v", fast, slow)
	}
	return ""
}

func sameError(a, b error) string {
	if (a == nil) != (b == nil) {
		return fmt.Sprintf("errors differ: generated %v, reflection %v", a, b)
	}
	if a == nil {
		return ""
	}
	ea, eb := core.AsErrors(a), core.AsErrors(b)
	if len(ea) != 1 || len(eb) != 1 || ea[0].Code != eb[0].Code ||
		(ea[0].Code != core.RequestMalformed && (ea[0].Path != eb[0].Path || ea[0].Message != eb[0].Message || ea[0].MessageZh != eb[0].MessageZh)) {
		return fmt.Sprintf("errors differ:\n generated %v\n reflection %v", a, b)
	}
	return ""
}

type request = engine.SettleRequest

// gen writes claims as JSON text, mostly valid, with the mistakes hosts make: wrong
// types, unknown and repeated members, escaped names, nulls and broken syntax.
type gen struct {
	r     *rand.Rand
	noise float64 // chance that a value is replaced by junk
}

var junk = []string{`null`, `true`, `false`, `0`, `-0`, `1`, `-1`, `1.5`, `1e2`, `007`,
	`9223372036854775807`, `9223372036854775808`, `-9223372036854775808`, `-9223372036854775809`,
	`18446744073709551615`, `18446744073709551616`, `99999999999999999999999`, `""`, `"x"`,
	`"\u00e9\n"`, `"2025-03-01"`, `"12.30"`, `"-1"`, `12.30`, `{}`, `{"a":1}`, `[]`, `[1,"a",{}]`,
	`"\ud800"`, `"A"`, `"self"`, `"drug"`, `[null]`, `[{}]`, `{"id":"x"}`}

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func (g *gen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }

func (g *gen) val(v string) string {
	if g.chance(g.noise) {
		return g.pick(junk...)
	}
	return v
}

// object writes members in random order, some left out, some unknown, repeated or
// with escaped names.
func (g *gen) object(members ...string) string {
	type kv struct{ k, v string }
	var kvs []kv
	for i := 0; i+1 < len(members); i += 2 {
		if g.chance(0.1) {
			continue
		}
		kvs = append(kvs, kv{members[i], members[i+1]})
	}
	g.r.Shuffle(len(kvs), func(i, j int) { kvs[i], kvs[j] = kvs[j], kvs[i] })
	if g.chance(g.noise) && len(kvs) > 0 {
		kvs = append(kvs, kvs[g.r.IntN(len(kvs))])
	}
	if g.chance(g.noise / 2) {
		kvs = append(kvs, kv{g.pick("nickname", "Id", "ID", "amount ", "", "x~y/z", "é"), "1"})
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, m := range kvs {
		if i > 0 {
			b.WriteByte(',')
		}
		name := `"` + m.k + `"`
		if g.chance(g.noise) && m.k != "" {
			name = `"\u00` + fmt.Sprintf("%02x", m.k[0]) + m.k[1:] + `"`
		}
		b.WriteString(name + ":" + g.val(m.v))
	}
	b.WriteByte('}')
	return b.String()
}

func (g *gen) array(n int, elem func() string) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = g.val(elem())
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func (g *gen) amount() string {
	if g.noise == 0 {
		return g.pick(`"0"`, `"12.30"`, `"150.00"`, `"8432"`, `"0.5"`, `"1.005"`, `"-1"`, `""`)
	}
	return g.pick(`"0"`, `"12.30"`, `"150.00"`, `"8432"`, `"0.5"`, `"1.005"`, `"-1"`, `12.3`, `"1e3"`, `"\u0031.00"`, `""`, `null`)
}

func (g *gen) date() string {
	if g.noise == 0 {
		return g.pick(`"2025-03-01"`, `"2024-12-01"`, `"2023-02-29"`, `""`, `"2025-3-1"`)
	}
	return g.pick(`"2025-03-01"`, `"2024-12-01"`, `"2023-02-29"`, `""`, `"2025-3-1"`, `20250301`, `null`)
}

func (g *gen) claim() string {
	return g.object(
		"id", g.val(g.pick(`"B1"`, `"V1"`, `""`, `"V\u00e9"`)),
		"person", g.object(
			"id", `"640221198001010015"`, "name", `"老马"`, "category", `"farmer"`, "birthDate", g.date(),
			"enrollment", g.array(g.r.IntN(4), func() string {
				return g.object("year", g.pick(`2024`, `2025`, `-1`), "tier", `"t1"`, "paidOn", g.date())
			}),
			"familyPlanning", g.pick(`true`, `false`, `null`)),
		"visit", g.object("type", `"inpatient"`, "institution", `"H1"`, "class", `"county"`,
			"referral", g.pick(`true`, `false`), "admission", g.date(), "discharge", g.date(),
			"disease", `"appendicitis"`, "delivery", `"normal"`, "invoice", g.pick(`"FP-0001"`, `""`, `7`)),
		"items", g.array(g.r.IntN(25), func() string {
			return g.object("code", `"I00"`, "name", `"药"`, "kind", g.pick(`"drug"`, `"exam"`, `"bed"`, `"x"`),
				"class", g.pick(`"A"`, `"B"`, `"self"`), "amount", g.amount(), "overLimit", g.amount())
		}),
		"totals", g.object("year", g.pick(`2025`, `0`), "familyAccount", g.amount(),
			"funds", g.array(g.r.IntN(3), func() string {
				return g.object("fund", `"inpatient"`, "paid", g.amount(), "base", g.amount(),
					"deductible", g.amount(), "visits", g.pick(`1`, `0`, `-2`))
			}),
			"admissions", g.array(g.r.IntN(3), func() string {
				return g.object("class", `"county"`, "count", g.pick(`1`, `2`))
			})))
}

// spaced re-indents valid JSON now and then with any JSON whitespace.
func (g *gen) spaced(s string) string {
	v := jsontext.Value(s)
	if !g.chance(0.3) || !v.IsValid() {
		return s
	}
	indent := func() string { return g.pick("", " ", "\t", "  ") }
	if v.Indent(jsontext.WithIndentPrefix(indent()), jsontext.WithIndent(indent()+" ")) != nil {
		return s
	}
	ws := func() string { return g.pick("", " ", "\t", "\n", "\r\n") }
	return ws() + string(v) + ws()
}

// mutate breaks the syntax now and then: a byte dropped, inserted or replaced, the
// text cut short or followed by more.
func (g *gen) mutate(s string) string {
	if s == "" || g.noise == 0 || !g.chance(0.3) {
		return s
	}
	i := g.r.IntN(len(s))
	switch g.r.IntN(5) {
	case 0:
		return s[:i] + s[i+1:]
	case 1:
		return s[:i] + g.pick("{", "}", "[", "]", ",", ":", `"`, `\`, " ", "a", "0", "-", ".", "e", "\xff") + s[i:]
	case 2:
		return s[:i] + g.pick("{", "}", "]", ",", `"`, "n", "\x01") + s[i+1:]
	case 3:
		return s[:i]
	default:
		return s + g.pick(" ", "x", "{}", ",", " \n")
	}
}

// TestGeneratedMatchesReflection holds the generated decoder to the reflective one on
// claims with the mistakes hosts make.
func TestGeneratedMatchesReflection(t *testing.T) {
	for _, noise := range []float64{0, 0.01, 0.05, 0.2} {
		g := &gen{r: rand.New(rand.NewPCG(11, uint64(noise*1000))), noise: noise}
		for n := 0; n < 3000; n++ {
			c := g.claim()
			req := g.mutate(`{"schema":1,"policy":"p","claim":` + c + `}`)
			if d := decodeBoth[request]([]byte(req)); d != "" {
				t.Fatalf("request %s\n%s", req, d)
			}
			c = g.mutate(c)
			if d := decodeBoth[claim.Claim]([]byte(c)); d != "" {
				t.Fatalf("claim %s\n%s", c, d)
			}
		}
	}
	for _, s := range []string{``, ` `, `null`, `{}`, `[]`, `"x"`, `{"id":"a"} {}`, `{"id":"a","id":"b"}`,
		`{"items":[{"amount":"1"},{"amount":"2","amount":"3"}]}`, `{"person":{"enrollment":[{"year":1e400}]}}`,
		`{"items":[]}`, `{"items":[{}]}`, `{"items":[{},]}`, `{"id":"a",}`, `{"id":"a" }`, `{ "id" : "a" }`,
		`{"totals":{"year":-0}}`, `{"totals":{"year":00}}`, `{"totals":{"year":-}}`, `{"totals":{"year":1E2}}`,
		`{"totals":{"year":999999999999999999}}`, `{"totals":{"year":9999999999999999999}}`,
		`{"person":{"familyPlanning":true}}`, `{"person":{"familyPlanning":tru}}`, `{"person":{"familyPlanning":truex}}`,
		`{"visit":{"referral":false }}`, `{"id":"\u0041"}`, `{"id":"\x"}`, "{\"id\":\"\x7f\"}", "{\"id\":\"\t\"}",
		"{\"id\":\"\xc3\xa9\"}", "{\"id\":\"\xc3\"}", "\ufeff{}", `{"visit":{"admission":"2025-03-01"}}`,
		`{"visit":{"admission":20250301}}`, `{"items":[{"amount":"1.00"}]} x`, `{"items":[{"amount":"1.00"}]}]`} {
		if d := decodeBoth[claim.Claim]([]byte(s)); d != "" {
			t.Errorf("claim %q\n%s", s, d)
		}
		if d := decodeBoth[request]([]byte(`{"claim":` + s + `}`)); d != "" {
			t.Errorf("request with claim %q\n%s", s, d)
		}
	}
}

// FuzzGenerated compares the decoders on any input.
func FuzzGenerated(f *testing.F) {
	g := &gen{r: rand.New(rand.NewPCG(5, 5)), noise: 0.02}
	for i := 0; i < 20; i++ {
		f.Add([]byte(`{"schema":1,"policy":"p","claim":` + g.claim() + `}`))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if d := decodeBoth[request](data); d != "" {
			t.Fatal(d)
		}
	})
}
