package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/crypto/bcrypt"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/enroll"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/server/api"
	"github.com/ruralhealth/ncms/server/api/apitest"
	"github.com/ruralhealth/ncms/server/ledger"
	"github.com/ruralhealth/ncms/server/report"
	"github.com/ruralhealth/ncms/server/store/storetest"
	"github.com/ruralhealth/ncms/server/web"
	"github.com/ruralhealth/ncms/wasm/js"
)

// The console's people: two households in two villages of two townships.
const (
	personA = "640221198001010015" // 王大, 红星村
	personB = "640221198001010023" // 王二, 红星村
	personC = "640221198001010031" // 李三, 新民村
)

// consoleServer is a county server with the console's pages, an administrator
// operator and settlements in March, April and May 2025.
type consoleServer struct {
	URL     string
	county  string // a county key, for the figures the test compares the page's with
	inst    string // H001's key
	ledger  *ledger.Ledger
	budget  string
	persons []string
}

func startConsole(t *testing.T, dsn string) *consoleServer {
	t.Helper()
	ctx := context.Background()
	budget := "100000.00"
	// The pages here need no module; the estimator's own test builds the real one.
	srv := apitest.Start(t, dsn, ledger.Options{PasswordCost: bcrypt.MinCost},
		api.Options{Web: web.Handler(fakeModule("console"), js.Loader()), Budgets: map[int]money.Amount{2025: money.MustAmount(budget)}})
	c := &consoleServer{URL: srv.URL, county: srv.Key(t, ledger.RoleCounty, ""), ledger: srv.Ledger, budget: budget}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := srv.Ledger.CreateOperator(ctx, ledger.NewOperator{Login: "county", Name: "张主任", Role: ledger.RoleAdmin, Password: deskPassword})
	must(err)
	must(srv.Ledger.PutHousehold(ctx, ledger.Household{ID: "H1", Township: "640221100", Village: "红星村"}))
	must(srv.Ledger.PutHousehold(ctx, ledger.Household{ID: "H2", Township: "640221101", Village: "新民村"}))
	enrollment := []enroll.Year{{Year: 2024, PaidOn: civil.MustParse("2023-12-01")}, {Year: 2025, PaidOn: civil.MustParse("2024-12-01")}}
	for _, p := range []ledger.Person{
		{ID: personA, Name: "王大", Household: "H1"}, {ID: personB, Name: "王二", Household: "H1"}, {ID: personC, Name: "李三", Household: "H2"},
	} {
		p.Category, p.Birth, p.Enrollment = "farmer", civil.MustParse("1980-01-01"), enrollment
		must(srv.Ledger.PutPerson(ctx, p))
	}
	key := srv.Key(t, ledger.RoleInstitution, "H001")
	c.inst = key
	for i, s := range []struct{ person, class, admission, discharge, amount string }{
		{personA, "county", "2025-03-02", "2025-03-09", "1000.00"},
		{personB, "township", "2025-03-05", "2025-03-08", "800.00"},
		{personC, "county", "2025-03-20", "2025-03-25", "2345.67"},
		// A's second stay in March: the month's fund total is then not a whole number of
		// fen for each of its three persons, so Hu county's truncated per-capita differs
		// from a rounded one.
		{personA, "county", "2025-03-26", "2025-03-28", "1000.04"},
		{personC, "county", "2025-04-02", "2025-04-09", "3000.00"},
		{personA, "township", "2025-05-11", "2025-05-13", "600.50"},
	} {
		body := string(apitest.SettleRequest(fmt.Sprintf("V%d", i+1), s.person, "H001", s.amount))
		body = strings.NewReplacer(`"class":"county"`, `"class":"`+s.class+`"`, "2025-03-02", s.admission, "2025-03-09", s.discharge).Replace(body)
		r := call(t, c.URL, key, http.MethodPost, "/v1/settlements", body)
		if r.status != http.StatusCreated {
			t.Fatalf("settling %d: %d %s", i+1, r.status, r.body)
		}
	}
	c.persons = []string{personA, personB, personC}
	return c
}

// answer is a response of the county server.
type answer struct {
	status int
	body   []byte
	result json.RawMessage
}

func call(t *testing.T, base, key, method, path, body string) answer {
	t.Helper()
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	var env struct {
		Result json.RawMessage `json:"result"`
	}
	json.Unmarshal(b, &env)
	return answer{res.StatusCode, b, env.Result}
}

