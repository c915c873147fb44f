package report_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/server/report"
)

// limits is the drug-share limit per policy id: Hu county's 45% for "p", none for "q".
func limits(id string) money.Rate {
	return map[string]money.Rate{"p": money.MustRate("0.45")}[id]
}

// out makes an entry an outpatient visit.
var out = visitType(string(policy.VisitOutpatient))

func flagText(f report.Flag) string {
	s := fmt.Sprintf("%s %v", f.Code, f.Seqs)
	if f.Code == report.FlagDrugShare {
		s += fmt.Sprintf(" %s %s %s drug=%s total=%s share=%s limit=%s",
			f.Institution, f.Month, f.PolicyID, f.Drug, f.Total, f.Share, f.Limit)
	}
	return s
}

func TestBuildAudit(t *testing.T) {
	tests := []struct {
		name    string
		entries journal
		r       report.Range
		want    []string
	}{
		{
			name: "drug share",
			entries: journal{
				// H1 March: (500 + 420) ÷ (1000 + 1000) = 0.46 > 0.45. Its outpatient
				// visit (seq 3, all drugs) and April stay (seq 4) are not in it.
				settle(1, idA, "2024-03-01", "1000.00", "0", drug("500.00")),
				settle(2, idB, "2024-03-31", "1000.00", "0", drug("420.00")),
				settle(3, idC, "2024-03-05", "100.00", "0", drug("100.00"), visitType(string(policy.VisitOutpatient))),
				settle(4, idC, "2024-04-01", "1000.00", "0", drug("100.00")),
				// H2: 900 ÷ 2000 = 0.45 exactly: at the limit passes. The all-drug stay
				// seq 7 was reversed.
				settle(5, idA, "2024-03-10", "1500.00", "0", drug("700.00"), at("H2", "county", "T1")),
				settle(6, idB, "2024-03-11", "500.00", "0", drug("200.00"), at("H2", "county", "T1")),
				settle(7, idC, "2024-03-12", "5000.00", "0", drug("5000.00"), at("H2", "county", "T1")),
				reverse(8, 7, "2024-03-20"),
				// H3: outpatient only, 90% drugs: not an inpatient share.
				settle(9, idA, "2024-03-02", "100.00", "0", drug("90.00"), at("H3", "village", "T1"), visitType(string(policy.VisitOutpatient))),
				// H4 under policy q, which sets no limit.
				settle(10, idA, "2024-03-03", "100.00", "0", drug("100.00"), at("H4", "county", "T1"), policyID("q")),
				// H5: maternity stays count as inpatient: 600 ÷ 1000 = 0.6.
				settle(11, idB, "2024-03-04", "1000.00", "0", drug("600.00"), at("H5", "county", "T1"), visitType(string(policy.VisitMaternity))),
				// H6: 1500 ÷ 3333.33 = 0.45000045 is above the limit though it rounds to 0.45.
				settle(12, idC, "2024-03-04", "3333.33", "0", drug("1500.00"), at("H6", "county", "T1")),
				// H7: well under the limit.
				settle(13, idC, "2024-03-14", "1000.00", "0", drug("100.00"), at("H7", "county", "T1")),
			},
			r: month(2024, time.March),
			want: []string{
				"audit_drug_share [1 2] H1 2024-03 p drug=920.00 total=2000.00 share=0.46 limit=0.45",
				"audit_drug_share [11] H5 2024-03 p drug=600.00 total=1000.00 share=0.6 limit=0.45",
				"audit_drug_share [12] H6 2024-03 p drug=1500.00 total=3333.33 share=0.45 limit=0.45",
			},
		},
		{
			name: "drug share per month of a longer range",
			entries: journal{
				// March 460 ÷ 1000 = 0.46; April 440 ÷ 1000 = 0.44. Together 0.45, but each
				// month stands alone.
				settle(1, idA, "2024-03-01", "1000.00", "0", drug("460.00")),
				settle(2, idB, "2024-04-01", "1000.00", "0", drug("440.00")),
			},
			r: span("2024-03-01", "2024-04-30"),
			want: []string{
				"audit_drug_share [1] H1 2024-03 p drug=460.00 total=1000.00 share=0.46 limit=0.45",
			},
		},
		{
			name: "duplicate bill",
			entries: journal{
				// Outpatient visits, so that same-day duplicates are not also overlapping
				// stays. A's bill h1 settled at H1 and again at H2 under another visit id.
				settle(1, idA, "2024-03-01", "800.00", "400.00", bill("h1"), out),
				settle(2, idA, "2024-03-01", "800.00", "400.00", bill("h1"), out, at("H2", "county", "T1")),
				// The same hash for another person is not A's bill.
				settle(3, idB, "2024-03-01", "800.00", "400.00", bill("h1"), out),
				// h2 settled, reversed and settled again (a correction): one stands.
				settle(4, idA, "2024-03-02", "300.00", "100.00", bill("h2"), out),
				reverse(5, 4, "2024-03-03"),
				settle(6, idA, "2024-03-02", "300.00", "120.00", bill("h2"), out, corrects(4)),
				// No hash: nothing to compare.
				settle(7, idC, "2024-03-04", "10.00", "5.00", bill(""), out),
				settle(8, idC, "2024-03-04", "10.00", "5.00", bill(""), out),
				// h3 both admitted in February: that audit reports it, not March's.
				settle(9, idC, "2024-02-10", "10.00", "5.00", bill("h3"), out),
				settle(10, idC, "2024-02-10", "10.00", "5.00", bill("h3"), out, at("H2", "county", "T1")),
				// D's bill h4 three times: one flag naming all three.
				settle(11, idD, "2024-03-05", "10.00", "5.00", bill("h4"), out),
				settle(12, idD, "2024-03-05", "10.00", "5.00", bill("h4"), out, at("H2", "county", "T1")),
				settle(13, idD, "2024-03-05", "10.00", "5.00", bill("h4"), out, at("H3", "county", "T1")),
			},
			r: month(2024, time.March),
			want: []string{
				"audit_duplicate_bill [1 2]",
				"audit_duplicate_bill [11 12 13]",
			},
		},
		{
			name: "overlapping stays",
			entries: journal{
				// A: H1 03-01..03-10 and H2 03-09..03-12 share the 9th.
				settle(1, idA, "2024-03-01", "1.00", "0", discharged("2024-03-10")),
				settle(2, idA, "2024-03-09", "1.00", "0", discharged("2024-03-12"), at("H2", "county", "T1")),
				// A's outpatient visit during the stay is not a stay.
				settle(3, idA, "2024-03-05", "1.00", "0", visitType(string(policy.VisitOutpatient)), at("V1", "village", "T1")),
				// B: a transfer, discharged from H1 and admitted to H2 on 03-05.
				settle(4, idB, "2024-03-01", "1.00", "0", discharged("2024-03-05")),
				settle(5, idB, "2024-03-05", "1.00", "0", discharged("2024-03-09"), at("H2", "county", "T1")),
				// C: the inner stay was reversed.
				settle(6, idC, "2024-03-01", "1.00", "0", discharged("2024-03-10")),
				settle(7, idC, "2024-03-02", "1.00", "0", discharged("2024-03-03"), at("H2", "county", "T1")),
				reverse(8, 7, "2024-03-04"),
				// D: admitted in February (read as context), overlapped by a March stay.
				settle(9, idD, "2024-02-20", "1.00", "0", discharged("2024-03-05")),
				settle(10, idD, "2024-03-03", "1.00", "0", discharged("2024-03-04"), at("H2", "county", "T1")),
				// E: two same-day stays on one day.
				settle(11, idE, "2024-03-15", "1.00", "0"),
				settle(12, idE, "2024-03-15", "1.00", "0", at("H2", "county", "T1")),
				// F: two short stays inside a long one (a maternity stay): each overlaps
				// the long one, not each other.
				settle(13, idF, "2024-03-01", "1.00", "0", discharged("2024-03-31"), visitType(string(policy.VisitMaternity))),
				settle(14, idF, "2024-03-10", "1.00", "0", discharged("2024-03-12"), at("H2", "county", "T1")),
				settle(15, idF, "2024-03-20", "1.00", "0", discharged("2024-03-22"), at("H3", "county", "T1")),
			},
			r: month(2024, time.March),
			want: []string{
				"audit_overlapping_stay [1 2]",
				"audit_overlapping_stay [9 10]",
				"audit_overlapping_stay [11 12]",
				"audit_overlapping_stay [13 14]",
				"audit_overlapping_stay [13 15]",
			},
		},
		{
			name: "an overlap belongs to the range of the later admission",
			entries: journal{
				settle(9, idD, "2024-02-20", "1.00", "0", discharged("2024-03-05")),
				settle(10, idD, "2024-03-03", "1.00", "0", discharged("2024-03-04"), at("H2", "county", "T1")),
			},
			r:    month(2024, time.February),
			want: nil,
		},
		{
			name: "a stay before the range raises nothing of its own",
			entries: journal{
				settle(1, idA, "2024-02-20", "1000.00", "0", drug("900.00"), discharged("2024-02-25"),
					bill("x"), warns(string(core.WarnWaitingPeriod))),
				settle(2, idA, "2024-02-20", "1000.00", "0", bill("x"), out),
			},
			r:    month(2024, time.March),
			want: nil,
		},
		{
			name: "waiting period and not enrolled",
			entries: journal{
				settle(1, idA, "2024-03-01", "100.00", "0.00", warns(string(core.WarnWaitingPeriod))),
				settle(2, idB, "2024-03-02", "100.00", "0.00", warns(string(core.WarnCapReached), string(core.WarnNotEnrolled))),
				settle(3, idC, "2024-03-03", "100.00", "0.00", warns(string(core.WarnCapReached))),
				settle(4, idD, "2024-03-04", "100.00", "0.00", warns(string(core.WarnWaitingPeriod))),
				reverse(5, 4, "2024-03-05"),
				settle(6, idE, "2024-04-01", "100.00", "0.00", warns(string(core.WarnNotEnrolled))),
				// Both warnings on one settlement: two flags.
				settle(7, idF, "2024-03-07", "100.00", "0.00", warns(string(core.WarnNotEnrolled), string(core.WarnWaitingPeriod))),
			},
			r: month(2024, time.March),
			want: []string{
				"audit_not_enrolled [2]",
				"audit_not_enrolled [7]",
				"audit_waiting_period [1]",
				"audit_waiting_period [7]",
			},
		},
		{
			name: "every kind, ordered by code",
			entries: journal{
				settle(1, idA, "2024-03-01", "1000.00", "0", drug("900.00"), discharged("2024-03-10"), bill("x")),
				settle(2, idA, "2024-03-05", "1000.00", "0", bill("x"), at("H2", "county", "T1"), warns(string(core.WarnWaitingPeriod))),
			},
			r: month(2024, time.March),
			// H1 900 ÷ 1000 = 0.9; H2 0 ÷ 1000.
			want: []string{
				"audit_drug_share [1] H1 2024-03 p drug=900.00 total=1000.00 share=0.9 limit=0.45",
				"audit_duplicate_bill [1 2]",
				"audit_overlapping_stay [1 2]",
				"audit_waiting_period [2]",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := report.BuildAudit(tc.entries.seq(), report.AuditQuery{Range: tc.r, DrugShare: limits})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range a.Flags {
				got = append(got, flagText(f))
				if f.Message == "" || f.MessageZh == "" {
					t.Errorf("%s %v: missing message", f.Code, f.Seqs)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("flags:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestBuildAuditWithoutLimits(t *testing.T) {
	a, err := report.BuildAudit(journal{
		settle(1, idA, "2024-03-01", "1000.00", "0", drug("1000.00")),
	}.seq(), report.AuditQuery{Range: month(2024, time.March)})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Flags) != 0 {
		t.Errorf("flags %v with no drug-share limits", a.Flags)
	}
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"from":"2024-03-01","to":"2024-03-31","flags":[]}`; string(b) != want {
		t.Errorf("JSON %s, want %s", b, want)
	}
}

func TestFlagJSON(t *testing.T) {
	a, err := report.BuildAudit(journal{
		settle(1, idA, "2024-03-01", "1000.00", "0", drug("500.00")),
		settle(2, idB, "2024-03-02", "100.00", "0", warns(string(core.WarnNotEnrolled)), visitType(string(policy.VisitOutpatient))),
	}.seq(), report.AuditQuery{Range: month(2024, time.March), DrugShare: limits})
	if err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	b, err := json.Marshal(a.Flags)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("flags %s", b)
	}
	// Amounts and ratios are strings; a flag without them leaves them out.
	drugShare, notEnrolled := got[0], got[1]
	for k, want := range map[string]any{"code": "audit_drug_share", "drug": "500.00", "total": "1000.00", "share": "0.5", "limit": "0.45", "month": "2024-03"} {
		if drugShare[k] != want {
			t.Errorf("drug share %s = %v, want %v", k, drugShare[k], want)
		}
	}
	for _, k := range []string{"drug", "total", "share", "limit", "month", "policyId"} {
		if _, ok := notEnrolled[k]; ok {
			t.Errorf("not-enrolled flag has %s: %s", k, b)
		}
	}
}

// TestAuditThroughLedger reads an audit's journal as a server would: from
// StayLookback days before the month, so a long stay admitted earlier is found.
func TestAuditThroughLedger(t *testing.T) {
	tx := &fakeTx{entries: journal{
		settle(1, idA, "2023-09-01", "1.00", "0", discharged("2024-03-02")), // six months in hospital
		settle(2, idA, "2024-03-01", "1.00", "0", discharged("2024-03-03"), at("H2", "county", "T1")),
		settle(3, idB, "2023-01-01", "1.00", "0", discharged("2023-01-05")),
	}}
	q := report.AuditQuery{Range: month(2024, time.March)}
	a, err := report.BuildAudit(report.Journal(t.Context(), tx, q.From.AddDays(-report.StayLookback), q.To), q)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Flags) != 1 || flagText(a.Flags[0]) != "audit_overlapping_stay [1 2]" {
		t.Errorf("flags %v, want the overlap of 1 and 2", a.Flags)
	}
}
