package report_test

import (
	"os"

	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/server/ledger"
	"github.com/ruralhealth/ncms/server/report"
)

// A batch of three approved statements pays two institutions: one transfer each,
// then the control line with the number of transfers and their total.
func ExampleWriteBankCSV() {
	b := &ledger.Batch{ID: 7, Total: money.MustAmount("15234.50"), Items: []ledger.BatchItem{
		{Statement: 11, Institution: "H002", Amount: money.MustAmount("3000.00")},
		{Statement: 12, Institution: "H001", Amount: money.MustAmount("12000.00")},
		{Statement: 14, Institution: "H002", Amount: money.MustAmount("234.50")},
	}}
	names := map[string]string{"H001": "县人民医院", "H002": "城关镇卫生院"}
	name := func(code string) string { return names[code] }
	if err := report.WriteBankCSV(os.Stdout, b, name, report.Chinese); err != nil {
		panic(err)
	}
	if err := report.WriteBankCSV(os.Stdout, b, name, report.English); err != nil {
		panic(err)
	}
	// Output:
	// 序号,收款单位编码,收款单位名称,金额,摘要
	// 1,H001,县人民医院,12000.00,新农合拨付 批次7 结算单12
	// 2,H002,城关镇卫生院,3234.50,新农合拨付 批次7 结算单11、14
	// 合计,2,,15234.50,
	// no,institution,name,amount,memo
	// 1,H001,县人民医院,12000.00,NCMS batch 7 statements 12
	// 2,H002,城关镇卫生院,3234.50,NCMS batch 7 statements 11 14
	// total,2,,15234.50,
}
