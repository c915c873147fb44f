package engine_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ruralhealth/ncms/core/codec"
	"github.com/ruralhealth/ncms/core/engine"
)

// twentyLines is a typical inpatient discharge bill: 20 lines across kinds and
// catalogue classes, in the county hospital.
func twentyLines() string {
	kinds := []string{"drug", "exam", "treatment", "material", "bed"}
	classes := []string{"A", "A", "B", "A", "self"}
	var items []string
	for i := 0; i < 20; i++ {
		items = append(items, fmt.Sprintf(`{"code":"I%02d","kind":%q,"class":%q,"amount":"%d.%02d","overLimit":"0"}`,
			i, kinds[i%5], classes[i%5], 150+i*37, i*7%100))
	}
	return `{"schema":1,"policy":"test-pingluo","claim":{"id":"B1",
 "person":{"id":"640221198001010015","category":"general","birthDate":"1980-01-01","enrollment":[{"year":2025,"paidOn":"2024-12-01"}]},
 "visit":{"type":"inpatient","class":"county","referral":false,"admission":"2025-03-01","discharge":"2025-03-10"},
 "items":[` + strings.Join(items, ",") + `],
 "totals":{"year":2025,"funds":[{"fund":"inpatient","paid":"500","base":"0","deductible":"0","visits":1}],"admissions":[{"class":"county","count":1}],"familyAccount":"0"}}}`
}

// BenchmarkSettleTyped measures the calculation alone: a decoded claim in, a result out.
func BenchmarkSettleTyped(b *testing.B) {
	e := newEngine(b)
	var req engine.SettleRequest
	if err := codec.Decode([]byte(twentyLines()), &req); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		c := req.Claim
		if _, err := e.Settle(req.Policy, "", &c, true); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSettleJSON measures what a host pays: request bytes in, response bytes out.
func BenchmarkSettleJSON(b *testing.B) {
	e := newEngine(b)
	req := []byte(twentyLines())
	if out := e.Handle(engine.OpSettle, req); !strings.Contains(string(out), `"ok":true`) {
		b.Fatalf("%s", out)
	}
	b.ReportAllocs()
	for b.Loop() {
		e.Handle(engine.OpSettle, req)
	}
}
