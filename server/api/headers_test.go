package api_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/ruralhealth/ncms/server/api"
	"github.com/ruralhealth/ncms/server/apierr"
)

// TestRequestID checks X-Request-ID: echoed when sent, made up when not or when
// unusable, in the server's error envelopes and in every log line of the request.
func TestRequestID(t *testing.T) {
	f := newFixture(t, api.Options{})
	hex32 := regexp.MustCompile(`^[0-9a-f]{32}$`)
	for _, tc := range []struct {
		name, sent string
		echoed     bool
	}{
		{"echoed", "req-abc.123", true},
		{"made up", "", false},
		{"space refused", "a b", false},
		{"too long refused", strings.Repeat("x", 129), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var headers []string
			if tc.sent != "" {
				headers = []string{"X-Request-ID", tc.sent}
			}
			r := f.do("GET", "/v1/persons/640221198001010015", "", "", headers...)
			got := r.header.Get("X-Request-ID")
			switch {
			case tc.echoed && got != tc.sent:
				t.Fatalf("X-Request-ID %q, want %q", got, tc.sent)
			case !tc.echoed && !hex32.MatchString(got):
				t.Fatalf("X-Request-ID %q, want 32 hex digits", got)
			}
			var env struct {
				RequestID string `json:"requestId"`
			}
			if err := jsonv2.Unmarshal(r.body, &env); err != nil || env.RequestID != got {
				t.Fatalf("envelope requestId %q (%v), want %q: %s", env.RequestID, err, got, r.body)
			}
			if !strings.Contains(f.logs.String(), "request_id="+got) {
				t.Fatalf("no log line names %s:\n%s", got, f.logs)
			}
		})
	}
	// A server error's own log line names the request too.
	g := newFixture(t, api.Options{})
	g.l.Store().Close()
	if r := g.do("GET", "/v1/keys", g.county, "", "X-Request-ID", "trace-500"); r.status != 503 {
		t.Fatalf("store closed: %d %s", r.status, r.body)
	}
	for _, line := range strings.Split(g.logs.String(), "\n") {
		if strings.Contains(line, "request failed") && !strings.Contains(line, "request_id=trace-500") {
			t.Errorf("error line without the request id: %s", line)
		}
	}
	if !strings.Contains(g.logs.String(), "request failed") {
		t.Errorf("no error line:\n%s", g.logs)
	}
	// A success has the header too; engine envelopes stay the engine's bytes.
	r := f.do("POST", "/v1/estimate", "", `{`)
	if r.header.Get("X-Request-ID") == "" || strings.Contains(string(r.body), "requestId") {
		t.Fatalf("engine error: %v %s", r.header, r.body)
	}
}

