package api_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/ruralhealth/ncms/server/api"
	"github.com/ruralhealth/ncms/server/api/apitest"
	"github.com/ruralhealth/ncms/server/apierr"
	"github.com/ruralhealth/ncms/server/ledger"
	"github.com/ruralhealth/ncms/server/store/storetest"
)

// proxy forwards TCP connections to a database until down cuts them all and stops
// listening: the database as a server sees it when the network or the database
// fails under it.
type proxy struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
	down  bool
}

func newProxy(t *testing.T, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln}
	t.Cleanup(p.cut)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			d, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			if !p.track(c, d) {
				continue
			}
			go func() { io.Copy(d, c); d.Close() }()
			go func() { io.Copy(c, d); c.Close() }()
		}
	}()
	return p
}

// track records a pair of connections, or closes them if the proxy is down.
func (p *proxy) track(cs ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		for _, c := range cs {
			c.Close()
		}
		return false
	}
	p.conns = append(p.conns, cs...)
	return true
}

// cut closes the listener and every connection: new ones are refused.
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// wantUnavailable checks a 503 store_unavailable with a Retry-After.
func wantUnavailable(t *testing.T, what string, r *response) {
	t.Helper()
	if code, _ := r.first(); r.status != http.StatusServiceUnavailable || code != apierr.StoreUnavailable {
		t.Errorf("%s: %d %s, want 503 store_unavailable", what, r.status, r.body)
	}
	if got := r.header.Get("Retry-After"); got == "" {
		t.Errorf("%s: no Retry-After", what)
	}
}

