package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/server/api/apitest"
	"github.com/ruralhealth/ncms/server/ledger"
	"github.com/ruralhealth/ncms/server/store/storetest"
)

// seeded is how many settlements the console's test seeds into the journal before
// its own: enough that paging and the filters are measured on a county's month.
const seeded = 10_000

// timedServer serves the county server and keeps how long each GET /v1/settlements
// took on the server (the handler's time, without the browser's).
type timedServer struct {
	URL   string
	mu    sync.Mutex
	pages []time.Duration
}

func (s *timedServer) take() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.pages
	s.pages = nil
	return out
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// consoleSettle settles a stay of deskPerson at H001 through the ledger, asking for
// the engine's explanation in Chinese, and returns the receipt and result.
func consoleSettle(t *testing.T, l *ledger.Ledger, visit, admission, discharge, items string) (*ledger.Settled, native) {
	t.Helper()
	req := fmt.Sprintf(`{"schema":1,"policy":"pingluo-original","lang":"zh","claim":{"id":%q,
	 "person":{"id":%q,"category":"farmer","birthDate":"1980-01-01",
	   "enrollment":[{"year":2024,"paidOn":"2023-12-01"},{"year":2025,"paidOn":"2024-12-01"}]},
	 "visit":{"type":"inpatient","institution":"H001","class":"county","referral":false,"admission":%q,"discharge":%q,"invoice":"FP-%s"},
	 "items":%s}}`, visit, deskPerson, admission, discharge, visit, items)
	s, err := l.Settle(context.Background(), "seed", []byte(req))
	if err != nil {
		t.Fatalf("settling %s: %v", visit, err)
	}
	// The stored result is the engine's result, or its envelope.
	var n native
	if err := json.Unmarshal(s.Result, &n); err != nil || n.Result.Total == "" {
		if err := json.Unmarshal(s.Result, &n.Result); err != nil {
			t.Fatalf("the result of %s: %v", visit, err)
		}
	}
	return s, n
}

// TestConsole drives the county console in Chromium against a real county server
// holding 10,000 seeded settlements, on SQLite and on PostgreSQL.
func TestConsole(t *testing.T) {
	deskStores(t, 8*time.Minute, testConsole)
}

