package api_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/server/api"
	"github.com/ruralhealth/ncms/server/api/apitest"
	"github.com/ruralhealth/ncms/server/apierr"
	"github.com/ruralhealth/ncms/server/ledger"
)

// result decodes a response's result into v, failing the test on a wrong status.
func (r *response) result(t *testing.T, status int, v any) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if err := jsonv2.Unmarshal(r.env.Result, v); err != nil {
		t.Fatalf("%v: %s", err, r.body)
	}
}

// want checks a refusal's status and code.
func (r *response) want(t *testing.T, status int, code core.Code) {
	t.Helper()
	if got, _ := r.first(); r.status != status || got != code {
		t.Fatalf("%d %s, want %d %s: %s", r.status, got, status, code, r.body)
	}
}

// TestBooks plays the county's monthly cycle and the year-end close through HTTP:
// statements from the journal (a reversal and a correction among the entries),
// the auditor's deduction, approval, a payment batch run twice, the bank's CSV, the
// payment, the reconciliation, and a closed year refusing all but the county.
func TestBooks(t *testing.T) {
	f := newFixture(t, api.Options{})
	f.seed() // S1 at H001, recorded 2025-06-01
	other := apitest.PersonID(2)
	post := func(path, key, body string) *response { return f.do("POST", path, key, body) }
	if r := post("/v1/settlements", f.h1, settle("T1", "H001", "5000.00")); r.status != 201 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if r := post("/v1/settlements", f.h2, string(apitest.SettleRequest("U1", other, "H002", "2000.00"))); r.status != 201 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if r := post("/v1/settlements/2/reversal", f.h1, `{"reason":"录入错误"}`); r.status != 201 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	r := post("/v1/settlements/1/correction", f.h1, correction(settle("S1", "H001", "1200.00")))
	if r.status != 201 || r.env.Settlement == nil {
		t.Fatalf("%d %s", r.status, r.body)
	}
	corrected := *r.env.Settlement
	// The journal of H001 on June 1: S1 +, T1 +, T1 −, S1 − and S1 corrected +.
	post("/v1/statements", f.county, `{"month":"2025-06"}`).want(t, 409, apierr.PeriodNotEnded)
	f.clock.Set(time.Date(2025, 7, 2, 1, 0, 0, 0, time.UTC))
	post("/v1/statements", f.h1, `{"month":"2025-06"}`).want(t, 403, apierr.Forbidden)
	post("/v1/statements", f.county, `{"month":"2025-06","from":"2025-06-01"}`).want(t, 422, core.FieldInvalid)
	post("/v1/statements", f.county, `{"from":"2025-06-20","to":"2025-07-01"}`).want(t, 422, core.FieldInvalid)

	var issued struct {
		Statements []ledger.Statement `json:"statements"`
	}
	post("/v1/statements", f.county, `{"month":"2025-06"}`).result(t, 201, &issued)
	if len(issued.Statements) != 2 {
		t.Fatalf("%d statements", len(issued.Statements))
	}
	s1, s2 := issued.Statements[0], issued.Statements[1]
	if s1.Institution != "H001" || s2.Institution != "H002" || s1.Status != ledger.StatementIssued {
		t.Fatalf("%+v", issued)
	}
	e, err := f.l.Entry(t.Context(), "", corrected.Seq)
	if err != nil {
		t.Fatal(err)
	}
	// Only the correction is left of H001's month: T1 and the first S1 cancel out.
	if want := e.FundTotal.Add(e.Delta.FamilyAccount); s1.Figures.Owed.Cmp(want) != 0 || s1.Figures.Settlements != 3 || s1.Figures.Reversals != 2 {
		t.Fatalf("H001 owes %s (%d settlements, %d reversals), want %s (3, 2)", s1.Figures.Owed, s1.Figures.Settlements, s1.Figures.Reversals, want)
	}
	post("/v1/statements", f.county, `{"month":"2025-06"}`).result(t, 200, &issued)
	if !issued.Statements[0].Replayed || issued.Statements[0].ID != s1.ID {
		t.Fatalf("again: %+v", issued)
	}
	post("/v1/statements", f.county, `{"institution":"H001","from":"2025-06-01","to":"2025-06-15"}`).want(t, 409, apierr.StatementOverlap)

	// An institution reads its own statements only.
	var list struct {
		Items []ledger.Statement `json:"items"`
	}
	f.do("GET", "/v1/statements?month=2025-06", f.h1, "").result(t, 200, &list)
	if len(list.Items) != 1 || list.Items[0].ID != s1.ID {
		t.Fatalf("H001 lists %+v", list.Items)
	}
	f.do("GET", fmt.Sprintf("/v1/statements/%d", s2.ID), f.h1, "").want(t, 404, apierr.NotFound)

	// The auditor reviews the statement's entries: they add up to it.
	path := fmt.Sprintf("/v1/statements/%d", s1.ID)
	var lines struct {
		Items []struct {
			Seq           int64        `json:"seq"`
			Kind          string       `json:"kind"`
			FundTotal     money.Amount `json:"fundTotal"`
			FamilyAccount money.Amount `json:"familyAccount"`
		} `json:"items"`
	}
	f.do("GET", path+"/entries", f.county, "").result(t, 200, &lines)
	var sum money.Amount
	for _, l := range lines.Items {
		owed := l.FundTotal.Add(l.FamilyAccount)
		if l.Kind == ledger.KindReversal {
			owed = money.Amount{}.Sub(owed)
		}
		sum = sum.Add(owed)
	}
	if len(lines.Items) != 5 || sum.Cmp(s1.Figures.Owed) != 0 {
		t.Fatalf("%d entries adding up to %s, want 5 adding up to %s", len(lines.Items), sum, s1.Figures.Owed)
	}
	f.do("GET", path+"/entries", f.h2, "").want(t, 404, apierr.NotFound)

	// The auditor's deduction.
	ded := fmt.Sprintf(`{"amount":"10.00","reason":"超标准收费","entries":[%d]}`, corrected.Seq)
	var d ledger.Deduction
	post(path+"/deductions", f.county, ded).result(t, 201, &d)
	post(path+"/deductions", f.county, ded).result(t, 200, &d)
	if !d.Replayed {
		t.Error("the same deduction again is not a replay")
	}
	post(path+"/deductions", f.county, `{"amount":"1.00","reason":"x","entries":[3]}`).want(t, 422, apierr.EntryNotInStatement)
	post(path+"/deductions", f.county, `{"amount":"99999.00","reason":"x","entries":[1]}`).want(t, 422, apierr.DeductionExceeds)
	post(path+"/deductions", f.county, `{"amount":"0.00","reason":"x","entries":[1]}`).want(t, 422, core.FieldInvalid)
	post(path+"/deductions", f.h1, ded).want(t, 403, apierr.Forbidden)

	// The county's approval.
	post(path+"/approval", f.h1, "").want(t, 403, apierr.Forbidden)
	var st ledger.Statement
	post(path+"/approval", f.county, "").result(t, 201, &st)
	if want := s1.Figures.Owed.Sub(money.MustAmount("10.00")); st.Status != ledger.StatementApproved || st.Approval.Amount.Cmp(want) != 0 {
		t.Fatalf("approved %+v, want amount %s", st, want)
	}
	post(path+"/approval", f.county, "").result(t, 200, &st)
	post(path+"/deductions", f.county, `{"amount":"1.00","reason":"又一项","entries":[1]}`).want(t, 409, apierr.StatementApproved)

	// A batch run twice is one batch.
	var b, again ledger.Batch
	post("/v1/payment-batches", f.county, `{"idempotencyKey":"2025-07-a"}`).result(t, 201, &b)
	post("/v1/payment-batches", f.county, `{"idempotencyKey":"2025-07-a"}`).result(t, 200, &again)
	if b.ID != again.ID || !again.Replayed || len(b.Items) != 1 || b.Items[0].Statement != s1.ID || b.Total.Cmp(st.Approval.Amount) != 0 {
		t.Fatalf("batch %+v, again %+v", b, again)
	}
	post("/v1/payment-batches", f.county, fmt.Sprintf(`{"idempotencyKey":"2025-07-a","statements":[%d]}`, s2.ID)).want(t, 409, apierr.BatchKeyConflict)
	post("/v1/payment-batches", f.county, fmt.Sprintf(`{"idempotencyKey":"2025-07-b","statements":[%d]}`, s2.ID)).want(t, 409, apierr.StatementNotApproved)
	post("/v1/payment-batches", f.county, fmt.Sprintf(`{"idempotencyKey":"2025-07-b","statements":[%d]}`, s1.ID)).want(t, 409, apierr.StatementBatched)
	post("/v1/payment-batches", f.county, `{"idempotencyKey":"2025-07-b"}`).want(t, 422, apierr.BatchEmpty)

	// The bank's file: one transfer and the control line, in UTF-8 or GBK.
	bpath := fmt.Sprintf("/v1/payment-batches/%d", b.ID)
	r = f.do("GET", bpath+"?format=csv", f.county, "")
	want := fmt.Sprintf("序号,收款单位编码,收款单位名称,金额,摘要\n1,H001,,%s,新农合拨付 批次%d 结算单%d\n合计,1,,%s,\n", b.Total, b.ID, s1.ID, b.Total)
	if r.status != 200 || string(r.body) != "\ufeff"+want {
		t.Fatalf("%d %q, want %q", r.status, r.body, want)
	}
	r = f.do("GET", bpath+"?format=csv&charset=gbk", f.county, "")
	text, err := simplifiedchinese.GBK.NewDecoder().Bytes(r.body)
	if err != nil || string(text) != want || !strings.Contains(r.header.Get("Content-Type"), "gbk") {
		t.Fatalf("GBK: %v %q", err, text)
	}
	f.do("GET", bpath+"?charset=big5", f.county, "").want(t, 422, core.FieldInvalid)

	// The payment.
	post(bpath+"/payment", f.county, `{"paidOn":"2025-07-03","reference":"ABC-1"}`).want(t, 422, core.FieldInvalid)
	post(bpath+"/payment", f.county, `{"paidOn":"2025-07-01","reference":"ABC-1"}`).want(t, 422, core.FieldInvalid)
	post(bpath+"/payment", f.county, `{"paidOn":"2025-07-02","reference":"ABC-1"}`).result(t, 201, &b)
	post(bpath+"/payment", f.county, `{"paidOn":"2025-07-02","reference":"ABC-1"}`).result(t, 200, &again)
	post(bpath+"/payment", f.county, `{"paidOn":"2025-07-02","reference":"ABC-2"}`).want(t, 409, apierr.BatchPaid)
	f.do("GET", path, f.h1, "").result(t, 200, &st)
	if st.Status != ledger.StatementPaid || b.Status != ledger.BatchPaid {
		t.Fatalf("statement %s, batch %s", st.Status, b.Status)
	}

	// Reconciliation: the journal = the statements = approved + deducted + pending.
	var rec ledger.Reconciliation
	f.do("GET", "/v1/reports/reconciliation?month=2025-06", f.county, "").result(t, 200, &rec)
	if !rec.Balanced || len(rec.Rows) != 2 {
		t.Fatalf("%+v", rec)
	}
	h1 := rec.Rows[0]
	if h1.Journal.Cmp(h1.Stated) != 0 || h1.Stated.Cmp(h1.Approved.Add(h1.Deducted)) != 0 || h1.Paid.Cmp(h1.Approved) != 0 ||
		h1.Deducted.Cmp(money.MustAmount("10.00")) != 0 || !h1.Unstated.IsZero() {
		t.Fatalf("H001: %+v", h1)
	}
	if h2 := rec.Rows[1]; h2.Pending.Cmp(h2.Stated) != 0 || h2.Journal.Cmp(h2.Stated) != 0 {
		t.Fatalf("H002: %+v", h2)
	}
	f.do("GET", "/v1/reports/reconciliation", f.county, "").want(t, 422, core.FieldRequired)

	// The year-end close.
	post("/v1/years/2025/close", f.county, "").want(t, 409, apierr.YearNotEnded)
	f.clock.Set(time.Date(2026, 1, 10, 1, 0, 0, 0, time.UTC))
	post("/v1/years/2025/close", f.h1, "").want(t, 403, apierr.Forbidden)
	var c, c2 ledger.YearClose
	post("/v1/years/2025/close", f.county, "").result(t, 201, &c)
	post("/v1/years/2025/close", f.county, "").result(t, 200, &c2)
	if !c2.Replayed || !c2.Recorded.Equal(c.Recorded) || c.Figures.Settlements != 4 || c.Figures.Reversals != 2 {
		t.Fatalf("close %+v, again %+v", c, c2)
	}
	post("/v1/settlements", f.h1, settle("V9", "H001", "800.00")).want(t, 409, apierr.YearClosed)
	post("/v1/presettlements", f.h1, settle("V9", "H001", "800.00")).want(t, 409, apierr.YearClosed)
	post(fmt.Sprintf("/v1/settlements/%d/reversal", corrected.Seq), f.h1, `{"reason":"x"}`).want(t, 409, apierr.YearClosed)
	post(fmt.Sprintf("/v1/settlements/%d/correction", corrected.Seq), f.h1, correction(settle("S1", "H001", "1100.00"))).want(t, 409, apierr.YearClosed)
	// The county corrects.
	if r := post(fmt.Sprintf("/v1/settlements/%d/correction", corrected.Seq), f.county, correction(settle("S1", "H001", "1100.00"))); r.status != 201 {
		t.Fatalf("county correction: %d %s", r.status, r.body)
	}
	var y ledger.YearView
	f.do("GET", "/v1/years/2025", f.county, "").result(t, 200, &y)
	if !y.Closed || y.Journal.Settlements != 5 || y.Close.Figures.Settlements != 4 {
		t.Fatalf("%+v", y)
	}
	// A replay of a settlement recorded before the close still answers with it.
	if r := post("/v1/settlements", f.h2, string(apitest.SettleRequest("U1", other, "H002", "2000.00"))); r.status != 200 {
		t.Fatalf("replay after the close: %d %s", r.status, r.body)
	}
}

