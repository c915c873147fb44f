package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chromedp/chromedp"
	"golang.org/x/crypto/bcrypt"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/enroll"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/server/api"
	"github.com/ruralhealth/ncms/server/api/apitest"
	"github.com/ruralhealth/ncms/server/ledger"
	"github.com/ruralhealth/ncms/server/store/storetest"
	"github.com/ruralhealth/ncms/server/web"
	"github.com/ruralhealth/ncms/wasm/build"
	"github.com/ruralhealth/ncms/wasm/js"
)

// TestDeskNode runs the desk's and the console's unit tests of their pure modules
// (money, i18n, fee lists, the claim, the console's query) under Node, so that go
// test runs them too.
func TestDeskNode(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		msg := "node is not on PATH: the desk's modules were NOT unit-tested"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		fmt.Fprintln(os.Stderr, "!!! "+msg+" !!!")
		t.Skip(msg)
	}
	out, err := exec.Command(node, "--test", "--test-reporter=tap", filepath.Join("static", "desk", "test"),
		filepath.Join("static", "console", "test")).CombinedOutput()
	if err != nil {
		t.Fatalf("node --test: %v\n%s", err, out)
	}
	for _, want := range []string{"# fail 0", "# skipped 0", "# cancelled 0"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("node output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "# pass 0\n") {
		t.Error("node passed no tests")
	}
}

// TestDeskTypes type-checks the desk's and the console's modules (// @ts-check, JSDoc types) under
// --strict with the TypeScript that wasm/js pins, the loader typed by its ncms.d.ts.
func TestDeskTypes(t *testing.T) {
	node, err := exec.LookPath("node")
	compiler, _ := filepath.Abs(filepath.Join("..", "..", "wasm", "js", "node_modules", "typescript", "bin", "tsc"))
	if _, serr := os.Stat(compiler); err != nil || serr != nil {
		msg := "node or TypeScript (npm ci in wasm/js) missing: the desk's modules were NOT type-checked"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		fmt.Fprintln(os.Stderr, "!!! "+msg+" !!!")
		t.Skip(msg)
	}
	// The served layout: the desk in desk/, the loader and trace wording above it.
	dir := t.TempDir()
	copyFile := func(from, to string) {
		t.Helper()
		b, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile(filepath.Join("..", "..", "wasm", "js", "ncms.js"), filepath.Join(dir, "ncms.js"))
	copyFile(filepath.Join("..", "..", "wasm", "js", "ncms.d.ts"), filepath.Join(dir, "ncms.d.ts"))
	// The county console's modules import the desk's: both are checked together.
	var files []string
	for _, sub := range []string{"desk", "console"} {
		entries, err := os.ReadDir(filepath.Join("static", sub))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".js") {
				copyFile(filepath.Join("static", sub, e.Name()), filepath.Join(dir, sub, e.Name()))
				files = append(files, filepath.Join(sub, e.Name()))
			}
		}
	}
	// Only files with // @ts-check are checked (allowJs without checkJs): the desk's.
	args := append([]string{compiler, "--noEmit", "--allowJs", "--strict", "--target", "es2022", "--module", "es2022",
		"--moduleResolution", "bundler", "--lib", "es2022,dom,dom.iterable"}, files...)
	cmd := exec.Command(node, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tsc: %v\n%s", err, out)
	}
}

const (
	deskPassword = "柜台密码-2025"
	deskPerson   = "640221198001010015" // registered, card deskCard
	otherPerson  = "640221198001010023" // presents deskCard: impersonation
	lapsedPerson = "640221198001010031" // enrolled in 2024, not in 2025
)

var (
	deskCard      = apitest.Card("622848000000001")
	lostCard      = apitest.Card("622848000000002")
	suspendedCard = apitest.Card("622848000000003")
	cancelledCard = apitest.Card("622848000000004")
	otherCard     = apitest.Card("622848000000005") // otherPerson's own
	lapsedCard    = apitest.Card("622848000000006") // lapsedPerson's own
	replacedCard  = apitest.Card("622848000000007") // lost, then replaced by newCard (补卡)
	newCard       = apitest.Card("622848000000008")
	// payoutCard is the patient's bank card a manual claim pays to.
	payoutCard = apitest.Card("622848040256489001")
)

// deskServer is a county server serving the desk, behind a switch that makes the
// county's routes unreachable (the connection is dropped) to play a network cut.
type deskServer struct {
	URL    string
	ledger *ledger.Ledger
	api    http.Handler // the county server itself, without the switch
	down   atomic.Bool
}

