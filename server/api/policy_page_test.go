package api_test

import (
	"html"
	"strings"
	"testing"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/policies"
	"github.com/ruralhealth/ncms/core/policydoc"
	"github.com/ruralhealth/ncms/server/api"
)

// TestPolicyPage: /policies/{id} is the published policy as policydoc renders it,
// every article and paragraph of the words `ncms policy show` prints, Chinese first
// and English with ?lang=en; an unknown id or version is the JSON not-found envelope.
func TestPolicyPage(t *testing.T) {
	f := newFixture(t, api.Options{})
	cs, err := policies.Compiled()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		for _, lang := range []string{"zh", "en"} {
			path := "/policies/" + c.ID()
			if lang == "en" {
				path += "?lang=en"
			}
			r := f.do("GET", path, "", "")
			if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
				t.Fatalf("%s: %d %s %.200s", path, r.status, r.header.Get("Content-Type"), r.body)
			}
			page := html.UnescapeString(string(r.body))
			doc := policydoc.Render(c, lang)
			for _, a := range doc.Articles {
				if !strings.Contains(page, a.Number+"</span> "+a.Title) {
					t.Errorf("%s lacks the article %s", path, a.Heading())
				}
				for _, it := range a.Items {
					if !strings.Contains(page, it.Label+it.Text) {
						t.Errorf("%s lacks %q", path, it.Label+it.Text)
					}
				}
			}
			if !strings.Contains(page, c.Hash()) {
				t.Errorf("%s does not name the hash of the rules", path)
			}
			if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
				t.Errorf("%s: Content-Security-Policy %q", path, csp)
			}
			if lang == "zh" && !strings.Contains(page, `<html lang="zh-CN">`) {
				t.Errorf("%s is not marked Chinese", path)
			}
		}
	}
	// A policy the county publishes has its page at once.
	if r := f.do("POST", "/v1/policies", f.county, string(policyDoc(t, "county-2026", "某县"))); r.status != 201 {
		t.Fatalf("publishing: %d %s", r.status, r.body)
	}
	if r := f.do("GET", "/policies/county-2026", "", ""); r.status != 200 ||
		!strings.Contains(string(r.body), "<h1>某县平罗县新型农村合作医疗住院补偿方案") || !strings.Contains(string(r.body), "方案编号 county-2026") {
		t.Errorf("the published policy's page: %d %.300s", r.status, r.body)
	}
	// The ETag: the same page is 304.
	r := f.do("GET", "/policies/pingluo-revised", "", "")
	if r2 := f.do("GET", "/policies/pingluo-revised", "", "", "If-None-Match", r.header.Get("ETag")); r2.status != 304 {
		t.Errorf("If-None-Match: %d, want 304", r2.status)
	}
	for _, tc := range []struct {
		path   string
		status int
		code   core.Code
		at     string
	}{
		{"/policies/nowhere", 404, core.PolicyNotFound, "/policy"},
		{"/policies/pingluo-revised?version=nine", 404, core.PolicyNotFound, "/version"},
		{"/policies/pingluo-revised?lang=fr", 422, core.FieldInvalid, "/lang"},
	} {
		r := f.do("GET", tc.path, "", "")
		code, at := r.first()
		if r.status != tc.status || code != tc.code || at != tc.at || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
			t.Errorf("%s: %d %s %s, want %d %s %s", tc.path, r.status, code, at, tc.status, tc.code, tc.at)
		}
	}
	if r := f.do("POST", "/policies/pingluo-revised", "", ""); r.status != 405 {
		t.Errorf("POST: %d, want 405", r.status)
	}
}
