package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/coretest"
	"github.com/ruralhealth/ncms/server/api/apitest"
	"github.com/ruralhealth/ncms/server/apierr"
)

// payoutCard is a UnionPay (62…) card number with a good Luhn digit.
var payoutCard = apitest.Card("622848040256489001")

// manual is a manual claim's body: the settle request of visit at H001 for amount,
// its invoices ("number@date" each) and the payout to payoutCard.
func manual(visit, amount string, invoices ...string) string {
	var inv []string
	for _, s := range invoices {
		n, d, _ := strings.Cut(s, "@")
		if d == "" {
			d = "2025-03-09"
		}
		inv = append(inv, fmt.Sprintf(`{"number":%q,"date":%q}`, n, d))
	}
	return fmt.Sprintf(`{"request":%s,"invoices":[%s],"payout":{"holder":"王大","bank":"中国农业银行平罗县支行","card":%q}}`,
		settle(visit, "H001", amount), strings.Join(inv, ","), payoutCard)
}

// entryOf reads GET /v1/settlements/{seq}'s result.
func entryOf(t *testing.T, r *response) map[string]any {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("entry: %d %s", r.status, r.body)
	}
	var m map[string]any
	if err := jsonv2.Unmarshal(r.env.Result, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestManualClaims plays manual claims (手工报销), corrections with a reason, the
// reprint and a correction's presettlement on SQLite and on PostgreSQL.
func TestManualClaims(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, d *desk)
	}{
		{"Roles", testManualRoles},
		{"Refusals", testManualRefusals},
		{"DuplicateInvoice", testManualDuplicate},
		{"Concurrent", testManualConcurrent},
		{"CorrectionReason", testCorrectionReason},
		{"CorrectionPresettle", testCorrectionPresettle},
	}
	for _, st := range []string{"sqlite", "postgres"} {
		t.Run(st, func(t *testing.T) {
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					d := newDesk(t, st, true)
					want(t, "register H001", d.do("PUT", "/v1/facilities/H001", d.county,
						`{"name":"平罗县人民医院","class":"county","inCounty":true,"designated":true,"from":"2025-01-01"}`), 200, "")
					tc.run(t, d)
				})
			}
		})
	}
}

func testManualRoles(t *testing.T, d *desk) {
	body := manual("M1", "1000.00", "FP-9001")
	want(t, "an institution's key", d.do("POST", "/v1/manual-claims", d.h1, body), 403, apierr.Forbidden)
	want(t, "a cashier", d.as(d.mustLogin("cashier"), true, "POST", "/v1/manual-claims", body), 403, apierr.Forbidden)
	want(t, "an institution's auditor", d.as(d.mustLogin("auditor"), true, "POST", "/v1/manual-claims", body), 403, apierr.Forbidden)
	office := d.mustLogin("county-auditor")
	want(t, "without the CSRF token", d.as(office, false, "POST", "/v1/manual-claims", body), 403, apierr.AuthCSRF)
	// The county office presettles it as the desk does, then records it.
	want(t, "the office presettles", d.as(office, true, "POST", "/v1/presettlements", settle("M1", "H001", "1000.00")), 200, "")
	r := d.as(office, true, "POST", "/v1/manual-claims", body)
	want(t, "a county auditor", r, 201, "")
	var got struct {
		Manual struct {
			Invoices []struct {
				Number string `json:"number"`
			} `json:"invoices"`
			Payout struct {
				Card string `json:"card"`
			} `json:"payout"`
		} `json:"manual"`
	}
	if err := jsonv2.Unmarshal(r.body, &got); err != nil {
		t.Fatal(err)
	}
	masked := payoutCard[:6] + strings.Repeat("*", len(payoutCard)-10) + payoutCard[len(payoutCard)-4:]
	if got.Manual.Payout.Card != masked || len(got.Manual.Invoices) != 1 || got.Manual.Invoices[0].Number != "FP-9001" {
		t.Errorf("manual claim answered %s, want the card as %s", r.body, masked)
	}
	if strings.Contains(string(r.body), payoutCard) {
		t.Errorf("the answer shows the whole card number: %s", r.body)
	}
	want(t, "the same claim again is a replay", d.as(office, true, "POST", "/v1/manual-claims", body), 200, "")
	// The journal records the operator and keeps the card masked; the hospital's
	// cashier reprints it (it is the hospital's visit) and sees the manual claim.
	seq := r.env.Settlement.Seq
	e := entryOf(t, d.as(d.mustLogin("cashier"), false, "GET", "/v1/settlements/"+itoa(seq), ""))
	m, _ := e["manual"].(map[string]any)
	if e["operator"] != d.ops["county-auditor"].ID || e["operatorName"] != "赵审核" || m == nil || m["payout"].(map[string]any)["card"] != masked {
		t.Errorf("entry %d: %v", seq, e)
	}
	r = d.do("POST", "/v1/manual-claims", d.county, manual("M2", "500.00", "FP-9002"))
	want(t, "the county key", r, 201, "")
	// A correction of a manual claim keeps its invoices and payout, and the
	// invoice stays taken by the correcting settlement.
	c := d.do("POST", "/v1/settlements/"+itoa(r.env.Settlement.Seq)+"/correction", d.county,
		`{"reason":"金额录错","request":`+settle("M2", "H001", "600.00")+`}`)
	want(t, "correct a manual claim", c, 201, "")
	e = entryOf(t, d.do("GET", "/v1/settlements/"+itoa(c.env.Settlement.Seq), d.county, ""))
	if m, _ := e["manual"].(map[string]any); m == nil || e["invoice"] != "FP-9002" || e["total"] != "600.00" || e["reason"] != "金额录错" {
		t.Errorf("the manual claim's correction: %v", e)
	}
	want(t, "its invoice again", d.do("POST", "/v1/manual-claims", d.county, manual("M4", "500.00", "FP-9002")), 409, apierr.InvoiceSettled)
	want(t, "an administrator", d.as(d.mustLogin("admin"), true, "POST", "/v1/manual-claims", manual("M3", "500.00", "FP-9003")), 201, "")
}

