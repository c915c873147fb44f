package policytest_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ruralhealth/ncms/core/policies"
	"github.com/ruralhealth/ncms/policytest"
)

// TestExamplePolicies runs the test file of every example policy: each one has one,
// and every hand-worked case passes.
func TestExamplePolicies(t *testing.T) {
	pairs, err := policytest.Find("../core/policies")
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, p := range pairs {
		have[filepath.Base(p.Policy)] = true
	}
	for _, d := range policies.Documents() {
		if !have[d.Name] {
			t.Errorf("%s has no %s file", d.Name, policytest.Suffix)
		}
	}
	for _, p := range pairs {
		t.Run(filepath.Base(p.Test), func(t *testing.T) {
			r, err := policytest.RunPair(p)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Cases) < 3 {
				t.Errorf("%d cases, want at least 3", len(r.Cases))
			}
			var out bytes.Buffer
			if n := r.Write(&out); n > 0 {
				t.Errorf("%d cases failed:\n%s", n, out.String())
			}
		})
	}
}

// TestFailures changes figures and a sentence the township case of pingluo-revised
// expects and checks that the report names each one with the figure computed.
func TestFailures(t *testing.T) {
	doc, err := os.ReadFile("../core/policies/pingluo-revised.test.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range [][2]string{
		{`"cash": "937.50"`, `"cash": "900.00"`},
		{`"inpatient": "262.50"`, `"inpatient": "262.00"`},
		{`起付线150.00元，本次扣除150.00元`, `起付线160.00元，本次扣除150.00元`},
	} {
		if !bytes.Contains(doc, []byte(r[0])) {
			t.Fatalf("the test file has no %s", r[0])
		}
		doc = bytes.Replace(doc, []byte(r[0]), []byte(r[1]), 1)
	}
	dir := t.TempDir()
	pol, err := os.ReadFile("../core/policies/pingluo-revised.json")
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"p.json": pol, "p.test.json": doc} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pairs, err := policytest.Find(filepath.Join(dir, "p.json"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := policytest.RunPair(pairs[0])
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if n := r.Write(&out); n != 1 {
		t.Fatalf("%d failed, want 1:\n%s", n, out.String())
	}
	got := map[string]policytest.Diff{}
	for _, d := range r.Cases[0].Diffs {
		got[d.Field] = d
	}
	for field, want := range map[string][2]string{
		"cash":            {"900.00", "937.50"},
		"funds.inpatient": {"262.00", "262.50"},
		"explain.zh":      {"本年第1次住院，起付线160.00元，本次扣除150.00元", "本年第1次住院，起付线150.00元，本次扣除150.00元"},
	} {
		d, ok := got[field]
		if !ok {
			t.Errorf("no diff for %s:\n%s", field, out.String())
			continue
		}
		if d.Want != want[0] || !strings.HasPrefix(d.Got, want[1]) {
			t.Errorf("%s: want %q got %q, expected %q and %q…", field, d.Want, d.Got, want[0], want[1])
		}
	}
	for _, s := range []string{"FAIL  ", "township-1200", "funds.inpatient  262.00  262.50", "- 本年第1次住院，起付线160.00元", "+ 本年第1次住院，起付线150.00元"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("the report lacks %q:\n%s", s, out.String())
		}
	}
}

// TestUnlistedFund: a fund that pays but is not in "funds" is a failure, as is a
// test file for another policy.
func TestUnlistedFund(t *testing.T) {
	dir := t.TempDir()
	pol, err := os.ReadFile("../core/policies/zhengzhou.json")
	if err != nil {
		t.Fatal(err)
	}
	test := `{"schema":1,"policy":"zhengzhou","person":{"id":"410122196803210050","category":"farmer","birthDate":"1968-03-21","enrollment":[{"year":2025,"paidOn":"2024-12-01"}]},
"cases":[{"name":"city","claim":{"visit":{"type":"inpatient","class":"city","referral":false,"admission":"2025-11-11","discharge":"2025-11-18"},
"items":[{"code":"A","kind":"treatment","class":"A","amount":"20000.00"}]},"want":{"funds":{"basic":"10450.00"}}}]}`
	os.WriteFile(filepath.Join(dir, "z.json"), pol, 0o644)
	os.WriteFile(filepath.Join(dir, "z.test.json"), []byte(test), 0o644)
	r, err := policytest.RunPair(policytest.Pair{Policy: filepath.Join(dir, "z.json"), Test: filepath.Join(dir, "z.test.json")})
	if err != nil {
		t.Fatal(err)
	}
	if d := r.Cases[0].Diffs; len(d) != 1 || d[0].Field != "funds.supplementary" || d[0].Want != "—" || d[0].Got != "3930.00" {
		t.Errorf("diffs %+v, want the supplementary fund's 3930.00 unlisted", d)
	}
	os.WriteFile(filepath.Join(dir, "z.test.json"), []byte(strings.Replace(test, `"policy":"zhengzhou"`, `"policy":"kuiwen"`, 1)), 0o644)
	if _, err := policytest.RunPair(policytest.Pair{Policy: filepath.Join(dir, "z.json"), Test: filepath.Join(dir, "z.test.json")}); err == nil {
		t.Error("a test file for another policy ran")
	}
}

// TestLoad refuses test files it could not report on: unknown members (strictly, as
// the codec decodes), no cases, a case without a name or with another's.
func TestLoad(t *testing.T) {
	dir := t.TempDir()
	for name, doc := range map[string]string{
		"unknown member": `{"schema":1,"policy":"kuiwen","cases":[{"name":"a","claim":{},"want":{"cash":"1"},"colour":1}]}`,
		"amount number":  `{"schema":1,"policy":"kuiwen","cases":[{"name":"a","claim":{},"want":{"cash":1}}]}`,
		"no cases":       `{"schema":1,"policy":"kuiwen","cases":[]}`,
		"no name":        `{"schema":1,"policy":"kuiwen","cases":[{"claim":{},"want":{}}]}`,
		"a name twice":   `{"schema":1,"policy":"kuiwen","cases":[{"name":"a","claim":{},"want":{}},{"name":"a","claim":{},"want":{}}]}`,
		"schema 2":       `{"schema":2,"policy":"kuiwen","cases":[{"name":"a","claim":{},"want":{}}]}`,
	} {
		path := filepath.Join(dir, "x.test.json")
		if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := policytest.Load(path); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
}
