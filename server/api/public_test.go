package api_test

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/server/api"
	"github.com/ruralhealth/ncms/server/apierr"
)

// TestPublicBodyLimit checks the public body limit: a public request over it is
// 413 before a byte of it is read, validate_roster keeps the codec's 8 MiB, and the
// routes behind a key keep theirs.
func TestPublicBodyLimit(t *testing.T) {
	f := newFixture(t, api.Options{})
	over := strings.Repeat(" ", api.DefaultPublicBodyLimit+1)
	for _, tc := range []struct {
		name, path, key string
		chunked         bool
		status          int
		code            core.Code
	}{
		{"estimate", "/v1/estimate", "", false, 413, core.RequestTooLarge},
		{"estimate chunked", "/v1/estimate", "", true, 413, core.RequestTooLarge},
		{"engine settle", "/v1/engine/settle", "", false, 413, core.RequestTooLarge},
		{"estimate with a key", "/v1/estimate", f.h1, false, 413, core.RequestTooLarge},
		// Read and decoded: blanks are not JSON.
		{"roster", "/v1/engine/validate_roster", "", false, 400, core.RequestMalformed},
		{"roster chunked", "/v1/engine/validate_roster", "", true, 400, core.RequestMalformed},
		{"presettlement", "/v1/presettlements", f.h1, false, 400, core.RequestMalformed},
		{"county roster", "/v1/rosters/validate", f.county, false, 400, core.RequestMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.t = t
			var body io.Reader = strings.NewReader(over)
			if tc.chunked {
				body = io.MultiReader(body)
			}
			req, _ := http.NewRequest("POST", f.url+tc.path, body)
			if tc.key != "" {
				req.Header.Set("Authorization", "Bearer "+tc.key)
			}
			r := f.send(req)
			if code, _ := r.first(); r.status != tc.status || code != tc.code {
				t.Fatalf("%d %s, want %d %s", r.status, r.body, tc.status, tc.code)
			}
			if tc.code == core.RequestTooLarge && !strings.Contains(r.env.Errors[0].Message, fmt.Sprintf("> %d", api.DefaultPublicBodyLimit)) {
				t.Fatalf("the message does not name the public limit: %s", r.body)
			}
		})
	}
	// The largest bill the core settles, 10,000 lines with names, pretty-printed, is
	// within the limit and settles.
	big := largestEstimate()
	if len(big) > api.DefaultPublicBodyLimit {
		t.Fatalf("the largest estimate has %d bytes", len(big))
	}
	if r := f.do("POST", "/v1/estimate", "", big); r.status != 200 {
		t.Fatalf("the largest estimate (%d bytes): %d %.300s", len(big), r.status, r.body)
	}
	g := newFixture(t, api.Options{Public: api.PublicLimits{BodyLimit: 1000}})
	if r := g.do("POST", "/v1/estimate", "", estimate); r.status != 200 {
		t.Fatalf("under a 1000-byte limit, the estimate of %d bytes: %d %s", len(estimate), r.status, r.body)
	}
	if r := g.do("POST", "/v1/estimate", "", estimate+strings.Repeat(" ", 1000)); r.status != 413 {
		t.Fatalf("over a 1000-byte limit: %d %s", r.status, r.body)
	}
}

// largestEstimate is an estimate of a bill of claim.MaxItems lines with the drug's
// catalogue code and name, indented as a pretty-printer writes it.
func largestEstimate() string {
	var b strings.Builder
	b.WriteString(strings.Replace(estimate, `"items":[{"code":"X1","kind":"treatment","class":"A","amount":"8432"}]`, `"items":[`, 1)[:strings.Index(estimate, `"items":`)+len(`"items":[`)])
	for i := range 10000 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "\n      {\n        \"code\": \"XA01ABD075A%011d\",\n        \"name\": \"阿莫西林胶囊 0.25g×24粒/盒（国药准字H44021351）\",\n"+
			"        \"kind\": \"drug\",\n        \"class\": \"A\",\n        \"amount\": \"12345.67\",\n        \"overLimit\": \"0.00\"\n      }", i)
	}
	b.WriteString(`],
 "totals":{"year":0,"funds":[],"admissions":[],"familyAccount":"0"}}}`)
	return b.String()
}

// holdPublic starts a public request whose body never ends, so it holds its part of
// the public budget, and waits until the server has admitted it. The request ends
// with the test.
func holdPublic(t *testing.T, f *fixture) {
	t.Helper()
	pr, pw := io.Pipe()
	t.Cleanup(func() { pw.CloseWithError(io.ErrUnexpectedEOF) })
	req, _ := http.NewRequest("POST", f.url+"/v1/estimate", pr) // chunked: counts as the whole limit
	go func() {
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		m := f.do("GET", "/metrics", "", "")
		if strings.Contains(string(m.body), "\nncms_public_budget_bytes ") && !strings.Contains(string(m.body), "\nncms_public_budget_bytes 0\n") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the held request was not admitted:\n%s", m.body)
		}
	}
}

