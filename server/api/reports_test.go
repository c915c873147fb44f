package api_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/server/api"
	"github.com/ruralhealth/ncms/server/report"
)

// TestReports settles one bill twice under two visit ids (the seed's S1 and S2), so
// March 2025 has two visits of one person that the audit must flag twice over: the
// same bill, and two stays at once.
func TestReports(t *testing.T) {
	f := newFixture(t, api.Options{})
	f.seed()
	second := f.do(http.MethodPost, "/v1/settlements", f.h1, settle("S2", "H001", "1000.00"))
	if second.status != http.StatusCreated {
		t.Fatalf("second settlement: %d %s", second.status, second.body)
	}
	first, err := f.l.Entry(context.Background(), "", 1)
	if err != nil {
		t.Fatal(err)
	}
	var b struct {
		FundTotal money.Amount `json:"fundTotal"`
	}
	mustUnmarshal(t, second.env.Result, &b)

	t.Run("access", func(t *testing.T) {
		if r := f.do(http.MethodGet, "/v1/reports/summary?month=2025-03", "", ""); r.status != http.StatusUnauthorized {
			t.Fatalf("no key: %d", r.status)
		}
		if r := f.do(http.MethodGet, "/v1/reports/summary?month=2025-03", f.h1, ""); r.status != http.StatusForbidden {
			t.Fatalf("institution key: %d", r.status)
		}
	})
	t.Run("bad queries", func(t *testing.T) {
		for _, tc := range []struct {
			query string
			code  core.Code
			path  string
		}{
			{"month=2025-13", core.FieldInvalid, "/month"},
			{"from=2025-03-01", core.FieldRequired, "/to"},
			{"from=2025-13-01&to=2025-03-31", core.DateInvalid, "/from"},
			{"month=2025-03&period=fortnight", core.FieldInvalid, "/period"},
			{"month=2025-03&format=xml", core.FieldInvalid, "/format"},
		} {
			r := f.do(http.MethodGet, "/v1/reports/summary?"+tc.query, f.county, "")
			if c, p := r.first(); r.status/100 != 4 || c != tc.code || p != tc.path {
				t.Errorf("%s: %d %s at %q, want %s at %q", tc.query, r.status, c, p, tc.code, tc.path)
			}
		}
	})
	t.Run("summary", func(t *testing.T) {
		r := f.do(http.MethodGet, "/v1/reports/summary?month=2025-03&groupBy=township", f.county, "")
		var s report.Summary
		mustUnmarshal(t, r.env.Result, &s)
		if r.status != http.StatusOK || len(s.Rows) != 1 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		row := s.Rows[0]
		want := first.FundTotal.Add(b.FundTotal)
		if row.Visits != 2 || row.Persons != 1 || row.Total.String() != "2000.00" || row.FundTotal.Cmp(want) != 0 || row.Group != "640221100" {
			t.Fatalf("row %+v, want 2 visits of 1 person, 2000.00, fund %s, township 640221100", row, want)
		}
		// Reversing S2 takes it out of the summary.
		if rv := f.do(http.MethodPost, "/v1/settlements/2/reversal", f.h1, `{"reason":"duplicate"}`); rv.status != http.StatusCreated {
			t.Fatalf("reversal: %d %s", rv.status, rv.body)
		}
		r = f.do(http.MethodGet, "/v1/reports/summary?from=2025-03-01&to=2025-03-31&period=ten_day", f.county, "")
		mustUnmarshal(t, r.env.Result, &s)
		if len(s.Rows) != 1 || s.Rows[0].Visits != 1 || s.Rows[0].Period != "2025-03-D1" {
			t.Fatalf("after the reversal: %+v", s.Rows)
		}
		csv := f.do(http.MethodGet, "/v1/reports/summary?month=2025-03&format=csv&lang=en", f.county, "")
		if csv.status != http.StatusOK || !strings.HasPrefix(csv.header.Get("Content-Type"), "text/csv") ||
			!bytes.HasPrefix(csv.body, []byte("\ufeffperiod,start,end,visits")) {
			t.Fatalf("CSV: %d %s\n%s", csv.status, csv.header.Get("Content-Type"), csv.body)
		}
	})
	t.Run("notice", func(t *testing.T) {
		r := f.do(http.MethodGet, "/v1/reports/notice?month=2025-03", f.county, "")
		if r.status != http.StatusOK || !bytes.Contains(r.body, []byte("640221********0015")) || bytes.Contains(r.body, []byte(person)) {
			t.Fatalf("notice must show the masked ID only: %d %s", r.status, r.body)
		}
		csv := f.do(http.MethodGet, "/v1/reports/notice?month=2025-03&format=csv", f.county, "")
		if !bytes.Contains(csv.body, []byte("王大")) || bytes.Contains(csv.body, []byte(person)) {
			t.Fatalf("notice CSV:\n%s", csv.body)
		}
	})
	t.Run("budget", func(t *testing.T) {
		// S2 is reversed by now: the year's spending is S1's alone, all of it in March.
		r := f.do(http.MethodGet, "/v1/reports/budget?year=2025", f.county, "")
		var b report.Budget
		mustUnmarshal(t, r.env.Result, &b)
		if r.status != http.StatusOK || b.Spent.Cmp(first.FundTotal) != 0 || b.Budget != nil || b.Share != nil ||
			len(b.Months) != 12 || b.Months[2].FundTotal.Cmp(first.FundTotal) != 0 || b.Months[11].Cumulative.Cmp(first.FundTotal) != 0 {
			t.Fatalf("budget without one: %d %s", r.status, r.body)
		}
		for _, tc := range []struct {
			query string
			code  core.Code
		}{{"", core.FieldRequired}, {"year=25", core.FieldInvalid}, {"year=abcd", core.FieldInvalid}} {
			r := f.do(http.MethodGet, "/v1/reports/budget?"+tc.query, f.county, "")
			if c, p := r.first(); r.status != http.StatusUnprocessableEntity || c != tc.code || p != "/year" {
				t.Errorf("%q: %d %s at %s", tc.query, r.status, c, p)
			}
		}
		if r := f.do(http.MethodGet, "/v1/reports/budget?year=2025", f.h1, ""); r.status != http.StatusForbidden {
			t.Errorf("institution key: %d", r.status)
		}
	})
	t.Run("audit", func(t *testing.T) {
		// S2 is reversed by now; settle the bill again as S3 to raise both flags.
		if r := f.do(http.MethodPost, "/v1/settlements", f.h1, settle("S3", "H001", "1000.00")); r.status != http.StatusCreated {
			t.Fatalf("S3: %d %s", r.status, r.body)
		}
		r := f.do(http.MethodGet, "/v1/reports/audit?month=2025-03", f.county, "")
		var au report.Audit
		mustUnmarshal(t, r.env.Result, &au)
		var codes []string
		for _, fl := range au.Flags {
			codes = append(codes, string(fl.Code))
		}
		got := strings.Join(codes, ",")
		if !strings.Contains(got, string(report.FlagDuplicateBill)) || !strings.Contains(got, string(report.FlagOverlappingStay)) {
			t.Fatalf("audit flags %q, want the duplicate bill and the overlapping stay", got)
		}
		// format=csv is honoured (it was silently JSON), one row per flag.
		csv := f.do(http.MethodGet, "/v1/reports/audit?month=2025-03&format=csv&lang=en", f.county, "")
		if csv.status != http.StatusOK || !strings.HasPrefix(csv.header.Get("Content-Type"), "text/csv") ||
			!bytes.HasPrefix(csv.body, []byte("\ufeffcode,seqs,person")) ||
			!bytes.Contains(csv.body, []byte(report.FlagDuplicateBill)) || bytes.Count(csv.body, []byte("\n")) != len(au.Flags)+1 {
			t.Fatalf("audit CSV: %d %s\n%s", csv.status, csv.header.Get("Content-Type"), csv.body)
		}
		if r := f.do(http.MethodGet, "/v1/reports/audit?month=2025-03&format=xml", f.county, ""); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("format=xml: %d %s", r.status, r.body)
		}

		// The flags as a list: one a page, every flag once, in code order.
		type flagPage struct {
			Items []report.Flag `json:"items"`
			Next  string        `json:"next"`
		}
		var walked []string
		query := "/v1/reports/audit/flags?month=2025-03&limit=1"
		for pages := 0; ; pages++ {
			r := f.do(http.MethodGet, query, f.county, "")
			var p flagPage
			mustUnmarshal(t, r.env.Result, &p)
			if r.status != http.StatusOK || len(p.Items) > 1 || pages > len(au.Flags) {
				t.Fatalf("flags page %d: %d %s", pages, r.status, r.body)
			}
			for _, fl := range p.Items {
				walked = append(walked, string(fl.Code))
			}
			if p.Next == "" {
				break
			}
			query = "/v1/reports/audit/flags?month=2025-03&limit=1&cursor=" + url.QueryEscape(p.Next)
		}
		if len(walked) != len(au.Flags) || !slices.IsSorted(walked) {
			t.Fatalf("walked %v, the audit has %d flags", walked, len(au.Flags))
		}
		r = f.do(http.MethodGet, "/v1/reports/audit/flags?month=2025-03&code="+string(report.FlagDuplicateBill), f.county, "")
		var dup flagPage
		mustUnmarshal(t, r.env.Result, &dup)
		if len(dup.Items) == 0 || len(dup.Items) == len(au.Flags) {
			t.Fatalf("code filter: %s", r.body)
		}
		for _, fl := range dup.Items {
			if fl.Code != report.FlagDuplicateBill {
				t.Fatalf("code filter: %s", r.body)
			}
		}
		for q, at := range map[string]string{"code=audit_everything": "/code", "limit=0": "/limit", "cursor=eA": "/cursor", "": "/from"} {
			path := "/v1/reports/audit/flags?month=2025-03&" + q
			if q == "" {
				path = "/v1/reports/audit/flags"
			}
			r := f.do(http.MethodGet, path, f.county, "")
			if _, got := r.first(); r.status != http.StatusUnprocessableEntity || got != at {
				t.Errorf("%s: %d %s", path, r.status, r.body)
			}
		}
	})
}

