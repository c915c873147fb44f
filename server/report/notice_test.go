package report_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/server/ledger"
	"github.com/ruralhealth/ncms/server/report"
)

// county is a small registry: A and B live in 城关镇 (红星村 and 东风村), C in 李庄乡;
// D is not registered.
var county = registry{
	persons: map[string]ledger.Person{
		idA: {ID: idA, Name: "王大山", Household: "HH-A"},
		idB: {ID: idB, Name: "李秀英", Household: "HH-B"},
		idC: {ID: idC, Name: "张建国", Household: "HH-C"},
		idE: {ID: idE, Name: "赵小红", Household: "HH-GONE"},
	},
	households: map[string]ledger.Household{
		"HH-A": {ID: "HH-A", Head: idA, Township: "城关镇", Village: "红星村"},
		"HH-B": {ID: "HH-B", Head: idB, Township: "城关镇", Village: "东风村"},
		"HH-C": {ID: "HH-C", Head: idC, Township: "李庄乡", Village: "新庄村"},
	},
}

// noticeJournal is March 2024 in the county, with a reversal and an April visit.
func noticeJournal() journal {
	return journal{
		settle(1, idA, "2024-03-05", "3000.00", "1800.00", household("HH-A"), discharged("2024-03-12")),
		settle(2, idB, "2024-03-03", "80.00", "40.00", household("HH-B"), at("V2", "village", "城关镇"), visitType(string(policy.VisitOutpatient))),
		settle(3, idA, "2024-03-01", "50.00", "25.00", household("HH-A"), at("V1", "village", "城关镇"), visitType(string(policy.VisitOutpatient))),
		settle(4, idC, "2024-03-20", "5000.00", "3500.00", household("HH-C"), at("H2", "county", "李庄乡"), discharged("2024-03-25")),
		settle(5, idA, "2024-03-28", "900.00", "500.00", household("HH-A")),
		reverse(6, 5, "2024-04-02"),
		// D is not registered: the entry has no household, only a township.
		settle(7, idD, "2024-03-15", "120.00", "60.00", at("V2", "village", "城关镇"), visitType(string(policy.VisitOutpatient))),
		settle(8, idB, "2024-04-01", "70.00", "35.00", household("HH-B")),
		// E's entry names no household; the registry's person does, and it is gone.
		settle(9, idE, "2024-03-09", "60.00", "30.00", at("V3", "village", "李庄乡"), visitType(string(policy.VisitOutpatient))),
	}
}

func noticeText(n *report.Notice) []string {
	var out []string
	for _, v := range n.Villages {
		out = append(out, fmt.Sprintf("%s/%s v=%d total=%s fund=%s", v.Township, v.Village, v.Visits, v.Total, v.FundTotal))
		for _, r := range v.Rows {
			out = append(out, fmt.Sprintf("  %d %s %s %s %s %s..%s %s %s",
				r.Seq, r.Name, r.ID, r.VisitType, r.Institution, r.Admission, r.Discharge, r.Total, r.FundTotal))
		}
	}
	return out
}

func TestBuildNotice(t *testing.T) {
	n, err := report.BuildNotice(noticeJournal().seq(), month(2024, time.March), county)
	if err != nil {
		t.Fatal(err)
	}
	// Villages by township then village in code-point order: 城 (U+57CE) before 李
	// (U+674E); within 城关镇 the unknown village "" first, then 东 (U+4E1C), 红 (U+7EA2).
	// 红星村: seq 5 is reversed, seq 8 is April; seq 3 (03-01) before seq 1 (03-05);
	// totals 50 + 3000 = 3050, fund 25 + 1800 = 1825.
	// 李庄乡/"": E's household HH-GONE is not in the registry: the name stays, the
	// village is empty and the township is the entry's.
	want := []string{
		"城关镇/ v=1 total=120.00 fund=60.00",
		"  7  640221********0047 outpatient V2 2024-03-15..2024-03-15 120.00 60.00",
		"城关镇/东风村 v=1 total=80.00 fund=40.00",
		"  2 李秀英 640221********0023 outpatient V2 2024-03-03..2024-03-03 80.00 40.00",
		"城关镇/红星村 v=2 total=3050.00 fund=1825.00",
		"  3 王大山 640221********0015 outpatient V1 2024-03-01..2024-03-01 50.00 25.00",
		"  1 王大山 640221********0015 inpatient H1 2024-03-05..2024-03-12 3000.00 1800.00",
		"李庄乡/ v=1 total=60.00 fund=30.00",
		"  9 赵小红 640221********0058 outpatient V3 2024-03-09..2024-03-09 60.00 30.00",
		"李庄乡/新庄村 v=1 total=5000.00 fund=3500.00",
		"  4 张建国 640221********0031 inpatient H2 2024-03-20..2024-03-25 5000.00 3500.00",
	}
	if got := noticeText(n); !slices.Equal(got, want) {
		t.Errorf("notice:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestNoticeMask pins the masking the notice takes from identity.Mask: the first 6
// and last 4 characters kept, anything shorter than 10 masked whole.
func TestNoticeMask(t *testing.T) {
	tests := []struct{ id, want string }{
		{"640221199001010015", "640221********0015"},
		{"64022119900101001X", "640221********001X"},
		{"640221900101001", "640221*****1001"}, // old 15-digit ID
		{"6402219001", "6402219001"},           // 10 characters: nothing between
		{"123456789", "*********"},
		{"", ""},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			n, err := report.BuildNotice(journal{settle(1, tc.id, "2024-03-01", "1.00", "0.00")}.seq(), month(2024, time.March), registry{})
			if err != nil {
				t.Fatal(err)
			}
			if got := n.Villages[0].Rows[0].ID; got != tc.want {
				t.Errorf("masked %q, want %q", got, tc.want)
			}
		})
	}
}

func TestBuildNoticeErrors(t *testing.T) {
	down := errors.New("registry unavailable")
	t.Run("registry failure is wrapped", func(t *testing.T) {
		_, err := report.BuildNotice(noticeJournal().seq(), month(2024, time.March), registry{err: down})
		if !errors.Is(err, down) {
			t.Errorf("error %v does not wrap %v", err, down)
		}
	})
	t.Run("nil registry", func(t *testing.T) {
		if _, err := report.BuildNotice(noticeJournal().seq(), month(2024, time.March), nil); err == nil {
			t.Error("no error")
		}
	})
	t.Run("range", func(t *testing.T) {
		_, err := report.BuildNotice(noticeJournal().seq(), span("2024-03-31", "2024-03-01"), county)
		if !hasError(err, core.DateOrder, "/to") {
			t.Errorf("error %v, want %s at /to", err, core.DateOrder)
		}
	})
}

func TestTxRegistry(t *testing.T) {
	tx := &fakeTx{entries: noticeJournal(), reg: county}
	r := month(2024, time.March)
	n, err := report.BuildNotice(report.Journal(t.Context(), tx, r.From, r.To), r, report.TxRegistry(t.Context(), tx))
	if err != nil {
		t.Fatal(err)
	}
	want, err := report.BuildNotice(noticeJournal().seq(), r, county)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := noticeText(n), noticeText(want); !slices.Equal(got, want) {
		t.Errorf("through the Tx:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
