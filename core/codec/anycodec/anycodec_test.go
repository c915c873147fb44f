package anycodec_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ruralhealth/ncms/core"
	codec "github.com/ruralhealth/ncms/core/codec/anycodec"
	"github.com/ruralhealth/ncms/core/money"
)

type line struct {
	Code   string       `json:"code"`
	Amount money.Amount `json:"amount"`
}

type bill struct {
	Count int    `json:"count"`
	Lines []line `json:"lines"`
}

func TestDecodeErrors(t *testing.T) {
	cases := []struct {
		name, in string
		code     core.Code
		path     string
	}{
		{"syntax", `{"count":`, core.RequestMalformed, "/count"},
		{"trailing", `{"count":1}x`, core.RequestMalformed, ""},
		{"two values", `{"count":1}{"count":2}`, core.RequestMalformed, ""},
		{"empty", ``, core.RequestMalformed, ""},
		{"wrong type", `{"count":"1"}`, core.RequestType, "/count"},
		{"unknown top", `{"colour":1}`, core.RequestUnknownField, "/colour"},
		{"unknown nested", `{"lines":[{"code":"a"},{"code":"b","price":"1"}]}`, core.RequestUnknownField, "/lines/1/price"},
		{"case differs", `{"Count":1}`, core.RequestUnknownField, "/Count"},
		{"duplicate", `{"count":1,"count":2}`, core.RequestMalformed, "/count"},
		{"bad utf-8", "{\"lines\":[{\"code\":\"\xff\"}]}", core.RequestMalformed, "/lines/0/code"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var b bill
			err := codec.Decode([]byte(tc.in), &b)
			es := core.AsErrors(err)
			if len(es) != 1 {
				t.Fatalf("errors = %v, want one", err)
			}
			if es[0].Code != tc.code || es[0].Path != tc.path {
				t.Errorf("got %s at %q, want %s at %q", es[0].Code, es[0].Path, tc.code, tc.path)
			}
		})
	}
}

func TestDecodeTooLarge(t *testing.T) {
	big := `{"lines":[` + strings.Repeat(`{"code":"x","amount":"1"},`, codec.MaxRequest/20) + `{}]}`
	var b bill
	if code := core.ErrorCode(codec.Decode([]byte(big), &b)); code != core.RequestTooLarge {
		t.Errorf("code = %s", code)
	}
}

func TestCanonical(t *testing.T) {
	var b bill
	if err := codec.Decode([]byte(`{"lines":[{"amount":"8432","code":"<甲>"}],"count":1}`), &b); err != nil {
		t.Fatal(err)
	}
	out, err := codec.Encode(b)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"count":1,"lines":[{"code":"<甲>","amount":"8432.00"}]}`; string(out) != want {
		t.Errorf("got %s, want %s", out, want)
	}
}

func ExampleDecode() {
	var b bill
	err := codec.Decode([]byte(`{"count":1,"lines":[{"code":"a","amount":12.5}]}`), &b)
	fmt.Println(err, b.Lines[0].Amount.Check("/lines/0/amount"))
	// Output: <nil> amount_invalid at /lines/0/amount: amount must be a decimal string such as "12.30": "12.5"
}

// report embeds an engine type, whose generated methods it gets too: the codec must
// still write and read the whole report, not the embedded part alone.
type report struct {
	core.Tally
	Charset string `json:"charset"`
}

func TestEmbeddedEngineType(t *testing.T) {
	r := report{Tally: core.Tally{Problems: core.Errors{}, ProblemCodes: []core.CodeCount{}}, Charset: "gbk"}
	b, err := codec.Encode(&r)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"problems":[],"problemCount":0,"problemCodes":[],"charset":"gbk"}`; string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
	var back report
	if err := codec.Decode(b, &back); err != nil || back.Charset != "gbk" {
		t.Errorf("decoded %+v, %v", back, err)
	}
}