// TestConsolePages drives the console's reports, notice and import pages in Chromium
// against a real county server, on SQLite and on PostgreSQL.
func TestConsolePages(t *testing.T) {
	exe := chromium(t)
	need(t, "pdftotext", "the printed village notice")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	for _, st := range []string{"sqlite", "postgres"} {
		t.Run(st, func(t *testing.T) {
			dsn := filepath.Join(t.TempDir(), "ncms.db")
			if st == "postgres" {
				dsn = storetest.PostgresDSN(t)
			}
			testConsolePages(t, ctx, exe, startConsole(t, dsn), st == "sqlite")
		})
	}
}

func testConsolePages(t *testing.T, ctx context.Context, exe string, c *consoleServer, shots bool) {
	out := artifacts(t)
	p := newTab(ctx, t, exe, 1280, 900, true)
	p.do(chromedp.EmulateViewport(1280, 900))
	shot := shooter(p, out, shots)
	// wait polls a condition of the page, by hand: a navigation can replace the
	// execution context under chromedp.Poll.
	wait := func(what, js string) {
		t := p.t
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			ok, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](js))
			if err == nil && ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s never happened (%s): %v", what, js, err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	open := func(path string) {
		p.t.Helper()
		p.ready(c.URL + path)
	}
	set := func(id, value string) {
		p.t.Helper()
		eval[chromedp.Void](p, fmt.Sprintf(`(() => { const e = document.getElementById(%q); e.value = %q;
			e.dispatchEvent(new Event('change', { bubbles: true })); e.dispatchEvent(new Event('input', { bubbles: true })); })()`, id, value))
	}
	drawn := func() int { return int(eval[float64](p, `Number(document.documentElement.dataset.drawn ?? 0)`)) }

	t.Run("reports", func(t *testing.T) {
		p.t = t
		query := "from=2025-01-01&to=2025-06-30&period=month&groupBy=township&policy=hu-county"
		open("/console/reports.html?lang=zh&" + query)
		// Not signed in: the desk's sign-in, in Chinese.
		if eval[bool](p, `document.getElementById('login').hidden`) {
			t.Fatal("no sign-in form without a session")
		}
		if eval[bool](p, `getComputedStyle(document.getElementById('signout')).display !== 'none'`) {
			t.Error("the sign-out button shows before sign-in")
		}
		set("login-name", "county")
		set("login-password", deskPassword)
		p.do(chromedp.Click(chromedp.CSS(`#login button[type=submit]`)))
		wait("the charts are drawn", `Number(document.documentElement.dataset.drawn ?? 0) >= 1`)

		// The figures the server gives a county key for the same queries.
		var grouped, totals report.Summary
		for _, q := range []struct {
			groupBy string
			into    *report.Summary
		}{{"township", &grouped}, {"none", &totals}} {
			r := call(t, c.URL, c.county, http.MethodGet, "/v1/reports/summary?"+strings.Replace(query, "groupBy=township", "groupBy="+q.groupBy, 1), "")
			if err := json.Unmarshal(r.result, q.into); err != nil || r.status != http.StatusOK {
				t.Fatalf("summary: %d %s", r.status, r.body)
			}
		}
		if len(totals.Rows) != 3 {
			t.Fatalf("want March, April and May: %+v", totals.Rows)
		}
		// Bars per township: the fund payments summed over the months, and the visits.
		type bars struct {
			Labels []string   `json:"labels"`
			Fund   []float64  `json:"fund"`
			Exact  []string   `json:"exact"`
			Visits []float64  `json:"visits"`
			Extra  [][]string `json:"extra"`
		}
		read := func(id string) bars {
			return eval[bars](p, fmt.Sprintf(`(() => { const c = ncmsCharts[%q]; const d = c.data.datasets;
				return { labels: c.data.labels, fund: d[0].data, exact: d[0].exact, visits: d[1].data, extra: d.slice(2).map((x) => x.exact) }; })()`, id))
		}
		fund := map[string]money.Amount{}
		visits := map[string]int{}
		for _, r := range grouped.Rows {
			fund[r.Group] = fund[r.Group].Add(r.FundTotal)
			visits[r.Group] += r.Visits
		}
		g := read("chart-groups")
		if len(g.Labels) != 2 || len(fund) != 2 {
			t.Fatalf("township bars %+v, server %v", g, fund)
		}
		for i, township := range []string{"640221100", "640221101"} {
			if g.Labels[i] != township || g.Exact[i] != fund[township].String() || fmt.Sprint(g.Fund[i]) != fmt.Sprint(fund[township].Decimal().InexactFloat64()) ||
				int(g.Visits[i]) != visits[township] {
				t.Errorf("bar %d: %s %s (%v) %v visits, server %s %s %d", i, g.Labels[i], g.Exact[i], g.Fund[i], g.Visits[i], township, fund[township], visits[township])
			}
		}
		// The trend: one point a month, the server's ungrouped rows.
		tr := read("chart-trend")
		for i, r := range totals.Rows {
			if tr.Exact[i] != r.FundTotal.String() || int(tr.Visits[i]) != r.Visits {
				t.Errorf("trend %s: %s %v, server %s %d", r.Period, tr.Exact[i], tr.Visits[i], r.FundTotal, r.Visits)
			}
		}
		if want := []string{"2025年3月", "2025年4月", "2025年5月"}; strings.Join(tr.Labels, ",") != strings.Join(want, ",") {
			t.Errorf("trend labels %v, want %v", tr.Labels, want)
		}
		// Spending against the budget: the months, the running sum and the budget line.
		var b report.Budget
		if r := call(t, c.URL, c.county, http.MethodGet, "/v1/reports/budget?year=2025", ""); json.Unmarshal(r.result, &b) != nil {
			t.Fatalf("budget: %s", r.body)
		}
		bu := read("chart-budget")
		if len(bu.Labels) != 12 || bu.Exact[2] != b.Months[2].FundTotal.String() || bu.Visits[11] != b.Spent.Decimal().InexactFloat64() ||
			len(bu.Extra) != 1 || bu.Extra[0][0] != c.budget {
			t.Errorf("budget chart %+v, server %+v", bu, b)
		}
		if line := eval[string](p, `document.getElementById('budget-line').textContent`); !strings.Contains(line, c.budget) || !strings.Contains(line, b.Spent.String()) {
			t.Errorf("budget line %q", line)
		}
		// The table's totals are the server's, per capita rounded as Hu county does (down),
		// which in March is not what rounding half up gives.
		var rounded report.Summary
		if r := call(t, c.URL, c.county, http.MethodGet, "/v1/reports/summary?"+strings.Replace(query, "groupBy=township&policy=hu-county", "groupBy=none&policy=pingluo-original", 1), ""); json.Unmarshal(r.result, &rounded) != nil || len(rounded.Rows) != 3 {
			t.Fatalf("summary rounded half up: %s", r.body)
		}
		if totals.Rows[0].PerCapita.Cmp(rounded.Rows[0].PerCapita) == 0 {
			t.Fatalf("March's per capita is %s truncated and rounded: the test's data do not tell the rounding apart", totals.Rows[0].PerCapita)
		}
		for _, r := range totals.Rows {
			got := eval[string](p, fmt.Sprintf(`document.querySelector('tr[data-total][data-period=%q] [data-key=perCapita]').textContent`, r.Period))
			if got != r.PerCapita.String() {
				t.Errorf("%s per capita %s, server %s", r.Period, got, r.PerCapita)
			}
		}
		// The export is the server's CSV, with the byte-order mark Excel needs.
		head := fetched(p, `fetch(document.getElementById('csv').href).then((r) => r.arrayBuffer()).then((b) => Array.from(new Uint8Array(b).slice(0, 3)).join(','))`)
		if head != "239,187,191" {
			t.Errorf("CSV export starts %s, want the UTF-8 byte-order mark", head)
		}
		shot("console-reports.png")
		// Printed: the charts and the table, not the form.
		pdf, err := chromedp.Run(p.ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize()))
		if err != nil {
			t.Fatal(err)
		}
		txt := pdfText(t, pdf, filepath.Join(out, "console-reports.pdf"))
		for _, r := range totals.Rows {
			if !strings.Contains(txt, r.FundTotal.String()) || !strings.Contains(txt, r.PerCapita.String()) {
				t.Errorf("printed reports lack %s's %s and %s:\n%s", r.Period, r.FundTotal, r.PerCapita, txt)
			}
		}
		if strings.Contains(txt, "查询") || strings.Contains(txt, "导出") {
			t.Errorf("printed reports show the page's controls:\n%s", txt)
		}
		n := drawn()
		p.do(chromedp.Click(chromedp.ID("lang")))
		wait("the charts redrawn in English", fmt.Sprintf(`Number(document.documentElement.dataset.drawn) > %d`, n))
		if l := eval[string](p, `ncmsCharts['chart-trend'].data.datasets[1].label`); l != "Visits" {
			t.Errorf("English legend %q", l)
		}
		shot("console-reports-en.png")
		p.do(chromedp.Click(chromedp.ID("lang")))
	})

	t.Run("notice", func(t *testing.T) {
		p.t = t
		open("/console/notice.html?month=2025-03")
		wait("the posters", `document.querySelectorAll('.poster').length > 0`)
		set("county", "平罗县")
		set("phone", "0952-6012345")
		if n := eval[float64](p, `document.querySelectorAll('.poster').length`); n != 2 {
			t.Fatalf("%v posters, want one for each of two villages", n)
		}
		html := eval[string](p, `document.documentElement.outerHTML`)
		for _, id := range c.persons {
			if strings.Contains(html, id) {
				t.Errorf("the page holds the full ID %s", id)
			}
		}
		shot("console-notice.png")
		pdf, err := chromedp.Run(p.ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize()))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(out, "console-notice-a4.pdf")
		txt := pdfText(t, pdf, path)
		for _, want := range []string{"平罗县新型农村合作医疗补偿公示", "红星村", "新民村", "王大", "李三", "640221********0015", "640221********0031",
			"2025年3月", "公示期七天", "0952-6012345", "2345.67"} {
			if !strings.Contains(txt, want) {
				t.Errorf("printed notice lacks %q:\n%s", want, txt)
			}
		}
		for _, id := range c.persons {
			if strings.Contains(txt, id) {
				t.Errorf("printed notice shows the full ID %s", id)
			}
		}
		if strings.Contains(txt, "查询") || strings.Contains(txt, "退出") {
			t.Errorf("the printed notice shows the page's controls:\n%s", txt)
		}
		if w := pdfWidth(t, path); w < 590 || w > 600 {
			t.Errorf("A4 notice is %v pt wide, want 595", w)
		}
		p.do(chromedp.Click(chromedp.CSS(`input[name=paper][value=a3]`)))
		pdf, err = chromedp.Run(p.ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize()))
		if err != nil {
			t.Fatal(err)
		}
		path = filepath.Join(out, "console-notice-a3.pdf")
		if txt := pdfText(t, pdf, path); !strings.Contains(txt, "640221********0023") {
			t.Errorf("A3 notice lacks a masked ID:\n%s", txt)
		}
		if w := pdfWidth(t, path); w < 835 || w > 845 {
			t.Errorf("A3 notice is %v pt wide, want 842", w)
		}
		// The CSV is the server's.
		csv := fetched(p, `fetch(document.getElementById('csv').href).then((r) => r.text())`)
		if !strings.Contains(csv, "640221********0015") || strings.Contains(csv, personA) {
			t.Errorf("notice CSV:\n%s", csv)
		}
	})

	t.Run("import", func(t *testing.T) {
		p.t = t
		open("/console/import.html")
		dir := t.TempDir()
		upload := func(kind, charset, name string, body []byte) {
			t := p.t
			t.Helper()
			file := filepath.Join(dir, name)
			if err := os.WriteFile(file, body, 0o644); err != nil {
				t.Fatal(err)
			}
			set("kind", kind)
			set("charset", charset)
			p.do(chromedp.SetUploadFiles(chromedp.ID("file"), []string{file}))
			n := int(eval[float64](p, `Number(document.documentElement.dataset.imported ?? 0)`))
			p.do(chromedp.Click(chromedp.ID("upload")))
			wait("the import's answer", fmt.Sprintf(`Number(document.documentElement.dataset.imported ?? 0) > %d`, n))
			if v := eval[float64](p, `document.getElementById('progress').value`); v != 1 {
				t.Errorf("the progress bar stands at %v after the upload", v)
			}
		}
		type problem struct{ Row, Column, Message string }
		problems := func() []problem {
			return eval[[]problem](p, `[...document.querySelectorAll('#problems tbody tr')].map((tr) => ({
				Row: tr.querySelector('[data-key=row]').textContent, Column: tr.querySelector('[data-key=column]').textContent,
				Message: tr.querySelector('[data-key=message]').textContent }))`)
		}
		outcome := func() string { return eval[string](p, `document.getElementById('outcome-text').textContent`) }

		// A roster with a wrong check digit (sheet row 3) and a missing name (row 4).
		bad := "户号,乡镇,村,身份证号,姓名,人员类别,参合年度,缴费日期\n" +
			"H3,640221102,东风村," + personA + ",王大,farmer,2026,2025-12-01\n" +
			"H3,640221102,东风村,640221198001010016,王四,farmer,2026,2025-12-01\n" +
			"H3,640221102,东风村," + personB + ",,farmer,2026,2025-12-01\n"
		upload("roster", "auto", "bad-roster.csv", []byte(bad))
		got := problems()
		found := map[string]bool{}
		for _, pr := range got {
			found[pr.Row+" "+pr.Column] = true
		}
		if !found["3 身份证号"] || !found["4 姓名"] || !strings.Contains(outcome(), "没有导入") {
			t.Errorf("roster problems %+v, outcome %q: want row 3 身份证号 and row 4 姓名", got, outcome())
		}
		shot("console-import.png")

		// The same roster, right, as Excel saves it in China: GBK.
		good := strings.Replace(strings.Replace(bad, "640221198001010016", personC, 1), ",,farmer", ",王二,farmer", 1)
		gbk, err := simplifiedchinese.GBK.NewEncoder().String(good)
		if err != nil {
			t.Fatal(err)
		}
		upload("roster", "gbk", "roster-gbk.csv", []byte(gbk))
		if o := outcome(); !strings.Contains(o, "导入成功：3 行，1 户，3 人") || len(problems()) != 0 {
			t.Errorf("GBK roster: %q %+v", o, problems())
		}
		// The page named the import's progress; the server counted the rows under it.
		if got := fetched(p, `fetch('/v1/registry/import/progress?id=' + document.documentElement.dataset.progressId).then((r) => r.json()).then((e) => JSON.stringify(e.result))`); !strings.Contains(got, `"rows":3,"done":true`) {
			t.Errorf("the import's progress: %s", got)
		}
		if pe, err := c.ledger.Person(context.Background(), personC); err != nil || pe.Household != "H3" || pe.Name != "王四" {
			t.Errorf("%s after the GBK import: %+v %v", personC, pe, err)
		}

		// The facility register: a bad row, then a GBK file detected as such.
		reg := "code,name,class,township,inCounty,designated,from,to\n" +
			"H101,通伏乡卫生院,township,通伏乡,是,是,2025-01-01,\n" +
			"H102,高庄乡卫生院,township,高庄乡,maybe,是,2025-02-30,\n"
		upload("facilities", "auto", "bad-register.csv", []byte(reg))
		found = map[string]bool{}
		for _, pr := range problems() {
			found[pr.Row+" "+pr.Column] = true
		}
		if !found["3 县内"] || !found["3 起始日期"] {
			t.Errorf("register problems %+v: want row 3 县内 and 起始日期", problems())
		}
		gbk, err = simplifiedchinese.GBK.NewEncoder().String(strings.Replace(reg, "maybe,是,2025-02-30", "否,是,2025-02-01", 1))
		if err != nil {
			t.Fatal(err)
		}
		upload("facilities", "auto", "register-gbk.csv", []byte(gbk))
		if o := outcome(); !strings.Contains(o, "导入成功：2 家") {
			t.Errorf("GBK register: %q %+v", o, problems())
		}
		fs, err := c.ledger.Facilities(context.Background(), "H102")
		if err != nil || len(fs) != 1 || fs[0].Name != "高庄乡卫生院" {
			t.Errorf("H102 after the GBK import: %+v %v", fs, err)
		}
		if !bytes.Contains([]byte(eval[string](p, `document.documentElement.lang`)), []byte("zh")) {
			t.Error("the import page is not in Chinese")
		}
	})
}

