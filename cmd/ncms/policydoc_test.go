package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPolicyTest runs the example policies' own tests from the directory (status 0)
// and a test file with a wrong figure (status 1, the figure's want and got).
func TestPolicyTest(t *testing.T) {
	code, stdout, stderr := ncms(t, "", "policy", "test", "../../core/policies")
	if code != 0 || !strings.HasSuffix(stdout, " failed\n") || !strings.Contains(stdout, "8 files") || !strings.HasSuffix(stdout, ", 0 failed\n") {
		t.Fatalf("status %d\n%s\n%s", code, stdout, stderr)
	}
	dir := t.TempDir()
	pol, err := os.ReadFile("../../core/policies/kuiwen.json")
	if err != nil {
		t.Fatal(err)
	}
	test, err := os.ReadFile("../../core/policies/kuiwen.test.json")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "kuiwen.json"), pol, 0o644)
	os.WriteFile(filepath.Join(dir, "kuiwen.test.json"), []byte(strings.Replace(string(test), `"cash": "4885.00"`, `"cash": "4800.00"`, 1)), 0o644)
	code, stdout, _ = ncms(t, "", "policy", "test", "-v", filepath.Join(dir, "kuiwen.json"))
	for _, s := range []string{"FAIL  ", "level3-10000", "cash", "4800.00", "4885.00", "ok    ", "1 files, 3 cases, 1 failed"} {
		if !strings.Contains(stdout, s) {
			t.Errorf("no %q in\n%s", s, stdout)
		}
	}
	if code != 1 {
		t.Errorf("status %d, want 1", code)
	}
	if code, _, _ := ncms(t, "", "policy", "test", t.TempDir()); code != 1 {
		t.Errorf("a directory without tests: status %d, want 1", code)
	}
	// A test file with an amount written as a number: its problem at its pointer.
	os.WriteFile(filepath.Join(dir, "kuiwen.test.json"), []byte(`{"schema":1,"policy":"kuiwen","cases":[{"name":"a","claim":{},"want":{"cash":12}}]}`), 0o644)
	code, stdout, _ = ncms(t, "", "policy", "test", dir)
	for _, s := range []string{"kuiwen.test.json: /cases/0/want/cash: ", "[amount_invalid]", "1 files, 1 could not run, 0 cases, 0 failed"} {
		if !strings.Contains(stdout, s) {
			t.Errorf("no %q in\n%s", s, stdout)
		}
	}
	if code != 1 {
		t.Errorf("status %d, want 1", code)
	}
}

// TestPolicyDiff: the Pingluo revision against the original, in Chinese and English.
func TestPolicyDiff(t *testing.T) {
	old, new := "../../core/policies/pingluo-original.json", "../../core/policies/pingluo-revised.json"
	code, stdout, stderr := ncms(t, "", "policy", "diff", old, new)
	if code != 0 || !strings.Contains(stdout, "家庭账户 每人划入：5 → 8\n") || !strings.Contains(stdout, "新增 补偿规定 乡镇卫生院住院补偿（inpatient-township）\n    编号：inpatient-township\n") {
		t.Errorf("status %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, _ = ncms(t, "", "policy", "diff", "--lang", "en", old, new)
	if code != 0 || !strings.Contains(stdout, "Family account per person: 5 → 8\n") {
		t.Errorf("status %d\n%s", code, stdout)
	}
	if code, stdout, _ := ncms(t, "", "policy", "diff", new, new); code != 0 || stdout != "" {
		t.Errorf("a policy against itself: status %d %q", code, stdout)
	}
	if code, _, _ := ncms(t, "", "policy", "diff", "--lang", "fr", old, new); code != 2 {
		t.Errorf("--lang fr: status %d, want 2", code)
	}
	if code, _, _ := ncms(t, "", "policy", "diff", old); code != 2 {
		t.Errorf("one file: status %d, want 2", code)
	}
}

// TestPolicyShow: the shown scheme is the golden text checked by hand in
// core/policydoc, in both languages.
func TestPolicyShow(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		want, err := os.ReadFile("../../core/policydoc/testdata/pingluo-revised." + lang + ".txt")
		if err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := ncms(t, "", "policy", "show", "--lang", lang, "../../core/policies/pingluo-revised.json")
		if code != 0 || stdout != string(want) {
			t.Errorf("%s: status %d\n%s\n%s", lang, code, stdout, stderr)
		}
	}
	if code, _, stderr := ncms(t, "", "policy", "show", write(t, "broken.json", []byte(`{"schema":`))); code != 1 || !strings.Contains(stderr, "[request_malformed_json]") {
		t.Errorf("a broken document: status %d\n%s", code, stderr)
	}
}
