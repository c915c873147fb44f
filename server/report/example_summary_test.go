package report_test

import (
	"fmt"
	"time"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/server/ledger"
	"github.com/ruralhealth/ncms/server/report"
)

// entriesOf serves entries as ledger.Tx.Entries does, without a database.
func entriesOf(list ...*ledger.Entry) func(yield func(*ledger.Entry, error) bool) {
	return func(yield func(*ledger.Entry, error) bool) {
		for _, e := range list {
			if !yield(e, nil) {
				return
			}
		}
	}
}

func ExampleBuildSummary() {
	day, amt := civil.MustParse, money.MustAmount
	entries := entriesOf(
		&ledger.Entry{Seq: 1, Kind: ledger.KindSettlement, Person: "640221199001010015",
			VisitType: string(policy.VisitInpatient), Admission: day("2024-03-08"),
			Total: amt("8432.00"), FundTotal: amt("4000.00"), Cash: amt("4432.00")},
		&ledger.Entry{Seq: 2, Kind: ledger.KindSettlement, Person: "640221198505050023",
			VisitType: string(policy.VisitOutpatient), Admission: day("2024-03-12"),
			Total: amt("85.50"), FundTotal: amt("34.20"), Cash: amt("51.30")},
		&ledger.Entry{Seq: 3, Kind: ledger.KindSettlement, Person: "640221199001010015",
			VisitType: string(policy.VisitOutpatient), Admission: day("2024-03-25"),
			Total: amt("60.00"), FundTotal: amt("24.00"), Cash: amt("36.00")},
		// The clerk reverses seq 2 in April; March's figures no longer count it.
		&ledger.Entry{Seq: 4, Kind: ledger.KindReversal, Reverses: 2, Admission: day("2024-04-02")},
	)
	s, err := report.BuildSummary(entries, report.SummaryQuery{
		Range:  report.MonthRange(2024, time.March),
		Period: report.TenDay, // 旬
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range s.Rows {
		fmt.Println(r.Period, r.Start, r.End, r.Visits, r.Persons, r.Total, r.FundTotal, r.PerCapita, r.EffectiveRatio)
	}
	// Output:
	// 2024-03-D1 2024-03-01 2024-03-10 1 1 8432.00 4000.00 4000.00 0.4744
	// 2024-03-D3 2024-03-21 2024-03-31 1 1 60.00 24.00 24.00 0.4
}
