package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/policies"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/core/trace"
	"github.com/ruralhealth/ncms/server/web"
	"github.com/ruralhealth/ncms/wasm/build"
	"github.com/ruralhealth/ncms/wasm/js"
)

// The page's assumptions about a family (app.js), restated: a well-formed resident ID,
// enrolled and paid on 1 December for the visit year and the year before.
const sampleID = "640221198001010015"

// chromium returns the browser to drive, or skips the test where there is none; under
// CI (env CI set) a missing browser is a failure, so the page is never silently untested.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no chromium on PATH: the estimator page was NOT tested in a browser (apt-get install chromium)"
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	fmt.Fprintln(os.Stderr, "!!! "+msg+" !!!")
	t.Skip(msg)
	return ""
}

func artifacts(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("NCMS_ARTIFACTS"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	return t.TempDir()
}

// county is what the county server publishes: some of the example policies and one of
// its own that the module does not embed, served as server/api does — the engine's
// list_policies at /v1/policies and the canonical document at /v1/policies/{id}.
func county(t *testing.T) *engine.Engine {
	t.Helper()
	var own []byte
	for _, d := range policies.Documents() {
		if d.Name == "pingluo-original.json" {
			own = d.JSON
		}
	}
	if own == nil {
		t.Fatal("no pingluo-original.json among the example policies")
	}
	// The county's own scheme: Pingluo's bands under another id, with a 400 deductible.
	own = bytes.Replace(own, []byte(`"id": "pingluo-original"`), []byte(`"id": "county-own"`), 1)
	own = bytes.Replace(own, []byte(`"first": "300"`), []byte(`"first": "400"`), 1)
	own = bytes.Replace(own, []byte(`"name": "平罗县`), []byte(`"name": "本县（测试）`), 1)
	all, err := policies.Compiled()
	if err != nil {
		t.Fatal(err)
	}
	var published []*policy.Compiled
	for _, p := range all {
		switch p.ID() {
		case "pingluo-original", "city-resident", "hu-county", "zhengzhou":
			published = append(published, p)
		}
	}
	e, err := engine.New(published...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.LoadPolicy(own); err != nil {
		t.Fatalf("loading the county's own policy: %v", err)
	}
	return e
}

func countyServer(t *testing.T, e *engine.Engine, page http.Handler) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	reply := func(w http.ResponseWriter, b []byte) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	}
	mux.HandleFunc("GET /v1/policies", func(w http.ResponseWriter, r *http.Request) {
		reply(w, e.Handle(engine.OpListPolicies, []byte(`{"schema":1}`)))
	})
	// As server/api does, the document itself, canonical.
	mux.HandleFunc("GET /v1/policies/{id}", func(w http.ResponseWriter, r *http.Request) {
		p, err := e.Find(r.PathValue("id"), r.URL.Query().Get("version"), civil.Date{})
		if err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		reply(w, p.Canonical())
	})
	mux.Handle("/", page)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// page drives one browser tab.
type page struct {
	t   *testing.T
	ctx context.Context
}

func (p *page) do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, actions...); err != nil {
		p.t.Fatal(err)
	}
}

func eval[T any](p *page, expr string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		p.t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// newTab opens one tab in a fresh headless Chromium at exe with a window of w × h
// pixels. Uncaught exceptions and, when console is set, console errors and warnings
// fail t (pageProblems). Tab and browser close when t ends.
func newTab(ctx context.Context, t *testing.T, exe string, w, h int, console bool) *page {
	t.Helper()
	alloc, cancelAlloc := headless(ctx, t, exe, w, h)
	t.Cleanup(cancelAlloc)
	bctx, cancelTab := chromedp.NewContext(alloc)
	t.Cleanup(cancelTab)
	if err := chromedp.Do(bctx); err != nil { // start the browser and the tab
		t.Fatal(err)
	}
	pageProblems(t, bctx, console)
	return &page{t: t, ctx: bctx}
}

// ready loads url and waits until the page has set data-ready. Polled by hand: the
// navigation can replace the execution context under a chromedp.Poll ("Cannot find
// context with specified id"), which is no failure.
func (p *page) ready(url string) {
	p.t.Helper()
	p.do(chromedp.Navigate(url))
	deadline := time.Now().Add(30 * time.Second)
	for {
		ok, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](`document.readyState === 'complete' && document.documentElement.dataset.ready === 'true'`))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s never became ready: %v", url, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// shooter returns shot(name), which saves a screenshot of p as dir/name when on is
// set (one store's run of a suite takes the screenshots) and does nothing otherwise.
func shooter(p *page, dir string, on bool) func(name string) {
	return func(name string) {
		p.t.Helper()
		if on {
			deskShot(p.t, p, filepath.Join(dir, name))
		}
	}
}

// open loads the page and waits for its first estimate.
func (p *page) open(url string) {
	p.t.Helper()
	p.do(chromedp.Navigate(url),
		chromedp.Poll[chromedp.Void](`document.documentElement.dataset.ready === 'true'`, chromedp.WithPollingTimeout(20*time.Second)))
}

// choose picks an option of a select as a person would, by value.
func (p *page) choose(id, value string) {
	p.t.Helper()
	js := fmt.Sprintf(`(() => { const e = document.getElementById(%q); e.value = %q;
		e.dispatchEvent(new Event('change', { bubbles: true })); return e.value; })()`, id, value)
	if got := eval[string](p, js); got != value {
		opts := eval[[]string](p, fmt.Sprintf(`[...document.getElementById(%q).options].map((o) => o.value)`, id))
		p.t.Fatalf("#%s offers no %q; it offers %v", id, value, opts)
	}
	if id == "policy" {
		// A county policy the module lacks is fetched first.
		p.do(chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.getElementById('form').dataset.policy === %q`, value)))
	}
}

// date sets a date input (typing into one depends on the browser's locale).
func (p *page) date(id, value string) {
	p.t.Helper()
	eval[chromedp.Void](p, fmt.Sprintf(`(() => { const e = document.getElementById(%q); e.value = %q;
		e.dispatchEvent(new Event('input', { bubbles: true })); e.dispatchEvent(new Event('change', { bubbles: true })); })()`, id, value))
}

// type_ empties a text input and types into it with key events.
func (p *page) type_(id, text string) {
	p.t.Helper()
	p.do(chromedp.Focus(chromedp.ID(id)),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.getElementById(%q).select()`, id)),
		chromedp.KeyEvent("\b"))
	if text != "" {
		p.do(chromedp.SendKeys(chromedp.ID(id), text))
	}
	// The keys must have landed in this field: a busy machine once produced a result
	// without a line's typed amount, and this names the field if it happens again.
	js := fmt.Sprintf(`document.getElementById(%q).value === %q`, id, text)
	if err := chromedp.Do(p.ctx, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		got := eval[string](p, fmt.Sprintf(`document.getElementById(%q)?.value ?? "(no such field)"`, id))
		p.t.Fatalf("typed %q into #%s, the field holds %q", text, id, got)
	}
}

