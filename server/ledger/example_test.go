package ledger_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/server/ledger"
	"github.com/ruralhealth/ncms/server/store"
)

// A hospital settles a Pingluo stay of 8432.00 (RULES.md §2.1: the whole-amount bands
// give 4000.00, the annual cap), retries the same request after a timeout and gets
// the same settlement back, then settles a second stay that the exhausted cap leaves
// unpaid.
func ExampleLedger_Settle() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "ledger-example")
	defer os.RemoveAll(dir)
	st, err := store.Open(ctx, filepath.Join(dir, "ncms.db"))
	if err != nil {
		panic(err)
	}
	defer st.Close()
	e, _ := engine.WithExamples()
	l, err := ledger.New(ctx, st, e, nil, ledger.Options{})
	if err != nil {
		panic(err)
	}
	var r struct {
		FundTotal money.Amount `json:"fundTotal"`
	}
	for _, visit := range []string{"V1", "V1", "V2"} {
		s, err := l.Settle(ctx, "his-key", request(visit, "8432.00"))
		if err != nil {
			fmt.Println(core.ErrorCode(err))
			continue
		}
		jsonv2.Unmarshal(s.Result, &r)
		fmt.Printf("%s: settlement %d, replayed %v, the fund pays %s\n", visit, s.Seq, s.Replayed, r.FundTotal)
	}
	_, err = l.Settle(ctx, "his-key", request("V1", "9000.00"))
	fmt.Println("V1 with another bill:", core.ErrorCode(err))
	// Output:
	// V1: settlement 1, replayed false, the fund pays 4000.00
	// V1: settlement 1, replayed true, the fund pays 4000.00
	// V2: settlement 2, replayed false, the fund pays 0.00
	// V1 with another bill: settlement_conflict
}