// TestStandardHeaders checks Location on 201, WWW-Authenticate on 401 and Allow on
// 405, and JSON envelopes for the estimator page's 404s.
func TestStandardHeaders(t *testing.T) {
	f := newFixture(t, api.Options{Web: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte("page"))
	})})
	f.seed()

	r := f.do("POST", "/v1/settlements", f.h1, settle("L1", "H001", "100.00"))
	if r.status != 201 || r.header.Get("Location") != "/v1/settlements/2" {
		t.Fatalf("settle: %d Location %q", r.status, r.header.Get("Location"))
	}
	if g := f.do("GET", r.header.Get("Location"), f.h1, ""); g.status != 200 {
		t.Fatalf("GET Location: %d %s", g.status, g.body)
	}
	if r := f.do("POST", "/v1/settlements", f.h1, settle("L1", "H001", "100.00")); r.status != 200 || r.header.Get("Location") != "" {
		t.Fatalf("replay: %d Location %q", r.status, r.header.Get("Location"))
	}
	if r := f.do("POST", "/v1/settlements/2/reversal", f.h1, `{"reason":"typo"}`); r.status != 201 || r.header.Get("Location") != "/v1/settlements/3" {
		t.Fatalf("reversal: %d Location %q", r.status, r.header.Get("Location"))
	}
	if r := f.do("POST", "/v1/cards/"+card2+"/events", f.county, `{"event":"issue","date":"2025-02-01","owner":"`+person+`"}`); r.status != 201 || r.header.Get("Location") != "/v1/cards/"+card2 {
		t.Fatalf("card event: %d Location %q %s", r.status, r.header.Get("Location"), r.body)
	}
	k := f.do("POST", "/v1/keys", f.county, `{"role":"institution","institution":"H003","name":"H003"}`)
	if loc := k.header.Get("Location"); k.status != 201 || !strings.HasPrefix(loc, "/v1/keys/k_") {
		t.Fatalf("key: %d Location %q", k.status, loc)
	} else if g := f.do("GET", loc, f.county, ""); g.status != 200 {
		t.Fatalf("GET %s: %d %s", loc, g.status, g.body)
	}

	pol := f.do("POST", "/v1/policies", f.county, string(policyDoc(t, "county-2027", "")))
	if loc := pol.header.Get("Location"); pol.status != 201 || !strings.HasPrefix(loc, "/v1/policies/county-2027?version=") {
		t.Fatalf("policy: %d Location %q %s", pol.status, loc, pol.body)
	} else if g := f.do("GET", loc, "", ""); g.status != 200 {
		t.Fatalf("GET %s: %d %s", loc, g.status, g.body)
	}

	r = f.do("GET", "/v1/keys", "", "")
	if r.status != 401 || r.header.Get("WWW-Authenticate") != `Bearer realm="ncms"` {
		t.Fatalf("401: WWW-Authenticate %q", r.header.Get("WWW-Authenticate"))
	}
	if r := f.do("GET", "/v1/keys", f.h1, ""); r.status != 403 || r.header.Get("WWW-Authenticate") != "" {
		t.Fatalf("403: %d WWW-Authenticate %q", r.status, r.header.Get("WWW-Authenticate"))
	}

	for _, tc := range []struct{ method, path, allow string }{
		{"PATCH", "/v1/persons/" + person, "GET, PUT"},
		{"DELETE", "/v1/estimate", "POST"},
		{"POST", "/", "GET, HEAD"},
	} {
		r := f.do(tc.method, tc.path, f.county, "")
		if code, _ := r.first(); r.status != 405 || code != apierr.MethodNotAllowed || r.header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d Allow %q, want 405 %q", tc.method, tc.path, r.status, r.header.Get("Allow"), tc.allow)
		}
	}

	r = f.do("GET", "/nothing.js", "", "")
	if code, _ := r.first(); r.status != 404 || code != apierr.NotFound || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("static 404: %d %q %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	if r := f.do("GET", "/", "", ""); r.status != 200 || string(r.body) != "page" {
		t.Fatalf("page: %d %s", r.status, r.body)
	}
}

// TestCORS checks that the public routes, and only they, answer other origins when
// configured, and that nothing does by default.
func TestCORS(t *testing.T) {
	const origin = "https://wsj.example.gov.cn"
	f := newFixture(t, api.Options{CORS: api.CORS{Origins: []string{origin}}})
	pre := func(f *fixture, path, method, from string) *response {
		return f.do("OPTIONS", path, "", "", "Origin", from, "Access-Control-Request-Method", method,
			"Access-Control-Request-Headers", "content-type")
	}
	r := pre(f, "/v1/estimate", "POST", origin)
	if r.status != 204 || r.header.Get("Access-Control-Allow-Origin") != origin ||
		r.header.Get("Access-Control-Allow-Methods") != "POST" || !strings.Contains(r.header.Get("Access-Control-Allow-Headers"), "Content-Type") {
		t.Fatalf("preflight: %d %v", r.status, r.header)
	}
	if r := pre(f, "/v1/estimate", "POST", "https://elsewhere.example"); r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("other origin allowed: %v", r.header)
	}
	r = f.do("POST", "/v1/estimate", "", estimate, "Origin", origin)
	if r.status != 200 || r.header.Get("Access-Control-Allow-Origin") != origin ||
		!strings.Contains(r.header.Get("Access-Control-Expose-Headers"), "X-Request-ID") {
		t.Fatalf("estimate: %d %v", r.status, r.header)
	}
	// Keyed routes never answer another origin.
	if r := pre(f, "/v1/keys", "GET", origin); r.status != 405 || r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("keyed preflight: %d %v", r.status, r.header)
	}
	if r := pre(f, "/v1/engine/load_policy", "POST", origin); r.status != 405 {
		t.Fatalf("load_policy preflight: %d %v", r.status, r.header)
	}
	if r := f.do("GET", "/v1/keys", f.county, "", "Origin", origin); r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("keyed route: %v", r.header)
	}

	g := newFixture(t, api.Options{})
	if r := pre(g, "/v1/estimate", "POST", origin); r.status != 405 || r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("CORS off: preflight %d %v", r.status, r.header)
	}
	if r := g.do("POST", "/v1/estimate", "", estimate, "Origin", origin); r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("CORS off: %v", r.header)
	}
}