// click clicks sel once no estimate is pending. A click lands at coordinates taken
// just before it: an estimate rendering in between can move the page under them, and
// on a busy machine a click meant for "add a line" once removed the line above it.
func (p *page) click(sel string) {
	p.t.Helper()
	p.settled()
	p.do(chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
}

// estimate presses the button and waits until the answer on the page is the form's.
func (p *page) estimate() {
	p.t.Helper()
	p.click("#go")
	p.settled()
}

func (p *page) settled() {
	p.t.Helper()
	p.do(chromedp.Poll[chromedp.Void](`document.getElementById('result').dataset.pending === 'false'`))
}

// shown is what the result panel says, read from the DOM.
type shown struct {
	State  string `json:"state"`
	Lang   string `json:"lang"`
	Values []struct {
		Key   string `json:"key"`
		Value string `json:"value"`
		Text  string `json:"text"`
	} `json:"values"`
	Steps []struct {
		Note   string `json:"note"`
		Text   string `json:"text"`
		Clause string `json:"clause"`
	} `json:"steps"`
	// Funds is each fund's name in the list of funds, by fund id.
	Funds    map[string]string `json:"funds"`
	Warnings []string          `json:"warnings"`
	Errors   []struct {
		Code string `json:"code"`
		Path string `json:"path"`
	} `json:"errors"`
}

func (p *page) read() shown {
	p.t.Helper()
	return eval[shown](p, `(() => {
		const r = document.getElementById('result');
		return {
			state: r.dataset.state,
			lang: document.documentElement.lang,
			values: [...r.querySelectorAll('[data-key][data-value]')].map((e) => ({ key: e.dataset.key, value: e.dataset.value, text: e.textContent })),
			steps: [...r.querySelectorAll('.steps li')].map((li) => ({ note: li.dataset.note, text: li.querySelector('.sentence').textContent,
				clause: li.querySelector('.rule cite')?.textContent ?? '' })),
			funds: Object.fromEntries([...r.querySelectorAll('.funds li')].map((li) => [li.dataset.fund, li.querySelector('span').textContent])),
			warnings: [...r.querySelectorAll('.warnings li')].map((li) => li.dataset.code),
			errors: [...r.querySelectorAll('.errors li')].map((li) => ({ code: li.dataset.code, path: li.dataset.path })),
		};
	})()`)
}

// native is the core's answer to the same claim, from the Go engine.
type native struct {
	OK     bool `json:"ok"`
	Result struct {
		Total          string          `json:"total"`
		SelfPaid       string          `json:"selfPaid"`
		OverLimit      string          `json:"overLimit"`
		PreSelfPay     string          `json:"preSelfPay"`
		Scope          string          `json:"scope"`
		Deductible     string          `json:"deductible"`
		FundTotal      string          `json:"fundTotal"`
		FamilyAccount  string          `json:"familyAccount"`
		Cash           string          `json:"cash"`
		Personal       string          `json:"personal"`
		Hospital       string          `json:"hospital"`
		EffectiveRatio string          `json:"effectiveRatio"`
		Funds          []fund          `json:"funds"`
		TotalsAfter    json.RawMessage `json:"totalsAfter"`
		Warnings       []struct {
			Code string `json:"code"`
		} `json:"warnings"`
		Trace []trace.Step `json:"trace"`
	} `json:"result"`
	Errors []struct {
		Code      string `json:"code"`
		Path      string `json:"path"`
		Message   string `json:"message"`
		MessageZh string `json:"messageZh"`
	} `json:"errors"`
}

// fund is one fund's payment in a native result.
type fund struct {
	Fund       string  `json:"fund"`
	Name       string  `json:"name"`
	Amount     string  `json:"amount"`
	Cap        *string `json:"cap"`
	PaidBefore *string `json:"paidBefore"`
	Left       *string `json:"left"`
}

// ratioText is the effective ratio as the engine writes it, in its cash step.
func ratioText(n native) string {
	for _, s := range n.Result.Trace {
		if s.Stage == trace.StageCash {
			for _, v := range s.Out {
				if v.Name == "ratio" {
					return v.Value
				}
			}
		}
	}
	return ""
}

func estimate(t *testing.T, e *engine.Engine, req []byte) native {
	t.Helper()
	var n native
	if err := json.Unmarshal(e.Handle(engine.OpEstimate, req), &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// want lists every value the page must show for the native result: the amounts, each
// fund's payment and, for a fund with a cap, the cap, what it paid before this visit
// and what it can still pay: the engine's figures, which the page must not work out.
func want(n native) map[string]string {
	r := n.Result
	w := map[string]string{
		"fundTotal": r.FundTotal, "personal": r.Personal, "total": r.Total, "selfPaid": r.SelfPaid,
		"overLimit": r.OverLimit, "preSelfPay": r.PreSelfPay, "scope": r.Scope, "deductible": r.Deductible,
		"familyAccount": r.FamilyAccount, "cash": r.Cash, "hospital": r.Hospital, "effectiveRatio": r.EffectiveRatio,
	}
	for _, f := range r.Funds {
		w["fund:"+f.Fund] = f.Amount
		if f.Cap != nil {
			w["cap:"+f.Fund], w["capBefore:"+f.Fund], w["capLeft:"+f.Fund] = *f.Cap, *f.PaidBefore, *f.Left
		}
	}
	return w
}

// withLang returns the request asking for the explanation in lang, as the page asks.
func withLang(t *testing.T, req []byte, lang string) []byte {
	t.Helper()
	var r map[string]any
	if err := json.Unmarshal(req, &r); err != nil {
		t.Fatal(err)
	}
	r["lang"] = lang
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// same checks that the page shows exactly the native result in the page's language:
// every value, each shown as its text, each step's sentence and clause as the engine
// words them, each fund by the engine's name for it, the warnings.
func same(t *testing.T, e *engine.Engine, req []byte, got shown, lang string) {
	t.Helper()
	n := estimate(t, e, withLang(t, req, lang))
	if !n.OK {
		t.Fatalf("the native engine refused the request: %+v\n%s", n.Errors, req)
	}
	if got.State != "ok" {
		t.Fatalf("the page shows state %q with errors %+v; the native engine settled the claim", got.State, got.Errors)
	}
	w := want(n)
	seen := map[string]bool{}
	for _, v := range got.Values {
		seen[v.Key] = true
		exp, ok := w[v.Key]
		switch {
		case !ok:
			t.Errorf("the page shows %s = %s, which the native result does not have", v.Key, v.Value)
		case v.Value != exp:
			t.Errorf("%s: page %s, native %s", v.Key, v.Value, exp)
		case v.Text != "" && v.Text != v.Value && v.Key != "effectiveRatio":
			t.Errorf("%s: shown as %q, attribute %q", v.Key, v.Text, v.Value)
		case v.Key == "effectiveRatio" && v.Text != ratioText(n):
			// The page writes the rate as a percentage itself; the engine's cash step
			// says what that percentage is.
			t.Errorf("effective ratio shown as %q, the engine says %q", v.Text, ratioText(n))
		}
	}
	for k, v := range w {
		if !seen[k] {
			t.Errorf("the page does not show %s (native %s)", k, v)
		}
	}
	steps := n.Result.Trace
	if len(got.Steps) != len(steps) {
		t.Errorf("the page shows %d steps, the native trace has %d", len(got.Steps), len(steps))
	}
	for i := 0; i < len(got.Steps) && i < len(steps); i++ {
		s := steps[i]
		if s.Text == "" {
			t.Errorf("step %d: the engine gave no sentence in %s", i+1, lang)
		}
		if g := got.Steps[i]; g.Note != s.Note || g.Text != s.Text || g.Clause != s.Clause {
			t.Errorf("step %d: page %s %q (%q), native %s %q (%q)", i+1, g.Note, g.Text, g.Clause, s.Note, s.Text, s.Clause)
		}
	}
	for _, f := range n.Result.Funds {
		if got.Funds[f.Fund] != f.Name {
			t.Errorf("fund %s: page names it %q, the engine %q", f.Fund, got.Funds[f.Fund], f.Name)
		}
	}
	var codes []string
	for _, w := range n.Result.Warnings {
		codes = append(codes, w.Code)
	}
	if !slices.Equal(got.Warnings, codes) {
		t.Errorf("warnings: page %v, native %v", got.Warnings, codes)
	}
}

// claimJSON is an estimate request as the page's assumptions make it: the person is
// enrolled and paid for the visit year and the year before.
func claimJSON(policyID, category, tier, visit, items, totals string, year int, person ...string) []byte {
	t := ""
	if tier != "" {
		t = fmt.Sprintf(`,"tier":%q`, tier)
	}
	return []byte(fmt.Sprintf(`{"schema":1,"policy":%q,"claim":{
		"person":{"id":%q,"category":%q,"enrollment":[{"year":%d%s,"paidOn":"%d-12-01"},{"year":%d%s,"paidOn":"%d-12-01"}]%s},
		"visit":%s,"items":%s,"totals":%s}}`, policyID, sampleID, category, year-1, t, year-2, year, t, year-1, strings.Join(person, ""), visit, items, totals))
}

func TestBrowser(t *testing.T) {
	exe := chromium(t)
	out := artifacts(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()

	start := time.Now()
	path, err := build.Path(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	wasm, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("module: %d bytes, built in %v", len(wasm), time.Since(start).Round(time.Millisecond))

	handler := web.Handler(wasm, js.Loader())
	examples, err := engine.WithExamples()
	if err != nil {
		t.Fatal(err)
	}
	ce := county(t)
	srv := countyServer(t, ce, handler)
	static := httptest.NewServer(handler) // a static host: no /v1/policies
	defer static.Close()

	alloc, cancelAlloc := headless(ctx, t, exe, 1280, 900)
	defer cancelAlloc()
	bctx, cancelTab := chromedp.NewContext(alloc)
	defer cancelTab()

	if err := chromedp.Do(bctx); err != nil { // start the browser and the tab
		t.Fatal(err)
	}
	// Uncaught exceptions and console errors fail the test.
	pageProblems(t, bctx, true)

	// The time to the first estimate is measured, not asserted (a busy machine must
	// not fail the suite): five fresh browser contexts, cold then warm cache, medians
	// logged for the README (go test -v -run 'TestBrowser/first' ./server/web). What
	// is asserted is that the page reports its timings and in a sensible order.
	t.Run("first estimate", func(t *testing.T) {
		type timing struct {
			EngineReady, PoliciesReady, FirstEstimate float64
		}
		var cold, warm []float64
		for range 5 {
			tab, cancel := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
			p := &page{t: t, ctx: tab}
			p.open(srv.URL + "/?lang=zh")
			c := eval[timing](p, `window.ncmsTiming`)
			p.open(srv.URL + "/?lang=zh")
			w := eval[timing](p, `window.ncmsTiming`)
			cancel()
			if c.EngineReady <= 0 || c.FirstEstimate < c.EngineReady || w.FirstEstimate <= 0 {
				t.Fatalf("page timings out of order: cold %+v, warm %+v", c, w)
			}
			cold, warm = append(cold, c.FirstEstimate), append(warm, w.FirstEstimate)
		}
		slices.Sort(cold)
		slices.Sort(warm)
		t.Logf("first estimate after navigation start: median %.0f ms cold (%.0f–%.0f), %.0f ms warm (%.0f–%.0f)",
			cold[2], cold[0], cold[4], warm[2], warm[0], warm[4])
	})

	t.Run("county policies", func(t *testing.T) {
		p := &page{t: t, ctx: bctx}
		p.open(srv.URL + "/?lang=zh")
		got := eval[[]string](p, `[...document.getElementById('policy').options].map((o) => o.value)`)
		wantIDs := []string{"city-resident", "county-own", "hu-county", "pingluo-original", "zhengzhou"}
		if !slices.Equal(got, wantIDs) {
			t.Errorf("policies offered on the county server: %v, want %v", got, wantIDs)
		}
		p.open(static.URL + "/?lang=zh")
		got = eval[[]string](p, `[...document.getElementById('policy').options].map((o) => o.value)`)
		var list struct {
			Result []struct{ ID string } `json:"result"`
		}
		if err := json.Unmarshal(examples.Handle(engine.OpListPolicies, []byte(`{"schema":1}`)), &list); err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, p := range list.Result {
			ids = append(ids, p.ID)
		}
		if !slices.Equal(got, ids) {
			t.Errorf("policies offered without a county list: %v, want the module's %v", got, ids)
		}
	})

	for _, tc := range []struct {
		name string
		fill func(p *page)
		req  []byte
		e    *engine.Engine
	}{{
		name: "inpatient, whole-amount bands, cap reached",
		fill: func(p *page) {
			p.choose("policy", "pingluo-original")
			p.choose("type", "inpatient")
			p.choose("class", "county")
			p.date("admission", "2025-03-01")
			p.type_("amount-a", "8432")
			p.type_("amount-self", "268.50")
			p.type_("pool-0", "1000")
		},
		req: claimJSON("pingluo-original", "farmer", "", `{"type":"inpatient","class":"county","referral":false,"admission":"2025-03-01"}`,
			`[{"code":"a","kind":"other","class":"A","amount":"8432"},{"code":"s","kind":"other","class":"self","amount":"268.50"}]`,
			`{"year":2025,"funds":[{"fund":"inpatient","paid":"1000"}],"admissions":[],"familyAccount":"0"}`, 2025),
		e: ce,
	}, {
		name: "outpatient, paid from the family account",
		fill: func(p *page) {
			p.choose("policy", "pingluo-original")
			p.choose("type", "outpatient")
			p.choose("class", "village")
			p.date("admission", "2025-05-01")
			p.type_("amount-a", "35.50")
			p.type_("account", "20")
		},
		req: claimJSON("pingluo-original", "farmer", "", `{"type":"outpatient","class":"village","referral":false,"admission":"2025-05-01"}`,
			`[{"code":"a","kind":"other","class":"A","amount":"35.50"}]`,
			`{"year":2025,"funds":[],"admissions":[],"familyAccount":"20"}`, 2025),
		e: ce,
	}, {
		name: "itemised, level-3 later admission at tier 2",
		fill: func(p *page) {
			p.choose("policy", "city-resident")
			p.choose("type", "inpatient")
			p.choose("class", "level3")
			p.choose("tier", "t2")
			p.choose("prior", "1")
			p.date("admission", "2025-06-16")
			p.date("discharge", "2025-06-20")
			p.click("label[for=mode-items]")
			first := eval[string](p, `document.querySelector('#lines li').dataset.line`)
			p.type_("line-"+first+"-name", "头孢")
			p.choose("line-"+first+"-kind", "drug")
			p.choose("line-"+first+"-class", "B")
			p.type_("line-"+first+"-amount", "1200.00")
			p.click("#add-line")
			second := eval[string](p, `document.querySelector('#lines li:last-child').dataset.line`)
			p.choose("line-"+second+"-kind", "exam")
			p.type_("line-"+second+"-amount", "3000")
			p.click("#add-line")
			third := eval[string](p, `document.querySelector('#lines li:last-child').dataset.line`)
			p.choose("line-"+third+"-class", "self")
			p.type_("line-"+third+"-amount", "150.5")
			p.type_("pool-0", "2000")
		},
		req: claimJSON("city-resident", "general", "t2", `{"type":"inpatient","class":"level3","referral":false,"admission":"2025-06-16","discharge":"2025-06-20"}`,
			`[{"code":"d","name":"头孢","kind":"drug","class":"B","amount":"1200.00"},{"code":"e","kind":"exam","class":"A","amount":"3000"},{"code":"s","kind":"treatment","class":"self","amount":"150.5"}]`,
			`{"year":2025,"funds":[{"fund":"basic","paid":"2000"}],"admissions":[{"class":"level3","count":1}],"familyAccount":"0"}`, 2025),
		e: ce,
	}, {
		name: "single disease at a fixed price",
		fill: func(p *page) {
			p.choose("policy", "hu-county")
			p.choose("type", "single")
			p.choose("disease", "K80")
			p.choose("class", "county")
			p.date("admission", "2025-09-02")
			p.type_("amount-a", "5200")
		},
		req: claimJSON("hu-county", "farmer", "", `{"type":"inpatient","class":"county","referral":false,"admission":"2025-09-02","disease":"K80"}`,
			`[{"code":"a","kind":"other","class":"A","amount":"5200"}]`,
			`{"year":2025,"funds":[],"admissions":[],"familyAccount":"0"}`, 2025),
		e: ce,
	}, {
		name: "out of county without referral",
		fill: func(p *page) {
			p.choose("policy", "hu-county")
			p.choose("type", "inpatient")
			p.choose("class", "outside")
			p.date("admission", "2025-04-10")
			p.type_("amount-a", "12000")
		},
		req: claimJSON("hu-county", "farmer", "", `{"type":"inpatient","class":"outside","referral":false,"admission":"2025-04-10"}`,
			`[{"code":"a","kind":"other","class":"A","amount":"12000"}]`,
			`{"year":2025,"funds":[],"admissions":[],"familyAccount":"0"}`, 2025),
		e: ce,
	}, {
		name: "maternity",
		fill: func(p *page) {
			p.choose("policy", "city-resident")
			p.choose("type", "maternity")
			p.choose("delivery", "difficult")
			p.choose("class", "level2")
			p.date("admission", "2026-02-11")
			p.type_("amount-a", "4100")
		},
		req: claimJSON("city-resident", "general", "t1", `{"type":"maternity","class":"level2","referral":false,"admission":"2026-02-11","delivery":"difficult"}`,
			`[{"code":"a","kind":"other","class":"A","amount":"4100"}]`,
			`{"year":2026,"funds":[],"admissions":[],"familyAccount":"0"}`, 2026, `,"familyPlanning":true`),
		e: ce,
	}, {
		name: "supplementary layer",
		fill: func(p *page) {
			p.choose("policy", "zhengzhou")
			p.choose("class", "city")
			p.date("admission", "2025-11-20")
			p.type_("amount-a", "68000")
			p.type_("amount-b", "5000")
		},
		req: claimJSON("zhengzhou", "farmer", "", `{"type":"inpatient","class":"city","referral":false,"admission":"2025-11-20"}`,
			`[{"code":"a","kind":"other","class":"A","amount":"68000"},{"code":"b","kind":"other","class":"B","amount":"5000"}]`,
			`{"year":2025,"funds":[],"admissions":[],"familyAccount":"0"}`, 2025),
		e: ce,
	}, {
		name: "the county's own policy",
		fill: func(p *page) {
			p.choose("policy", "county-own")
			p.choose("class", "county")
			p.date("admission", "2025-07-07")
			p.type_("amount-a", "2600")
		},
		req: claimJSON("county-own", "farmer", "", `{"type":"inpatient","class":"county","referral":false,"admission":"2025-07-07"}`,
			`[{"code":"a","kind":"other","class":"A","amount":"2600"}]`,
			`{"year":2025,"funds":[],"admissions":[],"familyAccount":"0"}`, 2025),
		e: ce,
	}, {
		name: "a scheme from the module on a static host",
		fill: func(p *page) {
			p.open(static.URL + "/?lang=zh")
			p.choose("policy", "qinghai")
			p.choose("type", "single")
			p.choose("disease", "I63")
			p.choose("class", "province")
			p.choose("category", "dibao")
			p.check("referral", true)
			p.date("admission", "2025-08-08")
			p.type_("amount-a", "8000")
		},
		req: claimJSON("qinghai", "dibao", "", `{"type":"inpatient","class":"province","referral":true,"admission":"2025-08-08","disease":"I63"}`,
			`[{"code":"a","kind":"other","class":"A","amount":"8000"}]`,
			`{"year":2025,"funds":[],"admissions":[],"familyAccount":"0"}`, 2025),
		e: examples,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			p := &page{t: t, ctx: bctx}
			p.open(srv.URL + "/?lang=zh")
			tc.fill(p)
			p.estimate()
			same(t, tc.e, tc.req, p.read(), string(trace.Chinese))
		})
	}

	t.Run("field error, keyboard, language switch", func(t *testing.T) {
		p := &page{t: t, ctx: bctx}
		p.open(srv.URL + "/?lang=zh")
		p.choose("policy", "pingluo-original")
		p.choose("class", "county")
		p.date("admission", "2025-03-01")
		p.type_("amount-a", "100")
		p.type_("amount-b", "12.345")
		// Enter in the field submits, as a keyboard user would.
		p.do(chromedp.SendKeys(chromedp.ID("amount-b"), "\r"))
		p.settled()
		bad := claimJSON("pingluo-original", "farmer", "", `{"type":"inpatient","class":"county","referral":false,"admission":"2025-03-01"}`,
			`[{"code":"a","kind":"other","class":"A","amount":"100"},{"code":"b","kind":"other","class":"B","amount":"12.345"}]`,
			`{"year":2025,"funds":[],"admissions":[],"familyAccount":"0"}`, 2025)
		n := estimate(t, ce, bad)
		if n.OK || len(n.Errors) != 1 {
			t.Fatalf("native: %+v, want one error", n)
		}
		ne := n.Errors[0]
		type fieldMsg struct {
			Code, Path, Text, Invalid, Focused string
		}
		msgAt := func(id string) fieldMsg {
			return eval[fieldMsg](p, fmt.Sprintf(`(() => {
				const m = document.querySelector('#%s-msg span');
				return { Code: m?.dataset.code ?? '', Path: m?.dataset.path ?? '', Text: m?.textContent ?? '',
					Invalid: document.getElementById(%q).getAttribute('aria-invalid') ?? '', Focused: document.activeElement.id };
			})()`, id, id))
		}
		// The page refuses the amount itself, as the engine would (the same code and
		// path), in plain words rather than the engine's.
		got := msgAt("amount-b")
		if got.Code != ne.Code || got.Path != ne.Path || got.Invalid != "true" || !strings.Contains(got.Text, "小数点后最多两位") {
			t.Errorf("next to #amount-b: %+v; want %s at %s in plain Chinese, aria-invalid", got, ne.Code, ne.Path)
		}
		if got.Focused != "amount-b" {
			t.Errorf("focus on #%s after a refused estimate, want the field in error", got.Focused)
		}
		if r := p.read(); r.State != "error" || len(r.Errors) != 1 || r.Errors[0].Code != ne.Code || r.Errors[0].Path != ne.Path {
			t.Errorf("result panel: %+v", r)
		}
		if m := msgAt("amount-a"); m.Text != "" || m.Invalid != "" {
			t.Errorf("#amount-a carries %+v; only #amount-b is wrong", m)
		}
		shot(t, p, filepath.Join(out, "estimator-error.png"))

		p.click("#lang")
		if lang := eval[string](p, `document.documentElement.lang`); lang != "en" {
			t.Errorf("after the switch, lang = %q", lang)
		}
		if got := msgAt("amount-b"); !strings.Contains(got.Text, "two digits after the point") {
			t.Errorf("next to #amount-b in English: %q", got.Text)
		}
		p.type_("amount-b", "12.34")
		p.estimate()
		good := claimJSON("pingluo-original", "farmer", "", `{"type":"inpatient","class":"county","referral":false,"admission":"2025-03-01"}`,
			`[{"code":"a","kind":"other","class":"A","amount":"100"},{"code":"b","kind":"other","class":"B","amount":"12.34"}]`,
			`{"year":2025,"funds":[],"admissions":[],"familyAccount":"0"}`, 2025)
		if m := msgAt("amount-b"); m.Text != "" || m.Invalid != "" {
			t.Errorf("#amount-b still carries %+v after the fix", m)
		}
		r := p.read()
		if r.Lang != "en" {
			t.Errorf("lang %q", r.Lang)
		}
		same(t, ce, good, r, string(trace.English))
		shot(t, p, filepath.Join(out, "estimator-en.png"))
		p.click("#lang")
		same(t, ce, good, p.read(), string(trace.Chinese))

		// Itemised lines carry their own errors: a comma that is no thousands separator
		// could mean 8.43 or 843, and the page says so rather than guess.
		p.click("label[for=mode-items]")
		line := eval[string](p, `document.querySelector('#lines li').dataset.line`)
		p.type_("line-"+line+"-amount", "8,43")
		p.estimate()
		if m := msgAt("line-" + line + "-amount"); m.Path != "/claim/items/0/amount" || m.Invalid != "true" || !strings.Contains(m.Text, "“8,43”看不出是多少") {
			t.Errorf("itemised line error: %+v", m)
		}
		// A word is no amount: the message is plain Chinese, not the engine's
		// "金额须为十进制字符串".
		p.type_("line-"+line+"-amount", "五百")
		p.estimate()
		if m := msgAt("line-" + line + "-amount"); m.Code != "amount_invalid" || strings.Contains(m.Text, "十进制") || !strings.Contains(m.Text, "请用数字填写金额") {
			t.Errorf("itemised line error for a word: %+v", m)
		}
	})

	t.Run("amounts as typed", func(t *testing.T) {
		p := &page{t: t, ctx: bctx}
		p.open(srv.URL + "/?lang=zh")
		p.choose("policy", "pingluo-original")
		p.choose("class", "county")
		p.date("admission", "2025-03-01")
		// Half-typed ("8,4" on its way to "8,432") is not scolded while the family is
		// still in the field; leaving it shows the message.
		p.type_("amount-a", "8,4")
		time.Sleep(600 * time.Millisecond) // past the page's 250 ms pause after typing
		if shown := eval[bool](p, `!document.getElementById('amount-a-msg').hidden`); shown {
			t.Error("a message under #amount-a while the family is still typing in it")
		}
		eval[chromedp.Void](p, `document.getElementById('amount-a').blur()`)
		p.settled()
		if text := eval[string](p, `document.getElementById('amount-a-msg').textContent`); !strings.Contains(text, "看不出是多少") {
			t.Errorf("after leaving #amount-a holding 8,4 the message is %q", text)
		}
		p.type_("amount-a", "８，４３２．５元")
		p.type_("amount-b", "1 200")
		p.type_("amount-self", "¥268.50")
		p.type_("pool-0", "1,000")
		p.estimate()
		req := claimJSON("pingluo-original", "farmer", "", `{"type":"inpatient","class":"county","referral":false,"admission":"2025-03-01"}`,
			`[{"code":"a","kind":"other","class":"A","amount":"8432.5"},{"code":"b","kind":"other","class":"B","amount":"1200"},{"code":"s","kind":"other","class":"self","amount":"268.50"}]`,
			`{"year":2025,"funds":[{"fund":"inpatient","paid":"1000"}],"admissions":[],"familyAccount":"0"}`, 2025)
		same(t, ce, req, p.read(), string(trace.Chinese))
		// Once the family leaves a field it shows the amount as it was sent.
		got := eval[[]string](p, `['amount-a', 'amount-b', 'amount-self', 'pool-0'].map((id) => document.getElementById(id).value)`)
		if want := []string{"8432.5", "1200", "268.50", "1000"}; !slices.Equal(got, want) {
			t.Errorf("fields after leaving them: %q, want %q", got, want)
		}
	})

	t.Run("years enrolled: the continuity bonus", func(t *testing.T) {
		p := &page{t: t, ctx: bctx}
		p.open(srv.URL + "/?lang=zh")
		p.choose("policy", "city-resident")
		p.choose("type", "inpatient")
		p.choose("class", "level2")
		p.choose("tier", "t1")
		p.date("admission", "2025-06-16")
		p.type_("amount-a", "20000")
		if got := eval[string](p, `document.getElementById('years').value`); got != "2" {
			t.Errorf("years enrolled by default: %s, want 2 (this year and last)", got)
		}
		p.choose("years", "6")
		p.estimate()
		var enrol []string
		for y := 2020; y <= 2025; y++ {
			enrol = append(enrol, fmt.Sprintf(`{"year":%d,"tier":"t1","paidOn":"%d-12-01"}`, y, y-1))
		}
		req := []byte(fmt.Sprintf(`{"schema":1,"policy":"city-resident","claim":{
			"person":{"id":%q,"category":"general","enrollment":[%s]},
			"visit":{"type":"inpatient","class":"level2","referral":false,"admission":"2025-06-16"},
			"items":[{"code":"a","kind":"other","class":"A","amount":"20000"}],
			"totals":{"year":2025,"funds":[],"admissions":[],"familyAccount":"0"}}}`, sampleID, strings.Join(enrol, ",")))
		got := p.read()
		same(t, ce, req, got, string(trace.Chinese))
		bonus := eval[[]string](p, `[...document.querySelectorAll('#result .steps li[data-stage=continuity] .sentence')].map((e) => e.textContent)`)
		if len(bonus) == 0 {
			t.Fatalf("six years enrolled under city-resident: no continuity step on the page; steps %+v", got.Steps)
		}
		if !strings.Contains(bonus[0], "报销比例提高") {
			t.Errorf("continuity step: %q", bonus[0])
		}
		// Two years (the default) earn no bonus: the step is the years' doing.
		p.choose("years", "2")
		p.estimate()
		if n := eval[int](p, `document.querySelectorAll('#result .steps li[data-stage=continuity]').length`); n != 0 {
			t.Errorf("two years enrolled: %d continuity steps, want none", n)
		}
		p.choose("years", "6")
		p.estimate()
		p.click("#lang")
		p.settled()
		same(t, ce, req, p.read(), string(trace.English))
		if steps := eval[[]string](p, `[...document.querySelectorAll('#result .steps .sentence')].map((e) => e.textContent)`); slices.ContainsFunc(steps, func(s string) bool {
			return strings.Contains(s, "1 continuous years")
		}) {
			t.Errorf("English steps say \"1 continuous years\": %q", steps)
		}
		shot(t, p, filepath.Join(out, "estimator-continuity-en.png"))
	})

	t.Run("phone and labels", func(t *testing.T) {
		p := &page{t: t, ctx: bctx}
		p.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2)))
		defer p.do(chromedp.EmulateReset())
		p.open(srv.URL + "/?lang=zh")
		p.choose("policy", "pingluo-original")
		p.choose("class", "county")
		p.date("admission", "2025-03-01")
		p.type_("amount-a", "8432")
		p.estimate()
		p.click("label[for=mode-items]")
		if w := eval[[]int](p, `[document.documentElement.scrollWidth, window.innerWidth]`); w[0] > w[1] {
			t.Errorf("the page is %d px wide on a %d px phone screen", w[0], w[1])
		}
		unlabelled := eval[[]string](p, `[...document.querySelectorAll('input, select, textarea')].filter((e) => e.labels.length === 0 || [...e.labels].every((l) => l.textContent.trim() === '')).map((e) => e.id || e.name)`)
		if len(unlabelled) > 0 {
			t.Errorf("inputs without a label: %v", unlabelled)
		}
		small := eval[[]string](p, `[...document.querySelectorAll('button, input:not([type=checkbox]):not([type=radio]), select')].filter((e) => e.offsetParent && e.getBoundingClientRect().height < 44).map((e) => e.id || e.className)`)
		if len(small) > 0 {
			t.Errorf("controls under 44 px high on a phone: %v", small)
		}
		p.click("label[for=mode-simple]")
		shot(t, p, filepath.Join(out, "estimator-phone.png"))
		// The referral checkbox sits beside its label, in both languages (a long
		// English label once wrapped under the box, apart from it).
		for _, lang := range []string{"zh", "en"} {
			if eval[string](p, `document.documentElement.lang`)[:2] != lang {
				p.click("#lang")
			}
			box := eval[[]float64](p, `(() => { const b = document.getElementById('referral').getBoundingClientRect();
				const l = document.querySelector('label[for=referral]').getBoundingClientRect();
				return [b.top, b.bottom, b.right, l.top, l.left]; })()`)
			if box[3] > box[1] || box[4] < box[2] || box[4]-box[2] > 24 {
				t.Errorf("%s: the referral label (top %.0f, left %.0f) is not beside its box (top %.0f, bottom %.0f, right %.0f)", lang, box[3], box[4], box[0], box[1], box[2])
			}
		}
		shot(t, p, filepath.Join(out, "estimator-phone-en.png"))
		p.click("#lang")
		// What the phone shows of the answer, after the family scrolls to it.
		p.do(chromedp.ScrollIntoView(chromedp.ID("result")))
		png, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, "estimator-phone-result.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	})

	// On a phone a select shows the start of its option only: the versions of one
	// county's scheme (three of Pingluo among the module's) must differ there.
	t.Run("phone: policy names tell versions apart", func(t *testing.T) {
		p := &page{t: t, ctx: bctx}
		p.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2)))
		defer p.do(chromedp.EmulateReset())
		for _, lang := range []string{"zh", "en"} {
			p.open(static.URL + "/?lang=" + lang)
			names := eval[[]string](p, `[...document.getElementById('policy').options].map((o) => o.textContent)`)
			seen := map[string]string{}
			pingluo := 0
			for _, n := range names {
				start := string([]rune(n)[:min(12, len([]rune(n)))])
				if other, ok := seen[start]; ok {
					t.Errorf("%s: %q and %q start alike: a phone shows %q for both", lang, other, n, start)
				}
				seen[start] = n
				if strings.Contains(n, "平罗") || strings.Contains(n, "Pingluo") {
					pingluo++
				}
			}
			if pingluo != 3 {
				t.Errorf("%s: %d Pingluo schemes offered, want 3: %q", lang, pingluo, names)
			}
			p.choose("policy", "pingluo-revised")
			if note := eval[string](p, `document.getElementById('policy-note').textContent`); !strings.Contains(note, map[string]string{
				"zh": "平罗县新型农村合作医疗住院补偿方案（修订建议）", "en": "Pingluo county NCMS inpatient compensation scheme (proposed revision)"}[lang]) {
				t.Errorf("%s: the note under the list does not give the whole name: %q", lang, note)
			}
		}
	})

	t.Run("screenshot", func(t *testing.T) {
		p := &page{t: t, ctx: bctx}
		p.do(chromedp.EmulateViewport(1280, 900))
		p.open(srv.URL + "/?lang=zh")
		p.choose("policy", "pingluo-original")
		p.choose("class", "county")
		p.date("admission", "2025-03-01")
		p.type_("amount-a", "8432")
		p.type_("amount-self", "268.50")
		p.type_("pool-0", "1000")
		p.estimate()
		// The breakdown's summary shows it opens (display: flex drops the browser's own
		// triangle), and opens.
		if c := eval[string](p, `getComputedStyle(document.querySelector('#result .details summary'), '::before').content`); c == "none" || c == "normal" {
			t.Errorf("the breakdown has no disclosure marker (::before content %s)", c)
		}
		shot(t, p, filepath.Join(out, "estimator.png"))
		// Side by side, the two dates' inputs are level, in both languages (one label
		// wraps to two lines in English).
		for _, lang := range []string{"zh", "en"} {
			if eval[string](p, `document.documentElement.lang`)[:2] != lang {
				p.click("#lang")
				p.settled()
			}
			tops := eval[[]float64](p, `['admission', 'discharge'].map((id) => document.getElementById(id).getBoundingClientRect().top)`)
			if tops[0] != tops[1] {
				t.Errorf("%s: the date inputs' tops are %.1f and %.1f", lang, tops[0], tops[1])
			}
		}
		p.click("#result .details summary")
		shot(t, p, filepath.Join(out, "estimator-desktop-en.png"))
	})
}

func (p *page) check(id string, on bool) {
	p.t.Helper()
	if eval[bool](p, fmt.Sprintf(`document.getElementById(%q).checked`, id)) != on {
		p.click("label[for=" + id + "]")
	}
}

func shot(t *testing.T, p *page, path string) {
	t.Helper()
	p.do(chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d == nil || d.Exception == nil {
		return ""
	}
	return d.Exception.Description
}

// pageProblems fails t, once it ends, with every uncaught exception in the browser
// context ctx and, when console is set, every console error or warning.
func pageProblems(t *testing.T, ctx context.Context, console bool) {
	t.Helper()
	var mu sync.Mutex
	var problems []string
	add := func(s string) {
		mu.Lock()
		problems = append(problems, s)
		mu.Unlock()
	}
	go func() {
		for ev, err := range chromedp.Events(ctx, runtime.ExceptionThrown) {
			if err != nil {
				return
			}
			add("exception: " + ev.ExceptionDetails.Text + " " + exceptionText(ev.ExceptionDetails))
		}
	}()
	if console {
		go func() {
			for ev, err := range chromedp.Events(ctx, runtime.ConsoleAPICalled) {
				if err != nil {
					return
				}
				if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
					var args []string
					for _, a := range ev.Args {
						args = append(args, string(a.Value)+a.Description)
					}
					add("console." + string(ev.Type) + ": " + strings.Join(args, " "))
				}
			}
		}()
	}
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, s := range problems {
			t.Error(s)
		}
	})
}