func testManualRefusals(t *testing.T, d *desk) {
	bad := apitest.Card("622848040256489001")
	bad = bad[:len(bad)-1] + string('0'+(bad[len(bad)-1]-'0'+1)%10)
	for _, tc := range []struct {
		name, body string
		code       core.Code
		at         string
	}{
		{"a mistyped card (Luhn)", strings.Replace(manual("R1", "100.00", "FP-1"), payoutCard, bad, 1), core.CardLuhn, "/payout/card"},
		{"a card too short", strings.Replace(manual("R1", "100.00", "FP-1"), payoutCard, "6228480402", 1), core.CardLength, "/payout/card"},
		{"no holder", strings.Replace(manual("R1", "100.00", "FP-1"), `"holder":"王大"`, `"holder":" "`, 1), core.FieldRequired, "/payout/holder"},
		{"no invoice", manual("R1", "100.00"), core.FieldRequired, "/invoices"},
		{"an invoice twice", manual("R1", "100.00", "FP-1", "FP-1"), core.FieldInvalid, "/invoices/1/number"},
		{"an invoice from the future", manual("R1", "100.00", "FP-1@2025-06-02"), core.FieldInvalid, "/invoices/0/date"},
		{"the visit's invoice", strings.Replace(manual("R1", "100.00", "FP-1"), `"referral":false`, `"referral":false,"invoice":"FP-1"`, 1), core.FieldInvalid, "/request/claim/visit/invoice"},
		{"a bad claim", strings.Replace(manual("R1", "100.00", "FP-1"), `"amount":"100.00"`, `"amount":"1.001"`, 1), "", "/request/claim/items/0/amount"},
		{"an unknown facility", strings.Replace(manual("R1", "100.00", "FP-1"), `"institution":"H001"`, `"institution":"H404"`, 1), apierr.FacilityUnknown, "/request/claim/visit/institution"},
	} {
		r := d.do("POST", "/v1/manual-claims", d.county, tc.body)
		code, at := r.first()
		if r.status != 422 || (tc.code != "" && code != tc.code) || at != tc.at {
			t.Errorf("%s: %d %s at %s, want 422 %s at %s: %s", tc.name, r.status, code, at, tc.code, tc.at, r.body)
		}
		if strings.Contains(string(r.body), payoutCard) || strings.Contains(string(r.body), bad) {
			t.Errorf("%s: the refusal repeats the card number: %s", tc.name, r.body)
		}
	}
}

