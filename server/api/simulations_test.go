package api_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/policies"
	"github.com/ruralhealth/ncms/core/simulate"
	"github.com/ruralhealth/ncms/server/api"
)

// TestSimulations replays the seeded journal under Pingluo's revision from the
// county console: the county's key only, errors with their paths, and a report that
// counts the standing settlements by township.
func TestSimulations(t *testing.T) {
	f := newFixture(t, api.Options{})
	f.seed()
	if r := f.do(http.MethodPost, "/v1/settlements", f.h1, settle("S2", "H001", "1000.00")); r.status != http.StatusCreated {
		t.Fatalf("second settlement: %d %s", r.status, r.body)
	}
	var revised string
	for _, d := range policies.Documents() {
		if d.Name == "pingluo-revised.json" {
			revised = string(d.JSON)
		}
	}
	body := func(year, extra string) string {
		return `{"schema":1,"year":` + year + `,"policy":` + revised + extra + `}`
	}
	if r := f.do(http.MethodPost, "/v1/simulations", f.h1, body("2025", "")); r.status != http.StatusForbidden {
		t.Fatalf("institution key: %d", r.status)
	}
	for _, tc := range []struct {
		name, body string
		code       core.Code
		path       string
	}{
		{"no year", body("0", ""), core.FieldRequired, "/year"},
		{"unknown baseline", body("2025", `,"baseline":"nowhere"`), core.PolicyNotFound, "/baseline"},
		{"bad draft", `{"schema":1,"year":2025,"policy":` + strings.Replace(revised, `"cap": "4000"`, `"cap": "-1"`, 1) + `}`, "", "/policy/"},
	} {
		r := f.do(http.MethodPost, "/v1/simulations", f.county, tc.body)
		c, p := r.first()
		if r.status/100 != 4 || (tc.code != "" && c != tc.code) || !strings.HasPrefix(p, tc.path) {
			t.Errorf("%s: %d %s at %q, want %s at %q", tc.name, r.status, c, p, tc.code, tc.path)
		}
	}
	r := f.do(http.MethodPost, "/v1/simulations", f.county, body("2025", `,"baseline":"pingluo-original","growthLimit":"0.085"`))
	if r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var rep simulate.Report
	mustUnmarshal(t, r.env.Result, &rep)
	if rep.Claims != 2 || rep.Persons != 1 || rep.New.ID != "pingluo-revised" || len(rep.Old) != 1 || rep.Growth == nil {
		t.Fatalf("report %+v", rep)
	}
	if g := rep.Groups[2]; g.By != simulate.ByTownship || len(g.Rows) != 1 || g.Rows[0].Key != "640221100" || g.Rows[0].Claims != 2 {
		t.Errorf("by township: %+v", g)
	}
	if again := f.do(http.MethodPost, "/v1/simulations", f.county, body("2025", `,"baseline":"pingluo-original","growthLimit":"0.085"`)); !bytes.Equal(again.body, r.body) {
		t.Error("the same journal and policies gave another report")
	}
}
