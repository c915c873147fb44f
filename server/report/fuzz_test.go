package report_test

import (
	"io"
	"testing"
	"time"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/server/ledger"
	"github.com/ruralhealth/ncms/server/report"
)

// fuzzJournal decodes a journal from bytes: small sequence numbers so that entries
// repeat and reversals hit, dates that may not exist, amounts that may be negative.
func fuzzJournal(data []byte) journal {
	next := func() int {
		if len(data) == 0 {
			return 0
		}
		b := data[0]
		data = data[1:]
		return int(b)
	}
	persons := []string{idA, idB, idC, "", "12345"}
	types := append(policy.VisitTypes(), "")
	warnings := []string{string(core.WarnWaitingPeriod), string(core.WarnNotEnrolled), string(core.WarnCapReached)}
	var j journal
	for len(data) > 0 && len(j) < 64 {
		e := &ledger.Entry{Seq: int64(next() % 16), Kind: ledger.KindSettlement}
		switch next() % 8 {
		case 0:
			e.Kind = ledger.KindReversal
			e.Reverses = int64(next() % 16)
		case 1:
			e.Kind = "adjustment"
		}
		e.Person = persons[next()%len(persons)]
		e.Household = []string{"", "HH-A", "HH-B", "HH-GONE"}[next()%4]
		e.Institution = []string{"H1", "H2", ""}[next()%3]
		e.Township = []string{"T1", "T2", ""}[next()%3]
		e.VisitType = string(types[next()%len(types)])
		e.Class = []string{"county", "village"}[next()%2]
		e.PolicyID = []string{"p", "q"}[next()%2]
		e.BillHash = []string{"", "h1", "h2"}[next()%3]
		// Years around a boundary, months 0–13 and days 0–32: many do not exist.
		e.Admission = civil.New(2023+next()%3, time.Month(next()%14), next()%33)
		if next()%4 != 0 {
			e.Discharge = e.Admission.AddDays(next()%20 - 5)
		}
		e.Total = money.Fen(int64(next()*next()) - 100)
		e.Drug = money.Fen(int64(next() * next()))
		e.FundTotal = money.Fen(int64(next() * next()))
		e.Cash = e.Total.Sub(e.FundTotal)
		e.Funds = []ledger.FundPaid{{Fund: []string{"basic", "catastrophic"}[next()%2], Amount: e.FundTotal}}
		if w := next() % 5; w < len(warnings) {
			e.Warnings = []string{warnings[w]}
		}
		j = append(j, e)
	}
	return j
}

// FuzzReports runs every report over arbitrary journals: no input may panic, and a
// journal every report accepts gives the same visit count and total cost in every
// period and grouping, and in the notice.
func FuzzReports(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 10, 5, 200, 3, 4, 5, 6, 7, 1, 0, 3})
	f.Add([]byte("reports over a journal of settlements and reversals, 2023 to 2025"))
	f.Fuzz(func(t *testing.T, data []byte) {
		j := fuzzJournal(data)
		r := report.Range{From: civil.MustParse("2023-01-01"), To: civil.MustParse("2025-12-31")}

		var visits int
		var total money.Amount
		first := true
		for _, p := range []report.Period{report.Day, report.Week, report.TenDay, report.Month} {
			for _, g := range []report.GroupBy{report.Ungrouped, report.ByClass, report.ByTownship, report.ByInstitution, report.ByVisitType} {
				s, err := report.BuildSummary(j.seq(), report.SummaryQuery{Range: r, Period: p, GroupBy: g})
				if err != nil {
					return // a journal with a damaged entry is refused whole
				}
				n, sum := 0, money.Amount{}
				for _, row := range s.Rows {
					n += row.Visits
					sum = sum.Add(row.Total)
					if row.Persons < 1 || row.Persons > row.Visits {
						t.Fatalf("%s/%s: %d persons for %d visits", p, g, row.Persons, row.Visits)
					}
				}
				if first {
					visits, total, first = n, sum, false
				} else if n != visits || sum.Cmp(total) != 0 {
					t.Fatalf("%s/%s: %d visits, %s total; other reports %d, %s", p, g, n, sum, visits, total)
				}
				if err := s.WriteCSV(io.Discard, report.Chinese); err != nil {
					t.Fatal(err)
				}
			}
		}
		n, err := report.BuildNotice(j.seq(), r, county)
		if err != nil {
			t.Fatal(err)
		}
		count := 0
		for _, v := range n.Villages {
			count += len(v.Rows)
		}
		if count != visits {
			t.Fatalf("notice lists %d settlements, summary counts %d", count, visits)
		}
		if err := n.WriteCSV(io.Discard, report.English); err != nil {
			t.Fatal(err)
		}
		if _, err := report.BuildAudit(j.seq(), report.AuditQuery{Range: r, DrugShare: limits}); err != nil {
			t.Fatal(err)
		}
	})
}
