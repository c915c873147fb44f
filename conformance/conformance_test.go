package conformance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ruralhealth/ncms/conformance"
	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/coretest"
	"github.com/ruralhealth/ncms/core/policies"
	"github.com/ruralhealth/ncms/server/api"
	"github.com/ruralhealth/ncms/server/api/apitest"
	"github.com/ruralhealth/ncms/server/ledger"
	"github.com/ruralhealth/ncms/server/store/storetest"
	"github.com/ruralhealth/ncms/wasm/build"
)

// engines returns every engine the suite runs against. The first is the reference
// for byte identity. Adding an engine is one line here.
func engines(t *testing.T) []conformance.Engine {
	t.Helper()
	native, err := conformance.NewNative()
	if err != nil {
		t.Fatal(err)
	}
	w, err := conformance.OpenWasm(context.Background(), wasmModule(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close(context.Background()) })
	es := []conformance.Engine{
		native,
		w,
	}
	if n := nodeEngine(t); n != nil {
		es = append(es, n)
	}
	es = append(es, countyServer(t, filepath.Join(t.TempDir(), "ncms.db")))
	if os.Getenv("NCMS_TEST_POSTGRES") != "" || os.Getenv("CI") != "" {
		es = append(es, countyServer(t, storetest.PostgresDSN(t)))
	}
	return es
}

// countyServer starts the county server on a real loopback listener over a store at
// dsn and returns the HTTP engine that calls it with a county key.
func countyServer(t *testing.T, dsn string) conformance.Engine {
	t.Helper()
	srv := apitest.Start(t, dsn, ledger.Options{}, api.Options{})
	h, err := conformance.OpenHTTP(srv.URL, srv.Key(t, ledger.RoleCounty, ""))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// nodeEngine opens the Node engine on the module, or returns nil, saying so loudly,
// when node is not installed; with CI set a missing node fails the test instead.
func nodeEngine(t *testing.T) *conformance.Node {
	t.Helper()
	if msg := nodeMissing(); msg != "" {
		fmt.Fprintln(os.Stderr, msg)
		t.Log(msg)
		return nil
	}
	n, err := conformance.OpenNode(context.Background(), wasmModule(t), conformance.NodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close(context.Background()) })
	return n
}

// wasmModule builds the WebAssembly module once per test binary, or returns the
// prebuilt one NCMS_WASM names.
func wasmModule(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("NCMS_WASM"); p != "" {
		return p
	}
	moduleOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ncms-conform-")
		if err != nil {
			moduleErr = err
			return
		}
		modulePath = filepath.Join(dir, "ncms.wasm")
		moduleErr = build.Module(context.Background(), modulePath, "")
	})
	if moduleErr != nil {
		t.Fatal(moduleErr)
	}
	return modulePath
}

var (
	moduleOnce sync.Once
	modulePath string
	moduleErr  error
)

func load(t *testing.T) []conformance.Vector {
	t.Helper()
	vs, err := conformance.Load("vectors")
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) == 0 {
		t.Fatal("no vectors")
	}
	return vs
}

// TestVectors runs every vector through every engine.
func TestVectors(t *testing.T) {
	es := engines(t)
	exceptions := map[string]conformance.Exceptions{}
	for _, e := range es {
		ex, err := conformance.LoadExceptions("exceptions", e.Name())
		if err != nil {
			t.Fatal(err)
		}
		exceptions[e.Name()] = ex
	}
	conformance.RunWithExceptions(t, load(t), exceptions, es...)
}

// TestExceptionsEmpty: every exceptions file must be empty at release.
func TestExceptionsEmpty(t *testing.T) {
	files, err := filepath.Glob("exceptions/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no exceptions files: keep exceptions/native.json, even empty")
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		ex, err := conformance.LoadExceptions("exceptions", name)
		if err != nil {
			t.Fatal(err)
		}
		for id, reason := range ex {
			t.Errorf("%s: %s is excepted (%s); fix the engine and remove it", f, id, reason)
		}
	}
}