func startDesk(t *testing.T, dsn string, wasm []byte) *deskServer {
	t.Helper()
	// As ncms serve by default, the ledger requires the facility register: H001 is
	// registered below.
	srv := apitest.Start(t, dsn, ledger.Options{PasswordCost: bcrypt.MinCost, RequireFacility: true},
		api.Options{Web: web.Handler(wasm, js.Loader())})
	d := &deskServer{ledger: srv.Ledger, api: srv.API}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d.down.Load() && strings.HasPrefix(r.URL.Path, "/v1/") {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		srv.API.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	d.URL = ts.URL

	ctx := context.Background()
	l := srv.Ledger
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []ledger.NewOperator{
		{Login: "cashier", Name: "李收费", Role: ledger.RoleCashier, Institution: "H001"},
		{Login: "auditor", Name: "王审核", Role: ledger.RoleAuditor, Institution: "H001"},
		{Login: "locked", Name: "赵锁定", Role: ledger.RoleCashier, Institution: "H001"},
		{Login: "office", Name: "孙经办", Role: ledger.RoleAuditor}, // the county office: manual claims
	} {
		n.Password = deskPassword
		_, err := l.CreateOperator(ctx, n)
		must(err)
	}
	_, err := l.PutFacility(ctx, ledger.Facility{Code: "H001", Name: "平罗县人民医院", Class: "county",
		InCounty: true, Designated: true, From: civil.MustParse("2025-01-01")})
	must(err)
	must(l.PutHousehold(ctx, ledger.Household{ID: "H1", Township: "640221100"}))
	enrollment := []enroll.Year{{Year: 2024, PaidOn: civil.MustParse("2023-12-01")}, {Year: 2025, PaidOn: civil.MustParse("2024-12-01")}}
	for _, id := range []string{deskPerson, otherPerson} {
		must(l.PutPerson(ctx, ledger.Person{ID: id, Name: "王大", Household: "H1", Category: "farmer",
			Birth: civil.MustParse("1980-01-01"), Enrollment: enrollment}))
	}
	must(l.PutPerson(ctx, ledger.Person{ID: lapsedPerson, Name: "王小", Household: "H1", Category: "farmer",
		Birth: civil.MustParse("1980-01-01"), Enrollment: enrollment[:1]}))
	event := func(number string, ev identity.Event, date string, owner ...string) {
		t.Helper()
		o := deskPerson
		if len(owner) > 0 {
			o = owner[0]
		}
		_, err := l.CardEvent(ctx, "seed", ledger.CardEvent{Number: number, Owner: o, Event: ev, Date: civil.MustParse(date)})
		must(err)
	}
	for _, c := range []string{deskCard, lostCard, suspendedCard, cancelledCard, replacedCard} {
		event(c, identity.Issue, "2025-01-02")
	}
	event(otherCard, identity.Issue, "2025-01-02", otherPerson)
	event(lapsedCard, identity.Issue, "2024-01-02", lapsedPerson)
	event(replacedCard, identity.ReportLost, "2025-01-20")
	event(replacedCard, identity.Replace, "2025-01-25")
	event(newCard, identity.Issue, "2025-01-25")
	event(lostCard, identity.ReportLost, "2025-02-01")
	event(suspendedCard, identity.Suspend, "2025-02-01")
	event(cancelledCard, identity.Cancel, "2025-02-01")
	return d
}

// TestDesk drives the checkout desk in Chromium against a real county server, on
// SQLite and on PostgreSQL.
func TestDesk(t *testing.T) {
	deskStores(t, 6*time.Minute, func(t *testing.T, ctx context.Context, exe, _ string, d *deskServer, shots bool) {
		testDesk(t, ctx, exe, d, shots)
	})
}

// deskStores runs test within timeout as a subtest on SQLite and one on PostgreSQL,
// each with Chromium at exe and its own desk server (startDesk) holding the real
// WebAssembly module, built once; the SQLite run takes the screenshots. Without
// pdftotext, which reads the printed slips, it skips (fails under CI).
func deskStores(t *testing.T, timeout time.Duration, test func(t *testing.T, ctx context.Context, exe, dsn string, d *deskServer, shots bool)) {
	t.Helper()
	exe := chromium(t)
	need(t, "pdftotext", "the printed slips (apt-get install poppler-utils)")
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	path, err := build.Path(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	wasm, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []string{"sqlite", "postgres"} {
		t.Run(st, func(t *testing.T) {
			dsn := filepath.Join(t.TempDir(), "ncms.db")
			if st == "postgres" {
				dsn = storetest.PostgresDSN(t)
			}
			test(t, ctx, exe, dsn, startDesk(t, dsn, wasm), st == "sqlite")
		})
	}
}

func testDesk(t *testing.T, ctx context.Context, exe string, d *deskServer, shots bool) {
	out := artifacts(t)
	// Uncaught exceptions fail the test.
	p := newTab(ctx, t, exe, 1280, 900, false)
	shot := shooter(p, out, shots)
	open := func() {
		p.t.Helper()
		p.ready(d.URL + "/desk/?lang=zh")
	}
	keys := func(s string) {
		t := p.t
		t.Helper()
		p.do(chromedp.KeyEvent(s))
	}
	focused := func(id string) {
		t := p.t
		t.Helper()
		js := fmt.Sprintf(`document.activeElement && document.activeElement.id === %q`, id)
		if err := chromedp.Do(p.ctx, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
			t.Fatalf("focus is on #%s, want #%s", eval[string](p, `document.activeElement?.id ?? ''`), id)
		}
	}
	visible := func(id string) {
		t := p.t
		t.Helper()
		js := fmt.Sprintf(`!document.getElementById(%q).hidden`, id)
		if err := chromedp.Do(p.ctx, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
			t.Fatalf("#%s never shown", id)
		}
	}
	set := func(id, value string) {
		t := p.t
		t.Helper()
		eval[chromedp.Void](p, fmt.Sprintf(`(() => { const e = document.getElementById(%q); e.value = %q;
			e.dispatchEvent(new Event('change', { bubbles: true })); })()`, id, value))
	}
	// The visit: March 2025 at a county hospital under the original Pingluo scheme.
	visit := func() {
		t := p.t
		t.Helper()
		set("policy", "pingluo-original")
		set("class", "county")
		for _, id := range []string{"date", "admission"} {
			set(id, "2025-03-02")
		}
		set("discharge", "2025-03-09")
	}
	text := func(id string) string {
		t := p.t
		t.Helper()
		return eval[string](p, fmt.Sprintf(`document.getElementById(%q).textContent`, id))
	}
	p.do(chromedp.EmulateViewport(1280, 900))

	t.Run("login and lockout", func(t *testing.T) {
		p.t = t
		open()
		shot("desk-1-login.png")
		focused("login-name")
		for i := range 6 {
			set("login-name", "")
			set("login-password", "")
			p.do(chromedp.Focus(chromedp.ID("login-name")))
			keys("locked\t" + fmt.Sprint("wrong", i) + "\r")
			p.do(chromedp.Poll[chromedp.Void](`!document.getElementById('login-msg').hidden`))
			code := eval[string](p, `document.getElementById('login-msg').dataset.code`)
			want := "auth_bad_credentials"
			if i == 5 {
				want = "auth_locked"
			}
			if code != want {
				t.Fatalf("attempt %d: %s (%s), want %s", i+1, code, text("login-msg"), want)
			}
			eval[chromedp.Void](p, `document.getElementById('login-msg').hidden = true`)
		}
		// The server's own Chinese words for the lock.
		if msg := text("login-msg"); !strings.ContainsFunc(msg, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
			t.Errorf("lockout message %q is not the server's Chinese", msg)
		}
	})

	// The whole flow by keyboard only, as the card reader types: sign in, swipe,
	// presenter's ID, the bill, presettle, settle.
	var seq float64
	// The auditor's settlement R-1 and its correction, reprinted from another session.
	var corrected, correcting string
	const correctionReason = "甲类费用漏录 200 元"
	signIn := func(login string) {
		t := p.t
		t.Helper()
		open()
		if !eval[bool](p, `document.getElementById('signout').hidden`) {
			deskClick(p, "#signout")
		}
		visible("login")
		p.type_("login-name", login)
		p.type_("login-password", deskPassword)
		deskClick(p, "#signin")
		visible("desk")
	}
	t.Run("settlement by keyboard", func(t *testing.T) {
		p.t = t
		open()
		focused("login-name")
		keys("cashier\t" + deskPassword + "\r")
		focused("card")
		visit()
		p.do(chromedp.Focus(chromedp.ID("card")))
		shot("desk-2-card.png")
		// The engine's answer first, so that the swipe-to-slip time below holds only
		// the desk's work (and the test's page checks), not the native engine's.
		n := nativeSettle(t, "P-check", deskPerson, `[{"code":"A","kind":"other","class":"A","amount":"8432.00"},
		 {"code":"SELF","kind":"other","class":"self","amount":"268.50"}]`)
		swipe := time.Now()
		keys(deskCard + "\r")
		focused("presenter")
		keys(deskPerson + "\r")
		visible("person")
		focused("amount-a")
		// One person panel: an unknown fact has no row (no "—"), and none is listed twice.
		personLabels := `[...document.querySelectorAll('#person-facts dt')].map((e) => e.textContent).join('|')`
		if txt := text("person-facts"); strings.Contains(txt, "—") {
			t.Errorf("person panel shows an unknown fact as —: %s", txt)
		}
		keys("8,432\t\t268.5\r")
		visible("outcome")
		focused("settle")
		if s := eval[string](p, `document.getElementById('outcome').dataset.state`); s != "same" {
			t.Fatalf("presettlement: state %q: %s", s, text("compare"))
		}
		if got := eval[string](p, `document.querySelector('#person-facts [data-key=name]')?.textContent ?? ''`); got != "王大" {
			t.Errorf("person panel name after presettlement: %q, want the register's 王大", got)
		}
		seen := map[string]bool{}
		for _, l := range strings.Split(eval[string](p, personLabels), "|") {
			if seen[l] {
				t.Errorf("person panel lists %s twice", l)
			}
			seen[l] = true
		}
		// The effective ratio reads as a percentage; the engine's decimal stays in data-value.
		if got := eval[string](p, `document.querySelector('#figures tr[data-key=effectiveRatio] td').dataset.value`); got != n.Result.EffectiveRatio {
			t.Errorf("effective ratio data-value %s, engine %s", got, n.Result.EffectiveRatio)
		}
		if got := eval[string](p, `document.querySelector('#figures tr[data-key=effectiveRatio] td').textContent`); n.Result.EffectiveRatio != "0.4597" || got != "45.97%" {
			t.Errorf("effective ratio shown %q, want 45.97%% for %s", got, n.Result.EffectiveRatio)
		}
		shot("desk-3-presettle.png")

		// The page's figures are the engine's for the same claim.
		for k, v := range map[string]string{"total": n.Result.Total, "fundTotal": n.Result.FundTotal, "cash": n.Result.Cash,
			"deductible": n.Result.Deductible, "scope": n.Result.Scope, "selfPaid": n.Result.SelfPaid} {
			got := eval[string](p, fmt.Sprintf(`document.querySelector('#figures tr[data-key=%q] td').dataset.value`, k))
			if got != v {
				t.Errorf("presettlement %s: page %s, engine %s", k, got, v)
			}
		}
		keys("\r")
		visible("slip-panel")
		focused("print")
		if s := eval[string](p, `document.getElementById('slip').dataset.state`); s != "settled" {
			t.Fatalf("slip state %q", s)
		}
		seq = eval[float64](p, `Number(document.querySelector('#slip [data-key=seq]').textContent)`)
		for k, v := range map[string]string{"fundTotal": n.Result.FundTotal, "cash": n.Result.Cash, "total": n.Result.Total} {
			if got := eval[string](p, fmt.Sprintf(`document.querySelector('#slip [data-key=%q]').textContent`, k)); got != v {
				t.Errorf("slip %s: %s, engine %s", k, got, v)
			}
		}
		shot("desk-4-slip.png")

		// Printed by Chromium to PDF, read back with pdftotext.
		pdf, err := chromedp.Run(p.ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize()))
		if err != nil {
			t.Fatal(err)
		}
		// Measured, never asserted: the README gives the median of three runs.
		t.Logf("swipe to printed slip: %v", time.Since(swipe).Round(time.Millisecond))
		txt := pdfText(t, pdf, filepath.Join(out, "desk-slip-a4.pdf"))
		for _, want := range []string{"新农合住院费用结算单", "王大", "45.97%", "640221********0015", "H001", "2025-03-02", n.Result.FundTotal, n.Result.Cash,
			n.Result.Total, n.Result.Deductible, fmt.Sprint(int(seq)), "李收费", "pingluo-original", "患者（或家属）签字",
			"第五条" /* the engine's explanation cites the scheme's deductible clause */} {
			if !strings.Contains(txt, want) {
				t.Errorf("printed slip lacks %q:\n%s", want, txt)
			}
		}
		if strings.Contains(txt, "未结算") || strings.Contains(txt, "刷卡") {
			t.Errorf("printed slip shows what is not the slip:\n%s", txt)
		}
		// The 80 mm receipt: a narrow page.
		deskClick(p, "input[name=paper][value='80']")
		pdf, err = chromedp.Run(p.ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize()))
		if err != nil {
			t.Fatal(err)
		}
		if txt := pdfText(t, pdf, filepath.Join(out, "desk-slip-80mm.pdf")); !strings.Contains(txt, n.Result.FundTotal) {
			t.Errorf("80 mm slip lacks the fund total:\n%s", txt)
		}
		if w := pdfWidth(t, filepath.Join(out, "desk-slip-80mm.pdf")); w < 220 || w > 235 {
			t.Errorf("80 mm slip is %v pt wide, want 226.8", w)
		}

		// A cashier may not reverse: the server says so, in its words.
		set("reason", "录入错误")
		deskClick(p, "#reverse")
		visible("reverse-msg")
		if msg := text("reverse-msg"); msg == "" || !strings.ContainsFunc(msg, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
			t.Errorf("cashier's reversal refused with %q", msg)
		}
		deskClick(p, "input[name=paper][value='a4']")
	})

	t.Run("the page and the server differ", func(t *testing.T) {
		p.t = t
		open()
		visit()
		// A county answer tampered with in transit: the page must say so loudly.
		eval[chromedp.Void](p, `(() => { const f = window.fetch; window.fetch = async (u, o) => {
			const r = await f(u, o); if (!String(u).includes('/v1/presettlements')) return r;
			const env = await r.json(); env.result.cash = '0.01';
			return new Response(JSON.stringify(env), { status: r.status, headers: r.headers }); }; })()`)
		// A person with no stay this year, so that the tampering is the only difference.
		p.type_("card", otherCard)
		p.type_("presenter", otherPerson)
		deskClick(p, "#verify")
		visible("bill")
		p.type_("amount-a", "800")
		deskClick(p, "#presettle")
		visible("outcome")
		if s := eval[string](p, `document.getElementById('outcome').dataset.state`); s != "differ" {
			t.Fatalf("tampered presettlement: state %q", s)
		}
		if msg := text("compare"); !strings.Contains(msg, "不一致") || !strings.HasSuffix(msg, "个人现金支付") {
			t.Errorf("compare says %q, want the cash alone named", msg)
		}
		shot("desk-5-differ.png")
	})

	// A pharmacy's fee list in GBK, as Chinese HIS systems export it, chosen in the
	// file input: the page decodes and reads it, and its presettlement is the engine's.
	t.Run("fee list in GBK", func(t *testing.T) {
		p.t = t
		open()
		visit()
		csv := "项目编码,项目名称,费用类型,类别,金额\r\n" +
			"X001,阿莫西林胶囊,西药,甲,1200.50\r\n" +
			"X002,颅脑CT,检查,乙,\"3,400.00\"\r\n" +
			"X003,进口支架,材料,自费,900.00\r\n"
		gbk, err := simplifiedchinese.GBK.NewEncoder().String(csv)
		if err != nil {
			t.Fatal(err)
		}
		if utf8.ValidString(gbk) {
			t.Fatal("the GBK fee list is also valid UTF-8: it would not test the GBK reading")
		}
		file := filepath.Join(t.TempDir(), "费用清单.csv")
		if err := os.WriteFile(file, []byte(gbk), 0o644); err != nil {
			t.Fatal(err)
		}
		// otherPerson has no stay this year (the tampered presettlement above recorded nothing).
		p.type_("card", otherCard)
		p.type_("presenter", otherPerson)
		deskClick(p, "#verify")
		visible("bill")
		p.do(chromedp.SetUploadFiles(chromedp.ID("fee-file"), []string{file}))
		visible("fee-lines")
		if got := text("fee-lines"); !strings.Contains(got, "3 条") || !strings.Contains(got, "5500.50") {
			t.Errorf("fee list read as %q, want 3 lines totalling 5500.50", got)
		}
		deskClick(p, "#presettle")
		visible("outcome")
		if s := eval[string](p, `document.getElementById('outcome').dataset.state`); s != "same" {
			t.Fatalf("fee-list presettlement: state %q: %s", s, text("compare"))
		}
		n := nativeSettle(t, "P-fees", otherPerson, `[
		 {"code":"X001","name":"阿莫西林胶囊","kind":"drug","class":"A","amount":"1200.50"},
		 {"code":"X002","name":"颅脑CT","kind":"exam","class":"B","amount":"3400.00"},
		 {"code":"X003","name":"进口支架","kind":"material","class":"self","amount":"900.00"}]`)
		if n.Result.Total != "5500.50" {
			t.Errorf("engine total %s, want 5500.50", n.Result.Total)
		}
		for k, v := range map[string]string{"total": n.Result.Total, "fundTotal": n.Result.FundTotal, "cash": n.Result.Cash,
			"deductible": n.Result.Deductible, "scope": n.Result.Scope, "selfPaid": n.Result.SelfPaid} {
			got := eval[string](p, fmt.Sprintf(`document.querySelector('#figures tr[data-key=%q] td').dataset.value`, k))
			if got != v {
				t.Errorf("fee-list presettlement %s: page %s, engine %s", k, got, v)
			}
		}
		shot("desk-10-fee-list.png")
	})

	t.Run("card refusals", func(t *testing.T) {
		p.t = t
		for _, tc := range []struct{ card, presenter, code string }{
			{lostCard, deskPerson, "card_reported_lost"},
			{suspendedCard, deskPerson, "card_suspended"},
			{cancelledCard, deskPerson, "card_cancelled"},
			{deskCard, otherPerson, "card_owner_mismatch"},
			{lapsedCard, lapsedPerson, "card_not_enrolled"},
			{replacedCard, deskPerson, "card_replaced"}, // the old number after 补卡
		} {
			open()
			visit()
			p.type_("card", tc.card)
			p.type_("presenter", tc.presenter)
			deskClick(p, "#verify")
			visible("refusal")
			codes := eval[[]string](p, `[...document.querySelectorAll('#refusal li')].map((li) => li.dataset.code)`)
			if len(codes) == 0 || codes[0] != tc.code {
				t.Errorf("card %s by %s: refused with %v, want %s", tc.card, tc.presenter, codes, tc.code)
			}
			if msg := text("refusal"); !strings.Contains(msg, "请") {
				t.Errorf("%s: no next step in %q", tc.code, msg)
			}
			// The server's Chinese reason, not the page's own words for the code.
			if reason := eval[string](p, `document.querySelector('#refusal li strong')?.textContent ?? ''`); !strings.ContainsFunc(reason,
				func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
				t.Errorf("%s: reason %q is not in Chinese", tc.code, reason)
			}
			if !eval[bool](p, `document.getElementById('bill').hidden`) {
				t.Errorf("%s: the bill is offered", tc.code)
			}
			switch tc.code {
			case "card_reported_lost":
				shot("desk-6-refused.png")
			case "card_not_enrolled", "card_replaced":
				shot("desk-6-refused-" + tc.code + ".png")
			}
		}
		// The replacement card (补卡) is the one that now works for the same person.
		open()
		visit()
		p.type_("card", newCard)
		p.type_("presenter", deskPerson)
		deskClick(p, "#verify")
		visible("bill")
		if !eval[bool](p, `document.getElementById('refusal').hidden`) {
			t.Errorf("the replacement card is refused: %s", text("refusal"))
		}
	})

	t.Run("reversal", func(t *testing.T) {
		p.t = t
		open()
		deskClick(p, "#signout")
		visible("login")
		p.type_("login-name", "auditor")
		p.type_("login-password", deskPassword)
		deskClick(p, "#signin")
		visible("desk")
		visit()
		p.type_("card", deskCard)
		p.type_("presenter", deskPerson)
		deskClick(p, "#verify")
		visible("bill")
		p.type_("visit-id", "R-1")
		p.type_("amount-a", "1000")
		deskClick(p, "#presettle")
		visible("outcome")
		// The person's second stay this year: the page computes on the register and
		// the journal's totals the server used, so the two agree and the cap shows used.
		if s := eval[string](p, `document.getElementById('outcome').dataset.state`); s != "same" {
			t.Errorf("a second stay: state %q: %s", s, text("compare"))
		}
		if n := eval[string](p, `document.querySelector('#person-facts [data-key=stays]').textContent`); n != "1" {
			t.Errorf("stays this year shown as %q, want 1", n)
		}
		deskClick(p, "#settle")
		visible("slip-panel")
		first := eval[string](p, `document.querySelector('#slip [data-key=seq]').textContent`)

		// A correction: the bill again with 1200, replacing settlement first. Its
		// reason is required: without one the page asks for it.
		deskClick(p, "#correct")
		visible("bill")
		visible("correction-field")
		focused("correction-reason")
		p.type_("amount-a", "1200")
		deskClick(p, "#presettle")
		visible("bill-msg")
		if msg := text("bill-msg"); !strings.Contains(msg, "更正原因") {
			t.Errorf("a correction without a reason: %q", msg)
		}
		p.type_("correction-reason", correctionReason)
		deskClick(p, "#presettle")
		visible("outcome")
		// The presettlement of the correction counts the year without the settlement
		// it replaces: the stays settled this year are the first settlement's alone.
		if s := eval[string](p, `document.getElementById('outcome').dataset.state`); s != "same" {
			t.Errorf("the correction's presettlement: state %q: %s", s, text("compare"))
		}
		if n := eval[string](p, `document.querySelector('#person-facts [data-key=stays]').textContent`); n != "1" {
			t.Errorf("the correction's presettlement counts %q stays, want 1 (without R-1)", n)
		}
		deskClick(p, "#settle")
		p.do(chromedp.Poll[chromedp.Void](`!document.getElementById('slip-panel').hidden && !!document.querySelector('#slip [data-key=corrects]')`,
			chromedp.WithPollingTimeout(10*time.Second)))
		if got := eval[string](p, `document.querySelector('#slip [data-key=corrects]').textContent`); got != first {
			t.Errorf("the corrected slip says it corrects %q, want %q", got, first)
		}
		if got := eval[string](p, `document.querySelector('#slip [data-key=total]').textContent`); got != "1200.00" {
			t.Errorf("the corrected slip's total is %q", got)
		}
		if got := eval[string](p, `document.querySelector('#slip [data-key=correction-reason]')?.textContent ?? ''`); got != correctionReason {
			t.Errorf("the correcting slip's reason is %q", got)
		}
		corrected, correcting = first, eval[string](p, `document.querySelector('#slip [data-key=seq]').textContent`)

		p.type_("reason", "录入错误，重新结算")
		deskClick(p, "#reverse")
		p.do(chromedp.Poll[chromedp.Void](`document.getElementById('slip').dataset.state === 'reversed'`, chromedp.WithPollingTimeout(10*time.Second)))
		pdf, err := chromedp.Run(p.ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize()))
		if err != nil {
			t.Fatal(err)
		}
		txt := pdfText(t, pdf, filepath.Join(out, "desk-slip-reversed.pdf"))
		for _, want := range []string{"本结算已撤销", "录入错误，重新结算"} {
			if !strings.Contains(txt, want) {
				t.Errorf("reprinted slip lacks %q:\n%s", want, txt)
			}
		}
		shot("desk-7-reversed.png")
		if seq == 0 {
			t.Error("no settlement number from the first settlement")
		}
	})

	t.Run("offline estimate", func(t *testing.T) {
		p.t = t
		open()
		d.down.Store(true)
		defer d.down.Store(false)
		visit()
		p.type_("card", deskCard)
		p.type_("presenter", deskPerson)
		deskClick(p, "#verify")
		visible("bill")
		visible("offline")
		p.type_("amount-a", "8432")
		deskClick(p, "#presettle")
		visible("outcome")
		if s := eval[string](p, `document.getElementById('outcome').dataset.state`); s != "offline" {
			t.Fatalf("offline presettlement: state %q", s)
		}
		deskClick(p, "#settle")
		visible("slip-panel")
		if s := eval[string](p, `document.getElementById('slip').dataset.state`); s != "estimate" {
			t.Fatalf("offline slip state %q", s)
		}
		pdf, err := chromedp.Run(p.ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize()))
		if err != nil {
			t.Fatal(err)
		}
		txt := pdfText(t, pdf, filepath.Join(out, "desk-slip-offline.pdf"))
		if !strings.Contains(txt, "未结算") || strings.Contains(txt, "结算单号") {
			t.Errorf("offline slip not marked 未结算 or carries a number:\n%s", txt)
		}
		shot("desk-8-offline.png")
		d.down.Store(false)
		// Nothing was recorded: the auditor's settlement R-1 and its reversal are the
		// last entries.
		// Nothing was recorded: the first settlement, the auditor's R-1, its
		// correction (a reversal and a settlement) and that one's reversal are the
		// whole journal.
		if err := d.ledger.Store().View(context.Background(), func(tx ledger.Tx) error {
			if _, err := tx.Entry(context.Background(), int64(seq)+4); err != nil {
				return fmt.Errorf("the reversal: %w", err)
			}
			if e, err := tx.Entry(context.Background(), int64(seq)+5); !errors.Is(err, ledger.ErrNotFound) {
				return fmt.Errorf("an entry after the offline estimate: %+v %v", e, err)
			}
			return nil
		}); err != nil {
			t.Error(err)
		}
	})

	// A manual claim (手工报销) at the county office: the patient paid in full at H001
	// when the card failed and brings the receipt; the fund pays to their bank card.
	t.Run("manual claim", func(t *testing.T) {
		p.t = t
		signIn("office")
		visible("mode")
		deskClick(p, "#mode")
		visible("manual")
		focused("m-person")
		if !eval[bool](p, `document.getElementById('card-form').hidden`) {
			t.Error("the card form is shown in a manual claim")
		}
		// A township office's clerk may have a phone: the form fits it.
		p.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
		if w := eval[float64](p, `document.documentElement.scrollWidth`); w > 390 {
			t.Errorf("the manual claim form is %v px wide on a 390 px phone", w)
		}
		p.do(chromedp.EmulateViewport(1280, 900))
		claim := func(visitID string) {
			t := p.t
			t.Helper()
			set("m-policy", "pingluo-original")
			set("m-facility", "H001")
			set("admission", "2025-03-02")
			set("discharge", "2025-03-09")
			p.type_("m-person", otherPerson)
			p.type_("m-inv-0", "FP-M-0001")
			set("m-inv-date-0", "2025-03-09")
			p.type_("m-holder", "王二")
			p.type_("m-bank", "中国农业银行平罗县支行")
			p.type_("m-card", payoutCard)
			p.type_("visit-id", visitID)
			p.type_("amount-a", "2000")
			deskClick(p, "#presettle")
			visible("outcome")
			if s := eval[string](p, `document.getElementById('outcome').dataset.state`); s != "same" {
				t.Fatalf("manual presettlement: state %q: %s", s, text("compare"))
			}
		}
		claim("SG-1")
		if got := eval[string](p, `document.getElementById('class').value`); got != "county" {
			t.Errorf("the facility's class from the register: %q", got)
		}
		shot("desk-11-manual.png")
		n := nativeSettle(t, "SG-1", otherPerson, `[{"code":"A","kind":"other","class":"A","amount":"2000.00"}]`)
		deskClick(p, "#settle")
		visible("slip-panel")
		masked := payoutCard[:6] + strings.Repeat("*", len(payoutCard)-10) + payoutCard[len(payoutCard)-4:]
		if got := eval[string](p, `document.querySelector('#slip [data-key=bank-card]')?.textContent ?? ''`); got != masked {
			t.Errorf("the slip's bank card %q, want %s", got, masked)
		}
		if got := eval[string](p, `document.querySelector('#slip [data-key=fundTotal]').textContent`); got != n.Result.FundTotal {
			t.Errorf("manual claim's fund total %s, engine %s", got, n.Result.FundTotal)
		}
		shot("desk-12-manual-slip.png")
		pdf, err := chromedp.Run(p.ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize()))
		if err != nil {
			t.Fatal(err)
		}
		txt := pdfText(t, pdf, filepath.Join(out, "desk-slip-manual.pdf"))
		for _, want := range []string{"新农合手工报销结算单", "手工报销", "FP-M-0001", "2025-03-09", "王二", "中国农业银行平罗县支行", masked,
			"报销款（转入银行卡）" + n.Result.FundTotal, n.Result.Total, "孙经办", "H001", "患者（或家属）签字"} {
			if !strings.Contains(txt, want) {
				t.Errorf("printed manual slip lacks %q:\n%s", want, txt)
			}
		}
		if strings.Contains(txt, payoutCard) {
			t.Errorf("the printed slip shows the whole card number:\n%s", txt)
		}
		// In English, the same slip in the page's words.
		deskClick(p, "#lang")
		if got := eval[string](p, `document.querySelector('#slip h2').textContent + ' / ' + document.querySelector('#slip .stamp.manual').textContent`); got != "NCMS manual claim slip / MANUAL CLAIM" {
			t.Errorf("the manual slip in English: %q", got)
		}
		if got := text("status"); got != "Ready" {
			t.Errorf("the status line after the switch: %q", got)
		}
		shot("desk-12-manual-slip-en.png")
		deskClick(p, "#lang")
		// The same receipt again, as another claim: refused by the server, in its words.
		deskClick(p, "#next")
		visible("manual")
		claim("SG-2")
		deskClick(p, "#settle")
		p.do(chromedp.Poll[chromedp.Void](`document.getElementById('compare').textContent.includes('发票')`, chromedp.WithPollingTimeout(10*time.Second)))
		if msg := text("compare"); !strings.Contains(msg, "该发票已在本机构结算") || !strings.Contains(msg, "FP-M-0001") {
			t.Errorf("the duplicate invoice is refused with %q", msg)
		}
		if !eval[bool](p, `document.getElementById('slip-panel').hidden`) {
			t.Error("a slip is shown for the refused claim")
		}
		shot("desk-13-manual-duplicate.png")
		signIn("cashier")
	})

	// A reprint (补打) from a second browser session: the hospital's cashier looks up
	// the auditor's corrected settlement and its correction by number.
	t.Run("reprint from another session", func(t *testing.T) {
		p.t = t
		if corrected == "" {
			t.Fatal("no correction to reprint")
		}
		other, cancelOther := chromedp.NewContext(p.ctx, chromedp.WithNewBrowserContext())
		defer cancelOther()
		if err := chromedp.Do(other, chromedp.EmulateViewport(1280, 900)); err != nil {
			t.Fatal(err)
		}
		pageProblems(t, other, false)
		saved := p.ctx
		p.ctx = other
		defer func() { p.ctx = saved }()
		open()
		visible("login") // its own cookies: not signed in
		p.type_("login-name", "cashier")
		p.type_("login-password", deskPassword)
		deskClick(p, "#signin")
		visible("reprint-form")
		reprint := func(seq string) string {
			t := p.t
			t.Helper()
			p.type_("reprint-seq", seq)
			keys("\r")
			p.do(chromedp.Poll[chromedp.Void](fmt.Sprintf(`!document.getElementById('slip-panel').hidden &&
				document.querySelector('#slip [data-key=seq]')?.textContent === %q`, seq), chromedp.WithPollingTimeout(10*time.Second)))
			pdf, err := chromedp.Run(p.ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize()))
			if err != nil {
				t.Fatal(err)
			}
			return pdfText(t, pdf, filepath.Join(out, "desk-slip-reprint-"+seq+".pdf"))
		}
		txt := reprint(corrected)
		// pdfText drops white space.
		reason := strings.Join(strings.Fields(correctionReason), "")
		for _, want := range []string{"补打", "补打时间", "新农合住院费用结算单", "本结算已更正：更正结算单号" + correcting + "，原因：" + reason, "王审核"} {
			if !strings.Contains(txt, want) {
				t.Errorf("the reprinted corrected slip lacks %q:\n%s", want, txt)
			}
		}
		shot("desk-14-reprint.png")
		txt = reprint(correcting)
		for _, want := range []string{"补打", "更正原结算单号" + corrected, "更正原因" + reason, "1200.00", "本结算已撤销", "录入错误，重新结算"} {
			if !strings.Contains(txt, want) {
				t.Errorf("the reprinted correcting slip lacks %q:\n%s", want, txt)
			}
		}
		// Another institution's number, or none: the server's not_found, no slip.
		p.type_("reprint-seq", "9999")
		keys("\r")
		if err := chromedp.Do(p.ctx, chromedp.Poll[chromedp.Void](`!!document.getElementById('reprint-msg')`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
			t.Fatalf("no refusal of 9999: the slip reads %q", text("slip"))
		}
		if msg := text("reprint-msg"); !strings.Contains(msg, "未找到") {
			t.Errorf("reprint of 9999: %q", msg)
		}
	})

	t.Run("english", func(t *testing.T) {
		p.t = t
		open()
		deskClick(p, "#lang")
		if got := eval[string](p, `document.documentElement.lang + ' ' + document.querySelector('h1').textContent + ' / ' + document.getElementById('verify').textContent`); got != "en Checkout desk / Verify" {
			t.Errorf("after the switch: %q", got)
		}
		deskClick(p, "#lang")
		if got := eval[string](p, `document.querySelector('h1').textContent`); got != "收费结算台" {
			t.Errorf("after switching back: %q", got)
		}
	})

	t.Run("phone", func(t *testing.T) {
		p.t = t
		p.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
		defer p.do(chromedp.EmulateViewport(1280, 900))
		open()
		visit()
		p.type_("card", deskCard)
		p.type_("presenter", deskPerson)
		deskClick(p, "#verify")
		visible("bill")
		if w := eval[float64](p, `document.documentElement.scrollWidth`); w > 390 {
			t.Errorf("the desk is %v px wide on a 390 px phone", w)
		}
		shot("desk-9-phone.png")
	})
}

