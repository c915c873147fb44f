package report

import (
	"fmt"
	"iter"
	"time"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/server/ledger"
)

// Budget is a year's fund spending month by month against the county's annual
// budget for the funds (年度基金预算), for the chart of spending against the budget
// and the fund-by-fund totals under it.
type Budget struct {
	Year int `json:"year"`
	// Budget is the county's annual budget for the funds; absent when the server was
	// started without one for the year (ncms serve --budget YEAR=AMOUNT).
	Budget *money.Amount `json:"budget,omitempty"`
	// Spent is what the funds paid for the standing settlements admitted in the year;
	// Funds splits it by fund, ordered by fund code.
	Spent money.Amount      `json:"spent"`
	Funds []ledger.FundPaid `json:"funds"`
	// Share is Spent ÷ Budget (基金使用率), half-up to four decimals; absent without a
	// budget or when it is zero.
	Share *money.Rate `json:"share,omitempty"`
	// Months has the twelve months of the year in order, each with what the funds
	// paid in it and in the year up to its end.
	Months []BudgetMonth `json:"months"`
}

// BudgetMonth is one month of a Budget.
type BudgetMonth struct {
	Month      string       `json:"month"` // 2026-03
	FundTotal  money.Amount `json:"fundTotal"`
	Cumulative money.Amount `json:"cumulative"`
}

// YearRange returns the range of the days of one calendar year.
func YearRange(year int) Range {
	return Range{From: civil.New(year, time.January, 1), To: civil.New(year, time.December, 31)}
}

// BuildBudget sums the year's standing settlements month by month (the monthly
// summary's figures, so the two reports agree) against budget, which may be nil.
func BuildBudget(entries iter.Seq2[*ledger.Entry, error], year int, budget *money.Amount) (*Budget, error) {
	if year < 1 || year > 9999 {
		var es core.Errors
		es.AddText(core.FieldInvalid, "/year", fmt.Sprintf("%d is not a year", year), fmt.Sprintf("%d 不是年份", year))
		return nil, es.Err()
	}
	if budget != nil {
		if err := budget.Check("/budget"); err != nil {
			return nil, core.Errors{err}
		}
	}
	sum, err := BuildSummary(entries, SummaryQuery{Range: YearRange(year), Period: Month, GroupBy: Ungrouped})
	if err != nil {
		return nil, err
	}
	b := &Budget{Year: year, Budget: budget, Funds: []ledger.FundPaid{}, Months: make([]BudgetMonth, 12)}
	byMonth := make(map[string]SummaryRow, len(sum.Rows))
	for _, r := range sum.Rows {
		byMonth[r.Period] = r
	}
	var run money.Amount
	funds := make(map[[2]string]money.Amount)
	for m := range b.Months {
		key := fmt.Sprintf("%04d-%02d", year, m+1)
		r := byMonth[key]
		run = run.Add(r.FundTotal)
		b.Months[m] = BudgetMonth{Month: key, FundTotal: r.FundTotal, Cumulative: run}
		for _, f := range r.Funds {
			k := [2]string{f.Fund, f.Kind}
			funds[k] = funds[k].Add(f.Amount)
		}
	}
	b.Spent = run
	for k, a := range funds {
		b.Funds = append(b.Funds, ledger.FundPaid{Fund: k[0], Kind: k[1], Amount: a})
	}
	sortFunds(b.Funds)
	if budget != nil && budget.Sign() > 0 {
		share := money.Ratio(run, *budget)
		b.Share = &share
	}
	return b, nil
}
