package enroll_test

import (
	"os"
	"testing"
	"time"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/codec"
	"github.com/ruralhealth/ncms/core/enroll"
	"github.com/ruralhealth/ncms/core/policies"
	"github.com/ruralhealth/ncms/core/policy"
)

// cityDoc decodes the city-resident document (RULES §2.3) the way policies.Compiled
// does, so a test can change one setting before compiling it.
func cityDoc(t *testing.T) policy.Policy {
	t.Helper()
	for _, d := range policies.Documents() {
		if d.Name != "city-resident.json" {
			continue
		}
		var p policy.Policy
		if err := codec.Decode(d.JSON, &p); err != nil {
			t.Fatalf("decode %s: %v", d.Name, err)
		}
		return p
	}
	t.Fatal("city-resident.json is not embedded")
	return policy.Policy{}
}

func compile(t *testing.T, p policy.Policy) *policy.Compiled {
	t.Helper()
	c, err := policy.Compile(p)
	if err != nil {
		t.Fatalf("compile %s: %v", p.ID, err)
	}
	return c
}

// city is the compiled city-resident policy: enrollment required, first wait 3
// months, a gap is paying ≥ 6 months after cover ended and waits 4 months, a tier
// upgrade waits 3 months, and continuity counts only years before the visit year
// (countVisitYear false).
func city(t *testing.T) *policy.Compiled {
	t.Helper()
	cs, err := policies.Compiled()
	if err != nil {
		t.Fatalf("policies.Compiled: %v", err)
	}
	for _, c := range cs {
		if c.ID() == "city-resident" {
			return c
		}
	}
	t.Fatal("no city-resident policy")
	return nil
}

func d(s string) civil.Date { return civil.MustParse(s) }

func y(year int, tier, paidOn string) enroll.Year {
	return enroll.Year{Year: year, Tier: tier, PaidOn: d(paidOn)}
}

// years lists enrollment from one year to another in a tier, each paid on 1 December
// of the year before (on time, so never a gap).
func years(tier string, from, to int) []enroll.Year {
	var ys []enroll.Year
	for yr := from; yr <= to; yr++ {
		ys = append(ys, enroll.Year{Year: yr, Tier: tier, PaidOn: civil.New(yr-1, time.December, 1)})
	}
	return ys
}

func join(lists ...[]enroll.Year) []enroll.Year {
	var out []enroll.Year
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

type enrollCase struct {
	name     string
	category string
	history  []enroll.Year
	on       string
	want     enroll.Status
	// bug, when set, skips the case with the reason: the engine disagrees with the
	// rules and the case records the expected behaviour.
	bug string
}

func runCases(t *testing.T, p *policy.Compiled, cases []enrollCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.bug != "" && os.Getenv("NCMS_RUN_BUGS") == "" {
				// Set NCMS_RUN_BUGS=1 to run the case and see it fail.
				t.Skip("BUG: " + tc.bug)
			}
			cat := tc.category
			if cat == "" {
				cat = "general"
			}
			// Check must not depend on the order of the history.
			hist := append([]enroll.Year(nil), tc.history...)
			got := enroll.Check(p, cat, hist, d(tc.on))
			if got != tc.want {
				t.Errorf("Check(%s, %s)\n got %+v\nwant %+v", cat, tc.on, got, tc.want)
			}
			rev := make([]enroll.Year, len(tc.history))
			for i, h := range tc.history {
				rev[len(rev)-1-i] = h
			}
			if got := enroll.Check(p, cat, rev, d(tc.on)); got != tc.want {
				t.Errorf("reversed history: Check(%s, %s)\n got %+v\nwant %+v", cat, tc.on, got, tc.want)
			}
		})
	}
}