// fetched evaluates a promise of a string in the page, as the page's own fetch with
// its session cookie.
func fetched(p *page, expr string) string {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// TestVendored checks that the Chart.js served from static/vendor/ is, byte for byte,
// the file and licence of the version package.json pins, as `npm ci` in server/web
// installs it (CI runs it; .ci/run), and that the lock file pins that version.
func TestVendored(t *testing.T) {
	var pkg struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	var lock struct {
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	for name, v := range map[string]any{"package.json": &pkg, "package-lock.json": &lock} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	want := pkg.Dependencies["chart.js"]
	if got := lock.Packages["node_modules/chart.js"].Version; want == "" || got != want {
		t.Fatalf("package.json pins chart.js %q, the lock file %q: pin one exact version in both", want, got)
	}
	installed := filepath.Join("node_modules", "chart.js")
	if _, err := os.Stat(installed); err != nil {
		msg := "server/web/node_modules has no chart.js (run `npm ci` in server/web): the vendored Chart.js was NOT checked"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		fmt.Fprintln(os.Stderr, "!!! "+msg+" !!!")
		t.Skip(msg)
	}
	for served, from := range map[string]string{
		"chart.umd.min.js":    filepath.Join(installed, "dist", "chart.umd.min.js"),
		"chart.js.LICENSE.md": filepath.Join(installed, "LICENSE.md"),
	} {
		a, err := os.ReadFile(filepath.Join("static", "vendor", served))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("static/vendor/%s differs from %s: run `npm run vendor` in server/web after changing the pinned version", served, from)
		}
		if served == "chart.umd.min.js" && !bytes.Contains(a[:200], []byte("Chart.js v"+want)) {
			t.Errorf("static/vendor/%s does not say it is Chart.js v%s:\n%s", served, want, a[:200])
		}
	}
}
