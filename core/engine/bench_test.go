package engine_test

import (
	"os"
	"strings"
	"testing"

	codec "github.com/ruralhealth/ncms/core/codec/anycodec"
	"github.com/ruralhealth/ncms/core/coretest"
	"github.com/ruralhealth/ncms/core/engine"
)

// twentyLines is a typical inpatient discharge bill under the embedded Pingluo
// scheme: 20 lines across kinds and catalogue classes, in the county hospital. The wasm
// host's benchmark settles the same file.
func twentyLines(b testing.TB) []byte {
	req, err := os.ReadFile("testdata/twenty-lines.json")
	if err != nil {
		b.Fatal(err)
	}
	return req
}

func examples(b *testing.B) *engine.Engine {
	e, err := engine.WithExamples()
	if err != nil {
		b.Fatal(err)
	}
	return e
}

// BenchmarkSettleTyped measures the calculation alone: a decoded claim in, a result out.
func BenchmarkSettleTyped(b *testing.B) {
	e := examples(b)
	var req engine.SettleRequest
	if err := codec.Decode(twentyLines(b), &req); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	coretest.CPUPerOp(b, func() {
		c := req.Claim
		if _, err := e.Settle(req.Policy, "", &c, true); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkSettleJSON measures what a host pays: request bytes in, response bytes out.
func BenchmarkSettleJSON(b *testing.B) {
	e := examples(b)
	req := twentyLines(b)
	if out := e.Handle(engine.OpSettle, req); !strings.Contains(string(out), `"ok":true`) {
		b.Fatalf("%s", out)
	}
	b.ReportAllocs()
	coretest.CPUPerOp(b, func() { e.Handle(engine.OpSettle, req) })
}

// BenchmarkSettleJSONExplained is BenchmarkSettleJSON asking for the result explained
// in Chinese: what a host that shows the trace pays for the sentences and clauses.
func BenchmarkSettleJSONExplained(b *testing.B) {
	e := examples(b)
	req := []byte(strings.Replace(string(twentyLines(b)), `"schema":1,`, `"schema":1,"lang":"zh",`, 1))
	if out := e.Handle(engine.OpSettle, req); !strings.Contains(string(out), `"text":"`) {
		b.Fatalf("no sentences: %s", out)
	}
	b.ReportAllocs()
	coretest.CPUPerOp(b, func() { e.Handle(engine.OpSettle, req) })
}

// BenchmarkSettleJSONNational is BenchmarkSettleJSON asking for the national profile:
// what a host that maps the national interface's fields pays for them.
func BenchmarkSettleJSONNational(b *testing.B) {
	e := examples(b)
	req := []byte(strings.Replace(string(twentyLines(b)), `"schema":1,`, `"schema":1,"profile":"national",`, 1))
	if out := e.Handle(engine.OpSettle, req); !strings.Contains(string(out), `"setldetail":[{`) {
		b.Fatalf("no national profile: %s", out)
	}
	b.ReportAllocs()
	coretest.CPUPerOp(b, func() { e.Handle(engine.OpSettle, req) })
}