func testManualDuplicate(t *testing.T, d *desk) {
	r := d.do("POST", "/v1/manual-claims", d.county, manual("D1", "1000.00", "FP-2001", "FP-2002@2025-03-08"))
	want(t, "a manual claim of two invoices", r, 201, "")
	first := r.env.Settlement.Seq
	// Its second invoice again, in another manual claim: refused at settlement, in
	// plain Chinese naming the invoice and the settlement that carries it.
	r = d.do("POST", "/v1/manual-claims", d.county, manual("D2", "1000.00", "FP-2003", "FP-2002"))
	want(t, "the invoice in another manual claim", r, 409, apierr.InvoiceSettled)
	if _, at := r.first(); at != "/invoices/1/number" {
		t.Errorf("invoice_already_settled at %q", at)
	}
	zh := r.env.Errors[0].MessageZh
	if !strings.Contains(zh, "该发票已在本机构结算") || !strings.Contains(zh, `"FP-2002"`) || !strings.Contains(zh, itoa(first)) {
		t.Errorf("the refusal says %q", zh)
	}
	if !coretest.Chinese(zh) {
		t.Errorf("the refusal %q has words that are not Chinese", zh)
	}
	// The hospital's card settlement of the same invoice: refused too (两头报销).
	want(t, "the invoice at the hospital's desk", d.do("POST", "/v1/settlements", d.h1,
		strings.Replace(settle("D3", "H001", "1000.00"), `"referral":false`, `"referral":false,"invoice":"FP-2001"`, 1)), 409, apierr.InvoiceSettled)
	// And the other way: an invoice settled at the desk cannot be claimed by hand.
	want(t, "a desk settlement's invoice", d.do("POST", "/v1/settlements", d.h1,
		strings.Replace(settle("D4", "H001", "1000.00"), `"referral":false`, `"referral":false,"invoice":"FP-3001"`, 1)), 201, "")
	want(t, "claimed by hand after", d.do("POST", "/v1/manual-claims", d.county, manual("D5", "1000.00", "FP-3001")), 409, apierr.InvoiceSettled)
	// Once the manual claim is reversed its invoices are free again.
	want(t, "reverse the manual claim", d.do("POST", "/v1/settlements/"+itoa(first)+"/reversal", d.county, `{"reason":"发票退回"}`), 201, "")
	want(t, "after the reversal", d.do("POST", "/v1/manual-claims", d.county, manual("D2", "1000.00", "FP-2003", "FP-2002")), 201, "")
}

// testManualConcurrent sends two manual claims of one invoice at once, as two
// clerks at two windows would: exactly one is recorded.
func testManualConcurrent(t *testing.T, d *desk) {
	for round := range 3 {
		inv := fmt.Sprintf("FP-C%d", round)
		var wg sync.WaitGroup
		statuses := make([]int, 2)
		codes := make([]core.Code, 2)
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				body := manual(fmt.Sprintf("C%d-%d", round, i), "800.00", inv)
				if i == 1 {
					// Another patient, so that no person's lock orders the two: only
					// the invoice's does.
					body = strings.Replace(body, person, "640221198001010023", 1)
				}
				r := d.do("POST", "/v1/manual-claims", d.county, body)
				statuses[i] = r.status
				codes[i], _ = r.first()
			}()
		}
		wg.Wait()
		won, refused := 0, 0
		for i := range 2 {
			switch {
			case statuses[i] == 201:
				won++
			case statuses[i] == 409 && codes[i] == apierr.InvoiceSettled:
				refused++
			}
		}
		if won != 1 || refused != 1 {
			t.Errorf("round %d: statuses %v %v, want one 201 and one 409 invoice_already_settled", round, statuses, codes)
		}
	}
}

