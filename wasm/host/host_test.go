package host

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	codec "github.com/ruralhealth/ncms/core/codec/anycodec"
	"github.com/ruralhealth/ncms/core/coretest"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/wasm/build"
)

// wasmPath is the module under test: built by TestMain, or the file NCMS_WASM names
// (to test a module made some other way, such as wasm-opt's output).
var (
	wasmPath  string
	wasmBytes []byte
	// cacheDir is a compilation cache the tests share, so that the module is
	// compiled to machine code once rather than once per Host.
	cacheDir string
)

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "ncms-wasm-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	wasmPath = os.Getenv("NCMS_WASM")
	if wasmPath == "" {
		wasmPath = filepath.Join(dir, "ncms.wasm")
		if err := build.Module(context.Background(), wasmPath, ""); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	} else {
		fmt.Fprintln(os.Stderr, "testing the module NCMS_WASM names:", wasmPath)
	}
	cacheDir = filepath.Join(dir, "wazero")
	if wasmBytes, err = os.ReadFile(wasmPath); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

func newHost(t testing.TB, opts Options) *Host {
	t.Helper()
	if opts.CompilationCache == "" {
		opts.CompilationCache = cacheDir
	}
	h, err := New(context.Background(), wasmBytes, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close(context.Background()) })
	return h
}