func TestCheckCityResident(t *testing.T) {
	p := city(t)
	var zero civil.Date
	cases := []enrollCase{
		// --- not enrolled ---
		{
			// No history at all: not enrolled, nothing paid, no continuity.
			name: "no history", history: nil, on: "2025-06-01",
			want: enroll.Status{Enrolled: false, Reason: core.WarnNotEnrolled},
		},
		{
			// 2024 only, visit in 2025: not enrolled for 2025. Paid counts 2024
			// (before the visit year) = 1; continuity counts back from 2024 (the
			// visit year is not counted) = 1.
			name: "enrolled last year only", history: years("t1", 2024, 2024), on: "2025-06-01",
			want: enroll.Status{Enrolled: false, Reason: core.WarnNotEnrolled, Continuous: 1, Paid: 1},
		},
		{
			// Enrolled 2018–2024 but not 2025: Paid 2018..2024 = 7, Continuous 7.
			name: "long history but not this year", history: years("t2", 2018, 2024), on: "2025-03-01",
			want: enroll.Status{Enrolled: false, Reason: core.WarnNotEnrolled, Continuous: 7, Paid: 7},
		},

		// --- first enrollment: 3 months from the later of payment and 1 January ---
		{
			// Paid 2025-03-10 (after 1 January): 2025-03-10 + 3 months = 2025-06-10.
			// 2025-06-09 is the last day of the wait.
			name: "first enrollment, day before benefits", history: []enroll.Year{y(2025, "t1", "2025-03-10")}, on: "2025-06-09",
			want: enroll.Status{Enrolled: true, Waiting: true, BenefitsFrom: d("2025-06-10"), Reason: core.WarnWaitingPeriod,
				PaidTier: "t1", BenefitTier: "t1"},
		},
		{
			// Same enrollment, 2025-06-10: the first day of benefits, not waiting.
			name: "first enrollment, first day of benefits", history: []enroll.Year{y(2025, "t1", "2025-03-10")}, on: "2025-06-10",
			want: enroll.Status{Enrolled: true, BenefitsFrom: d("2025-06-10"), PaidTier: "t1", BenefitTier: "t1"},
		},
		{
			// Same enrollment, a visit before payment: still waiting until 2025-06-10.
			name: "first enrollment, visit before payment", history: []enroll.Year{y(2025, "t1", "2025-03-10")}, on: "2025-01-15",
			want: enroll.Status{Enrolled: true, Waiting: true, BenefitsFrom: d("2025-06-10"), Reason: core.WarnWaitingPeriod,
				PaidTier: "t1", BenefitTier: "t1"},
		},
		{
			// Paid 2024-12-01 for 2025: the later of 2024-12-01 and 2025-01-01 is
			// 2025-01-01; + 3 months = 2025-04-01. 2025-03-31 is still waiting.
			name: "first enrollment paid before the year, waiting", history: []enroll.Year{y(2025, "t2", "2024-12-01")}, on: "2025-03-31",
			want: enroll.Status{Enrolled: true, Waiting: true, BenefitsFrom: d("2025-04-01"), Reason: core.WarnWaitingPeriod,
				PaidTier: "t2", BenefitTier: "t2"},
		},
		{
			// As above on 2025-04-01: benefits start.
			name: "first enrollment paid before the year, benefits", history: []enroll.Year{y(2025, "t2", "2024-12-01")}, on: "2025-04-01",
			want: enroll.Status{Enrolled: true, BenefitsFrom: d("2025-04-01"), PaidTier: "t2", BenefitTier: "t2"},
		},
		{
			// Paid 2025-11-30: + 3 months is 2026-02-30, which does not exist; the
			// calendar count clamps to the month's last day, 2026-02-28.
			name: "first enrollment, month end clamps", history: []enroll.Year{y(2025, "t1", "2025-11-30")}, on: "2025-12-31",
			want: enroll.Status{Enrolled: true, Waiting: true, BenefitsFrom: d("2026-02-28"), Reason: core.WarnWaitingPeriod,
				PaidTier: "t1", BenefitTier: "t1"},
		},

		// --- continuous renewal: no wait, benefits from 1 January ---
		{
			// 2024 paid 2023-12-01, 2025 paid 2024-12-01: renewal on time.
			// BenefitsFrom = 2025-01-01; Paid 1 (2024), Continuous 1 (2024).
			name: "renewal on time, 2 January", history: years("t1", 2024, 2025), on: "2025-01-02",
			want: enroll.Status{Enrolled: true, BenefitsFrom: d("2025-01-01"), PaidTier: "t1", BenefitTier: "t1",
				Continuous: 1, Paid: 1},
		},
		{
			// 2025 paid 2025-03-01: late, but 2025-03-01 is before 2025-01-01 + 6
			// months = 2025-07-01, so no gap and no wait.
			name: "renewal paid late but under 6 months", history: []enroll.Year{y(2024, "t1", "2023-12-01"), y(2025, "t1", "2025-03-01")},
			on: "2025-03-15",
			want: enroll.Status{Enrolled: true, BenefitsFrom: d("2025-01-01"), PaidTier: "t1", BenefitTier: "t1",
				Continuous: 1, Paid: 1},
		},
		{
			// Paid 2025-06-30: the last day before the 6-month mark (2025-07-01).
			name: "renewal paid on the last day before a gap", history: []enroll.Year{y(2024, "t1", "2023-12-01"), y(2025, "t1", "2025-06-30")},
			on: "2025-07-05",
			want: enroll.Status{Enrolled: true, BenefitsFrom: d("2025-01-01"), PaidTier: "t1", BenefitTier: "t1",
				Continuous: 1, Paid: 1},
		},

		// --- a gap (断保): wait 4 months from payment ---
		{
			// Paid 2025-07-01 = 2025-01-01 + 6 months: a gap of half a year.
			// 2025-07-01 + 4 months = 2025-11-01.
			name: "renewal paid exactly 6 months late", history: []enroll.Year{y(2024, "t1", "2023-12-01"), y(2025, "t1", "2025-07-01")},
			on: "2025-10-31",
			want: enroll.Status{Enrolled: true, Waiting: true, BenefitsFrom: d("2025-11-01"), Reason: core.WarnWaitingPeriod,
				PaidTier: "t1", BenefitTier: "t1", Continuous: 1, Paid: 1, Lapsed: true},
		},
		{
			// Paid 2025-07-15 with 2024 enrolled: ≥ 6 months after cover ended
			// (2025-07-01), so Lapsed; 2025-07-15 + 4 months = 2025-11-15.
			name: "renewal 6 months late, waiting", history: []enroll.Year{y(2024, "t1", "2023-12-01"), y(2025, "t1", "2025-07-15")},
			on: "2025-11-14",
			want: enroll.Status{Enrolled: true, Waiting: true, BenefitsFrom: d("2025-11-15"), Reason: core.WarnWaitingPeriod,
				PaidTier: "t1", BenefitTier: "t1", Continuous: 1, Paid: 1, Lapsed: true},
		},
		{
			// As above on 2025-11-15: the wait is over, still Lapsed.
			name: "renewal 6 months late, benefits", history: []enroll.Year{y(2024, "t1", "2023-12-01"), y(2025, "t1", "2025-07-15")},
			on: "2025-11-15",
			want: enroll.Status{Enrolled: true, BenefitsFrom: d("2025-11-15"),
				PaidTier: "t1", BenefitTier: "t1", Continuous: 1, Paid: 1, Lapsed: true},
		},
		{
			// 2023 enrolled, 2024 missing, 2025 paid 2025-01-05: a missing year is
			// always a gap. from = 2025-01-05 (after 1 January); + 4 months =
			// 2025-05-05. Paid 1 (2023); Continuous 0 (2024 is missing).
			name: "missing year, waiting", history: []enroll.Year{y(2023, "t1", "2022-12-01"), y(2025, "t1", "2025-01-05")},
			on: "2025-05-04",
			want: enroll.Status{Enrolled: true, Waiting: true, BenefitsFrom: d("2025-05-05"), Reason: core.WarnWaitingPeriod,
				PaidTier: "t1", BenefitTier: "t1", Continuous: 0, Paid: 1, Lapsed: true},
		},
		{
			name: "missing year, benefits", history: []enroll.Year{y(2023, "t1", "2022-12-01"), y(2025, "t1", "2025-01-05")},
			on: "2025-05-05",
			want: enroll.Status{Enrolled: true, BenefitsFrom: d("2025-05-05"),
				PaidTier: "t1", BenefitTier: "t1", Continuous: 0, Paid: 1, Lapsed: true},
		},
		{
			// A missing year paid before the year: 2023 enrolled, 2025 paid
			// 2024-12-20. from = later of 2024-12-20 and 2025-01-01 = 2025-01-01;
			// + 4 months = 2025-05-01.
			name: "missing year, paid before the year", history: []enroll.Year{y(2023, "t1", "2022-12-01"), y(2025, "t1", "2024-12-20")},
			on: "2025-04-30",
			want: enroll.Status{Enrolled: true, Waiting: true, BenefitsFrom: d("2025-05-01"), Reason: core.WarnWaitingPeriod,
				PaidTier: "t1", BenefitTier: "t1", Continuous: 0, Paid: 1, Lapsed: true},
		},

		// --- tier upgrade t1 → t2: tier-2 benefits 3 months after payment ---
		{
			// 2024 t1, 2025 t2 paid 2025-02-15 (renewal on time: no wait, benefits
			// from 2025-01-01). 2025-02-15 + 3 months = 2025-05-15: until then the
			// benefits are tier 1's.
			name: "upgrade pending", history: []enroll.Year{y(2024, "t1", "2023-12-01"), y(2025, "t2", "2025-02-15")},
			on: "2025-05-14",
			want: enroll.Status{Enrolled: true, BenefitsFrom: d("2025-01-01"), PaidTier: "t2", BenefitTier: "t1",
				TierPending: true, TierFrom: d("2025-05-15"), Continuous: 1, Paid: 1},
		},
		{
			// Same on 2025-05-15: tier 2, nothing pending, TierFrom unset.
			name: "upgrade in effect", history: []enroll.Year{y(2024, "t1", "2023-12-01"), y(2025, "t2", "2025-02-15")},
			on: "2025-05-15",
			want: enroll.Status{Enrolled: true, BenefitsFrom: d("2025-01-01"), PaidTier: "t2", BenefitTier: "t2",
				TierFrom: zero, Continuous: 1, Paid: 1},
		},
		{
			// Same on a visit before the payment (2025-01-20): tier 1 still.
			name: "upgrade pending, visit before payment", history: []enroll.Year{y(2024, "t1", "2023-12-01"), y(2025, "t2", "2025-02-15")},
			on: "2025-01-20",
			want: enroll.Status{Enrolled: true, BenefitsFrom: d("2025-01-01"), PaidTier: "t2", BenefitTier: "t1",
				TierPending: true, TierFrom: d("2025-05-15"), Continuous: 1, Paid: 1},
		},
		{
			// Downgrade t2 → t1: no wait for a lower tier; tier 1 at once.
			name: "downgrade is immediate", history: []enroll.Year{y(2024, "t2", "2023-12-01"), y(2025, "t1", "2024-12-01")},
			on: "2025-01-02",
			want: enroll.Status{Enrolled: true, BenefitsFrom: d("2025-01-01"), PaidTier: "t1", BenefitTier: "t1",
				Continuous: 1, Paid: 1},
		},
		{
			// Same tier both years: nothing pending.
			name: "same tier renewal", history: years("t2", 2024, 2025), on: "2025-01-02",
			want: enroll.Status{Enrolled: true, BenefitsFrom: d("2025-01-01"), PaidTier: "t2", BenefitTier: "t2",
				Continuous: 1, Paid: 1},
		},
		{
			// An upgrade after a gap (2024 t1, 2025 t2 paid 2025-07-15): the lapse
			// wait (to 2025-11-15) replaces the upgrade wait; after it, tier 2.
			name: "upgrade after a gap", history: []enroll.Year{y(2024, "t1", "2023-12-01"), y(2025, "t2", "2025-07-15")},
			on: "2025-11-20",
			want: enroll.Status{Enrolled: true, BenefitsFrom: d("2025-11-15"), PaidTier: "t2", BenefitTier: "t2",
				Continuous: 1, Paid: 1, Lapsed: true},
		},

		// --- a category with its own benefit tier (minor: t2) ---
		{
			// A minor paying t1 on time gets t2 benefits.
			name: "minor renewal", category: "minor", history: years("t1", 2024, 2025), on: "2025-03-01",
			want: enroll.Status{Enrolled: true, BenefitsFrom: d("2025-01-01"), PaidTier: "t1", BenefitTier: "t2",
				Continuous: 1, Paid: 1},
		},
		{
			// A minor switching t1 → t2 on 2025-02-15: the category tier applies
			// whatever was paid, so nothing is pending on 2025-03-01.
			name: "minor upgrade never pending", category: "minor",
			history: []enroll.Year{y(2024, "t1", "2023-12-01"), y(2025, "t2", "2025-02-15")}, on: "2025-03-01",
			want: enroll.Status{Enrolled: true, BenefitsFrom: d("2025-01-01"), PaidTier: "t2", BenefitTier: "t2",
				Continuous: 1, Paid: 1},
		},
		{
			// A minor's first enrollment waits like anyone's (to 2025-06-10), at t2.
			name: "minor first enrollment waiting", category: "minor", history: []enroll.Year{y(2025, "t1", "2025-03-10")},
			on: "2025-04-01",
			want: enroll.Status{Enrolled: true, Waiting: true, BenefitsFrom: d("2025-06-10"), Reason: core.WarnWaitingPeriod,
				PaidTier: "t1", BenefitTier: "t2"},
		},
		{
			// A minor not enrolled: the status still names the category's tier.
			name: "minor not enrolled", category: "minor", history: nil, on: "2025-04-01",
			want: enroll.Status{Enrolled: false, Reason: core.WarnNotEnrolled, BenefitTier: "t2"},
		},
		{
			// A student likewise.
			name: "student paying t1", category: "student", history: years("t1", 2023, 2025), on: "2025-09-01",
			want: enroll.Status{Enrolled: true, BenefitsFrom: d("2025-01-01"), PaidTier: "t1", BenefitTier: "t2",
				Continuous: 2, Paid: 2},
		},

		// --- Continuous and Paid counts (countVisitYear false) ---
		{
			// Enrolled 2018–2025, visit 2025: Paid = 2018..2024 = 7; Continuous
			// counts back from 2024 (the visit year does not count) = 7.
			name: "enrolled 2018-2025", history: years("t1", 2018, 2025), on: "2025-08-01",
			want: enroll.Status{Enrolled: true, BenefitsFrom: d("2025-01-01"), PaidTier: "t1", BenefitTier: "t1",
				Continuous: 7, Paid: 7},
		},
		{
			// 2015–2019 and 2021–2025, visit 2025: Paid = 5 + 4 = 9; the 2020 gap
			// resets the count, Continuous = 2021..2024 = 4.
			name: "gap resets continuity", history: join(years("t1", 2015, 2019), years("t1", 2021, 2025)), on: "2025-08-01",
			want: enroll.Status{Enrolled: true, BenefitsFrom: d("2025-01-01"), PaidTier: "t1", BenefitTier: "t1",
				Continuous: 4, Paid: 9},
		},
		{
			// Years after the visit year count for neither: enrolled 2024–2027,
			// visit 2025: Paid 1 (2024), Continuous 1.
			name: "later years ignored", history: years("t1", 2024, 2027), on: "2025-08-01",
			want: enroll.Status{Enrolled: true, BenefitsFrom: d("2025-01-01"), PaidTier: "t1", BenefitTier: "t1",
				Continuous: 1, Paid: 1},
		},

		// --- waits that began last year and run into the visit year ---
		{
			// First enrolled for 2025, paid 2025-11-30: waiting until 2026-02-28
			// (3 months, clamped). The 2026 renewal is paid on time (2025-12-15).
			// A visit on 2026-01-15 is still inside the first-enrollment wait that
			// the rules give ("3 months from the later of payment and 1 January"
			// of the enrollment year): expected Waiting until 2026-02-28.
			name:    "first-enrollment wait runs into next year",
			history: []enroll.Year{y(2025, "t1", "2025-11-30"), y(2026, "t1", "2025-12-15")}, on: "2026-01-15",
			want: enroll.Status{Enrolled: true, Waiting: true, BenefitsFrom: d("2026-02-28"), Reason: core.WarnWaitingPeriod,
				PaidTier: "t1", BenefitTier: "t1", Continuous: 1, Paid: 1},
		},
		{
			// A gap paid 2025-10-01 (2024 enrolled): wait to 2026-02-01. The 2026
			// renewal is paid on time; on 2026-01-10 the 4-month wait still runs.
			name:    "gap wait runs into next year",
			history: []enroll.Year{y(2024, "t1", "2023-12-01"), y(2025, "t1", "2025-10-01"), y(2026, "t1", "2025-12-15")},
			on:      "2026-01-10",
			want: enroll.Status{Enrolled: true, Waiting: true, BenefitsFrom: d("2026-02-01"), Reason: core.WarnWaitingPeriod,
				PaidTier: "t1", BenefitTier: "t1", Continuous: 2, Paid: 2},
		},
		{
			// An upgrade t1 → t2 paid 2025-11-15 for 2025 is first of all ≥ 6 months
			// late: a gap. 2025-11-15 + 4 months = 2026-03-15; the lapse wait covers
			// the upgrade, so nothing is pending and the benefits (once due) are t2.
			name:    "late upgrade is a gap",
			history: []enroll.Year{y(2024, "t1", "2023-12-01"), y(2025, "t2", "2025-11-15")}, on: "2025-12-01",
			want: enroll.Status{Enrolled: true, Waiting: true, BenefitsFrom: d("2026-03-15"), Reason: core.WarnWaitingPeriod,
				PaidTier: "t2", BenefitTier: "t2", Continuous: 1, Paid: 1, Lapsed: true},
		},
	}
	runCases(t, p, cases)
}

