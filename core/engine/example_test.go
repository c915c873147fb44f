package engine_test

import (
	"fmt"

	codec "github.com/ruralhealth/ncms/core/codec/anycodec"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/settle"
)

// The Pingluo county report's worked example (RULES.md §2.1): an 8432元 stay at the
// county hospital. The whole amount above the 300元 deductible is paid at the 55%
// band the cost reaches, (8432 − 300) × 55% = 4472.60, capped at 4000.
func ExampleEngine_Handle() {
	e, err := engine.WithExamples()
	if err != nil {
		panic(err)
	}
	resp := e.Handle(engine.OpEstimate, []byte(`{"schema":1,"policy":"pingluo-original","claim":{
	  "person":{"id":"640221198001010015","category":"farmer","birthDate":"1980-01-01",
	            "enrollment":[{"year":2025,"paidOn":"2024-12-01"}]},
	  "visit":{"type":"inpatient","class":"county","referral":false,"admission":"2025-03-01","discharge":"2025-03-10"},
	  "items":[{"code":"X1","kind":"treatment","class":"A","amount":"8432"}],
	  "totals":{"year":0,"funds":[],"admissions":[],"familyAccount":"0"}}}`))
	var out struct {
		Schema int            `json:"schema"`
		OK     bool           `json:"ok"`
		Result *settle.Result `json:"result"`
	}
	if err := codec.Decode(resp, &out); err != nil {
		panic(err)
	}
	r := out.Result
	fmt.Println(r.Route, r.Deductible, r.FundTotal, r.Cash, r.EffectiveRatio.Percent(), r.Warnings[0].Code)

	resp = e.Handle(engine.OpCheckID, []byte(`{"schema":1,"id":"11010519491231002x","today":"2025-01-01"}`))
	fmt.Println(string(resp))
	// Output:
	// benefit 300.00 4000.00 4432.00 47.44% warn_cap_reached
	// {"schema":1,"ok":true,"result":{"number":"11010519491231002X","region":"110105","birth":"1949-12-31","sequence":"002","male":false,"upgraded":false}}
}
