package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/policies"
)

// ncms runs the command with stdin and returns its status and outputs.
func ncms(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// write writes a file in a fresh directory and returns its path.
func write(t *testing.T, name string, b []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// example returns an example policy document, edited by edit as a generic JSON object.
func example(t *testing.T, name string, edit func(map[string]any)) []byte {
	t.Helper()
	for _, d := range policies.Documents() {
		if d.Name != name {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(d.JSON, &m); err != nil {
			t.Fatal(err)
		}
		edit(m)
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	t.Fatalf("no example policy %s", name)
	return nil
}

func TestUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		out  string
	}{
		{nil, 2, ""},
		{[]string{"frobnicate"}, 2, ""},
		{[]string{"help"}, 0, "usage: ncms"},
		{[]string{"policy"}, 2, ""},
		{[]string{"policy", "lint", "x.json"}, 2, ""},
		{[]string{"policy", "check"}, 2, ""},
		{[]string{"eval"}, 2, ""},
		{[]string{"eval", "check_id", "a.json", "b.json"}, 2, ""},
		{[]string{"eval", "--bogus", "check_id"}, 2, ""},
	} {
		code, stdout, stderr := ncms(t, "", tc.args...)
		if code != tc.code {
			t.Errorf("ncms %q: status %d, want %d\n%s", tc.args, code, tc.code, stderr)
		}
		if !strings.Contains(stdout, tc.out) {
			t.Errorf("ncms %q: stdout %q, want %q in it", tc.args, stdout, tc.out)
		}
		if code == 2 && !strings.Contains(stderr, "usage") {
			t.Errorf("ncms %q: bad usage without a usage line:\n%s", tc.args, stderr)
		}
	}
}

// TestEval runs operations through ncms eval and checks the status, and that the
// output is engine.Handle's response: the exact bytes with --raw, the same JSON
// indented without.
func TestEval(t *testing.T) {
	e, err := engine.WithExamples()
	if err != nil {
		t.Fatal(err)
	}
	goodID := `{"schema":1,"id":"640221198001010015","today":"2025-01-01"}`
	badID := `{"schema":1,"id":"640221198001010016","today":"2025-01-01"}`
	file := write(t, "req.json", []byte(badID))
	for _, tc := range []struct {
		name, stdin string
		args        []string
		op, req     string // what the engine is asked
		code        int
		raw         bool
	}{
		{"stdin", goodID, []string{"eval", "check_id"}, "check_id", goodID, 0, false},
		{"stdin dash raw", goodID, []string{"eval", "--raw", "check_id", "-"}, "check_id", goodID, 0, true},
		{"refused", badID, []string{"eval", "check_id"}, "check_id", badID, 1, false},
		{"file, flag last", "", []string{"eval", "check_id", file, "--raw"}, "check_id", badID, 1, true},
		{"unknown operation", goodID, []string{"eval", "no_such_op"}, "no_such_op", goodID, 1, false},
		{"not JSON", "{", []string{"eval", "--raw", "version"}, "version", "{", 1, true},
		{"version", `{"schema":1}`, []string{"eval", "version"}, "version", `{"schema":1}`, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := ncms(t, tc.stdin, tc.args...)
			if code != tc.code {
				t.Errorf("status %d, want %d\n%s", code, tc.code, stderr)
			}
			want := e.Handle(tc.op, []byte(tc.req))
			if !tc.raw {
				v := jsontext.Value(want)
				if err := v.Indent(jsontext.WithIndent("  ")); err != nil {
					t.Fatal(err)
				}
				want = append(v, '\n')
				if !strings.Contains(stdout, "\n  \"ok\": ") {
					t.Errorf("not indented:\n%s", stdout)
				}
			}
			if stdout != string(want) {
				t.Errorf("stdout\n%s\nwant\n%s", stdout, want)
			}
		})
	}
}

// TestEvalPolicy loads a policy from a file besides the examples; a broken one stops
// eval with its problems.
func TestEvalPolicy(t *testing.T) {
	extra := write(t, "extra.json", example(t, "kuiwen.json", func(m map[string]any) { m["id"] = "kuiwen-copy" }))
	code, stdout, stderr := ncms(t, `{"schema":1}`, "eval", "--policy", extra, "list_policies")
	if code != 0 || !strings.Contains(stdout, `"id": "kuiwen-copy"`) || !strings.Contains(stdout, `"id": "pingluo-original"`) {
		t.Errorf("status %d, want 0 and both the extra and the example policies\n%s%s", code, stdout, stderr)
	}
	broken := write(t, "broken.json", example(t, "kuiwen.json", func(m map[string]any) { m["region"] = "37" }))
	code, stdout, stderr = ncms(t, `{"schema":1}`, "eval", "--policy", broken, "list_policies")
	if code != 1 || stdout != "" || !strings.Contains(stderr, "broken.json: /region: ") || !strings.Contains(stderr, "须为 6 位地区码") {
		t.Errorf("status %d, want 1 and the problem on stderr\nstdout %q\n%s", code, stdout, stderr)
	}
	code, _, stderr = ncms(t, `{"schema":1}`, "eval", "--policy", filepath.Join(t.TempDir(), "none.json"), "list_policies")
	if code != 1 || !strings.Contains(stderr, "none.json") {
		t.Errorf("a missing --policy file: status %d\n%s", code, stderr)
	}
}

// TestServerCommands: serve, import and check-text are the county server's
// (server/cli), named ncms in their messages; conform is the conformance runner.
func TestServerCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ncms.db")
	for _, tc := range []struct {
		args           []string
		code           int
		stdout, stderr string
	}{
		{[]string{"check-text", "--db", db}, 0, "every stored text value passes", ""},
		{[]string{"import", "--db", db}, 1, "", "usage: ncms import"},
		{[]string{"import", "--db", db, filepath.Join(t.TempDir(), "none.csv")}, 1, "", "ncms import: open "},
		{[]string{"serve", "--db", db, "--engine", "abacus"}, 1, "", `ncms serve: --engine "abacus"`},
		{[]string{"serve", "--db", db, "extra"}, 1, "", "did you mean ncms import?"},
		{[]string{"conform", "--vectors", "../../conformance/vectors", "--target", "native"}, 0, " passed, 0 failed\n", ""},
		{[]string{"conform", "--target", "wasm9:x"}, 2, "", `ncms conform: unknown target "wasm9:x"`},
	} {
		code, stdout, stderr := ncms(t, "", tc.args...)
		if code != tc.code || !strings.Contains(stdout, tc.stdout) || !strings.Contains(stderr, tc.stderr) {
			t.Errorf("ncms %q: status %d, want %d with %q and %q\nstdout %s\nstderr %s",
				tc.args, code, tc.code, tc.stdout, tc.stderr, stdout, stderr)
		}
	}
}

// TestREADME plays the README's `$ echo '…' | ncms eval …` example, in "The ncms
// command", and compares the output with the line under it.
func TestREADME(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## The ncms command\n")
	if !ok {
		t.Fatal(`the README has no "## The ncms command"`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	lines := strings.Split(section, "\n")
	played := 0
	for i, l := range lines {
		cmd, ok := strings.CutPrefix(l, "$ echo '")
		if !ok {
			continue
		}
		stdin, args, ok := strings.Cut(cmd, "' | ncms ")
		if !ok || i+1 == len(lines) {
			t.Fatalf("cannot play %q", l)
		}
		_, stdout, stderr := ncms(t, stdin, strings.Fields(args)...)
		if want := lines[i+1]; stdout != want {
			t.Errorf("%s\ngives %s%s\nthe README says %s", l, stdout, stderr, want)
		}
		played++
	}
	if played == 0 {
		t.Error("no example played")
	}
}
