package report_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/server/report"
)

func TestBuildBudget(t *testing.T) {
	entries := journal{
		settle(1, idA, "2025-12-31", "900.00", "800.00"), // the year before: not counted
		settle(2, idA, "2026-01-05", "1000.00", "600.00"),
		settle(3, idB, "2026-01-20", "300.00", "100.00"),
		settle(4, idB, "2026-03-02", "2000.00", "1500.50"),
	}
	budget := money.MustAmount("10000.00")
	tests := []struct {
		name   string
		budget *money.Amount
		// want: spent, share, then month:fund/cumulative for January to April.
		want string
	}{
		{"with a budget", &budget, "spent=2200.50 share=0.2201 2026-01:700.00/700.00 2026-02:0.00/700.00 2026-03:1500.50/2200.50 2026-04:0.00/2200.50"},
		{"without", nil, "spent=2200.50 share=- 2026-01:700.00/700.00 2026-02:0.00/700.00 2026-03:1500.50/2200.50 2026-04:0.00/2200.50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := report.BuildBudget(entries.seq(), 2026, tt.budget)
			if err != nil {
				t.Fatal(err)
			}
			share := "-"
			if b.Share != nil {
				share = b.Share.String()
			}
			parts := []string{"spent=" + b.Spent.String(), "share=" + share}
			for _, m := range b.Months[:4] {
				parts = append(parts, fmt.Sprintf("%s:%s/%s", m.Month, m.FundTotal, m.Cumulative))
			}
			if got := strings.Join(parts, " "); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			if len(b.Months) != 12 || b.Months[11].Cumulative.String() != "2200.50" {
				t.Errorf("months %d, December's cumulative %s", len(b.Months), b.Months[11].Cumulative)
			}
			if len(b.Funds) != 1 || b.Funds[0].Fund != "basic" || b.Funds[0].Amount.String() != "2200.50" {
				t.Errorf("funds %+v", b.Funds)
			}
		})
	}
}

func TestBuildBudgetRefuses(t *testing.T) {
	bad := money.Yuan(0).Sub(money.Yuan(1))
	for _, tt := range []struct {
		name   string
		year   int
		budget *money.Amount
		path   string
	}{{"year zero", 0, nil, "/year"}, {"negative budget", 2026, &bad, "/budget"}} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := report.BuildBudget(journal{}.seq(), tt.year, tt.budget)
			var es core.Errors
			if !errors.As(err, &es) || es[0].Path != tt.path {
				t.Fatalf("got %v, want an error at %s", err, tt.path)
			}
		})
	}
}
