package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/server/api"
	"github.com/ruralhealth/ncms/server/api/apitest"
	"github.com/ruralhealth/ncms/server/ledger"
)

// TestReceiptPrint opens a contribution receipt's print view (参合缴费收据) in
// Chromium, as a township clerk reprints it, and reads what the printed page says.
// The screenshot goes to $NCMS_ARTIFACTS (docs/receipt.png is one).
func TestReceiptPrint(t *testing.T) {
	exe := chromium(t)
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("no pdftotext on PATH: the printed receipt was NOT checked")
	}
	srv := apitest.Start(t, filepath.Join(t.TempDir(), "ncms.db"), ledger.Options{}, api.Options{})
	key, _, err := srv.Ledger.EnsureAdminKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const a, b = "640221198001010031", "64022119800101004X"
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(srv.Ledger.PutHousehold(ctx, ledger.Household{ID: "H7", Township: "640221100"}))
	must(srv.Ledger.PutPerson(ctx, ledger.Person{ID: a, Name: "王大", Household: "H7", Category: "farmer"}))
	must(srv.Ledger.PutPerson(ctx, ledger.Person{ID: b, Name: "王二", Household: "H7", Category: "farmer"}))
	ten := money.MustAmount("10")
	got, err := srv.Ledger.Enroll(ctx, "seed", "H7", ledger.Enrollment{Year: 2025, Policy: "pingluo-original",
		PaidOn: civil.MustParse("2024-12-01"), Members: []ledger.MemberPayment{
			{Person: a, Amount: &ten}, {Person: b, Amount: &ten, Payer: ledger.PayerGovernment, Subsidy: ledger.SubsidyDibao}}})
	must(err)
	receipt := got.Contributions[1].Receipt
	// The clerk's browser is signed in; here the county key stands for the session.
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Set("Authorization", "Bearer "+key)
		srv.API.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)

	tctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	p := newTab(tctx, t, exe, 800, 600, true)
	p.do(chromedp.Navigate(ts.URL + "/v1/contributions/" + receipt + "?format=html"))
	if shown := eval[string](p, `document.getElementById('receipt').textContent`); shown != receipt {
		t.Errorf("receipt number shown %q, want %q", shown, receipt)
	}
	shot(t, p, filepath.Join(artifacts(t), "receipt.png"))
	pdf, err := chromedp.Run(p.ctx, chromedp.PrintToPDF())
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf, filepath.Join(t.TempDir(), "receipt.pdf"))
	for _, want := range []string{"参合缴费收据", receipt, "政府代缴（低保）", "10.00", "计入家庭账户（元）5.00", "640221********004X", "参合农民"} {
		if !strings.Contains(text, want) {
			t.Errorf("the printed receipt lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, b) {
		t.Errorf("the printed receipt shows the full resident ID")
	}
}
