package anycodec_test

import (
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/ruralhealth/ncms/core"
	codec "github.com/ruralhealth/ncms/core/codec/anycodec"
)

type elem struct {
	A string `json:"a"`
	B int    `json:"b"`
}

// bounded is a list decoded by DecodeList, keeping at most three elements.
type bounded []elem

func (b *bounded) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	return codec.DecodeList(d, (*[]elem)(b), 2)
}

// TestDecodeListAsSlice: DecodeList gives the values and the errors (code and path)
// the strict decoder gives for a plain slice, up to its bound.
func TestDecodeListAsSlice(t *testing.T) {
	for _, in := range []string{
		`{"l":null}`, `{"l":[]}`, `{"l":[{"a":"x","b":1},{"a":"y"}]}`, `{"l":{}}`, `{"l":"x"}`, `{"l":3}`,
		`{"l":[{"a":"x","c":1}]}`, `{"l":[{"a":"x","a":"y"}]}`, `{"l":[{"b":"1"}]}`, `{"l":[{"a":1}]}`,
		`{"l":[{},]}`, `{"l":[{}`, `{"l":[null,{}]}`, `{"l":[{"A":"x"}]}`,
	} {
		var plain struct {
			L []elem `json:"l"`
		}
		var ours struct {
			L bounded `json:"l"`
		}
		perr, oerr := codec.Decode([]byte(in), &plain), codec.Decode([]byte(in), &ours)
		if pe, oe := core.AsErrors(perr), core.AsErrors(oerr); len(pe) != len(oe) ||
			(len(pe) > 0 && (pe[0].Code != oe[0].Code || pe[0].Path != oe[0].Path)) {
			t.Errorf("%s: plain slice %v, DecodeList %v", in, perr, oerr)
			continue
		}
		if perr == nil && (len(plain.L) != len(ours.L) || (plain.L == nil) != (ours.L == nil)) {
			t.Errorf("%s: plain slice %#v, DecodeList %#v", in, plain.L, ours.L)
		}
	}
}

// TestDecodeListBound keeps max+1 elements of a long array and still checks the rest
// as JSON.
func TestDecodeListBound(t *testing.T) {
	var v struct {
		L bounded `json:"l"`
	}
	long := `{"l":[` + strings.TrimSuffix(strings.Repeat(`{"a":"x"},`, 1000), ",") + `]}`
	if err := codec.Decode([]byte(long), &v); err != nil || len(v.L) != 3 {
		t.Fatalf("kept %d elements (%v), want 3", len(v.L), err)
	}
	bad := strings.Replace(long, `{"a":"x"}]`, `{"a":"x"]`, 1)
	if err := codec.Decode([]byte(bad), &v); core.ErrorCode(err) != core.RequestMalformed {
		t.Fatalf("malformed JSON past the bound: %v", err)
	}
}