// testBooksRoles checks who may do what in the books: the county office's auditor
// issues statements and deducts but neither approves nor pays; the administrator
// does both; an institution's auditor and cashier only read their own statements.
func testBooksRoles(t *testing.T, d *desk) {
	r := d.do("POST", "/v1/settlements", d.h1, settle("B1", "H001", "1000.00"))
	if r.status != 201 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	seq := r.env.Settlement.Seq
	month := d.clock().In(ledger.CST).Format("2006-01")
	d.advance(40 * 24 * time.Hour) // the month has ended (sessions last 12 hours: sign in now)
	admin, countyAuditor := d.mustLogin("admin"), d.mustLogin("county-auditor")
	auditor, cashier := d.mustLogin("auditor"), d.mustLogin("cashier")
	body := `{"institution":"H001","month":"` + month + `"}`
	want(t, "institution auditor issues", d.as(auditor, true, "POST", "/v1/statements", body), 403, apierr.Forbidden)
	r = d.as(countyAuditor, true, "POST", "/v1/statements", body)
	want(t, "county auditor issues", r, 201, "")
	var issued struct {
		Statements []ledger.Statement `json:"statements"`
	}
	r.result(t, 201, &issued)
	path := fmt.Sprintf("/v1/statements/%d", issued.Statements[0].ID)
	ded := fmt.Sprintf(`{"amount":"1.00","reason":"超标准收费","entries":[%d]}`, seq)
	want(t, "institution auditor deducts", d.as(auditor, true, "POST", path+"/deductions", ded), 403, apierr.Forbidden)
	want(t, "county auditor deducts", d.as(countyAuditor, true, "POST", path+"/deductions", ded), 201, "")
	want(t, "county auditor approves", d.as(countyAuditor, true, "POST", path+"/approval", ""), 403, apierr.Forbidden)
	want(t, "admin approves", d.as(admin, true, "POST", path+"/approval", ""), 201, "")
	want(t, "county auditor makes a batch", d.as(countyAuditor, true, "POST", "/v1/payment-batches", `{"idempotencyKey":"k"}`), 403, apierr.Forbidden)
	want(t, "admin makes a batch", d.as(admin, true, "POST", "/v1/payment-batches", `{"idempotencyKey":"k"}`), 201, "")
	want(t, "county auditor reads the bank file", d.as(countyAuditor, false, "GET", "/v1/payment-batches/1?format=csv", ""), 200, "")
	want(t, "cashier reads the bank file", d.as(cashier, false, "GET", "/v1/payment-batches/1", ""), 403, apierr.Forbidden)
	want(t, "cashier reads H001's statement", d.as(cashier, false, "GET", path, ""), 200, "")
	want(t, "county auditor closes a year", d.as(countyAuditor, true, "POST", "/v1/years/2024/close", ""), 403, apierr.Forbidden)
	want(t, "county auditor reads the reconciliation", d.as(countyAuditor, false, "GET", "/v1/reports/reconciliation?month="+month, ""), 200, "")
}