// TestPublicBusy fills the public budget with one request and checks that another
// public request is refused with 429 server_busy and Retry-After, that the routes
// behind a key, /healthz and load_policy are not held back, and that the budget
// comes back when the request ends.
func TestPublicBusy(t *testing.T) {
	f := newFixture(t, api.Options{Public: api.PublicLimits{Budget: api.MinPublicWeight, Wait: -1}})
	f.seed()
	holdPublic(t, f)
	for _, path := range []string{"/v1/estimate", "/v1/engine/estimate", "/v1/engine/validate_roster"} {
		r := f.do("POST", path, "", estimate)
		if code, _ := r.first(); r.status != 429 || code != apierr.Busy || r.header.Get("Retry-After") != "1" {
			t.Fatalf("%s while the budget is full: %d Retry-After %q %s", path, r.status, r.header.Get("Retry-After"), r.body)
		}
		if e := r.env.Errors[0]; e.Message == "" || e.MessageZh == "" || e.MessageZh == e.Message {
			t.Fatalf("%s: the error lacks its messages: %s", path, r.body)
		}
	}
	// No body, no budget.
	if r := f.do("GET", "/v1/policies", "", ""); r.status != 200 {
		t.Fatalf("policies while the budget is full: %d %s", r.status, r.body)
	}
	if r := f.do("GET", "/healthz", "", ""); r.status != 200 {
		t.Fatalf("healthz while the budget is full: %d %s", r.status, r.body)
	}
	if r := f.do("POST", "/v1/presettlements", f.h1, settle("B1", "H001", "700.00")); r.status != 200 {
		t.Fatalf("a presettlement while the budget is full: %d %s", r.status, r.body)
	}
	if r := f.do("POST", "/v1/engine/load_policy", f.county, `{`); r.status != 400 {
		t.Fatalf("load_policy while the budget is full: %d %s", r.status, r.body)
	}
	if !strings.Contains(string(f.do("GET", "/metrics", "", "").body), `ncms_public_refused_total{reason="busy"} 3`) {
		t.Fatal("the refusals were not counted")
	}

	// With a wait, a request queues for the budget and is served once it is free.
	g := newFixture(t, api.Options{Public: api.PublicLimits{Budget: api.MinPublicWeight, Wait: time.Minute}})
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", g.url+"/v1/estimate", pr)
	first := make(chan int, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			first <- 0
			return
		}
		resp.Body.Close()
		first <- resp.StatusCode
	}()
	// The second request waits behind the first, which is admitted as soon as its
	// headers are in; its body is written once the second has queued.
	second := make(chan *response, 1)
	go func() {
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if m := g.do("GET", "/metrics", "", ""); strings.Contains(string(m.body), "\nncms_public_budget_bytes 2.097152e+06\n") {
				break
			}
		}
		second <- g.do("POST", "/v1/estimate", "", estimate)
	}()
	time.Sleep(200 * time.Millisecond) // the second is queued by now, or served late: either passes
	io.WriteString(pw, estimate)
	pw.Close()
	if s := <-first; s != 200 {
		t.Fatalf("the first request: %d", s)
	}
	if r := <-second; r.status != 200 {
		t.Fatalf("the queued request: %d %s", r.status, r.body)
	}
}

// TestPublicRate checks the per-client rate limit: a client over its burst is
// refused with 429 server_busy and a Retry-After of the seconds until its next
// request, on public routes only.
func TestPublicRate(t *testing.T) {
	f := newFixture(t, api.Options{Public: api.PublicLimits{Rate: 0.05, Burst: 2}})
	f.seed()
	for i := range 2 {
		if r := f.do("POST", "/v1/estimate", "", estimate); r.status != 200 {
			t.Fatalf("request %d within the burst: %d %s", i, r.status, r.body)
		}
	}
	for _, path := range []string{"/v1/estimate", "/v1/policies"} {
		method := "POST"
		if path == "/v1/policies" {
			method = "GET"
		}
		r := f.do(method, path, "", estimate)
		code, _ := r.first()
		// One request every 20 s: the next is 20 s away, less the time passed.
		if secs, _ := strconv.Atoi(r.header.Get("Retry-After")); r.status != 429 || code != apierr.Busy || secs < 10 || secs > 20 {
			t.Fatalf("%s over the rate: %d Retry-After %q %s", path, r.status, r.header.Get("Retry-After"), r.body)
		}
	}
	if r := f.do("POST", "/v1/presettlements", f.h1, settle("R1", "H001", "700.00")); r.status != 200 {
		t.Fatalf("a presettlement is not a public request: %d %s", r.status, r.body)
	}
	if r := f.do("GET", "/healthz", "", ""); r.status != 200 {
		t.Fatalf("healthz: %d", r.status)
	}
	if !strings.Contains(string(f.do("GET", "/metrics", "", "").body), `ncms_public_refused_total{reason="rate"} 2`) {
		t.Fatal("the refusals were not counted")
	}
	// Off by default.
	g := newFixture(t, api.Options{})
	for i := range 50 {
		if r := g.do("GET", "/v1/policies", "", ""); r.status != 200 {
			t.Fatalf("request %d without a rate limit: %d %s", i, r.status, r.body)
		}
	}
}
