package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ruralhealth/ncms/core/policies"
	"github.com/ruralhealth/ncms/core/policydoc"
	"github.com/ruralhealth/ncms/server/api"
	"github.com/ruralhealth/ncms/server/api/apitest"
	"github.com/ruralhealth/ncms/server/ledger"
)

// TestPolicyPageBrowser opens a published policy's page (/policies/{id}) in Chromium,
// reads the articles a person sees, switches to English, and prints it to PDF, whose
// text (pdftotext) must carry the clauses. NCMS_ARTIFACTS=dir keeps the screenshot
// (policy-show.png) and the PDF.
func TestPolicyPageBrowser(t *testing.T) {
	exe := chromium(t)
	need(t, "pdftotext", "the printed policy (apt-get install poppler-utils)")
	srv := apitest.Start(t, filepath.Join(t.TempDir(), "ncms.db"), ledger.Options{}, api.Options{})
	out := artifacts(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	p := newTab(ctx, t, exe, 1000, 900, true)

	var revised *policydoc.Document
	cs, err := policies.Compiled()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.ID() == "pingluo-revised" {
			d := policydoc.Render(c, policydoc.Chinese)
			revised = &d
		}
	}
	if revised == nil {
		t.Fatal("no pingluo-revised among the example policies")
	}

	p.do(chromedp.Navigate(srv.URL + "/policies/pingluo-revised"))
	headings := eval[[]string](p, `[...document.querySelectorAll('h2')].map(h => h.innerText.replace(/\s+/g, ' ').trim())`)
	var want []string
	for _, a := range revised.Articles {
		want = append(want, a.Number+" "+a.Title)
	}
	if got := strings.Join(headings, "|"); !strings.HasPrefix(got, strings.Join(want, "|")) {
		t.Errorf("articles shown:\n%s\nwant\n%s", got, strings.Join(want, "|"))
	}
	text := eval[string](p, `document.body.innerText`)
	for _, s := range []string{"平罗县新型农村合作医疗住院补偿方案（修订建议）", "第五条 起付线", "乡镇卫生院住院补偿：每次住院（就诊）起付线150元。",
		"非定点医疗机构住院补偿：年度支付不超过3000元", "住院统筹基金：每人每年累计支付不超过4000元。", "English"} {
		if !strings.Contains(text, s) {
			t.Errorf("the page does not show %q", s)
		}
	}
	// A table of bands per benefit: the township's first band is 25%.
	if got := eval[string](p, `document.querySelector('table:nth-of-type(1)') && [...document.querySelectorAll('section.article')].find(s => s.querySelector('h2').innerText.includes('补偿比例')).querySelector('tbody tr td:last-child').innerText`); got != "25%" {
		t.Errorf("township band 1 shows %q, want 25%%", got)
	}
	shot, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(out, "policy-show.png"), shot)

	// Printed: A4, the clause text in the PDF, the language link left out.
	pdf, err := chromedp.Run(p.ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize()))
	if err != nil {
		t.Fatal(err)
	}
	txt := pdfText(t, pdf, filepath.Join(out, "policy-show.pdf"))
	for _, s := range []string{"第五条起付线", "乡镇卫生院住院补偿：每次住院（就诊）起付线150元。", "第六条补偿比例", "第七条封顶线",
		"每位参合人员缴费中8元划入家庭账户", "pingluo-revised"} {
		if !strings.Contains(txt, s) {
			t.Errorf("the printed page lacks %q:\n%s", s, txt)
		}
	}
	// The language link heads the page on screen only.
	if !strings.HasPrefix(txt, "平罗县") {
		t.Errorf("the printed page does not start with its title: %.80s", txt)
	}
	if w := pdfWidth(t, filepath.Join(out, "policy-show.pdf")); w < 590 || w > 600 {
		t.Errorf("printed %v pt wide, want A4 (595)", w)
	}

	// The English link, as a person follows it.
	deskClick(p, `nav.lang a`)
	// Polled by hand: the navigation replaces the execution context under a
	// chromedp.Poll ("Cannot find context with specified id"), which is no failure.
	for deadline := time.Now().Add(15 * time.Second); ; {
		en, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](`document.readyState === 'complete' && document.documentElement.lang === 'en'`))
		if err == nil && en {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the English page did not open: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	text = eval[string](p, `document.body.innerText`)
	for _, s := range []string{"Pingluo county NCMS inpatient compensation scheme (proposed revision)", "Art. 5 Deductible",
		"Township inpatient care: a deductible of 150 yuan per admission (visit).", "中文"} {
		if !strings.Contains(text, s) {
			t.Errorf("the English page does not show %q", s)
		}
	}
}

// headless is an allocator for a headless Chromium at exe with a window of w × h
// pixels, a fresh profile and nothing running in the background.
func headless(ctx context.Context, t *testing.T, exe string, w, h int) (context.Context, context.CancelFunc) {
	return chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(w, h))
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
