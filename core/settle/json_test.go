package settle_test

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/go-json-experiment/json"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/codec"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/settle"
	"github.com/ruralhealth/ncms/core/trace"
)

// reflected has Result's fields and none of its methods, so that json.Marshal
// encodes it by reflection: the encoding AppendJSON must reproduce byte for byte.
type reflected settle.Result

func reflectedJSON(t *testing.T, r *settle.Result) []byte {
	t.Helper()
	b, err := json.Marshal((*reflected)(r), json.Deterministic(true))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAppendJSONMatchesReflection compares the hand-written encoder with reflection
// on random settlements under every test policy.
func TestAppendJSONMatchesReflection(t *testing.T) {
	for i, pp := range propPolicies(t) {
		g := &propGen{r: rand.New(rand.NewPCG(31, uint64(i))), p: pp.c}
		for n := 0; n < pp.claims/10; n++ {
			c := g.claim(n)
			r, err := settle.Run(pp.c, &c)
			if err != nil {
				t.Fatal(err)
			}
			// A third of the results are explained, in each language: the sentences
			// and clauses are written by the encoder too.
			lang := ""
			switch n % 3 {
			case 1:
				lang = string(trace.Chinese)
				settle.Explain(pp.c, &c, r, lang)
			case 2:
				lang = string(trace.English)
				settle.Explain(pp.c, &c, r, lang)
			}
			// Every other result carries the national profile, which the encoder
			// writes too.
			if n%2 == 0 {
				r.National = settle.NationalProfile(pp.c, r, lang)
			}
			got, err := r.AppendJSON(nil)
			if err != nil {
				t.Fatal(err)
			}
			if want := reflectedJSON(t, r); !bytes.Equal(got, want) {
				t.Fatalf("%s claim %d:\n got %s\nwant %s", pp.name, n, got, want)
			}
		}
	}
}

// TestAppendJSONOddValues covers what random settlements do not produce: strings
// needing escapes, nil lists, a missing cap, amounts finer than a fen or kept from bad
// text, and invalid UTF-8, which both encoders refuse.
func TestAppendJSONOddValues(t *testing.T) {
	avail := money.MustAmount("12.30")
	var bad money.Amount
	if err := json.Unmarshal([]byte(`"-1\u003c"`), &bad); err != nil {
		t.Fatal(err)
	}
	var badRate money.Rate
	if err := json.Unmarshal([]byte(`"1/3\u0022"`), &badRate); err != nil {
		t.Fatal(err)
	}
	r := &settle.Result{
		EffectiveRatio: badRate,
		Schema:         1, Claim: "a\"b\\c\n\t\u0001<>&\u2028é中", Engine: "e",
		Total:    money.MustAmount("1.05").Mul(money.MustRate("0.333")),
		Cash:     bad,
		Funds:    []settle.Fund{{Fund: "f", Available: &avail, Cap: &bad, PaidBefore: &avail, Left: &avail}, {Fund: "g"}},
		Warnings: []settle.Warning{{Code: core.Code("x</script>"), Message: "m", MessageZh: "中"}},
		Trace: []trace.Step{{Seq: 1, Stage: "s", In: nil, Out: []trace.Value{{Name: "n", Value: "\x7f"}}},
			{Seq: 2, Text: "第\"三\"条\n<>&", Clause: "\u2028"}, {Seq: 3, Clause: "c"}, {Seq: 4, Text: "t"}},
	}
	got, err := r.AppendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := reflectedJSON(t, r); !bytes.Equal(got, want) {
		t.Fatalf("\n got %s\nwant %s", got, want)
	}

	r.Claim = "bad \xff"
	if _, err := r.AppendJSON(nil); err == nil {
		t.Error("AppendJSON accepted invalid UTF-8")
	}
	if _, err := codec.Encode(r); err == nil {
		t.Error("the codec accepted invalid UTF-8")
	}
}
