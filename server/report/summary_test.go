package report_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/server/ledger"
	"github.com/ruralhealth/ncms/server/report"
)

// rowText renders a row compactly so that a test's expectations read as a table.
func rowText(r report.SummaryRow) string {
	var fs []string
	for _, f := range r.Funds {
		fs = append(fs, f.Fund+"="+f.Amount.String())
	}
	return fmt.Sprintf("%s %s..%s [%s] v=%d p=%d total=%s fund=%s cash=%s pc=%s ratio=%s funds=%s",
		r.Period, r.Start, r.End, r.Group, r.Visits, r.Persons, r.Total, r.FundTotal, r.Cash,
		r.PerCapita, r.EffectiveRatio, strings.Join(fs, ","))
}

func TestBuildSummary(t *testing.T) {
	// groups is shared by the grouping cases: four March visits of two persons.
	groups := journal{
		settle(1, idA, "2024-03-01", "1000.00", "500.00", at("H1", "county", "T1")),
		settle(2, idA, "2024-03-02", "50.00", "25.00", at("V1", "village", "T1"), visitType(string(policy.VisitOutpatient))),
		settle(3, idB, "2024-03-03", "2000.00", "1600.00", at("H2", "township", "T2")),
		settle(4, idB, "2024-03-04", "3000.00", "400.00", at("H1", "county", "T2"), visitType(string(policy.VisitMaternity))),
	}
	tests := []struct {
		name    string
		entries journal
		q       report.SummaryQuery
		want    []string
	}{
		{
			name: "day",
			entries: journal{
				settle(1, idA, "2024-03-05", "1000.00", "600.00"),
				settle(2, idA, "2024-03-05", "200.00", "50.00"),
				settle(3, idB, "2024-03-05", "300.00", "100.00"),
				settle(4, idB, "2024-03-06", "80.00", "0.00"),
			},
			q: report.SummaryQuery{Range: month(2024, time.March), Period: report.Day},
			// 03-05: three visits of A, A, B → 2 persons; total 1000+200+300 = 1500,
			// fund 600+50+100 = 750, cash 750; per capita 750 ÷ 2 = 375; ratio 750 ÷ 1500.
			// 03-06: one visit the fund paid nothing for: per capita and ratio 0.
			want: []string{
				"2024-03-05 2024-03-05..2024-03-05 [] v=3 p=2 total=1500.00 fund=750.00 cash=750.00 pc=375.00 ratio=0.5 funds=basic=750.00",
				"2024-03-06 2024-03-06..2024-03-06 [] v=1 p=1 total=80.00 fund=0.00 cash=80.00 pc=0.00 ratio=0 funds=basic=0.00",
			},
		},
		{
			name: "ten-day boundaries",
			entries: journal{
				settle(1, idA, "2023-01-10", "10.00", "0.00"), // last day of 上旬
				settle(2, idA, "2023-01-11", "11.00", "0.00"), // first day of 中旬
				settle(3, idA, "2023-01-20", "20.00", "0.00"), // last day of 中旬
				settle(4, idA, "2023-01-21", "21.00", "0.00"), // first day of 下旬
				settle(5, idA, "2023-01-31", "31.00", "0.00"), // 下旬 of a 31-day month
				settle(6, idA, "2023-02-28", "28.00", "0.00"), // 下旬 ends on the 28th
				settle(7, idA, "2024-02-29", "29.00", "0.00"), // leap year: on the 29th
				settle(8, idA, "2024-04-30", "30.00", "0.00"), // 30-day month
			},
			q: report.SummaryQuery{Range: span("2023-01-01", "2024-12-31"), Period: report.TenDay},
			// 中旬 of January: 11 + 20 = 31; 下旬: 21 + 31 = 52. No row for empty 旬.
			want: []string{
				"2023-01-D1 2023-01-01..2023-01-10 [] v=1 p=1 total=10.00 fund=0.00 cash=10.00 pc=0.00 ratio=0 funds=basic=0.00",
				"2023-01-D2 2023-01-11..2023-01-20 [] v=2 p=1 total=31.00 fund=0.00 cash=31.00 pc=0.00 ratio=0 funds=basic=0.00",
				"2023-01-D3 2023-01-21..2023-01-31 [] v=2 p=1 total=52.00 fund=0.00 cash=52.00 pc=0.00 ratio=0 funds=basic=0.00",
				"2023-02-D3 2023-02-21..2023-02-28 [] v=1 p=1 total=28.00 fund=0.00 cash=28.00 pc=0.00 ratio=0 funds=basic=0.00",
				"2024-02-D3 2024-02-21..2024-02-29 [] v=1 p=1 total=29.00 fund=0.00 cash=29.00 pc=0.00 ratio=0 funds=basic=0.00",
				"2024-04-D3 2024-04-21..2024-04-30 [] v=1 p=1 total=30.00 fund=0.00 cash=30.00 pc=0.00 ratio=0 funds=basic=0.00",
			},
		},
		{
			name: "ISO weeks across year boundaries",
			entries: journal{
				settle(1, idA, "2020-12-31", "1.00", "0.00"), // Thursday of 2020-W53 (2020 has 53 weeks)
				settle(2, idA, "2021-01-03", "2.00", "0.00"), // Sunday: still 2020-W53
				settle(3, idA, "2021-01-04", "3.00", "0.00"), // Monday: 2021-W01
				settle(4, idA, "2024-12-29", "4.00", "0.00"), // Sunday of 2024-W52
				settle(5, idA, "2024-12-30", "5.00", "0.00"), // Monday: 2025-W01 starts in 2024
				settle(6, idA, "2025-01-05", "6.00", "0.00"), // Sunday: 2025-W01
				settle(7, idA, "2026-01-01", "7.00", "0.00"), // Thursday: 2026-W01 starts 2025-12-29
			},
			q: report.SummaryQuery{Range: span("2020-12-01", "2026-01-31"), Period: report.Week},
			want: []string{
				"2020-W53 2020-12-28..2021-01-03 [] v=2 p=1 total=3.00 fund=0.00 cash=3.00 pc=0.00 ratio=0 funds=basic=0.00",
				"2021-W01 2021-01-04..2021-01-10 [] v=1 p=1 total=3.00 fund=0.00 cash=3.00 pc=0.00 ratio=0 funds=basic=0.00",
				"2024-W52 2024-12-23..2024-12-29 [] v=1 p=1 total=4.00 fund=0.00 cash=4.00 pc=0.00 ratio=0 funds=basic=0.00",
				"2025-W01 2024-12-30..2025-01-05 [] v=2 p=1 total=11.00 fund=0.00 cash=11.00 pc=0.00 ratio=0 funds=basic=0.00",
				"2026-W01 2025-12-29..2026-01-04 [] v=1 p=1 total=7.00 fund=0.00 cash=7.00 pc=0.00 ratio=0 funds=basic=0.00",
			},
		},
		{
			name: "week rows may reach outside the range; visits outside it do not count",
			entries: journal{
				settle(1, idA, "2024-03-05", "5.00", "0.00"), // before the range
				settle(2, idA, "2024-03-06", "6.00", "0.00"), // Wednesday of W10 (03-04..03-10)
				settle(3, idA, "2024-03-11", "11.00", "0.00"),
				settle(4, idA, "2024-03-13", "13.00", "0.00"), // after the range
			},
			q: report.SummaryQuery{Range: span("2024-03-06", "2024-03-12"), Period: report.Week},
			want: []string{
				"2024-W10 2024-03-04..2024-03-10 [] v=1 p=1 total=6.00 fund=0.00 cash=6.00 pc=0.00 ratio=0 funds=basic=0.00",
				"2024-W11 2024-03-11..2024-03-17 [] v=1 p=1 total=11.00 fund=0.00 cash=11.00 pc=0.00 ratio=0 funds=basic=0.00",
			},
		},
		{
			name: "month by township, per-capita half-up",
			entries: journal{
				settle(1, idA, "2024-03-02", "300.00", "100.00"),
				settle(2, idB, "2024-03-15", "300.00", "50.00"),
				settle(3, idC, "2024-03-31", "400.00", "50.00"),
				settle(4, idD, "2024-03-20", "150.00", "100.00", at("H1", "county", "T2")),
				settle(5, idA, "2024-04-01", "99.99", "33.33"),
			},
			q: report.SummaryQuery{Range: span("2024-03-01", "2024-04-30"), Period: report.Month, GroupBy: report.ByTownship},
			// T1 March: 3 persons, fund 100+50+50 = 200; 200 ÷ 3 = 66.666… → 66.67.
			// T2 March: 100 ÷ 150 = 0.66666… → 0.6667.
			// T1 April: 33.33 ÷ 99.99 = 0.33333… → 0.3333.
			want: []string{
				"2024-03 2024-03-01..2024-03-31 [T1] v=3 p=3 total=1000.00 fund=200.00 cash=800.00 pc=66.67 ratio=0.2 funds=basic=200.00",
				"2024-03 2024-03-01..2024-03-31 [T2] v=1 p=1 total=150.00 fund=100.00 cash=50.00 pc=100.00 ratio=0.6667 funds=basic=100.00",
				"2024-04 2024-04-01..2024-04-30 [T1] v=1 p=1 total=99.99 fund=33.33 cash=66.66 pc=33.33 ratio=0.3333 funds=basic=33.33",
			},
		},
		{
			name: "per-capita truncated as Hu county reports it",
			entries: journal{
				settle(1, idA, "2024-03-02", "300.00", "100.00"),
				settle(2, idB, "2024-03-15", "300.00", "50.00"),
				settle(3, idC, "2024-03-31", "400.00", "50.00"),
			},
			q: report.SummaryQuery{Range: month(2024, time.March), Period: report.Month,
				PerCapita: policy.Rounding{Scale: 2, Mode: money.Down}},
			// 200 ÷ 3 = 66.666… truncated to 66.66.
			want: []string{
				"2024-03 2024-03-01..2024-03-31 [] v=3 p=3 total=1000.00 fund=200.00 cash=800.00 pc=66.66 ratio=0.2 funds=basic=200.00",
			},
		},
		{
			name:    "by visit type",
			entries: groups,
			q:       report.SummaryQuery{Range: month(2024, time.March), Period: report.Month, GroupBy: report.ByVisitType},
			// inpatient: seqs 1 and 3: 1000+2000, fund 500+1600 = 2100, 2100 ÷ 2 = 1050, ratio 0.7.
			// maternity: 400 ÷ 3000 = 0.13333… → 0.1333.
			want: []string{
				"2024-03 2024-03-01..2024-03-31 [inpatient] v=2 p=2 total=3000.00 fund=2100.00 cash=900.00 pc=1050.00 ratio=0.7 funds=basic=2100.00",
				"2024-03 2024-03-01..2024-03-31 [maternity] v=1 p=1 total=3000.00 fund=400.00 cash=2600.00 pc=400.00 ratio=0.1333 funds=basic=400.00",
				"2024-03 2024-03-01..2024-03-31 [outpatient] v=1 p=1 total=50.00 fund=25.00 cash=25.00 pc=25.00 ratio=0.5 funds=basic=25.00",
			},
		},
		{
			name:    "by facility class",
			entries: groups,
			q:       report.SummaryQuery{Range: month(2024, time.March), Period: report.Month, GroupBy: report.ByClass},
			// county: seqs 1 and 4 of A and B: 1000+3000, fund 500+400 = 900; 900 ÷ 2 = 450;
			// 900 ÷ 4000 = 0.225.
			want: []string{
				"2024-03 2024-03-01..2024-03-31 [county] v=2 p=2 total=4000.00 fund=900.00 cash=3100.00 pc=450.00 ratio=0.225 funds=basic=900.00",
				"2024-03 2024-03-01..2024-03-31 [township] v=1 p=1 total=2000.00 fund=1600.00 cash=400.00 pc=1600.00 ratio=0.8 funds=basic=1600.00",
				"2024-03 2024-03-01..2024-03-31 [village] v=1 p=1 total=50.00 fund=25.00 cash=25.00 pc=25.00 ratio=0.5 funds=basic=25.00",
			},
		},
		{
			name:    "by institution",
			entries: groups,
			q:       report.SummaryQuery{Range: month(2024, time.March), Period: report.Month, GroupBy: report.ByInstitution},
			want: []string{
				"2024-03 2024-03-01..2024-03-31 [H1] v=2 p=2 total=4000.00 fund=900.00 cash=3100.00 pc=450.00 ratio=0.225 funds=basic=900.00",
				"2024-03 2024-03-01..2024-03-31 [H2] v=1 p=1 total=2000.00 fund=1600.00 cash=400.00 pc=1600.00 ratio=0.8 funds=basic=1600.00",
				"2024-03 2024-03-01..2024-03-31 [V1] v=1 p=1 total=50.00 fund=25.00 cash=25.00 pc=25.00 ratio=0.5 funds=basic=25.00",
			},
		},
		{
			name:    "ungrouped",
			entries: groups,
			q:       report.SummaryQuery{Range: month(2024, time.March), Period: report.Month, GroupBy: report.Ungrouped},
			// total 1000+50+2000+3000 = 6050; fund 500+25+1600+400 = 2525; 2525 ÷ 2 = 1262.50;
			// 2525 ÷ 6050 = 0.417355… → 0.4174.
			want: []string{
				"2024-03 2024-03-01..2024-03-31 [] v=4 p=2 total=6050.00 fund=2525.00 cash=3525.00 pc=1262.50 ratio=0.4174 funds=basic=2525.00",
			},
		},
		{
			name: "funds summed by fund, ordered by code",
			entries: journal{
				settle(1, idA, "2024-03-01", "2000.00", "500.00", funds("catastrophic=200.00", "basic=300.00")),
				settle(2, idB, "2024-03-02", "500.00", "100.00"),
				settle(3, idC, "2024-03-03", "900.00", "150.00", funds("assistance=150.00")),
			},
			q: report.SummaryQuery{Range: month(2024, time.March), Period: report.Month},
			// basic 300 + 100; fund total 500+100+150 = 750 over 3 persons = 250; 750 ÷ 3400.
			want: []string{
				"2024-03 2024-03-01..2024-03-31 [] v=3 p=3 total=3400.00 fund=750.00 cash=2650.00 pc=250.00 ratio=0.2206 funds=assistance=150.00,basic=400.00,catastrophic=200.00",
			},
		},
		{
			name: "reversal recorded in a later month",
			entries: journal{
				settle(1, idA, "2024-03-10", "1000.00", "600.00"),
				settle(2, idB, "2024-03-12", "500.00", "200.00"),
				reverse(3, 1, "2024-04-20"), // dated in April, still cancels seq 1
			},
			q: report.SummaryQuery{Range: month(2024, time.March), Period: report.Month},
			want: []string{
				"2024-03 2024-03-01..2024-03-31 [] v=1 p=1 total=500.00 fund=200.00 cash=300.00 pc=200.00 ratio=0.4 funds=basic=200.00",
			},
		},
		{
			name: "reversal read before its settlement",
			entries: journal{
				reverse(3, 1, "2024-04-20"),
				settle(1, idA, "2024-03-10", "1000.00", "600.00"),
			},
			q:    report.SummaryQuery{Range: month(2024, time.March), Period: report.Month},
			want: nil,
		},
		{
			name: "correction counts once, with its own amounts",
			entries: journal{
				settle(1, idA, "2024-03-10", "1000.00", "600.00"),
				reverse(2, 1, "2024-04-02"),
				settle(3, idA, "2024-03-10", "1000.00", "650.00", corrects(1)),
			},
			q: report.SummaryQuery{Range: month(2024, time.March), Period: report.Month},
			want: []string{
				"2024-03 2024-03-01..2024-03-31 [] v=1 p=1 total=1000.00 fund=650.00 cash=350.00 pc=650.00 ratio=0.65 funds=basic=650.00",
			},
		},
		{
			name: "an entry read twice counts once",
			entries: journal{
				settle(1, idA, "2024-03-10", "1000.00", "600.00"),
				settle(1, idA, "2024-03-10", "1000.00", "600.00"),
			},
			q: report.SummaryQuery{Range: month(2024, time.March), Period: report.Day},
			want: []string{
				"2024-03-10 2024-03-10..2024-03-10 [] v=1 p=1 total=1000.00 fund=600.00 cash=400.00 pc=600.00 ratio=0.6 funds=basic=600.00",
			},
		},
		{
			name:    "no visits",
			entries: nil,
			q:       report.SummaryQuery{Range: month(2024, time.March), Period: report.TenDay},
			want:    nil,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := report.BuildSummary(tc.entries.seq(), tc.q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range s.Rows {
				got = append(got, rowText(r))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if s.Rows == nil {
				t.Error("Rows is nil; JSON would be null instead of []")
			}
		})
	}
}

func TestBuildSummaryQueryErrors(t *testing.T) {
	ok := report.SummaryQuery{Range: month(2024, time.March), Period: report.Month}
	tests := []struct {
		name string
		edit func(*report.SummaryQuery)
		code core.Code
		path string
	}{
		{"no from", func(q *report.SummaryQuery) { q.From = civil.Date{} }, core.FieldRequired, "/from"},
		{"no to", func(q *report.SummaryQuery) { q.To = civil.Date{} }, core.FieldRequired, "/to"},
		{"invalid date", func(q *report.SummaryQuery) { q.To = civil.New(2024, time.February, 30) }, core.DateInvalid, "/to"},
		{"to before from", func(q *report.SummaryQuery) { q.To = civil.MustParse("2024-02-29") }, core.DateOrder, "/to"},
		{"no period", func(q *report.SummaryQuery) { q.Period = "" }, core.FieldInvalid, "/period"},
		{"unknown period", func(q *report.SummaryQuery) { q.Period = "year" }, core.FieldInvalid, "/period"},
		{"unknown grouping", func(q *report.SummaryQuery) { q.GroupBy = "village" }, core.FieldInvalid, "/groupBy"},
		{"rounding mode", func(q *report.SummaryQuery) { q.PerCapita = policy.Rounding{Scale: 2, Mode: "nearest"} }, core.FieldInvalid, "/perCapita/mode"},
		{"rounding scale", func(q *report.SummaryQuery) { q.PerCapita = policy.Rounding{Scale: 9, Mode: money.Down} }, core.FieldInvalid, "/perCapita/scale"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := ok
			tc.edit(&q)
			_, err := report.BuildSummary(journal{}.seq(), q)
			if !hasError(err, tc.code, tc.path) {
				t.Errorf("error %v, want %s at %s", err, tc.code, tc.path)
			}
		})
	}
}

