package engine_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ruralhealth/ncms/core"
	codec "github.com/ruralhealth/ncms/core/codec/anycodec"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/identity"
)

type rosterEnvelope struct {
	Schema int                 `json:"schema"`
	OK     bool                `json:"ok"`
	Result engine.RosterResult `json:"result"`
}

// TestRosterBounded: a roster of 100,000 empty rows has 600,000 problems; the
// answer lists the first core.MaxListed in path order and counts all of them, so it
// is a few kilobytes rather than the 76 MB that listing them all made.
func TestRosterBounded(t *testing.T) {
	e, err := engine.WithExamples()
	if err != nil {
		t.Fatal(err)
	}
	rows := identity.MaxRosterRows
	req := `{"schema":1,"policy":"pingluo-original","today":"2025-03-01","rows":[` +
		strings.TrimSuffix(strings.Repeat(`{},`, rows), ",") + `]}`
	got := e.Handle(engine.OpValidateRoster, []byte(req))
	if len(got) > 32<<10 {
		t.Errorf("answer of %d bytes", len(got))
	}
	var env rosterEnvelope
	if err := codec.Decode(got, &env); err != nil {
		t.Fatalf("%v: %.300s", err, got)
	}
	r := env.Result
	if !env.OK || r.Valid || r.Rows != rows || r.ProblemCount != 6*rows || len(r.Problems) != core.MaxListed {
		t.Fatalf("ok %v valid %v rows %d, %d problems counted, %d listed", env.OK, r.Valid, r.Rows, r.ProblemCount, len(r.Problems))
	}
	if want := []core.CodeCount{{Code: core.FieldInvalid, Count: rows}, {Code: core.FieldRequired, Count: 5 * rows}}; !slices.Equal(r.ProblemCodes, want) {
		t.Errorf("problem codes %v, want %v", r.ProblemCodes, want)
	}
	// Each empty row lacks five fields and a row number: six problems in field order.
	fields := []string{"address", "certificate", "head", "id", "phone", "row"}
	for i, p := range r.Problems {
		if want := fmt.Sprintf("/rows/%d/%s", i/6, fields[i%6]); p.Path != want {
			t.Errorf("problem %d at %s, want %s", i, p.Path, want)
		}
	}
	// The same as the codec encodes the result: the response of a valid roster too.
	for _, req := range []string{req, `{"schema":1,"policy":"pingluo-original","today":"2025-03-01","rows":[` +
		`{"row":1,"head":"张三","id":"640221198001010015","address":"平罗县城关镇1号","certificate":"64022100000001","phone":"13912345678"}]}`} {
		got := e.Handle(engine.OpValidateRoster, []byte(req))
		var env rosterEnvelope
		if err := codec.Decode(got, &env); err != nil {
			t.Fatal(err)
		}
		if want, err := codec.Encode(env); err != nil || string(got) != string(want) {
			t.Errorf("Handle:\n%.500s\nwant\n%.500s", got, want)
		}
	}
}
