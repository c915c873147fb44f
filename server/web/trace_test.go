package web_test

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/trace"
)

// goTemplates reads core/trace's wording from its source: note → the Chinese and
// English templates, as the switch in template() returns them.
func goTemplates(t *testing.T) map[string][2]string {
	t.Helper()
	path := filepath.Join("..", "..", "core", "trace", "render.go")
	file, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][2]string{}
	ast.Inspect(file, func(n ast.Node) bool {
		fn, ok := n.(*ast.FuncDecl)
		if !ok || fn.Name.Name != "template" {
			return true
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			cc, ok := n.(*ast.CaseClause)
			if !ok || len(cc.Body) != 1 {
				return true
			}
			ret, ok := cc.Body[0].(*ast.ReturnStmt)
			if !ok || len(ret.Results) != 2 {
				return true
			}
			var wording [2]string
			for i, r := range ret.Results {
				lit, ok := r.(*ast.BasicLit)
				if !ok {
					return true
				}
				wording[i], _ = strconv.Unquote(lit.Value)
			}
			for _, e := range cc.List {
				if lit, ok := e.(*ast.BasicLit); ok {
					note, _ := strconv.Unquote(lit.Value)
					out[note] = wording
				}
			}
			return false
		})
		return false
	})
	if len(out) < 25 {
		t.Fatalf("found %d notes in %s; the scan no longer understands template()", len(out), path)
	}
	return out
}

// vectorSteps settles the conformance vectors' claims natively and returns their
// traces: real steps, with the values real settlements record.
func vectorSteps(t *testing.T) []trace.Step {
	t.Helper()
	var steps []trace.Step
	root := filepath.Join("..", "..", "conformance", "vectors")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".json" {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var v struct {
			Op             string          `json:"op"`
			PolicyDocument json.RawMessage `json:"policyDocument"`
			Request        json.RawMessage `json:"request"`
		}
		if json.Unmarshal(b, &v) != nil || (v.Op != engine.OpSettle && v.Op != engine.OpEstimate) {
			return nil
		}
		e, err := engine.WithExamples()
		if err != nil {
			return err
		}
		if len(v.PolicyDocument) > 0 {
			if _, err := e.LoadPolicy(v.PolicyDocument); err != nil {
				return nil
			}
		}
		var res struct {
			Result struct {
				Trace []trace.Step `json:"trace"`
			} `json:"result"`
		}
		if json.Unmarshal(e.Handle(v.Op, v.Request), &res) == nil {
			steps = append(steps, res.Result.Trace...)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return steps
}

// TestTraceWording renders, with static/trace.js under Node and with core/trace, every
// template (all values present, values only among the inputs, values missing), the
// traces of the conformance vectors and a few odd steps, and demands the same
// sentences: the page explains a settlement in the core's words.
func TestTraceWording(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		msg := "node is not on PATH: static/trace.js was NOT compared with core/trace"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		fmt.Fprintln(os.Stderr, "!!! "+msg+" !!!")
		t.Skip(msg)
	}
	templates := goTemplates(t)
	placeholder := regexp.MustCompile(`\{(\w+)\}`)
	var steps []trace.Step
	for note, wording := range templates {
		var all []trace.Value
		for _, m := range placeholder.FindAllStringSubmatch(wording[0]+wording[1], -1) {
			all = append(all, trace.V(m[1], "«"+m[1]+"»"))
		}
		steps = append(steps,
			trace.Step{Note: note, In: []trace.Value{}, Out: all},
			trace.Step{Note: note, In: all, Out: []trace.Value{}},
			trace.Step{Note: note})
	}
	steps = append(steps,
		trace.Step{Note: "no_such_note {x}", Out: []trace.Value{trace.V("x", "1")}},
		trace.Step{Note: "benefit", Out: []trace.Value{trace.V("benefit", "{benefit}")}},
		trace.Step{Note: "band", In: []trace.Value{trace.V("from", "0"), trace.V("rate", "in")}, Out: []trace.Value{trace.V("rate", "out")}},
		trace.Step{Note: "scope", Out: []trace.Value{trace.V("total", "{unclosed")}},
		trace.Step{})
	fromVectors := vectorSteps(t)
	t.Logf("%d template steps, %d steps from the conformance vectors", len(steps), len(fromVectors))
	steps = append(steps, fromVectors...)

	input, err := json.Marshal(steps)
	if err != nil {
		t.Fatal(err)
	}
	traceJS, err := filepath.Abs(filepath.Join("static", "trace.js"))
	if err != nil {
		t.Fatal(err)
	}
	script := fmt.Sprintf(`
		import { render, notes } from %q;
		let text = '';
		for await (const chunk of process.stdin) text += chunk;
		const steps = JSON.parse(text);
		process.stdout.write(JSON.stringify({ zh: render(steps, 'zh'), en: render(steps, 'en'), notes: notes() }));`,
		"file://"+filepath.ToSlash(traceJS))
	cmd := exec.Command(node, "--input-type=module", "-e", script)
	cmd.Stdin = strings.NewReader(string(input))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var got struct {
		ZH, EN, Notes []string
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}

	var want []string
	for note := range templates {
		want = append(want, note)
	}
	slices.Sort(want)
	slices.Sort(got.Notes)
	if !slices.Equal(got.Notes, want) {
		t.Errorf("trace.js words notes\n%v\ncore/trace words\n%v", got.Notes, want)
	}
	for lang, sentences := range map[string][]string{trace.Chinese: got.ZH, trace.English: got.EN} {
		wantSentences := trace.Render(steps, lang)
		if len(sentences) != len(wantSentences) {
			t.Fatalf("%s: %d sentences from trace.js, %d from core/trace", lang, len(sentences), len(wantSentences))
		}
		for i := range sentences {
			if sentences[i] != wantSentences[i] {
				t.Errorf("%s, step %+v:\ntrace.js  %q\ncore/trace %q", lang, steps[i], sentences[i], wantSentences[i])
			}
		}
	}
}