// mutant returns pingluo-original under a new id with one change applied.
func mutant(t *testing.T, id string, edit func(doc map[string]any)) []byte {
	t.Helper()
	for _, d := range policies.Documents() {
		dec := json.NewDecoder(bytes.NewReader(d.JSON))
		dec.UseNumber()
		var doc map[string]any
		if err := dec.Decode(&doc); err != nil {
			t.Fatal(err)
		}
		if doc["id"] != "pingluo-original" {
			continue
		}
		doc["id"] = id
		edit(doc)
		b, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	t.Fatal("no embedded pingluo-original")
	return nil
}

// retarget returns the vectors that cite policy and name it in their request,
// rewritten to send the request to the policy named to instead.
func retarget(t *testing.T, vs []conformance.Vector, policy, to string) []conformance.Vector {
	t.Helper()
	var out []conformance.Vector
	for _, v := range vs {
		if v.Policy != policy || v.Request == nil {
			continue
		}
		var req map[string]json.RawMessage
		if err := json.Unmarshal(v.Request, &req); err != nil {
			t.Fatal(err)
		}
		if named, _ := json.Marshal(policy); !bytes.Equal(req["policy"], named) {
			continue // a vector about the policy field itself
		}
		req["policy"], _ = json.Marshal(to)
		b, err := json.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		v.Request, v.Policy = b, to
		out = append(out, v)
	}
	return out
}

// TestSuiteCanFail shows that the vectors detect a wrong policy: each mutant of
// pingluo-original, loaded under another id, must fail some of the vectors that cite
// pingluo-original when they are pointed at it; the unchanged copy must fail none.
func TestSuiteCanFail(t *testing.T) {
	all := load(t)
	bands := func(doc map[string]any) []any {
		return doc["benefits"].([]any)[0].(map[string]any)["ratio"].(map[string]any)["bands"].([]any)
	}
	for _, tc := range []struct {
		name string
		edit func(doc map[string]any)
		fail bool
	}{
		{"unchanged copy", func(map[string]any) {}, false},
		{"rounding down", func(doc map[string]any) { doc["rounding"].(map[string]any)["mode"] = "down" }, true},
		{"band edge 1000 moved to 999.99", func(doc map[string]any) { bands(doc)[1].(map[string]any)["from"] = "999.99" }, true},
		{"excess method", func(doc map[string]any) {
			doc["benefits"].([]any)[0].(map[string]any)["ratio"].(map[string]any)["method"] = "excess"
		}, true},
		{"cap 4500", func(doc map[string]any) { doc["pools"].([]any)[0].(map[string]any)["cap"] = "4500" }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			id := "pingluo-mutant"
			native, err := conformance.NewNative()
			if err != nil {
				t.Fatal(err)
			}
			if err := native.Load(ctx, mutant(t, id, tc.edit)); err != nil {
				t.Fatal(err)
			}
			vs := retarget(t, all, "pingluo-original", id)
			if len(vs) < 10 {
				t.Fatalf("only %d vectors cite pingluo-original", len(vs))
			}
			ms := conformance.Check(ctx, vs, native)
			if tc.fail && len(ms) == 0 {
				t.Errorf("%d vectors all pass against a mutant policy", len(vs))
			}
			if !tc.fail && len(ms) > 0 {
				t.Errorf("the unchanged copy fails %d of %d vectors, first: %s", len(ms), len(vs), ms[0])
			}
			t.Logf("%d of %d vectors fail", len(ms), len(vs))
		})
	}
}

// TestCompare checks the partial matching rules on a hand-made envelope.
func TestCompare(t *testing.T) {
	resp := []byte(`{"schema":1,"ok":true,"result":{"route":"benefit","cash":"1.00","funds":[{"fund":"inpatient","name":"x","amount":"2.00"}],"warnings":[{"code":"warn_cap_reached","message":"m"}],"problems":null}}`)
	for _, tc := range []struct {
		want string
		ok   bool
	}{
		{`{"route":"benefit"}`, true},
		{`{"cash":"1.00","funds":[{"fund":"inpatient","amount":"2.00"}],"warnings":["warn_cap_reached"]}`, true},
		{`{"problems":[]}`, true},
		{`{"cash":"1.0"}`, false},
		{`{"funds":[]}`, false},
		{`{"funds":[{"fund":"basic","amount":"2.00"}]}`, false},
		{`{"warnings":[]}`, false},
		{`{"missing":1}`, false},
	} {
		v := &conformance.Vector{Want: json.RawMessage(tc.want)}
		if d := conformance.Compare(v, resp); (d == "") != tc.ok {
			t.Errorf("want %s: diff %q, want ok %v", tc.want, d, tc.ok)
		}
	}
	errResp := []byte(`{"schema":1,"ok":false,"errors":[{"code":"a","path":"/x","message":"m"},{"code":"b","path":""}]}`)
	for _, tc := range []struct {
		want []conformance.WantError
		ok   bool
	}{
		{[]conformance.WantError{{"a", "/x"}, {"b", ""}}, true},
		{[]conformance.WantError{{"b", ""}, {"a", "/x"}}, false},
		{[]conformance.WantError{{"a", "/x"}}, false},
	} {
		v := &conformance.Vector{WantError: tc.want}
		if d := conformance.Compare(v, errResp); (d == "") != tc.ok {
			t.Errorf("want %v: diff %q, want ok %v", tc.want, d, tc.ok)
		}
	}
	if d := conformance.Compare(&conformance.Vector{Want: json.RawMessage(`{}`)}, errResp); d == "" {
		t.Error("an error envelope satisfies a want")
	}
}

