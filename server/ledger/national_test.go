package ledger_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/server/ledger"
)

// profiled is request asking for the national profile.
func profiled(visit, amount string) []byte {
	return []byte(strings.Replace(string(request(visit, amount)), `"schema":1,`, `"schema":1,"profile":"national",`, 1))
}

// TestNationalProfile checks that the output profile is presentation: the journal
// keeps the engine's own request and result, a retry with or without the profile is
// the same bill, and the profile is added when the ledger answers, settled,
// replayed, corrected or presettled.
func TestNationalProfile(t *testing.T) {
	// Pingluo original, county hospital: 2000.00 is in the band 1501–2000 (30%),
	// whole amount: (2000 − 300) × 0.30 = 510.00; cash 1490.00. The pool is the
	// resident basic fund (390100) by default; its base is 1700.00 and the 4000 cap
	// allows 4000.00.
	const national = `"national":{"setlinfo":{"medfee_sumamt":"2000.00","fulamt_ownpay_amt":"0.00","overlmt_selfpay":"0.00",` +
		`"preselfpay_amt":"0.00","inscp_scp_amt":"2000.00","act_pay_dedc":"300.00","hifp_pay":"510.00","hifmi_pay":"0.00",` +
		`"maf_pay":"0.00","oth_pay":"0.00","fund_pay_sumamt":"510.00","psn_part_amt":"1490.00","acct_pay":"0.00",` +
		`"psn_cash_pay":"1490.00","hosp_part_amt":"0.00"},"setldetail":[{"fund_pay_type":"390100","inscp_scp_amt":"1700.00",` +
		`"crt_payb_lmt_amt":"4000.00","fund_payamt":"510.00","setl_proc_info":"住院统筹基金：基数 1700.00 元，年度封顶 4000.00 元，` +
		`此前已付 0.00 元，本次可付 4000.00 元，支付 510.00 元"}]}}`
	forEachStore(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		s, err := l.Settle(ctx, "k1", profiled("N1", "2000.00"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasSuffix(s.Result, []byte(national)) {
			t.Fatalf("result ends %s, want the national profile", s.Result[max(0, len(s.Result)-200):])
		}
		e, err := l.Entry(ctx, "", s.Seq)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(e.Result, []byte(`"national"`)) || bytes.Contains(e.Request, []byte(`"profile"`)) {
			t.Errorf("the journal keeps the profile: request %s", e.Request)
		}
		// The result is the engine's own with the profile spliced in.
		if want := append(append([]byte(nil), e.Result[:len(e.Result)-1]...), ","+national...); !bytes.Equal(s.Result, want) {
			t.Errorf("result\n%s\nwant\n%s", s.Result, want)
		}
		plain, err := l.Settle(ctx, "k1", request("N1", "2000.00"))
		if err != nil || !plain.Replayed || plain.Seq != s.Seq || !bytes.Equal(plain.Result, e.Result) {
			t.Fatalf("retry without the profile: %v %+v; want settlement %d replayed as recorded", err, plain, s.Seq)
		}
		again, err := l.Settle(ctx, "k1", profiled("N1", "2000.00"))
		if err != nil || !again.Replayed || !bytes.Equal(again.Result, s.Result) {
			t.Fatalf("retry with the profile: %v %+v; want the first answer", err, again)
		}
		c, err := l.Correct(ctx, "k1", "", s.Seq, profiled("N1", "2000.00"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasSuffix(c.Result, []byte(national)) {
			t.Errorf("correction: %s", c.Result)
		}
		res, req, err := l.PresettleClaim(ctx, profiled("N2", "2000.00"))
		if err != nil {
			t.Fatal(err)
		}
		// N1 was corrected by the same bill: 510.00 paid this year, 3490.00 left.
		if !bytes.Contains(res, []byte(`"crt_payb_lmt_amt":"3490.00","fund_payamt":"510.00"`)) || bytes.Contains(req, []byte(`"profile"`)) {
			t.Errorf("presettlement: %s\nrequest %s", res, req)
		}
		bad := strings.Replace(string(request("N3", "2000.00")), `"schema":1,`, `"schema":1,"profile":"nhsa",`, 1)
		if _, err := l.Settle(ctx, "k1", []byte(bad)); core.ErrorCode(err) != core.FieldInvalid {
			t.Errorf("unknown profile: %v, want field_invalid", err)
		} else if es := core.AsErrors(err); es[0].Path != "/profile" {
			t.Errorf("unknown profile at %s, want /profile", es[0].Path)
		}
	})
}
