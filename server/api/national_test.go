package api_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/server/api"
)

// TestNationalProfileRoutes asks POST /v1/settlements and /v1/presettlements for the
// national profile: the answers carry it after the engine's own result, the journal
// entry does not, and an unknown profile is refused at /profile.
func TestNationalProfileRoutes(t *testing.T) {
	f := newFixture(t, api.Options{})
	f.seed()
	withProfile := func(body, profile string) string {
		return strings.Replace(body, `"schema":1,`, `"schema":1,"profile":"`+profile+`",`, 1)
	}
	// Pingluo original, county: 8432.00 reaches the band above 4000 (55%), whole
	// amount: (8432 − 300) × 0.55 = 4472.60, but S1 (1000.00: (1000 − 300) × 0.20 =
	// 140.00) was paid this year, so the cap allows 4000 − 140 = 3860.00.
	const wantInfo = `"national":{"setlinfo":{"medfee_sumamt":"8432.00","fulamt_ownpay_amt":"0.00","overlmt_selfpay":"0.00",` +
		`"preselfpay_amt":"0.00","inscp_scp_amt":"8432.00","act_pay_dedc":"300.00","hifp_pay":"3860.00","hifmi_pay":"0.00",` +
		`"maf_pay":"0.00","oth_pay":"0.00","fund_pay_sumamt":"3860.00","psn_part_amt":"4572.00","acct_pay":"0.00",` +
		`"psn_cash_pay":"4572.00","hosp_part_amt":"0.00"},"setldetail":[{"fund_pay_type":"390100","inscp_scp_amt":"8132.00",` +
		`"crt_payb_lmt_amt":"3860.00","fund_payamt":"3860.00"`

	pre := f.do("POST", "/v1/presettlements", f.h1, withProfile(settle("N1", "H001", "8432.00"), "national"))
	if pre.status != 200 || !bytes.Contains(pre.env.Result, []byte(wantInfo)) {
		t.Fatalf("presettlement: %d %s", pre.status, pre.body)
	}
	s := f.do("POST", "/v1/settlements", f.h1, withProfile(settle("N1", "H001", "8432.00"), "national"))
	if s.status != 201 || !bytes.Contains(s.env.Result, []byte(wantInfo)) || s.env.Settlement == nil {
		t.Fatalf("settlement: %d %s", s.status, s.body)
	}
	e := f.do("GET", "/v1/settlements/2", f.h1, "")
	if e.status != 200 || bytes.Contains(e.body, []byte(`"national"`)) || bytes.Contains(e.body, []byte(`"profile"`)) {
		t.Errorf("the journal entry keeps the profile: %s", e.body)
	}
	// A retry without the profile is the same bill, answered as recorded.
	r := f.do("POST", "/v1/settlements", f.h1, settle("N1", "H001", "8432.00"))
	if r.status != 200 || !r.env.Settlement.Replayed || bytes.Contains(r.env.Result, []byte(`"national"`)) {
		t.Errorf("retry without the profile: %d %s", r.status, r.body)
	}
	bad := f.do("POST", "/v1/settlements", f.h1, withProfile(settle("N2", "H001", "100.00"), "nhsa"))
	if c, at := bad.first(); bad.status != 422 || c != core.FieldInvalid || at != "/profile" {
		t.Errorf("unknown profile: %d %s", bad.status, bad.body)
	}
}
