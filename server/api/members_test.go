package api_test

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/ruralhealth/ncms/server/api"
)

// TestOpenAPIDeclaresMembers checks, for one real answer of each hand-described
// payload, that every member the server sends is declared in openapi.json: the
// answer is walked against the schema of its route's 200 (or 201), and an object
// without properties (a bare "object") or a member not among them fails.
func TestOpenAPIDeclaresMembers(t *testing.T) {
	f := newFixture(t, api.Options{})
	f.seed()
	// A second settlement of the seed's bill, so the audit has flags to list.
	if r := f.do(http.MethodPost, "/v1/settlements", f.h1, settle("S2", "H001", "1000.00")); r.status != http.StatusCreated {
		t.Fatalf("second settlement: %d %s", r.status, r.body)
	}
	var spec map[string]any
	if err := jsonv2.Unmarshal(f.do(http.MethodGet, "/openapi.json", "", "").body, &spec); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		route, method, path, body string
		status                    int
	}{
		{"/v1/cards/{number}", http.MethodGet, "/v1/cards/" + card, "", http.StatusOK},
		{"/v1/reports/summary", http.MethodGet, "/v1/reports/summary?month=2025-03&groupBy=township", "", http.StatusOK},
		{"/v1/reports/notice", http.MethodGet, "/v1/reports/notice?month=2025-03", "", http.StatusOK},
		{"/v1/reports/audit", http.MethodGet, "/v1/reports/audit?month=2025-03", "", http.StatusOK},
		{"/v1/reports/audit/flags", http.MethodGet, "/v1/reports/audit/flags?month=2025-03", "", http.StatusOK},
		{"/v1/reports/budget", http.MethodGet, "/v1/reports/budget?year=2025", "", http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			r := f.do(tc.method, tc.path, f.county, tc.body)
			if r.status != tc.status {
				t.Fatalf("%d %s", r.status, r.body)
			}
			var got any
			if err := jsonv2.Unmarshal(r.body, &got); err != nil {
				t.Fatal(err)
			}
			schema, _ := dig(spec, "paths", tc.route, strings.ToLower(tc.method), "responses",
				fmt.Sprint(tc.status), "content", "application/json", "schema").(map[string]any)
			if schema == nil {
				t.Fatalf("openapi.json has no %d answer for %s %s", tc.status, tc.method, tc.route)
			}
			for _, p := range undeclared(spec, schema, got, "") {
				t.Error(p)
			}
		})
	}
}

// dig follows keys down nested objects, nil where one is missing.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// resolve follows a local $ref.
func resolve(spec map[string]any, s map[string]any) map[string]any {
	for {
		ref, ok := s["$ref"].(string)
		if !ok {
			return s
		}
		next, _ := dig(spec, strings.Split(strings.TrimPrefix(ref, "#/"), "/")...).(map[string]any)
		if next == nil {
			return map[string]any{}
		}
		s = next
	}
}

// properties gathers the declared members of s and of every schema it is allOf,
// anyOf or oneOf; declared is false when none of them declares any.
func properties(spec map[string]any, s map[string]any) (props map[string]any, declared bool) {
	s = resolve(spec, s)
	props = map[string]any{}
	if p, ok := s["properties"].(map[string]any); ok {
		declared = true
		for k, v := range p {
			props[k] = v
		}
	}
	if _, ok := s["additionalProperties"].(map[string]any); ok {
		declared = true
	}
	for _, key := range []string{"allOf", "anyOf", "oneOf"} {
		subs, _ := s[key].([]any)
		for _, sub := range subs {
			m, _ := sub.(map[string]any)
			if m == nil {
				continue
			}
			p, d := properties(spec, m)
			declared = declared || d
			for k, v := range p {
				props[k] = v
			}
		}
	}
	return props, declared
}

// undeclared lists the JSON pointers in v that schema s does not declare.
func undeclared(spec map[string]any, s map[string]any, v any, at string) []string {
	s = resolve(spec, s)
	switch v := v.(type) {
	case map[string]any:
		props, declared := properties(spec, s)
		if !declared {
			return []string{at + ": an object whose members openapi.json does not declare"}
		}
		extra, _ := s["additionalProperties"].(map[string]any)
		var out []string
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			sub, _ := props[k].(map[string]any)
			if sub == nil {
				sub = extra
			}
			if sub == nil {
				out = append(out, at+"/"+k+": not declared")
				continue
			}
			out = append(out, undeclared(spec, sub, v[k], at+"/"+k)...)
		}
		return out
	case []any:
		items, _ := resolve(spec, s)["items"].(map[string]any)
		if items == nil {
			for _, key := range []string{"allOf", "anyOf", "oneOf"} {
				subs, _ := s[key].([]any)
				for _, sub := range subs {
					if m, _ := sub.(map[string]any); m != nil {
						if it, _ := resolve(spec, m)["items"].(map[string]any); it != nil {
							items = it
						}
					}
				}
			}
		}
		if items == nil {
			if len(v) == 0 {
				return nil
			}
			return []string{at + ": an array whose items openapi.json does not declare"}
		}
		var out []string
		for i, e := range v {
			out = append(out, undeclared(spec, items, e, fmt.Sprintf("%s/%d", at, i))...)
		}
		return out
	}
	return nil
}