func testCorrectionReason(t *testing.T, d *desk) {
	r := d.do("POST", "/v1/settlements", d.h1, settle("K1", "H001", "1000.00"))
	want(t, "settle", r, 201, "")
	old := r.env.Settlement.Seq
	auditor := d.mustLogin("auditor")
	path := "/v1/settlements/" + itoa(old) + "/correction"
	want(t, "without a reason", d.as(auditor, true, "POST", path, `{"reason":" ","request":`+settle("K1", "H001", "1200.00")+`}`), 422, core.FieldRequired)
	want(t, "the old body", d.as(auditor, true, "POST", path, settle("K1", "H001", "1200.00")), 400, core.RequestUnknownField)
	r = d.as(auditor, true, "POST", path, `{"reason":"甲类费用漏录 200 元","request":`+settle("K1", "H001", "1200.00")+`}`)
	want(t, "with a reason", r, 201, "")
	corrected := r.env.Settlement.Seq
	// Reprinted from another session of the institution: both entries say why.
	cashier := d.mustLogin("cashier")
	e := entryOf(t, d.as(cashier, false, "GET", "/v1/settlements/"+itoa(old), ""))
	rev, _ := e["reversedBy"].(map[string]any)
	if rev == nil || rev["reason"] != "甲类费用漏录 200 元" || e["correctedBy"] != float64(corrected) {
		t.Errorf("the corrected entry: %v", e)
	}
	e = entryOf(t, d.as(cashier, false, "GET", "/v1/settlements/"+itoa(corrected), ""))
	if e["reason"] != "甲类费用漏录 200 元" || e["corrects"] != float64(old) || e["reversedBy"] != nil {
		t.Errorf("the correcting entry: %v", e)
	}
	// Another institution cannot reprint it; the county can.
	want(t, "H002 reprints H001's", d.do("GET", "/v1/settlements/"+itoa(old), d.h2, ""), 404, apierr.NotFound)
	want(t, "the county auditor reprints", d.as(d.mustLogin("county-auditor"), false, "GET", "/v1/settlements/"+itoa(old), ""), 200, "")
}

// testCorrectionPresettle: the presettlement of a correction counts the year's
// totals without the settlement it replaces. Near the annual cap (4000元 under the
// original Pingluo scheme) the difference is most of the payment.
func testCorrectionPresettle(t *testing.T, d *desk) {
	// 7000元: (7000 − 300) × 55% = 3685.00 of the 4000.00 cap (全额累进).
	r := d.do("POST", "/v1/settlements", d.h1, settle("N1", "H001", "7000.00"))
	want(t, "settle", r, 201, "")
	if got := fundTotal(t, r); got != "3685.00" {
		t.Fatalf("7000元 paid %s, want 3685.00", got)
	}
	seq := itoa(r.env.Settlement.Seq)
	bill := settle("N1", "H001", "7300.00")
	// On the current totals the cap looks all but used: 315.00 left.
	r = d.do("POST", "/v1/presettlements", d.h1, bill)
	want(t, "presettle on the current totals", r, 200, "")
	if got := fundTotal(t, r); got != "315.00" {
		t.Errorf("without corrects: %s, want the 315.00 left under the cap", got)
	}
	// As a correction of N1: (7300 − 300) × 55% = 3850.00, what the correction pays.
	r = d.do("POST", "/v1/presettlements?corrects="+seq, d.h1, bill)
	want(t, "presettle the correction", r, 200, "")
	pre := fundTotal(t, r)
	if pre != "3850.00" {
		t.Errorf("with corrects: %s, want 3850.00", pre)
	}
	c := d.do("POST", "/v1/settlements/"+seq+"/correction", d.h1, correction(bill))
	want(t, "correct", c, 201, "")
	if got := fundTotal(t, c); got != pre {
		t.Errorf("the correction paid %s, its presettlement %s", got, pre)
	}
	// A settlement already replaced, another institution's, or another visit's is
	// no correction to presettle.
	want(t, "the replaced settlement", d.do("POST", "/v1/presettlements?corrects="+seq, d.h1, bill), 409, apierr.AlreadyReversed)
	want(t, "register H002", d.do("PUT", "/v1/facilities/H002", d.county, `{"name":"H002","class":"county","from":"2025-01-01"}`), 200, "")
	want(t, "another institution's", d.do("POST", "/v1/presettlements?corrects="+itoa(c.env.Settlement.Seq), d.h2,
		settle("N1", "H002", "7300.00")), 404, apierr.NotFound)
	r = d.do("POST", "/v1/presettlements?corrects="+itoa(c.env.Settlement.Seq), d.h1, settle("N9", "H001", "7300.00"))
	want(t, "another visit", r, 422, core.FieldInvalid)
	want(t, "not a number", d.do("POST", "/v1/presettlements?corrects=x", d.h1, bill), 422, core.FieldInvalid)
	r = d.do("POST", "/v1/presettlements?corrects="+itoa(c.env.Settlement.Seq-1), d.h1, bill)
	want(t, "the correction's reversal", r, 422, core.FieldInvalid)
	if _, at := r.first(); at != "/corrects" {
		t.Errorf("a reversal's number refused at %q", at)
	}
}