func TestBuildSummaryJournalErrors(t *testing.T) {
	broken := errors.New("connection reset")
	bad := settle(2, idA, "2024-03-01", "1.00", "0.00")
	bad.Admission = civil.New(2024, time.February, 30)
	var badAmount money.Amount
	if err := json.Unmarshal([]byte(`12.5`), &badAmount); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		entries func() journal
	}{
		{"nil entry", func() journal { return journal{nil} }},
		{"unknown kind", func() journal {
			e := settle(1, idA, "2024-03-01", "1.00", "0.00")
			e.Kind = "adjustment"
			return journal{e}
		}},
		{"invalid admission date", func() journal { return journal{bad} }},
		{"no admission date", func() journal {
			e := settle(1, idA, "2024-03-01", "1.00", "0.00")
			e.Admission = civil.Date{}
			return journal{e}
		}},
		{"invalid discharge date", func() journal {
			return journal{settle(1, idA, "2024-03-01", "1.00", "0.00", func(e *ledger.Entry) { e.Discharge = civil.New(2024, 13, 1) })}
		}},
		{"amount decoded from a JSON number", func() journal {
			return journal{settle(1, idA, "2024-03-01", "1.00", "0.00", func(e *ledger.Entry) { e.Drug = badAmount })}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := report.BuildSummary(tc.entries().seq(), report.SummaryQuery{Range: month(2024, time.March), Period: report.Day})
			if err == nil {
				t.Fatal("no error")
			}
		})
	}
	t.Run("read error is wrapped", func(t *testing.T) {
		_, err := report.BuildSummary(failing(journal{settle(1, idA, "2024-03-01", "1.00", "0.00")}, broken),
			report.SummaryQuery{Range: month(2024, time.March), Period: report.Day})
		if !errors.Is(err, broken) {
			t.Errorf("error %v does not wrap %v", err, broken)
		}
	})
	t.Run("nil iterator is an empty journal", func(t *testing.T) {
		s, err := report.BuildSummary(nil, report.SummaryQuery{Range: month(2024, time.March), Period: report.Day})
		if err != nil || len(s.Rows) != 0 {
			t.Errorf("got %v, %v", s, err)
		}
	})
}

