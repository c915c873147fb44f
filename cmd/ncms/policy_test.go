package main

import (
	"os"
	"strings"
	"testing"

	"github.com/ruralhealth/ncms/core/policies"
)

// TestPolicyCheck checks every example policy (status 0, its hash as the engine
// computes it) and broken documents (status 1, every problem with its pointer, the
// English and the Chinese message).
func TestPolicyCheck(t *testing.T) {
	compiled, err := policies.Compiled()
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range policies.Documents() {
		t.Run(d.Name, func(t *testing.T) {
			code, stdout, stderr := ncms(t, "", "policy", "check", write(t, d.Name, d.JSON))
			if code != 0 || !strings.HasSuffix(stdout, " ok, sha256 "+compiled[i].Hash()+"\n") {
				t.Errorf("status %d, stdout %q\n%s", code, stdout, stderr)
			}
		})
	}
	for _, tc := range []struct {
		name string
		doc  []byte
		want []string // lines of stdout, each in it
	}{
		{"three problems", example(t, "pingluo-original.json", func(m map[string]any) {
			m["region"] = "64"
			m["visitDate"] = "payment"
			m["name"] = ""
		}), []string{
			"broken.json: /name: ", "broken.json: /region: ", "6-digit region code", "须为 6 位地区码",
			"broken.json: /visitDate: ", "[field_required]", "[field_invalid]",
		}},
		{"an unknown member", example(t, "hu-county.json", func(m map[string]any) { m["colour"] = "red" }),
			[]string{"broken.json: /colour: "}},
		{"not JSON", []byte(`{"schema":`), []string{"broken.json", "[request_malformed_json]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := write(t, "broken.json", tc.doc)
			code, stdout, stderr := ncms(t, "", "policy", "check", path)
			if code != 1 {
				t.Errorf("status %d, want 1", code)
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("no %q in\n%s", w, stdout)
				}
			}
			// Each problem is two lines: the English with the pointer, the Chinese.
			lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
			if len(lines)%2 != 0 || !strings.Contains(stderr, "problems") {
				t.Errorf("stdout\n%s\nstderr\n%s", stdout, stderr)
			}
			for j := 1; j < len(lines); j += 2 {
				if !strings.HasPrefix(lines[j], strings.Repeat(" ", len(path)+2)) || !strings.HasSuffix(lines[j], "]") {
					t.Errorf("the Chinese line %q", lines[j])
				}
			}
		})
	}
	if code, _, stderr := ncms(t, "", "policy", "check", "/nonexistent/policy.json"); code != 1 || !strings.Contains(stderr, "policy.json") {
		t.Errorf("a missing file: status %d\n%s", code, stderr)
	}
}

// TestPolicyFmt: the canonical form is what the engine hashes (--compact), indented
// by default, stable (formatting it again changes nothing and keeps the hash), and -w
// writes it; a broken document is refused and left alone.
func TestPolicyFmt(t *testing.T) {
	compiled, err := policies.Compiled()
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range policies.Documents() {
		t.Run(d.Name, func(t *testing.T) {
			path := write(t, d.Name, d.JSON)
			code, compact, stderr := ncms(t, "", "policy", "fmt", "--compact", path)
			if code != 0 || compact != string(compiled[i].Canonical()) {
				t.Fatalf("--compact: status %d, not the canonical bytes\n%s", code, stderr)
			}
			code, pretty, stderr := ncms(t, "", "policy", "fmt", path)
			if code != 0 || !strings.HasPrefix(pretty, "{\n  \"schema\": 1,\n") {
				t.Fatalf("status %d\n%.200s\n%s", code, pretty, stderr)
			}
			if code, _, stderr := ncms(t, "", "policy", "fmt", "-w", path); code != 0 {
				t.Fatalf("-w: status %d\n%s", code, stderr)
			}
			got, err := os.ReadFile(path)
			if err != nil || string(got) != pretty {
				t.Fatalf("-w wrote something else (%v)", err)
			}
			code, again, _ := ncms(t, "", "policy", "fmt", path)
			if code != 0 || again != pretty {
				t.Errorf("formatting the canonical form changed it")
			}
			if _, stdout, _ := ncms(t, "", "policy", "check", path); !strings.Contains(stdout, compiled[i].Hash()) {
				t.Errorf("the formatted document has another hash: %s", stdout)
			}
		})
	}
	broken := example(t, "kuiwen.json", func(m map[string]any) { m["region"] = "37" })
	path := write(t, "broken.json", broken)
	code, stdout, stderr := ncms(t, "", "policy", "fmt", "-w", path)
	if code != 1 || stdout != "" || !strings.Contains(stderr, "broken.json: /region: ") {
		t.Errorf("status %d, stdout %q\n%s", code, stdout, stderr)
	}
	if got, _ := os.ReadFile(path); string(got) != string(broken) {
		t.Errorf("-w changed a broken document")
	}
}
