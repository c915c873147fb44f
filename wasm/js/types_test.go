package js_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ruralhealth/ncms/conformance"
	"github.com/ruralhealth/ncms/core/engine"
)

// need returns the path of a tool the test cannot run without. Where it is missing
// the test is skipped, loudly, except under CI (env CI set), where that is a failure:
// .ci/run installs node, npm and wasm/js's devDependencies (npm ci).
func need(t *testing.T, path, install string) string {
	t.Helper()
	p, err := exec.LookPath(path)
	if err == nil {
		return p
	}
	msg := fmt.Sprintf("%s not found (%s): wasm/js was NOT checked", path, install)
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	fmt.Fprintln(os.Stderr, "!!! "+msg+" !!!")
	t.Skip(msg)
	return ""
}

// tsc type-checks the files of a project in dir with ncms.d.ts importable as
// @ncms/engine, under strict options and the given libs, without @types packages.
// It returns tsc's report and whether the check passed.
func tsc(t *testing.T, dir string, libs []string, files ...string) (string, bool) {
	t.Helper()
	node := need(t, "node", "apt-get install nodejs")
	compiler, err := filepath.Abs(filepath.Join("node_modules", "typescript", "bin", "tsc"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(compiler); err != nil {
		need(t, compiler, "run `npm ci` in wasm/js")
	}
	pkg, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	// The package is reached as a consumer reaches it: by name, through package.json's
	// "exports" (the "types" condition), under Node's module resolution.
	if err := os.MkdirAll(filepath.Join(dir, "node_modules", "@ncms"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(pkg, filepath.Join(dir, "node_modules", "@ncms", "engine")); err != nil && !os.IsExist(err) {
		t.Fatal(err)
	}
	config := fmt.Sprintf(`{"compilerOptions": {"strict": true, "noEmit": true, "target": "es2022",
  "module": "nodenext", "moduleResolution": "nodenext", "lib": %s, "types": [],
  "exactOptionalPropertyTypes": true, "noUncheckedIndexedAccess": true},
 "files": %s}`, jsonList(libs), jsonList(files))
	name := "tsconfig." + strings.Join(libs, "-") + ".json"
	write(t, filepath.Join(dir, name), []byte(config))
	cmd := exec.Command(node, compiler, "-p", name, "--pretty", "false")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if _, exit := err.(*exec.ExitError); err != nil && !exit {
		t.Fatalf("%v: %v", cmd.Args, err)
	}
	return string(out), err == nil
}

func jsonList(s []string) string {
	return `["` + strings.Join(s, `", "`) + `"]`
}

func write(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestTypes type-checks ncms.d.ts and its consumers (typecheck/) without the DOM lib,
// and with it for the browser's sources (a fetch Response, a URL, a compiled module).
// Each @ts-expect-error there is a misuse that must stay refused.
func TestTypes(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"consumer.mts", "consumer-dom.mts"} {
		b, err := os.ReadFile(filepath.Join("typecheck", f))
		if err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(dir, f), b)
	}
	if out, ok := tsc(t, dir, []string{"es2022"}, "consumer.mts"); !ok {
		t.Errorf("without the DOM lib:\n%s", out)
	}
	if out, ok := tsc(t, dir, []string{"es2022", "dom"}, "consumer-dom.mts"); !ok {
		t.Errorf("with the DOM lib:\n%s", out)
	}
}

// TestResultTypes checks the declared result types against what the engine emits:
// the native engine's response to every conformance vector (the module's are the
// same bytes: wasm/host's TestSameBytes) and to each operation no vector covers is
// written into a TypeScript file as `<response> satisfies Envelope<Results[op]>`,
// which tsc refuses for a missing field, a field the types do not declare, or a
// value of the wrong type. Two mutated responses (a fund's amount renamed paid, a
// result field added) stand under @ts-expect-error, so the check is seen to bite.
func TestResultTypes(t *testing.T) {
	vectors, shared := vectorsAndEngine(t)
	var err error
	var src bytes.Buffer
	src.WriteString("import type { Envelope, Results } from '@ncms/engine';\n")
	ok := map[string]int{}
	n := 0
	add := func(name, op string, resp []byte) {
		t.Helper()
		typ := "never" // an operation the engine does not have: an error envelope
		if slices.Contains(engine.Operations(), op) {
			typ = "Results['" + op + "']"
		}
		if bytes.HasPrefix(resp, []byte(`{"schema":1,"ok":true,`)) {
			ok[op]++
		}
		fmt.Fprintf(&src, "// %s\nexport const r%d = %s satisfies Envelope<%s>;\n", name, n, resp, typ)
		n++
	}
	var settled []byte
	for _, v := range vectors {
		e := shared
		if v.Policy == conformance.Inline {
			if e, err = engine.WithExamples(); err != nil {
				t.Fatal(err)
			}
			add(v.ID+" (its policy)", engine.OpLoadPolicy, e.Handle(engine.OpLoadPolicy, v.PolicyDocument))
		}
		resp := e.Handle(v.Op, v.RequestBytes())
		add(v.ID, v.Op, resp)
		if v.Op == engine.OpSettle && bytes.Contains(resp, []byte(`"amount":`)) {
			settled = resp
		}
	}
	list := shared.Handle(engine.OpListPolicies, []byte(`{"schema":1}`))
	add("list_policies", engine.OpListPolicies, list)
	add("version", engine.OpVersion, shared.Handle(engine.OpVersion, nil))
	for _, m := range regexp.MustCompile(`\{"id":("[^"]+"),"version":("[^"]+")`).FindAllSubmatch(list, -1) {
		req := fmt.Appendf(nil, `{"schema":1,"policy":%s,"version":%s}`, m[1], m[2])
		add("get_policy "+string(m[1]), engine.OpGetPolicy, shared.Handle(engine.OpGetPolicy, req))
	}
	for _, op := range engine.Operations() {
		if ok[op] == 0 {
			t.Errorf("no response of %s succeeded: its result type is unchecked", op)
		}
	}
	if settled == nil {
		t.Fatal("no settlement paid a fund")
	}
	for i, drift := range [][]byte{
		bytes.Replace(settled, []byte(`"amount":`), []byte(`"paid":`), 1),
		bytes.Replace(settled, []byte(`"cash":`), []byte(`"undeclared":"0.00","cash":`), 1),
	} {
		fmt.Fprintf(&src, "// @ts-expect-error drift %d\nexport const drift%d = %s satisfies Envelope<Results['settle']>;\n", i, i, drift)
	}
	dir := t.TempDir()
	write(t, filepath.Join(dir, "results.mts"), src.Bytes())
	if out, ok := tsc(t, dir, []string{"es2022"}, "results.mts"); !ok {
		t.Errorf("the declared result types (ncms.d.ts) are not what the engine emits:\n%s", annotate(out, src.String()))
	}
	t.Logf("checked %d responses (%v successes by operation)", n, ok)
}

// vectorsAndEngine returns the conformance vectors and a native engine with the
// example policies.
func vectorsAndEngine(t *testing.T) ([]conformance.Vector, *engine.Engine) {
	t.Helper()
	vectors, err := conformance.Load(filepath.Join("..", "..", "conformance", "vectors"))
	if err != nil {
		t.Fatal(err)
	}
	shared, err := engine.WithExamples()
	if err != nil {
		t.Fatal(err)
	}
	return vectors, shared
}

// annotate follows each of tsc's reports with the name of the value it is about (the
// comment line above it in the file checked).
func annotate(out, src string) string {
	lines := strings.Split(src, "\n")
	re := regexp.MustCompile(`^\w+\.mts\((\d+),`)
	var b strings.Builder
	for _, l := range strings.Split(out, "\n") {
		b.WriteString(l + "\n")
		var line int
		if m := re.FindStringSubmatch(l); m != nil {
			fmt.Sscan(m[1], &line)
		}
		if line >= 2 && line-2 < len(lines) && strings.HasPrefix(lines[line-2], "// ") {
			b.WriteString("    (" + strings.TrimPrefix(lines[line-2], "// ") + ")\n")
		}
	}
	return b.String()
}

// TestRequestTypes checks the declared request types against what the engine
// accepts: every conformance request the native engine answers with a result, and
// every inline policy it loads, is written as `<request> satisfies Requests[op]`,
// which tsc refuses for a member the types do not declare, a missing required one or
// a value of the wrong type. A request with a member the engine refuses
// (request_unknown_field) stands under @ts-expect-error, so the check is seen to bite.
func TestRequestTypes(t *testing.T) {
	vectors, shared := vectorsAndEngine(t)
	var err error
	var src bytes.Buffer
	src.WriteString("import type { Requests } from '@ncms/engine';\n")
	n := 0
	add := func(name, op string, req []byte) {
		fmt.Fprintf(&src, "// %s\nexport const q%d = %s satisfies Requests['%s'];\n", name, n, req, op)
		n++
	}
	var settle []byte
	for _, v := range vectors {
		e := shared
		if v.Policy == conformance.Inline {
			if e, err = engine.WithExamples(); err != nil {
				t.Fatal(err)
			}
			if engine.Succeeded(e.Handle(engine.OpLoadPolicy, v.PolicyDocument)) {
				add(v.ID+" (its policy)", engine.OpLoadPolicy, v.PolicyDocument)
			}
		}
		if v.Request == nil || !engine.Succeeded(e.Handle(v.Op, v.Request)) {
			continue
		}
		add(v.ID, v.Op, v.Request)
		if v.Op == engine.OpSettle && settle == nil {
			settle = v.Request
		}
	}
	if n < 100 || settle == nil {
		t.Fatalf("only %d requests accepted", n)
	}
	drift := bytes.Replace(settle, []byte(`"claim"`), []byte(`"undeclared": 1, "claim"`), 1)
	if resp := shared.Handle(engine.OpSettle, drift); !bytes.Contains(resp, []byte("request_unknown_field")) {
		t.Fatalf("the engine takes the drifted request: %s", resp)
	}
	var line bytes.Buffer // one line, for @ts-expect-error to cover
	if err := json.Compact(&line, drift); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&src, "// @ts-expect-error a member the engine refuses\nexport const drift = %s satisfies Requests['settle'];\n", line.Bytes())
	dir := t.TempDir()
	write(t, filepath.Join(dir, "requests.mts"), src.Bytes())
	if out, ok := tsc(t, dir, []string{"es2022"}, "requests.mts"); !ok {
		t.Errorf("the declared request types (ncms.d.ts) refuse requests the engine accepts:\n%s", annotate(out, src.String()))
	}
	t.Logf("checked %d requests", n)
}
