// Command go settles the Pingluo worked example through the WebAssembly module, with
// wasm/host over wazero:
//
//	make wasm && go run ./wasm/examples/go wasm/js/ncms.wasm
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/settle"
	"github.com/ruralhealth/ncms/wasm/host"
)

// request is an 8432元 stay at the county hospital under Pingluo's original scheme.
const request = `{"schema":1,"policy":"pingluo-original","claim":{"id":"V1",
 "person":{"id":"640221198001010015","category":"farmer","birthDate":"1980-01-01","enrollment":[{"year":2025,"paidOn":"2024-12-01"}]},
 "visit":{"type":"inpatient","class":"county","referral":false,"admission":"2025-03-01","discharge":"2025-03-10"},
 "items":[{"code":"X1","kind":"treatment","class":"A","amount":"8432"}],
 "totals":{"year":0,"funds":[],"admissions":[],"familyAccount":"0"}}}`

func main() {
	path := "wasm/js/ncms.wasm"
	if len(os.Args) > 1 {
		path = os.Args[1]
	}
	if err := run(context.Background(), path, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, path string, w io.Writer) error {
	wasm, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	h, err := host.New(ctx, wasm, host.Options{})
	if err != nil {
		return err
	}
	defer h.Close(ctx)

	resp, err := h.Call(ctx, "settle", []byte(request))
	if err != nil {
		return err // the call itself failed; bad input is an envelope, below
	}
	// OpenAs reads the envelope strictly: the result, or its errors as core.Errors.
	r, err := engine.OpenAs[settle.Result](resp)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "total %s, fund %s, cash %s (%s)\n", r.Total, r.FundTotal, r.Cash, r.Policy.ID)
	return nil
}