func native(t testing.TB) *engine.Engine {
	t.Helper()
	e, err := engine.WithExamples()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// claim is the Pingluo worked example (an 8432元 county stay) as a request for op;
// the replacements edit its text.
func claim(id string, replace ...string) string {
	c := `{"schema":1,"policy":"pingluo-original","claim":{` + id +
		`"person":{"id":"640221198001010015","category":"farmer","birthDate":"1980-01-01","enrollment":[{"year":2025,"paidOn":"2024-12-01"}]},` +
		`"visit":{"type":"inpatient","class":"county","referral":false,"admission":"2025-03-01","discharge":"2025-03-10"},` +
		`"items":[{"code":"X1","kind":"treatment","class":"A","amount":"8432"}],` +
		`"totals":{"year":0,"funds":[],"admissions":[],"familyAccount":"0"}}}`
	return strings.NewReplacer(replace...).Replace(c)
}

var settleClaim = claim(`"id":"V1",`)

// twentyLines is core/engine's benchmark claim, a 20-line discharge bill under the
// embedded Pingluo scheme, so the two benchmarks settle the same bytes.
func twentyLines() string {
	b, err := os.ReadFile("../../core/engine/testdata/twenty-lines.json")
	if err != nil {
		panic(err)
	}
	return string(b)
}

func card(number, owner, status string) string {
	return `{"number":"` + number + `","owner":"` + owner + `","certificate":"64022100000001","status":"` + status + `","issued":"2024-01-01"}`
}

func verify(card, presenter, date string) string {
	return `{"schema":1,"policy":"pingluo-original","card":` + card + `,"presenter":"` + presenter + `","date":"` + date +
		`","category":"farmer","enrollment":[{"year":2025,"paidOn":"2024-12-01"}]}`
}

const goodRow = `{"row":1,"head":"张三","id":"640221198001010015","address":"平罗县城关镇1号","certificate":"64022100000001","phone":"13912345678"}`

// testCase is one request. Cases run in order against one engine, so a load_policy
// case affects the cases after it.
type testCase struct {
	name string
	op   string
	req  []byte
}

// loadDoc is core/engine's test policy (id test-pingluo), which the examples lack.
func loadDoc(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "core", "engine", "testdata", "pingluo.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// cases covers every operation, successes and typed errors. big adds the requests
// over the codec's and the module's size limits.
func cases(t testing.TB, big bool) []testCase {
	doc := loadDoc(t)
	conflict := bytes.Replace(doc, []byte(`"name": "`), []byte(`"name": "X`), 1)
	if bytes.Equal(conflict, doc) {
		t.Fatal("could not alter the test policy's name")
	}
	s := func(name, op, req string) testCase { return testCase{name, op, []byte(req)} }
	cs := []testCase{
		s("settle", "settle", settleClaim),
		s("estimate", "estimate", claim("")),
		s("settle twenty lines", "settle", twentyLines()),
		s("settle non-designated", "settle", claim(`"id":"V2",`, `"class":"county"`, `"class":"nondesignated"`)),
		s("settle not enrolled", "settle", claim(`"id":"V3",`, `"year":2025,"paidOn"`, `"year":2024,"paidOn"`)),
		s("settle needs id", "settle", claim("")),
		s("malformed", "settle", `{"schema":1,`),
		s("trailing data", "settle", `{"schema":1} {}`),
		s("empty request", "settle", ``),
		s("null", "settle", `null`),
		s("array", "settle", `[]`),
		s("unknown field", "settle", `{"schema":1,"colour":"red"}`),
		s("unknown nested field", "settle", claim(`"id":"V",`, `"referral":false`, `"referral":false,"colour":"red"`)),
		s("duplicate member", "settle", `{"schema":1,"schema":1}`),
		s("member case", "settle", `{"Schema":1}`),
		s("schema 2", "settle", `{"schema":2,"policy":"x","claim":{}}`),
		s("schema as string", "settle", `{"schema":"1"}`),
		s("unknown policy", "settle", claim(`"id":"V",`, `pingluo-original`, `nowhere`)),
		s("no policy", "settle", claim(`"id":"V",`, `pingluo-original`, ``)),
		s("amount as number", "settle", claim(`"id":"V",`, `"8432"`, `8432`)),
		s("amount as float", "settle", claim(`"id":"V",`, `"8432"`, `8432.5e0`)),
		s("amount negative", "settle", claim(`"id":"V",`, `"8432"`, `"-1"`)),
		s("amount precision", "settle", claim(`"id":"V",`, `"8432"`, `"1.005"`)),
		s("amount huge", "settle", claim(`"id":"V",`, `"8432"`, `"123456789012345678901234567890"`)),
		s("amount text", "settle", claim(`"id":"V",`, `"8432"`, `"八千"`)),
		s("every problem", "settle", claim(`"id":"V",`, `"8432"`, `"1.005"`, `640221198001010015`, `640221198001010016`,
			`"class":"county"`, `"class":"mars"`, `"2025-03-01"`, `"2025-02-30"`, `"farmer"`, `"worker"`)),
		s("invalid UTF-8", "settle", claim(`"id":"V\xff\xfe",`)),
		s("deep nesting", "settle", strings.Repeat("[", 100000)),
		s("deep objects", "settle", strings.Repeat(`{"a":`, 20000)),
		s("verify card", "verify_card", verify(card("6228480402564890018", "640221198001010015", "active"), "640221198001010015", "2025-03-01")),
		s("verify card problems", "verify_card", verify(card("6228480402564890017", "640221198001010015", "lost"), "11010519491231002X", "2025-03-01")),
		s("verify card before enrollment", "verify_card", verify(card("6228480402564890018", "640221198001010015", "active"), "640221198001010015", "2025-01-01")),
		s("verify card no date", "verify_card", verify(card("6228480402564890018", "640221198001010015", "active"), "640221198001010015", "")),
		s("verify card bad status", "verify_card", verify(card("6228480402564890018", "640221198001010015", "stolen"), "640221198001010015", "2025-03-01")),
		s("roster", "validate_roster", `{"schema":1,"policy":"pingluo-original","today":"2025-03-01","rows":[`+goodRow+`]}`),
		s("roster problems", "validate_roster", `{"schema":1,"policy":"pingluo-original","today":"2025-03-01","rows":[`+goodRow+`,`+
			`{"row":2,"head":"李 四","id":"640221198001010016","address":"","certificate":"ABC","phone":"12345"},`+
			strings.Replace(goodRow, `"row":1`, `"row":3`, 1)+`]}`),
		s("roster empty", "validate_roster", `{"schema":1,"policy":"pingluo-original","today":"2025-03-01","rows":[]}`),
		s("check id", "check_id", `{"schema":1,"id":"11010519491231002x","today":"2025-01-01"}`),
		s("check id 15", "check_id", `{"schema":1,"id":"130503670401001","today":"2025-01-01"}`),
		s("check id checksum", "check_id", `{"schema":1,"id":"640221198001010016","today":"2025-01-01"}`),
		s("check id length", "check_id", `{"schema":1,"id":"64022119800101","today":"2025-01-01"}`),
		s("check id charset", "check_id", `{"schema":1,"id":"64022119800101001A","today":"2025-01-01"}`),
		s("check id future", "check_id", `{"schema":1,"id":"640221198001010015","today":"1979-01-01"}`),
		s("check id bad today", "check_id", `{"schema":1,"id":"640221198001010015","today":"2025-13-01"}`),
		s("card fee", "card_fee", `{"schema":1,"policy":"pingluo-original","birthDate":"1980-01-01","on":"2025-03-01"}`),
		s("card fee exempt", "card_fee", `{"schema":1,"policy":"pingluo-original","birthDate":"1940-01-01","on":"2025-03-01"}`),
		s("card fee no dates", "card_fee", `{"schema":1,"policy":"pingluo-original"}`),
		s("list policies", "list_policies", `{"schema":1}`),
		s("get policy", "get_policy", `{"schema":1,"policy":"pingluo-original"}`),
		s("get policy unknown", "get_policy", `{"schema":1,"policy":"nowhere"}`),
		s("get policy unknown version", "get_policy", `{"schema":1,"policy":"pingluo-original","version":"99"}`),
		s("version", "version", ``),
		s("version with schema", "version", `{"schema":1}`),
		s("version junk", "version", `junk`),
		{"load policy", "load_policy", doc},
		{"load policy again", "load_policy", doc},
		{"load policy conflict", "load_policy", conflict},
		s("load policy invalid", "load_policy", `{"schema":1,"id":"x"}`),
		s("load policy malformed", "load_policy", `{"schema":1,"id":`),
		s("get loaded policy", "get_policy", `{"schema":1,"policy":"test-pingluo"}`),
		s("settle loaded policy", "settle", claim(`"id":"V4",`, `pingluo-original`, `test-pingluo`, `farmer`, `general`)),
		s("list after load", "list_policies", `{"schema":1}`),
		s("version after load", "version", ``),
		s("unknown op", "nope", `{}`),
		s("empty op", "", settleClaim),
		s("op with NUL", "settle\x00", settleClaim),
		s("op case", "Settle", settleClaim),
	}
	if big {
		cs = append(cs,
			testCase{"over the codec limit", "settle", bytes.Repeat([]byte(" "), codec.MaxRequest+1)},
			testCase{"over the module limit", "settle", bytes.Repeat([]byte(" "), 64<<20+1)},
			testCase{"unknown op over the module limit", "nope", bytes.Repeat([]byte(" "), 64<<20+1)},
		)
	}
	return cs
}

// TestSameBytes plays every case through the module and through the native core,
// each with its own fresh engine, and wants identical response bytes.
func TestSameBytes(t *testing.T) {
	ctx := context.Background()
	h := newHost(t, Options{PoolSize: 2})
	e := native(t)
	for _, tc := range cases(t, true) {
		t.Run(tc.name, func(t *testing.T) {
			want := e.Handle(tc.op, tc.req)
			got, err := h.Call(ctx, tc.op, tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("module and native differ\n got: %.2000s\nwant: %.2000s", got, want)
			}
		})
	}
}

// TestCasesCoverEveryOperation keeps the table honest as operations are added.
func TestCasesCoverEveryOperation(t *testing.T) {
	e := native(t)
	seen := map[string]bool{}
	for _, tc := range cases(t, false) {
		resp := e.Handle(tc.op, tc.req)
		if ok(resp) {
			seen[tc.op] = true
		}
	}
	for _, op := range engine.Operations() {
		if !seen[op] {
			t.Errorf("no case where %s succeeds", op)
		}
	}
}

// TestHostile sends what a careless or hostile caller might, and wants an error
// envelope for each and the same instance (PoolSize 1, none created after the first)
// to settle a claim correctly afterwards.
func TestHostile(t *testing.T) {
	ctx := context.Background()
	h := newHost(t, Options{PoolSize: 1})
	want := native(t).Handle("settle", []byte(settleClaim))
	if !ok(want) {
		t.Fatalf("native settle failed: %s", want)
	}
	for _, tc := range []testCase{
		{"50 MB", "settle", bytes.Repeat([]byte("["), 50_000_000)},
		{"8 MiB, the module's limit", "settle", bytes.Repeat([]byte(" "), 8<<20)},
		{"nested arrays", "settle", bytes.Repeat([]byte("["), 100000)},
		{"nested objects", "estimate", bytes.Repeat([]byte(`{"a":`), 100000)},
		{"invalid UTF-8", "settle", []byte("{\"schema\":1,\"policy\":\"\xc3\x28\"}")},
		{"invalid UTF-8 everywhere", "check_id", bytes.Repeat([]byte{0xff, 0xfe, 0x80}, 1000)},
		{"NUL bytes", "settle", make([]byte, 4096)},
		{"empty op", "", []byte(settleClaim)},
		{"long op", strings.Repeat("x", 1<<20), []byte(settleClaim)},
		{"binary op", "\xff\x00settle", []byte(settleClaim)},
		{"huge number", "check_id", []byte(`{"schema":` + strings.Repeat("9", 1<<20) + `}`)},
		{"many items", "settle", []byte(claim(`"id":"V",`, `{"code":"X1","kind":"treatment","class":"A","amount":"8432"}`,
			strings.TrimSuffix(strings.Repeat(`{"code":"X1","kind":"treatment","class":"A","amount":"1"},`, 60000), ",")))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := h.Call(ctx, tc.op, tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if ok(got) {
				t.Fatalf("ok, want an error envelope: %.300s", got)
			}
			var env struct {
				Schema int `json:"schema"`
				OK     bool
				Errors []struct{ Code string }
			}
			if err := codec.Decode(got, &env); err != nil && !strings.Contains(err.Error(), "unknown") {
				t.Fatalf("response is not an envelope: %v: %.300s", err, got)
			}
			after, err := h.Call(ctx, "settle", []byte(settleClaim))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(after, want) {
				t.Errorf("settle afterwards differs from native\n got: %.500s\nwant: %.500s", after, want)
			}
			if n := h.created.Load(); n != 1 {
				t.Errorf("%d instances created, want the one", n)
			}
		})
	}
}

// TestABIMisuse calls the exports directly with what a buggy host might pass.
func TestABIMisuse(t *testing.T) {
	ctx := context.Background()
	h := newHost(t, Options{PoolSize: 1})
	in, err := h.instantiate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer in.mod.Close(ctx)
	call := func(fn string, args ...uint64) uint64 {
		t.Helper()
		res, err := in.mod.ExportedFunction(fn).Call(ctx, args...)
		if err != nil {
			t.Fatalf("%s%v trapped: %v", fn, args, err)
		}
		if len(res) == 0 {
			return 0
		}
		return res[0]
	}
	read := func(packed uint64) string {
		t.Helper()
		b, found := in.mod.Memory().Read(uint32(packed>>32), uint32(packed))
		if !found {
			t.Fatalf("response %x is outside memory", packed)
		}
		s := string(b)
		call("ncms_free", packed>>32)
		return s
	}
	before := in.mod.Memory().Size()
	if p := call("ncms_alloc", 8<<20+1); p != 0 {
		t.Errorf("ncms_alloc(8 MiB + 1) = %d, want 0", p)
	}
	if p := call("ncms_alloc", 50_000_000); p != 0 {
		t.Errorf("ncms_alloc(50 MB) = %d, want 0", p)
	}
	if after := in.mod.Memory().Size(); after != before {
		t.Errorf("refused allocations grew memory from %d to %d bytes", before, after)
	}
	call("ncms_free", 12345)
	call("ncms_free", 0)
	for _, args := range [][]uint64{
		{12345, 6, 0, 0},     // op not from ncms_alloc
		{0, 6, 0, 0},         // op at 0
		{0, 0, 12345, 10},    // request not from ncms_alloc
		{0, 0, 0, 1<<32 - 1}, // the largest length, nothing behind it
		{1<<32 - 1, 1<<32 - 1, 1<<32 - 1, 1<<32 - 1},
	} {
		resp := read(call("ncms_call", args...))
		if !strings.Contains(resp, `"ok":false`) {
			t.Errorf("ncms_call%v = %s, want an error envelope", args, resp)
		}
	}
	// A request longer than its buffer.
	p := call("ncms_alloc", 4)
	if resp := read(call("ncms_call", 0, 0, p, 5)); !strings.Contains(resp, `"engine_internal"`) {
		t.Errorf("overlong request: %s", resp)
	}
	call("ncms_free", p)
	call("ncms_free", p) // twice
	v := read(call("ncms_version"))
	if want := string(native(t).Handle("version", nil)); v != want {
		t.Errorf("ncms_version = %s, want %s", v, want)
	}
}

// TestLoadPolicyReachesEveryInstance loads a policy through one instance and reads it
// through another, which must replay the load first.
func TestLoadPolicyReachesEveryInstance(t *testing.T) {
	ctx := context.Background()
	h := newHost(t, Options{PoolSize: 2})
	for range 2 {
		in, err := h.instantiate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		h.idle <- in
	}
	e := native(t)
	doc := loadDoc(t)
	get := []byte(`{"schema":1,"policy":"test-pingluo"}`)
	for _, c := range []struct{ op, req []byte }{
		{[]byte("load_policy"), doc}, // first instance
		{[]byte("get_policy"), get},  // second instance, which replays the load
		{[]byte("get_policy"), get},  // first again
		{[]byte("version"), nil},     // second
	} {
		want := e.Handle(string(c.op), c.req)
		got, err := h.Call(ctx, string(c.op), c.req)
		if err != nil {
			t.Fatal(err)
		}
		if !ok(got) || !bytes.Equal(got, want) {
			t.Errorf("%s: got %.300s, want %.300s", c.op, got, want)
		}
	}
	if n := h.created.Load(); n != 2 {
		t.Errorf("%d instances, want 2", n)
	}
	// Loading the same document again is recorded once.
	if _, err := h.Call(ctx, "load_policy", doc); err != nil {
		t.Fatal(err)
	}
	if len(h.loads) != 1 {
		t.Errorf("%d loads recorded, want 1", len(h.loads))
	}
}

// TestConcurrent has 8 goroutines make 50 calls each through a smaller pool.
func TestConcurrent(t *testing.T) {
	ctx := context.Background()
	h := newHost(t, Options{PoolSize: 4})
	e := native(t)
	var stateless []testCase
	for _, tc := range cases(t, false) {
		if tc.op != "load_policy" && !strings.Contains(string(tc.req), "test-pingluo") && !strings.Contains(tc.name, "after load") {
			stateless = append(stateless, tc)
		}
	}
	want := make([][]byte, len(stateless))
	for i, tc := range stateless {
		want[i] = e.Handle(tc.op, tc.req)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8*50)
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				k := (g*50 + i*7) % len(stateless)
				tc := stateless[k]
				got, err := h.Call(ctx, tc.op, tc.req)
				if err != nil {
					errs <- err
					continue
				}
				if !bytes.Equal(got, want[k]) {
					errs <- fmt.Errorf("%s: got %.200s, want %.200s", tc.name, got, want[k])
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := h.created.Load(); n > 4 {
		t.Errorf("%d instances for a pool of 4", n)
	}
}

// roster is a roster of n rows; 5000 keep the module busy for a while.
func roster(t testing.TB, n int) []byte {
	rows := make([]string, n)
	for i := range rows {
		rows[i] = strings.Replace(goodRow, `"row":1`, fmt.Sprintf(`"row":%d`, i+1), 1)
	}
	big := []byte(`{"schema":1,"policy":"pingluo-original","today":"2025-03-01","rows":[` + strings.Join(rows, ",") + `]}`)
	if len(big) > codec.MaxRequest {
		t.Fatalf("roster of %d bytes is over the codec's limit", len(big))
	}
	return big
}

// TestContextDone wants an error, not a response, when the context ends before or
// during a call, or while the call waits for an instance. A call cancelled in
// progress returns while the module still runs it, keeps its slot until the module
// is done, and its instance is then discarded; the host serves the next call with a
// fresh instance.
func TestContextDone(t *testing.T) {
	h := newHost(t, Options{PoolSize: 1})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Call(ctx, "settle", []byte(settleClaim)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v, want context.Canceled", err)
	}

	big := roster(t, 5000)
	start := time.Now()
	resp, err := h.Call(context.Background(), "validate_roster", big)
	if err != nil {
		t.Fatal(err)
	}
	if !ok(resp) {
		t.Fatalf("roster: %.300s", resp)
	}
	took := time.Since(start)
	t.Logf("a roster of %d bytes took %v", len(big), took)
	if n := h.created.Load(); n != 1 {
		t.Fatalf("%d instances created, want 1", n)
	}

	dl, cancel := context.WithTimeout(context.Background(), took/20)
	defer cancel()
	if resp, err := h.Call(dl, "validate_roster", big); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("deadline of %v on a %v call: err = %v, resp = %.100s", took/20, took, err, resp)
	}
	// The caller is back while the module still works on the roster: the call
	// holds the pool's only slot until it ends.
	if len(h.slots) != 1 {
		t.Errorf("the cancelled call returned after the module finished (%d slots in use)", len(h.slots))
	}

	// Waiting for the pool's only slot, which the abandoned call holds.
	dl2, cancel2 := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel2()
	if _, err := h.Call(dl2, "settle", []byte(settleClaim)); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting: err = %v, want context.DeadlineExceeded", err)
	}

	// The next call waits for the slot, and gets a fresh instance: the abandoned
	// one was discarded.
	got, err := h.Call(context.Background(), "settle", []byte(settleClaim))
	if err != nil {
		t.Fatal(err)
	}
	if want := native(t).Handle("settle", []byte(settleClaim)); !bytes.Equal(got, want) {
		t.Errorf("after cancellation: %.300s", got)
	}
	if n := h.created.Load(); n != 2 {
		t.Errorf("%d instances created, want 2: the abandoned instance was kept", n)
	}
	if len(h.slots) != 0 || len(h.idle) != 1 {
		t.Errorf("after the calls: %d slots in use, %d idle instances; want 0 and 1", len(h.slots), len(h.idle))
	}
}

// TestCancelConcurrent has 4 goroutines make calls through a pool of 2, cancelling
// every other one at once or soon after; each call answers the native bytes or a
// context error, and the pool is whole and serves correctly afterwards.
func TestCancelConcurrent(t *testing.T) {
	h := newHost(t, Options{PoolSize: 2})
	e := native(t)
	reqs := []testCase{
		{"settle", "settle", []byte(settleClaim)},
		{"twenty lines", "settle", []byte(twentyLines())},
		{"roster", "validate_roster", roster(t, 500)},
	}
	want := make([][]byte, len(reqs))
	for i, tc := range reqs {
		want[i] = e.Handle(tc.op, tc.req)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4*8)
	for g := range 4 {
		wg.Go(func() {
			for i := range 8 {
				tc := reqs[(g+i)%len(reqs)]
				ctx, cancel := context.WithCancel(context.Background())
				if i%2 == 1 {
					time.AfterFunc(time.Duration(g)*time.Millisecond, cancel)
				}
				got, err := h.Call(ctx, tc.op, tc.req)
				cancel()
				switch {
				case err != nil && !errors.Is(err, context.Canceled):
					errs <- fmt.Errorf("%s: %w", tc.name, err)
				case err == nil && !bytes.Equal(got, want[(g+i)%len(reqs)]):
					errs <- fmt.Errorf("%s: got %.200s", tc.name, got)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// Wait for the abandoned calls to end: then every slot is free.
	for range 2 {
		h.slots <- struct{}{}
	}
	for range 2 {
		<-h.slots
	}
	if n := len(h.idle); n > 2 {
		t.Errorf("%d idle instances for a pool of 2", n)
	}
	for i, tc := range reqs {
		got, err := h.Call(context.Background(), tc.op, tc.req)
		if err != nil || !bytes.Equal(got, want[i]) {
			t.Errorf("after: %s: %v %.200s", tc.name, err, got)
		}
	}
}

// TestClose wants ErrClosed after Close.
func TestClose(t *testing.T) {
	h := newHost(t, Options{})
	if _, err := h.Call(context.Background(), "version", nil); err != nil {
		t.Fatal(err)
	}
	if err := h.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Call(context.Background(), "version", nil); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
}

// TestNewRejectsOtherModules wants an error, not a panic, for bytes that are not the
// module.
func TestNewRejectsOtherModules(t *testing.T) {
	for name, b := range map[string][]byte{
		"empty":        nil,
		"garbage":      []byte("not wasm"),
		"empty module": {0, 'a', 's', 'm', 1, 0, 0, 0},
		"truncated":    wasmBytes[:len(wasmBytes)/2],
	} {
		if h, err := New(context.Background(), b, Options{}); err == nil {
			h.Close(context.Background())
			t.Errorf("%s: no error", name)
		}
	}
}

// TestCompilationCache compiles into a cache directory and loads from it.
func TestCompilationCache(t *testing.T) {
	dir := t.TempDir()
	for range 2 {
		h := newHost(t, Options{CompilationCache: dir})
		if got, err := h.Call(context.Background(), "settle", []byte(settleClaim)); err != nil || !ok(got) {
			t.Fatalf("%v %.300s", err, got)
		}
		h.Close(context.Background())
	}
	if entries, _ := os.ReadDir(dir); len(entries) == 0 {
		t.Error("nothing cached")
	}
}

// TestReproducible builds the module again, into another directory with an empty
// build cache, and wants the same bytes.
func TestReproducible(t *testing.T) {
	dir := t.TempDir()
	again := filepath.Join(dir, "ncms.wasm")
	if err := build.Module(context.Background(), again, filepath.Join(dir, "gocache")); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(again)
	if err != nil {
		t.Fatal(err)
	}
	first := wasmBytes
	if os.Getenv("NCMS_WASM") != "" {
		// The module under test was made elsewhere; compare two fresh builds.
		other := filepath.Join(dir, "other.wasm")
		if err := build.Module(context.Background(), other, ""); err != nil {
			t.Fatal(err)
		}
		if first, err = os.ReadFile(other); err != nil {
			t.Fatal(err)
		}
	}
	if a, b := sha256.Sum256(first), sha256.Sum256(b); a != b {
		t.Errorf("builds differ: %x and %x", a, b)
	} else {
		t.Logf("sha256 %x, %d bytes", a, len(first))
	}
}

// BenchmarkWasmSettle settles core/engine's 20-line claim through the module, with a
// context that cannot end and with one that can: the two must cost the same.
func BenchmarkWasmSettle(b *testing.B) {
	h := newHost(b, Options{PoolSize: 1})
	req := []byte(twentyLines())
	cctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, bc := range []struct {
		name string
		ctx  context.Context
	}{{"background", context.Background()}, {"cancellable", cctx}} {
		b.Run(bc.name, func(b *testing.B) {
			if resp, err := h.Call(bc.ctx, "settle", req); err != nil || !ok(resp) {
				b.Fatalf("%v %s", err, resp)
			}
			b.ReportAllocs()
			coretest.CPUPerOp(b, func() {
				if _, err := h.Call(bc.ctx, "settle", req); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

func BenchmarkNativeSettle(b *testing.B) {
	e := native(b)
	req := []byte(twentyLines())
	if resp := e.Handle("settle", req); !ok(resp) {
		b.Fatalf("%s", resp)
	}
	b.ReportAllocs()
	coretest.CPUPerOp(b, func() { e.Handle("settle", req) })
}

// BenchmarkInstantiate measures a new instance of the compiled module, _initialize
// included, and then also its first call (which creates the engine and compiles the
// example policies).
func BenchmarkInstantiate(b *testing.B) {
	ctx := context.Background()
	h := newHost(b, Options{PoolSize: 1})
	b.Run("initialize", func(b *testing.B) {
		coretest.CPUPerOp(b, func() {
			in, err := h.instantiate(ctx)
			if err != nil {
				b.Fatal(err)
			}
			in.mod.Close(ctx)
		})
	})
	b.Run("first-call", func(b *testing.B) {
		coretest.CPUPerOp(b, func() {
			in, err := h.instantiate(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := in.exchange(ctx, "version", nil); err != nil {
				b.Fatal(err)
			}
			in.mod.Close(ctx)
		})
	})
}