// nativeSettle is the Go engine's answer to the claim the desk's test enters: the
// person's first stay of 2025, with the items (a JSON array) given.
func nativeSettle(t *testing.T, visit, person, items string) native {
	t.Helper()
	e, err := engine.WithExamples()
	if err != nil {
		t.Fatal(err)
	}
	req := fmt.Sprintf(`{"schema":1,"policy":"pingluo-original","claim":{"id":%q,
	 "person":{"id":%q,"category":"farmer","birthDate":"1980-01-01",
	   "enrollment":[{"year":2024,"paidOn":"2023-12-01"},{"year":2025,"paidOn":"2024-12-01"}]},
	 "visit":{"type":"inpatient","institution":"H001","class":"county","referral":false,"admission":"2025-03-02","discharge":"2025-03-09"},
	 "items":%s,
	 "totals":{"year":0,"funds":[],"admissions":[],"familyAccount":"0"}}}`, visit, person, items)
	var n native
	if err := json.Unmarshal(e.Handle(engine.OpSettle, []byte(req)), &n); err != nil || !n.OK {
		t.Fatalf("native settle: %v %+v", err, n.Errors)
	}
	return n
}

// pdfText writes the PDF to path and returns its text by pdftotext, without white space.
func pdfText(t *testing.T, pdf []byte, path string) string {
	t.Helper()
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	// Without the layout's spaces and line breaks: a narrow page wraps a long value.
	return strings.Join(strings.Fields(string(out)), "")
}

// pdfWidth is the first page's width in points, by pdfinfo.
func pdfWidth(t *testing.T, path string) float64 {
	t.Helper()
	out, err := exec.Command("pdfinfo", path).Output()
	if err != nil {
		t.Fatalf("pdfinfo %s: %v", path, err)
	}
	var w, h float64
	for _, line := range strings.Split(string(out), "\n") {
		if rest, ok := strings.CutPrefix(line, "Page size:"); ok {
			fmt.Sscanf(strings.TrimSpace(rest), "%g x %g", &w, &h)
		}
	}
	return w
}

// deskShot is a screenshot of the page as it stands (not scrolled to the top).
func deskShot(t *testing.T, p *page, path string) {
	t.Helper()
	png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// deskClick clicks sel once it is visible (page.click waits for the estimator's result).
func deskClick(p *page, sel string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible)); err != nil {
		p.t.Fatalf("click %s: %v", sel, err)
	}
}