// TestDatabaseDown cuts a running server's PostgreSQL connections and refuses new
// ones: a settlement is 503 store_unavailable with Retry-After, not 500, and so is
// /readyz.
func TestDatabaseDown(t *testing.T) {
	u, err := url.Parse(storetest.PostgresDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	p := newProxy(t, u.Host)
	u.Host = p.ln.Addr().String()
	logs := &apitest.Buffer{}
	srv := apitest.Start(t, u.String(), ledger.Options{}, api.Options{Logger: slog.New(slog.NewTextHandler(logs, nil))})
	f := &fixture{t: t, l: srv.Ledger, srv: srv.API, url: srv.URL, logs: logs}
	f.h1 = srv.Key(t, ledger.RoleInstitution, "H001")
	if r := f.do("POST", "/v1/settlements", f.h1, settle("D1", "H001", "100.00")); r.status != 201 {
		t.Fatalf("before: %d %s", r.status, r.body)
	}
	p.cut()
	wantUnavailable(t, "settlement", f.do("POST", "/v1/settlements", f.h1, settle("D2", "H001", "100.00")))
	wantUnavailable(t, "replay", f.do("POST", "/v1/settlements", f.h1, settle("D1", "H001", "100.00")))
	wantUnavailable(t, "readyz", f.do("GET", "/readyz", "", ""))
	// The operator is told why, in the log.
	if !strings.Contains(logs.String(), "ledger: the database is unavailable") {
		t.Errorf("the log does not say the database is unavailable:\n%s", logs)
	}
}

// TestStoreClosed wants 503 store_unavailable from every route of a server whose
// store is closed (SQLite; TestPostgres runs it on PostgreSQL).
func TestStoreClosed(t *testing.T) {
	f := newFixture(t, api.Options{})
	if r := f.do("POST", "/v1/settlements", f.h1, settle("C1", "H001", "100.00")); r.status != 201 {
		t.Fatalf("before: %d %s", r.status, r.body)
	}
	f.l.Store().Close()
	wantUnavailable(t, "settlement", f.do("POST", "/v1/settlements", f.h1, settle("C2", "H001", "100.00")))
	wantUnavailable(t, "reversal", f.do("POST", "/v1/settlements/1/reversal", f.h1, `{"reason":"x"}`))
	wantUnavailable(t, "keys", f.do("GET", "/v1/keys", f.county, ""))
}

// TestClientGone cancels requests as a client that hangs up does: the server logs
// them at INFO, never ERROR, which is for the server's own failures.
func TestClientGone(t *testing.T) {
	f := newFixture(t, api.Options{})
	for _, tc := range []struct{ method, path, key, body string }{
		{"POST", "/v1/settlements", f.h1, settle("G1", "H001", "100.00")},
		{"POST", "/v1/presettlements", f.h1, settle("G2", "H001", "100.00")},
		{"GET", "/v1/settlements/1", f.h1, ""},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		req := httptest.NewRequestWithContext(ctx, tc.method, tc.path, strings.NewReader(tc.body))
		req.Header.Set("Authorization", "Bearer "+tc.key)
		w := httptest.NewRecorder()
		f.srv.ServeHTTP(w, req)
		if w.Code < 500 {
			t.Errorf("%s %s: %d, want the request to have failed", tc.method, tc.path, w.Code)
		}
	}
	logs := f.logs.String()
	if strings.Contains(logs, "level=ERROR") {
		t.Errorf("a client's cancellation logged at ERROR:\n%s", logs)
	}
	if n := strings.Count(logs, "level=INFO msg=request "); n != 3 {
		t.Errorf("%d request lines at INFO, want 3:\n%s", n, logs)
	}
	if n := strings.Count(logs, "cancelled=true"); n != 3 {
		t.Errorf("%d request lines say cancelled, want 3:\n%s", n, logs)
	}
}

// TestReversalReplay retries a reversal through the API: the same request is the
// first reversal again, 200 and replayed; the reversed settlement's request again is
// 409 settlement_reversed unless it asks to settle again.
func TestReversalReplay(t *testing.T) {
	f := newFixture(t, api.Options{})
	if r := f.do("POST", "/v1/settlements", f.h1, settle("R1", "H001", "2000.00")); r.status != 201 {
		t.Fatalf("settle: %d %s", r.status, r.body)
	}
	rev := f.do("POST", "/v1/settlements/1/reversal", f.h1, `{"reason":"wrong patient"}`)
	if rev.status != 201 || rev.env.Settlement == nil || rev.env.Settlement.Replayed {
		t.Fatalf("reversal: %d %s", rev.status, rev.body)
	}
	again := f.do("POST", "/v1/settlements/1/reversal", f.h1, `{"reason":"wrong patient"}`)
	if again.status != 200 || again.env.Settlement == nil || !again.env.Settlement.Replayed ||
		again.env.Settlement.Seq != rev.env.Settlement.Seq || again.env.Settlement.Reverses != 1 {
		t.Fatalf("retried reversal: %d %s", again.status, again.body)
	}
	if r := f.do("POST", "/v1/settlements/1/reversal", f.h1, `{"reason":"other"}`); r.status != 409 {
		t.Fatalf("another reversal: %d %s", r.status, r.body)
	}
	r := f.do("POST", "/v1/settlements", f.h1, settle("R1", "H001", "2000.00"))
	if code, path := r.first(); r.status != 409 || code != apierr.SettlementReversed || path != "/claim/id" {
		t.Fatalf("re-posted request: %d %s", r.status, r.body)
	}
	if r := f.do("POST", "/v1/settlements?resettle=maybe", f.h1, settle("R1", "H001", "2000.00")); r.status != 422 {
		t.Fatalf("resettle=maybe: %d %s", r.status, r.body)
	}
	re := f.do("POST", "/v1/settlements?resettle=true", f.h1, settle("R1", "H001", "2000.00"))
	if re.status != 201 || re.env.Settlement == nil || re.env.Settlement.Seq != 3 {
		t.Fatalf("resettle: %d %s", re.status, re.body)
	}
	for _, path := range []string{"/v1/settlements?resettle=true", "/v1/settlements"} {
		r := f.do("POST", path, f.h1, settle("R1", "H001", "2000.00"))
		if r.status != 200 || !r.env.Settlement.Replayed || r.env.Settlement.Seq != 3 {
			t.Fatalf("%s retried: %d %s", path, r.status, r.body)
		}
	}
	m := f.do("GET", "/metrics", "", "")
	for _, want := range []string{
		`ncms_ledger_recorded_total{kind="reversal"} 1`,
		`ncms_ledger_recorded_total{kind="settlement"} 2`,
		`ncms_ledger_errors_total{code="settlement_reversed"} 1`,
		`ncms_http_requests_total{method="POST",route="/v1/settlements/{seq}/reversal",status="200"} 1`,
	} {
		if !strings.Contains(string(m.body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