func mustUnmarshal(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := jsonv2.Unmarshal(b, v); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
}

// TestBudget sets the year's spending against the budget the server was started with.
func TestBudget(t *testing.T) {
	f := newFixture(t, api.Options{Budgets: map[int]money.Amount{2025: money.MustAmount("1000.00")}})
	f.seed()
	first, err := f.l.Entry(context.Background(), "", 1)
	if err != nil {
		t.Fatal(err)
	}
	r := f.do(http.MethodGet, "/v1/reports/budget?year=2025", f.county, "")
	var b report.Budget
	mustUnmarshal(t, r.env.Result, &b)
	want := money.Ratio(first.FundTotal, money.MustAmount("1000.00"))
	if r.status != http.StatusOK || b.Budget == nil || b.Budget.String() != "1000.00" || b.Share == nil || b.Share.String() != want.String() {
		t.Fatalf("budget: %d %s, want share %s", r.status, r.body, want)
	}
	// Another year has no budget.
	r = f.do(http.MethodGet, "/v1/reports/budget?year=2024", f.county, "")
	if r.status != http.StatusOK || bytes.Contains(r.env.Result, []byte(`"budget"`)) || !bytes.Contains(r.env.Result, []byte(`"spent":"0.00"`)) {
		t.Fatalf("2024: %d %s", r.status, r.body)
	}
}
