package engine_test

import (
	"fmt"
	"strings"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/codec"
	"github.com/ruralhealth/ncms/core/engine"
)

// TestRosterEnvelopeAsCodec checks that the roster response, appended to a buffer
// sized in advance, is the envelope the codec encodes, for problems whose texts JSON
// must escape and for rosters too large and too small for the size estimate.
func TestRosterEnvelopeAsCodec(t *testing.T) {
	e, err := engine.WithExamples()
	if err != nil {
		t.Fatal(err)
	}
	odd := []string{`张 三`, `a"b`, `a\b`, "a\x01b", "a\u2028b", `<&>`, "a\u200bb", "\ufeff", `,`, `'`}
	var rows []string
	for i, s := range odd {
		q, err := jsonv2.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, fmt.Sprintf(`{"row":%d,"head":%s,"id":"640221198001010015","address":%s,"certificate":"X","phone":"1"}`, i+1, q, q))
	}
	for _, tc := range []struct {
		name string
		rows string
	}{
		{"escapes", strings.Join(rows, ",")},
		{"one good row", `{"row":1,"head":"张三","id":"640221198001010015","address":"平罗县城关镇1号","certificate":"64022100000001","phone":"13912345678"}`},
		{"empty rows", strings.TrimSuffix(strings.Repeat(`{},`, 2000), ",")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := `{"schema":1,"policy":"pingluo-original","today":"2025-03-01","rows":[` + tc.rows + `]}`
			var r engine.RosterRequest
			if err := codec.Decode([]byte(req), &r); err != nil {
				t.Fatal(err)
			}
			got := e.Handle(engine.OpValidateRoster, []byte(req))
			// The result as reflection encodes it, from the problems the response lists.
			var env struct {
				Result struct {
					Valid    bool        `json:"valid"`
					Rows     int         `json:"rows"`
					Problems core.Errors `json:"problems"`
				} `json:"result"`
			}
			if err := jsonv2.Unmarshal(got, &env); err != nil {
				t.Fatal(err)
			}
			if env.Result.Rows != len(r.Rows) {
				t.Fatalf("rows %d, want %d: %.300s", env.Result.Rows, len(r.Rows), got)
			}
			want, err := codec.Encode(struct {
				Schema int                 `json:"schema"`
				OK     bool                `json:"ok"`
				Result engine.RosterResult `json:"result"`
			}{1, true, engine.RosterResult{Valid: env.Result.Valid, Rows: env.Result.Rows, Problems: env.Result.Problems}})
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("Handle:\n%.2000s\nwant\n%.2000s", got, want)
			}
		})
	}
}