// TestOpen opens targets from their strings and makes a call through each. (A wasm
// target compiles the module for seconds; TestVectors opens one with OpenWasm.)
func TestOpen(t *testing.T) {
	ctx := context.Background()
	srv := httptest.NewServer(countyHandler(t, "k"))
	defer srv.Close()
	tests := []struct {
		spec    string
		name    string // "" when Open must fail
		errText string
	}{
		{spec: "native", name: "native"},
		{spec: srv.URL, name: "http"},
		{spec: "carrier-pigeon", errText: `unknown target "carrier-pigeon"`},
		{spec: "wasm:/no/such/ncms.wasm", errText: "no such file"},
		{spec: "node:/no/such/ncms.wasm", errText: "no such file"},
		{spec: "node:" + wasmModule(t), name: "node"},
		{spec: "http://", errText: "want http://HOST:PORT"},
	}
	for _, tc := range tests {
		t.Run(tc.spec, func(t *testing.T) {
			if tc.name == "node" {
				needNode(t)
			}
			e, err := conformance.Open(ctx, tc.spec, conformance.Options{Key: "k"})
			if tc.name == "" {
				if err == nil || !strings.Contains(err.Error(), tc.errText) {
					t.Fatalf("err %v, want one containing %q", err, tc.errText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c, ok := e.(interface{ Close(context.Context) error }); ok {
				defer c.Close(ctx)
			}
			if e.Name() != tc.name {
				t.Errorf("name %q, want %q", e.Name(), tc.name)
			}
			resp, err := e.Call(ctx, "version", []byte(`{"schema":1}`))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(resp, []byte(`{"schema":1,"ok":true,`)) {
				t.Errorf("version: %.200s", resp)
			}
		})
	}
}

// TestLoadRejectsMalformedVectors: the loader checks the format.
func TestLoadRejectsMalformedVectors(t *testing.T) {
	for name, body := range map[string]string{
		"wrong id":        `{"schema":1,"id":"x/y","note":"n","rules":"§2.1","op":"version","policy":"","request":{},"derivation":["d"],"want":{}}`,
		"both wants":      `{"schema":1,"id":"t/c","note":"n","rules":"§2.1","op":"version","policy":"","request":{},"derivation":["d"],"want":{},"wantError":[]}`,
		"unknown field":   `{"schema":1,"id":"t/c","note":"n","rules":"§2.1","op":"version","policy":"","request":{},"derivation":["d"],"want":{},"extra":1}`,
		"no derivation":   `{"schema":1,"id":"t/c","note":"n","rules":"§2.1","op":"version","policy":"","request":{},"want":{}}`,
		"inline no doc":   `{"schema":1,"id":"t/c","note":"n","rules":"§2.1","op":"version","policy":"inline","request":{},"derivation":["d"],"want":{}}`,
		"schema 2":        `{"schema":2,"id":"t/c","note":"n","rules":"§2.1","op":"version","policy":"","request":{},"derivation":["d"],"want":{}}`,
		"want not object": `{"schema":1,"id":"t/c","note":"n","rules":"§2.1","op":"version","policy":"","request":{},"derivation":["d"],"want":[]}`,
	} {
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, "t"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "t", "c.json"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := conformance.Load(dir); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
}

// TestMessagesChinese plays every vector through the native engine (the others give
// the same bytes) and checks that every error's, problem's and warning's messageZh
// has no English words; and that the calls in conformance/ and wasm/ that build an
// error give it none.
func TestMessagesChinese(t *testing.T) {
	ctx := context.Background()
	native, err := conformance.NewNative()
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, v := range load(t) {
		if v.Policy == conformance.Inline {
			if err := native.Load(ctx, v.PolicyDocument); err != nil {
				t.Fatalf("%s: %v", v.ID, err)
			}
		}
		resp, err := native.Call(ctx, v.Op, v.RequestBytes())
		if err != nil {
			t.Fatalf("%s: %v", v.ID, err)
		}
		var env struct {
			Errors core.Errors `json:"errors"`
			Result struct {
				Problems core.Errors `json:"problems"`
				Warnings core.Errors `json:"warnings"`
			} `json:"result"`
		}
		// A result that is not an object (list_policies) has no messages.
		_ = json.Unmarshal(resp, &env)
		for _, e := range slices.Concat(env.Errors, env.Result.Problems, env.Result.Warnings) {
			seen++
			if ws := coretest.LatinWords(e); len(ws) > 0 {
				t.Errorf("%s: %s messageZh %q has Latin words %q", v.ID, e.Code, e.MessageZh, ws)
			}
		}
	}
	if seen < 100 {
		t.Errorf("only %d messages in the vectors' responses", seen)
	}
	for _, dir := range []string{".", "../wasm"} {
		fs, err := coretest.ScanCalls(os.DirFS(dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			t.Errorf("%s: messageZh would have %s", f.Pos, f.Text)
		}
	}
}