func testConsole(t *testing.T, ctx context.Context, exe, dsn string, d *deskServer, shots bool) {
	l := d.ledger
	bg := context.Background()
	for _, n := range []ledger.NewOperator{
		{Login: "admin", Name: "张主任", Role: ledger.RoleAdmin},
	} {
		n.Password = deskPassword
		if _, err := l.CreateOperator(bg, n); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	storetest.SeedSettlements(t, l.Store(), seeded)
	t.Logf("seeded %d settlements in %v", seeded, time.Since(start).Round(time.Millisecond))
	storetest.Analyze(t, dsn)
	// Two stays of deskPerson in March 2025, overlapping, each mostly drugs: the
	// audit flags the overlap and H001's drug share.
	drugs := `[{"code":"D1","name":"头孢曲松","kind":"drug","class":"A","amount":"%s"},{"code":"E1","name":"床位费","kind":"bed","class":"A","amount":"%s"}]`
	a, na := consoleSettle(t, l, "C-A", "2025-03-02", "2025-03-09", fmt.Sprintf(drugs, "3000.00", "1000.00"))
	b, nb := consoleSettle(t, l, "C-B", "2025-03-05", "2025-03-12", fmt.Sprintf(drugs, "2000.00", "500.00"))

	srv := &timedServer{}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t0 := time.Now()
		d.api.ServeHTTP(w, r)
		if r.Method == http.MethodGet && r.URL.Path == "/v1/settlements" {
			srv.mu.Lock()
			srv.pages = append(srv.pages, time.Since(t0))
			srv.mu.Unlock()
		}
	}))
	t.Cleanup(ts.Close)
	srv.URL = ts.URL

	out := artifacts(t)
	p := newTab(ctx, t, exe, 1280, 900, false)
	p.do(chromedp.EmulateViewport(1280, 900))
	shot := shooter(p, out, shots)
	wait := func(js string) {
		p.t.Helper()
		if err := chromedp.Do(p.ctx, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
			p.t.Fatalf("never true: %s", js)
		}
	}
	ready := p.ready
	text := func(sel string) string {
		p.t.Helper()
		return eval[string](p, fmt.Sprintf(`document.querySelector(%q)?.textContent ?? ''`, sel))
	}
	// rows reads the result table: each row's seq, institution and status.
	type row struct {
		Seq                 float64
		Institution, Status string
	}
	rows := func() []row {
		p.t.Helper()
		return eval[[]row](p, `[...document.querySelectorAll('#results tbody tr')].map((tr) => ({ Seq: Number(tr.dataset.seq),
			Institution: tr.querySelector('[data-key=institution]').textContent, Status: tr.dataset.status }))`)
	}

	t.Run("sign in", func(t *testing.T) {
		p.t = t
		ready(srv.URL + "/console/?lang=zh")
		shot("console-1-login.png")
		if eval[bool](p, `getComputedStyle(document.getElementById('nav')).display !== 'none'`) {
			t.Error("the navigation shows before sign-in")
		}
		p.type_("login-name", "admin")
		p.type_("login-password", deskPassword)
		deskClick(p, "#signin")
		wait(`!document.getElementById('search-view').hidden && document.getElementById('page-info').dataset.page === '1'`)
		if got := eval[[]string](p, `[...document.querySelectorAll('#nav a')].map((a) => a.getAttribute('href').split('?')[0])`); !slices.Equal(got,
			[]string{"#search", "#persons", "#flags", "reports.html", "notice.html", "import.html"}) {
			t.Errorf("the navigation links %v", got)
		}
	})

	// Every page of the journal, newest first, by the next button: each settlement
	// once, in order; the server's time per page logged (the README gives medians).
	t.Run("paging through every settlement", func(t *testing.T) {
		p.t = t
		srv.take()
		ready(srv.URL + "/console/?lang=zh#search")
		wait(`document.getElementById('page-info').dataset.page === '1'`)
		var seqs []float64
		for n := 1; ; n++ {
			rs := rows()
			if len(rs) == 0 {
				t.Fatalf("page %d is empty", n)
			}
			for _, r := range rs {
				seqs = append(seqs, r.Seq)
			}
			if n == 1 {
				shot("console-2-search.png")
			}
			if eval[bool](p, `document.getElementById('next').disabled`) {
				break
			}
			deskClick(p, "#next")
			wait(fmt.Sprintf(`document.getElementById('page-info').dataset.page === '%d'`, n+1))
		}
		if want := seeded + 2; len(seqs) != want {
			t.Errorf("paged through %d settlements, want %d", len(seqs), want)
		}
		for i := 1; i < len(seqs); i++ {
			if seqs[i] >= seqs[i-1] {
				t.Fatalf("row %d: seq %v after %v: not newest first, or repeated", i, seqs[i], seqs[i-1])
			}
		}
		if seqs[0] != float64(b.Seq) {
			t.Errorf("the first row is %v, want the newest settlement %d", seqs[0], b.Seq)
		}
		ds := srv.take()
		t.Logf("server time per page, %d pages of 50: median %v, max %v", len(ds), median(ds).Round(10*time.Microsecond), slices.Max(ds).Round(10*time.Microsecond))
		// Back one page: the cursor stack.
		deskClick(p, "#prev")
		wait(fmt.Sprintf(`document.getElementById('page-info').dataset.page === '%d'`, len(seqs)/50))
	})

	t.Run("filters", func(t *testing.T) {
		p.t = t
		for _, tc := range []struct {
			name   string
			fields map[string]string
			check  func(r row) bool
			want   int // rows in all, -1: only checked, paged three times
		}{
			{"institution and live", map[string]string{"f-institution": "H002", "f-status": "live"},
				func(r row) bool { return r.Institution == "H002" && r.Status == "live" }, -1},
			{"reversed", map[string]string{"f-status": "reversed"}, func(r row) bool { return r.Status == "reversed" }, -1},
			{"township and settlement dates", map[string]string{"f-township": "红果乡", "f-settledFrom": "2024-03-01", "f-settledTo": "2024-03-31"},
				func(r row) bool { return true }, -1},
			{"person and visit dates", map[string]string{"f-person": deskPerson, "f-visitFrom": "2025-03-01", "f-visitTo": "2025-03-31"},
				func(r row) bool { return r.Institution == "H001" }, 2},
			// Amounts as a clerk types them: a seeded 4000.00 and the first stay's.
			{"amount range", map[string]string{"f-minTotal": "4,000", "f-maxTotal": "４０００"},
				func(r row) bool { return r.Institution == "H001" && r.Status == "live" }, 2},
		} {
			srv.take()
			deskClick(p, "#clear")
			for id, v := range tc.fields {
				eval[chromedp.Void](p, fmt.Sprintf(`(() => { const e = document.getElementById(%q); e.value = %q;
					e.dispatchEvent(new Event('change', { bubbles: true })); })()`, id, v))
			}
			eval[chromedp.Void](p, `document.getElementById('page-info').dataset.page = ''`)
			deskClick(p, "#search")
			wait(`document.getElementById('page-info').dataset.page === '1'`)
			total := 0
			for n := 1; n <= 3; n++ {
				rs := rows()
				for _, r := range rs {
					if !tc.check(r) {
						t.Errorf("%s: row %+v does not match", tc.name, r)
					}
				}
				total += len(rs)
				if eval[bool](p, `document.getElementById('next').disabled`) {
					break
				}
				deskClick(p, "#next")
				wait(fmt.Sprintf(`document.getElementById('page-info').dataset.page === '%d'`, n+1))
			}
			if tc.want >= 0 && total != tc.want {
				t.Errorf("%s: %d rows, want %d", tc.name, total, tc.want)
			}
			if tc.want < 0 && total == 0 {
				t.Errorf("%s: no row", tc.name)
			}
			ds := srv.take()
			t.Logf("%s: server time per page %v (median of %d)", tc.name, median(ds).Round(10*time.Microsecond), len(ds))
		}
		if got := eval[string](p, `document.getElementById('f-minTotal').value`); got != "4,000" {
			t.Errorf("the min total field holds %q", got)
		}
		if rs := rows(); len(rs) == 0 || rs[0].Seq != float64(a.Seq) {
			t.Errorf("the amount range 4000–4000 lists %+v, want settlement %d first", rs, a.Seq)
		}
	})

	t.Run("audit flags", func(t *testing.T) {
		p.t = t
		ready(srv.URL + "/console/?lang=zh#flags")
		eval[chromedp.Void](p, `document.getElementById('flags-month').value = '2025-03'`)
		deskClick(p, "#flags-list")
		wait(`document.getElementById('flags').dataset.count !== undefined && document.getElementById('flags').dataset.count !== '0'`)
		codes := eval[[]string](p, `[...document.querySelectorAll('#flags tbody tr')].map((tr) => tr.dataset.code)`)
		// (The example policies set no drug-share limit, so no drug-share flag is raised.)
		for _, want := range []string{"audit_overlapping_stay"} {
			if !slices.Contains(codes, want) {
				t.Errorf("flags %v lack %s", codes, want)
			}
		}
		// The server's own words, and links to the entries.
		msg := text(`#flags tr[data-code=audit_overlapping_stay] [data-key=message]`)
		if !strings.ContainsFunc(msg, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
			t.Errorf("the overlap's message %q is not the server's Chinese", msg)
		}
		links := eval[[]string](p, `[...document.querySelectorAll('#flags tr[data-code=audit_overlapping_stay] [data-key=seqs] a')].map((a) => a.getAttribute('href'))`)
		if want := []string{fmt.Sprintf("#settlement/%d", a.Seq), fmt.Sprintf("#settlement/%d", b.Seq)}; !slices.Equal(links, want) {
			t.Errorf("the overlap links %v, want %v", links, want)
		}
		shot("console-5-flags.png")
		deskClick(p, fmt.Sprintf(`#flags tr[data-code=audit_overlapping_stay] [data-key=seqs] a[href="#settlement/%d"]`, a.Seq))
		wait(fmt.Sprintf(`document.getElementById('slip').dataset.seq === '%d'`, a.Seq))
	})

	// The person's page of record: this year's payments per fund are the sums of the
	// two stays' fund payments as the engine computed them.
	t.Run("person view", func(t *testing.T) {
		p.t = t
		ready(srv.URL + "/console/?lang=zh#person/" + deskPerson + "/2025")
		wait(`!!document.querySelector('#record [data-part=totals]')`)
		paid := map[string]money.Amount{}
		for _, n := range []native{na, nb} {
			for _, f := range n.Result.Funds {
				paid[f.Fund] = paid[f.Fund].Add(money.MustAmount(f.Amount))
			}
		}
		if len(paid) == 0 {
			t.Fatal("the engine paid from no fund")
		}
		for fund, want := range paid {
			got := text(fmt.Sprintf(`#record [data-part=totals] tr[data-fund=%q] [data-key=paid]`, fund))
			if got != want.String() {
				t.Errorf("fund %s paid %q on the page, the engine's two stays %s", fund, got, want)
			}
		}
		if got := text(`#record .totals [data-key=stays]`); got != "2" {
			t.Errorf("stays this year %q, want 2", got)
		}
		if got := eval[[]string](p, `[...document.querySelectorAll('#record [data-part=enrollment] tbody tr')].map((tr) => tr.dataset.year)`); !slices.Equal(got, []string{"2024", "2025"}) {
			t.Errorf("enrollment years %v", got)
		}
		if got := text(`#record [data-part=person] [data-key=name]`); got != "王大" {
			t.Errorf("name %q", got)
		}
		seqs := eval[[]string](p, `[...document.querySelectorAll('#record [data-part=settlements] tbody tr')].map((tr) => tr.dataset.seq)`)
		if !slices.Equal(seqs, []string{fmt.Sprint(b.Seq), fmt.Sprint(a.Seq)}) {
			t.Errorf("the person's settlements %v, want %d and %d", seqs, b.Seq, a.Seq)
		}
		shot("console-4-person.png")

		// The household's page: its three members, each with their year.
		deskClick(p, `#record [data-part=person] [data-key=household] a`)
		wait(`!!document.querySelector('#record [data-part=household]')`)
		members := eval[[]string](p, `[...document.querySelectorAll('#record .member')].map((m) => m.dataset.person)`)
		slices.Sort(members)
		if want := []string{deskPerson, otherPerson, lapsedPerson}; !slices.Equal(members, want) {
			t.Errorf("household H1's members %v, want %v", members, want)
		}
		for fund, want := range paid {
			got := text(fmt.Sprintf(`#record .member[data-person=%q] tr[data-fund=%q] [data-key=paid]`, deskPerson, fund))
			if got != want.String() {
				t.Errorf("household view: fund %s paid %q, want %s", fund, got, want)
			}
		}
		if got := eval[string](p, `location.hash`); got != "#household/H1/2025" {
			t.Errorf("the household's link is %q, want the same year's", got)
		}
	})

	// A settlement's detail: the stored result as the slip, the engine's sentences as
	// it wrote them; reprinted; reversed with a reason.
	t.Run("detail", func(t *testing.T) {
		p.t = t
		ready(fmt.Sprintf("%s/console/?lang=zh#settlement/%d", srv.URL, b.Seq))
		wait(fmt.Sprintf(`document.getElementById('slip').dataset.seq === '%d'`, b.Seq))
		var want []string
		for _, s := range nb.Result.Trace {
			if s.Text != "" {
				if s.Clause != "" {
					want = append(want, s.Text+"（"+s.Clause+"）")
				} else {
					want = append(want, s.Text)
				}
			}
		}
		got := eval[[]string](p, `[...document.querySelectorAll('#slip .steps li')].map((li) => li.textContent)`)
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("the explanation on the page:\n%s\nthe engine's:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if v := text(`#slip [data-key=fundTotal]`); v != nb.Result.FundTotal {
			t.Errorf("the slip's fund total %q, the engine's %s", v, nb.Result.FundTotal)
		}
		if v := text(`#detail-facts [data-key=status]`); v != "有效" {
			t.Errorf("status %q", v)
		}
		shot("console-3-detail.png")
		pdf, err := chromedp.Run(p.ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize()))
		if err != nil {
			t.Fatal(err)
		}
		txt := pdfText(t, pdf, filepath.Join(out, "console-slip-reprint.pdf"))
		for _, want := range []string{"新农合住院费用结算单", fmt.Sprint(b.Seq), nb.Result.FundTotal, "王大", "640221********0015", "第五条"} {
			if !strings.Contains(txt, want) {
				t.Errorf("the reprinted slip lacks %q:\n%s", want, txt)
			}
		}
		if strings.Contains(txt, "结算查询") || strings.Contains(txt, "撤销这笔结算") {
			t.Errorf("the reprint shows the console:\n%s", txt)
		}
		// Reversal: a reason is required, then the slip says so.
		deskClick(p, "#reverse")
		wait(`!document.getElementById('reverse-msg').hidden`)
		p.type_("reverse-reason", "重复住院，经核实撤销")
		deskClick(p, "#reverse")
		wait(`document.getElementById('slip').dataset.state === 'reversed'`)
		if v := text(`#detail-facts [data-key=status]`); v != "已撤销" {
			t.Errorf("after the reversal, status %q", v)
		}
		if v := text(`#slip .stamp.reversed`); !strings.Contains(v, "重复住院，经核实撤销") {
			t.Errorf("the reversed slip says %q", v)
		}
		if !eval[bool](p, `document.getElementById('reverse-form').hidden`) {
			t.Error("a reversed settlement still offers its reversal")
		}

		// A correction of the first stay: its drug amount changed, settled in its place.
		ready(fmt.Sprintf("%s/console/?lang=zh#settlement/%d", srv.URL, a.Seq))
		wait(fmt.Sprintf(`document.getElementById('slip').dataset.seq === '%d'`, a.Seq))
		p.type_("correct-amount-0", "2,800")
		deskClick(p, "#correct")
		wait(`!document.getElementById('correct-msg').hidden`) // a correction needs its reason
		p.type_("correct-reason", "药费录错")
		deskClick(p, "#correct")
		wait(fmt.Sprintf(`!!document.getElementById('slip').dataset.seq && document.getElementById('slip').dataset.seq !== '%d'`, a.Seq))
		if got := text(`#slip [data-key=corrects]`); got != fmt.Sprint(a.Seq) {
			t.Errorf("the correction's slip corrects %q, want %d", got, a.Seq)
		}
		if got := text(`#slip [data-key=total]`); got != "3800.00" {
			t.Errorf("the correction's total %q, want 3800.00", got)
		}
	})

	// A card reported lost at the console, with its reason in the card's history, is
	// refused at the checkout desk.
	t.Run("card lost at the console, refused at the desk", func(t *testing.T) {
		p.t = t
		ready(srv.URL + "/console/?lang=zh#person/" + deskPerson + "/2025")
		card := fmt.Sprintf(`#record [data-card=%q]`, deskCard)
		wait(fmt.Sprintf(`!!document.querySelector('%s form')`, card))
		eval[chromedp.Void](p, fmt.Sprintf(`document.querySelector('%s select').value = 'report_lost'`, card))
		// Without a reason: refused by the page.
		deskClick(p, card+" form button")
		wait(fmt.Sprintf(`!document.querySelector('%s .msg').hidden`, card))
		p.type_("act-reason-"+deskCard, "本人电话挂失，卡丢失于集市")
		deskClick(p, card+" form button")
		wait(fmt.Sprintf(`document.querySelector('%s')?.dataset.status === 'lost'`, card))
		if got := text(card + ` tr[data-event=report_lost] [data-key=reason]`); got != "本人电话挂失，卡丢失于集市" {
			t.Errorf("the history's reason %q", got)
		}
		shot("console-6-card-lost.png")

		// The desk, as its cashier.
		deskClick(p, "#signout")
		wait(`!document.getElementById('login').hidden`)
		ready(srv.URL + "/desk/?lang=zh")
		p.type_("login-name", "cashier")
		p.type_("login-password", deskPassword)
		deskClick(p, "#signin")
		wait(`!document.getElementById('desk').hidden`)
		eval[chromedp.Void](p, `(() => { for (const [id, v] of [['policy', 'pingluo-original'], ['date', '2025-04-01']]) {
			const e = document.getElementById(id); e.value = v; e.dispatchEvent(new Event('change', { bubbles: true })); } })()`)
		p.type_("card", deskCard)
		p.type_("presenter", deskPerson)
		deskClick(p, "#verify")
		wait(`!document.getElementById('refusal').hidden`)
		if code := eval[string](p, `document.querySelector('#refusal li')?.dataset.code ?? ''`); code != "card_reported_lost" {
			t.Errorf("the desk refused the card with %q, want card_reported_lost", code)
		}
		deskClick(p, "#signout")
		wait(`!document.getElementById('login').hidden`)

		// 补卡 at the console: the new card is issued to the same person, the lost one
		// replaced for good.
		ready(srv.URL + "/console/?lang=zh#person/" + deskPerson + "/2025")
		p.type_("login-name", "admin")
		p.type_("login-password", deskPassword)
		deskClick(p, "#signin")
		wait(fmt.Sprintf(`!!document.querySelector('%s form')`, card))
		eval[chromedp.Void](p, fmt.Sprintf(`(() => { const s = document.querySelector('%s select'); s.value = 'replace';
			s.dispatchEvent(new Event('change', { bubbles: true })); })()`, card))
		p.type_("act-reason-"+deskCard, "挂失后补办新卡")
		deskClick(p, card+" form button")
		wait(fmt.Sprintf(`!document.querySelector('%s .msg').hidden`, card)) // the new number is required
		fresh := apitest.Card("622848000000009")
		p.type_("act-new-"+deskCard, fresh)
		deskClick(p, card+" form button")
		wait(fmt.Sprintf(`document.querySelector('%s')?.dataset.status === 'replaced'`, card))
		if got := eval[string](p, fmt.Sprintf(`document.querySelector('#record [data-card=%q]')?.dataset.status ?? ''`, fresh)); got != "active" {
			t.Errorf("the new card %s is %q, want active", fresh, got)
		}
	})

	t.Run("english", func(t *testing.T) {
		p.t = t
		ready(srv.URL + "/console/?lang=zh")
		deskClick(p, "#lang")
		if got := eval[string](p, `document.documentElement.lang + ' ' + document.querySelector('h1').textContent`); got != "en County office console" {
			t.Errorf("after the switch: %q", got)
		}
		// The list already shown is redrawn in English.
		if got := text(`#results thead th`); got != "No." {
			t.Errorf("the list's first heading %q in English", got)
		}
		if got := text(`#results tbody [data-key=status]`); got != "Live" && got != "Reversed" && got != "Corrected" {
			t.Errorf("a status reads %q in English", got)
		}
		if got := text(`#status`); got != "Ready" {
			t.Errorf("the status line reads %q in English", got)
		}
		shot("console-7-english.png")
	})
}