func TestSummaryJSON(t *testing.T) {
	s, err := report.BuildSummary(journal{
		settle(1, idA, "2024-03-05", "1000.00", "600.00"),
		settle(2, idB, "2024-03-05", "500.00", "150.00"),
	}.seq(), report.SummaryQuery{Range: month(2024, time.March), Period: report.Month})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	// 750 ÷ 2 = 375; 750 ÷ 1500 = 0.5.
	want := `{"from":"2024-03-01","to":"2024-03-31","period":"month","groupBy":"none","rows":[` +
		`{"period":"2024-03","start":"2024-03-01","end":"2024-03-31","group":"","visits":2,"persons":2,` +
		`"total":"1500.00","fundTotal":"750.00","funds":[{"fund":"basic","kind":"pool","amount":"750.00"}],` +
		`"cash":"750.00","perCapita":"375.00","effectiveRatio":"0.5"}]}`
	if string(b) != want {
		t.Errorf("JSON\n%s\nwant\n%s", b, want)
	}
}

func TestJournal(t *testing.T) {
	tx := &fakeTx{entries: journal{
		settle(1, idA, "2024-02-28", "1.00", "0.00"),
		settle(2, idA, "2024-03-10", "1000.00", "600.00"),
		settle(3, idB, "2024-03-12", "500.00", "200.00"),
		settle(4, idB, "2024-04-01", "1.00", "0.00"),
		reverse(5, 2, "2024-04-20"),
		reverse(6, 1, "2024-01-01"),
	}}
	r := month(2024, time.March)
	var seqs []int64
	for e, err := range report.Journal(t.Context(), tx, r.From, r.To) {
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, e.Seq)
	}
	// March settlements, then every reversal whatever its date.
	if want := []int64{2, 3, 5, 6}; !slices.Equal(seqs, want) {
		t.Errorf("seqs %v, want %v", seqs, want)
	}
	s, err := report.BuildSummary(report.Journal(t.Context(), tx, r.From, r.To), report.SummaryQuery{Range: r, Period: report.Month})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Rows) != 1 || s.Rows[0].Visits != 1 || s.Rows[0].Total.String() != "500.00" {
		t.Errorf("rows %+v, want seq 3 alone", s.Rows)
	}
}

// hasError reports whether err holds a core error with code at path.
func hasError(err error, code core.Code, path string) bool {
	var es core.Errors
	if !errors.As(err, &es) {
		return false
	}
	return slices.ContainsFunc(es, func(e *core.Error) bool { return e.Code == code && e.Path == path })
}
