package report_test

import (
	"fmt"
	"os"
	"time"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/server/ledger"
	"github.com/ruralhealth/ncms/server/report"
)

// villageRegistry is a registry in memory; a server passes report.TxRegistry.
type villageRegistry struct {
	persons    map[string]ledger.Person
	households map[string]ledger.Household
}

func (r villageRegistry) Person(id string) (*ledger.Person, error) {
	if p, ok := r.persons[id]; ok {
		return &p, nil
	}
	return nil, ledger.ErrNotFound
}

func (r villageRegistry) Household(id string) (*ledger.Household, error) {
	if h, ok := r.households[id]; ok {
		return &h, nil
	}
	return nil, ledger.ErrNotFound
}

func ExampleBuildNotice() {
	day, amt := civil.MustParse, money.MustAmount
	reg := villageRegistry{
		persons: map[string]ledger.Person{
			"640221199001010015": {ID: "640221199001010015", Name: "王大山", Household: "HH-1"},
		},
		households: map[string]ledger.Household{
			"HH-1": {ID: "HH-1", Township: "城关镇", Village: "红星村"},
		},
	}
	entries := func(yield func(*ledger.Entry, error) bool) {
		yield(&ledger.Entry{Seq: 1, Kind: ledger.KindSettlement, Person: "640221199001010015",
			Household: "HH-1", Institution: "640221001", VisitType: string(policy.VisitInpatient),
			Admission: day("2024-03-08"), Discharge: day("2024-03-15"),
			Total: amt("8432.00"), FundTotal: amt("4000.00")}, nil)
	}
	n, err := report.BuildNotice(entries, report.MonthRange(2024, time.March), reg)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := n.WriteCSV(os.Stdout, report.Chinese); err != nil {
		fmt.Println(err)
	}
	// Output:
	// 乡镇,村,姓名,身份证号,就诊类型,医疗机构,入院日期,出院日期,总费用,补偿金额
	// 城关镇,红星村,王大山,640221********0015,住院,640221001,2024-03-08,2024-03-15,8432.00,4000.00
}