// TestCheckCountVisitYear compiles the city policy with countVisitYear true: the
// visit's own year then counts, so enrolled 2018–2025 gives 8 continuous years on a
// 2025 visit, while Paid still counts only the years before (7).
func TestCheckCountVisitYear(t *testing.T) {
	doc := cityDoc(t)
	if doc.Continuity == nil || doc.Continuity.CountVisitYear {
		t.Fatalf("city-resident should have countVisitYear false, got %+v", doc.Continuity)
	}
	doc.Continuity.CountVisitYear = true
	p := compile(t, doc)
	runCases(t, p, []enrollCase{
		{
			name: "enrolled 2018-2025", history: years("t1", 2018, 2025), on: "2025-08-01",
			want: enroll.Status{Enrolled: true, BenefitsFrom: d("2025-01-01"), PaidTier: "t1", BenefitTier: "t1",
				Continuous: 8, Paid: 7},
		},
		{
			// Not enrolled in 2025: the count starts at 2025, which is missing → 0.
			name: "not enrolled this year", history: years("t1", 2018, 2024), on: "2025-08-01",
			want: enroll.Status{Enrolled: false, Reason: core.WarnNotEnrolled, Continuous: 0, Paid: 7},
		},
	})
}

// TestCheckNotRequired: without required enrollment a person with no record for the
// year is treated as enrolled, with no reason and no wait.
func TestCheckNotRequired(t *testing.T) {
	doc := cityDoc(t)
	doc.Enrollment.Required = false
	p := compile(t, doc)
	runCases(t, p, []enrollCase{
		{
			name: "no record", history: years("t1", 2023, 2024), on: "2025-02-01",
			want: enroll.Status{Enrolled: true, Continuous: 2, Paid: 2},
		},
	})
}

// TestCheckNoWaits: a policy with every wait at 0 (pingluo-original) never waits,
// not even on first enrollment or after a gap.
func TestCheckNoWaits(t *testing.T) {
	cs, err := policies.Compiled()
	if err != nil {
		t.Fatal(err)
	}
	var p *policy.Compiled
	for _, c := range cs {
		if c.ID() == "pingluo-original" {
			p = c
		}
	}
	if p == nil {
		t.Fatal("no pingluo-original policy")
	}
	for _, tc := range []struct {
		name    string
		history []enroll.Year
	}{
		{"first enrollment", []enroll.Year{{Year: 2025, PaidOn: d("2025-03-10")}}},
		{"missing year", []enroll.Year{{Year: 2023, PaidOn: d("2022-12-01")}, {Year: 2025, PaidOn: d("2025-03-10")}}},
		{"paid late", []enroll.Year{{Year: 2024, PaidOn: d("2023-12-01")}, {Year: 2025, PaidOn: d("2025-09-10")}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := enroll.Check(p, "general", tc.history, d("2025-03-10"))
			if !got.Enrolled || got.Waiting || got.Reason != "" {
				t.Errorf("got %+v, want enrolled and not waiting", got)
			}
		})
	}
}
