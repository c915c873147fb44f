package api_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/google/go-cmp/cmp"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/enroll"
	"github.com/ruralhealth/ncms/server/api"
	"github.com/ruralhealth/ncms/server/ledger"
)

// settlementPage is a page of GET /v1/settlements as a client reads it.
type settlementPage struct {
	Items []struct {
		Seq         int64  `json:"seq"`
		Status      string `json:"status"`
		ReversedBy  int64  `json:"reversedBy"`
		CorrectedBy int64  `json:"correctedBy"`
		Corrects    int64  `json:"corrects"`
		Institution string `json:"institution"`
		Total       string `json:"total"`
		Links       struct {
			Self        string `json:"self"`
			Reversal    string `json:"reversal"`
			CorrectedBy string `json:"correctedBy"`
			Corrects    string `json:"corrects"`
		} `json:"links"`
	} `json:"items"`
	Limit int    `json:"limit"`
	Next  string `json:"next"`
}

func (f *fixture) settlements(key, query string) (*response, settlementPage) {
	f.t.Helper()
	r := f.do("GET", "/v1/settlements?"+query, key, "")
	var p settlementPage
	if r.status == 200 {
		if err := jsonv2.Unmarshal(r.env.Result, &p); err != nil {
			f.t.Fatalf("%s: %v", r.body, err)
		}
	}
	return r, p
}

func (p settlementPage) seqs() []int64 {
	out := []int64{}
	for _, it := range p.Items {
		out = append(out, it.Seq)
	}
	return out
}

// TestListSettlements settles, reverses and corrects through HTTP and lists the
// journal: filters, status derived from the journal, links, the cursor, an
// institution key's scope, and typed errors naming the parameter.
func TestListSettlements(t *testing.T) {
	f := newFixture(t, api.Options{})
	f.seed() // 1: H001 S1 1000.00
	for _, s := range []struct{ visit, inst, amount string }{
		{"S2", "H001", "2000.00"}, // 2
		{"S3", "H002", "300.50"},  // 3
		{"S4", "H001", "4000.00"}, // 4
	} {
		key := f.h1
		if s.inst == "H002" {
			key = f.h2
		}
		if r := f.do("POST", "/v1/settlements", key, settle(s.visit, s.inst, s.amount)); r.status != 201 {
			t.Fatalf("settle %s: %d %s", s.visit, r.status, r.body)
		}
	}
	if r := f.do("POST", "/v1/settlements/2/reversal", f.h1, `{"reason":"duplicate"}`); r.status != 201 { // 5
		t.Fatalf("reversal: %d %s", r.status, r.body)
	}
	if r := f.do("POST", "/v1/settlements/4/correction", f.h1, correction(settle("S4", "H001", "3500.00"))); r.status != 201 { // 6, 7
		t.Fatalf("correction: %d %s", r.status, r.body)
	}

	for _, tc := range []struct {
		name, query string
		want        []int64
	}{
		{"all", "", []int64{7, 4, 3, 2, 1}},
		{"live", "status=live", []int64{7, 3, 1}},
		{"reversed", "status=reversed", []int64{2}},
		{"corrected", "status=corrected", []int64{4}},
		{"institution", "institution=H002", []int64{3}},
		{"person", "person=" + person, []int64{7, 4, 3, 2, 1}},
		{"person, 15 digits", "person=640221800101001", []int64{7, 4, 3, 2, 1}},
		{"township", "township=640221100", []int64{7, 4, 3, 2, 1}},
		{"village", "village=nowhere", []int64{}},
		{"visit type", "visitType=outpatient", []int64{}},
		{"total range", "minTotal=300.5&maxTotal=2000", []int64{3, 2, 1}},
		{"visit dates", "visitFrom=2025-01-01&visitTo=2025-12-31", []int64{7, 4, 3, 2, 1}},
		{"settled today", "settledFrom=2025-06-01&settledTo=2025-06-01", []int64{7, 4, 3, 2, 1}},
		{"settled later", "settledFrom=2025-06-02", []int64{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, p := f.settlements(f.county, tc.query)
			if r.status != 200 {
				t.Fatalf("%d %s", r.status, r.body)
			}
			if d := cmp.Diff(tc.want, p.seqs()); d != "" {
				t.Errorf("seqs -want +got:\n%s", d)
			}
		})
	}

	_, all := f.settlements(f.county, "")
	for _, it := range all.Items {
		switch it.Seq {
		case 2:
			if it.Status != "reversed" || it.ReversedBy != 5 || it.Links.Reversal != "/v1/settlements/5" {
				t.Errorf("2: %+v", it)
			}
		case 4:
			if it.Status != "corrected" || it.ReversedBy != 6 || it.CorrectedBy != 7 || it.Links.CorrectedBy != "/v1/settlements/7" {
				t.Errorf("4: %+v", it)
			}
		case 7:
			if it.Status != "live" || it.Corrects != 4 || it.Links.Corrects != "/v1/settlements/4" || it.Total != "3500.00" {
				t.Errorf("7: %+v", it)
			}
		}
		if it.Links.Self != fmt.Sprintf("/v1/settlements/%d", it.Seq) {
			t.Errorf("self %q", it.Links.Self)
		}
	}

	// Walk with the cursor, two at a time: every settlement once, in order.
	var walked []int64
	query := "limit=2"
	for pages := 0; ; pages++ {
		r, p := f.settlements(f.county, query)
		if r.status != 200 || p.Limit != 2 || len(p.Items) > 2 || pages > 5 {
			t.Fatalf("page %d: %d %s", pages, r.status, r.body)
		}
		walked = append(walked, p.seqs()...)
		if p.Next == "" {
			break
		}
		query = "limit=2&cursor=" + url.QueryEscape(p.Next)
	}
	if d := cmp.Diff([]int64{7, 4, 3, 2, 1}, walked); d != "" {
		t.Errorf("walked -want +got:\n%s", d)
	}

	// An institution key sees its own institution's only.
	if _, p := f.settlements(f.h2, ""); !cmp.Equal(p.seqs(), []int64{3}) {
		t.Errorf("H002 sees %v", p.seqs())
	}
	if r, _ := f.settlements(f.h2, "institution=H001"); r.status != 403 {
		t.Errorf("H002 asking for H001: %d %s", r.status, r.body)
	}

	for _, tc := range []struct {
		query  string
		status int
		code   core.Code
		at     string
	}{
		{"limit=0", 422, core.FieldInvalid, "/limit"},
		{"limit=201", 422, core.FieldInvalid, "/limit"},
		{"limit=ten", 422, core.FieldInvalid, "/limit"},
		{"status=open", 422, core.FieldInvalid, "/status"},
		{"settledFrom=2025-13-01", 422, "", "/settledFrom"},
		{"visitTo=yesterday", 422, "", "/visitTo"},
		{"minTotal=1.001", 422, core.AmountPrecision, "/minTotal"},
		{"maxTotal=abc", 422, "", "/maxTotal"},
		{"cursor=bm9wZQ", 422, core.FieldInvalid, "/cursor"},
		{"institution=H001&institution=H002", 422, core.FieldInvalid, "/institution"},
		{"facility=H001", 400, core.RequestUnknownField, "/facility"},
		{"person=640221198001010016", 422, core.IDChecksum, "/person"},
	} {
		r, _ := f.settlements(f.county, tc.query)
		code, at := r.first()
		if r.status != tc.status || at != tc.at || (tc.code != "" && code != tc.code) {
			t.Errorf("%s: %d %s at %q, want %d %s at %q", tc.query, r.status, code, at, tc.status, tc.code, tc.at)
		}
	}
	if r, _ := f.settlements("", ""); r.status != 401 {
		t.Errorf("no key: %d", r.status)
	}
	if !strings.Contains(f.logs.String(), "route=/v1/settlements status=200") {
		t.Errorf("no log line for the list")
	}
}

// TestListRegistry pages through persons and households with filters and the
// cursor, and refuses another list's cursor.
func TestListRegistry(t *testing.T) {
	f := newFixture(t, api.Options{})
	ctx := t.Context()
	for i, v := range []string{"V1", "V1", "V2"} {
		must(t, f.l.PutHousehold(ctx, ledger.Household{ID: fmt.Sprintf("H%d", i+1), Township: "640221100", Village: v}))
	}
	ids := []string{"640221198001010015", "640221198001010023", "640221198001010031"}
	for i, id := range ids {
		must(t, f.l.PutPerson(ctx, ledger.Person{ID: id, Name: "某", Household: fmt.Sprintf("H%d", i+1), Category: "farmer",
			Enrollment: []enroll.Year{{Year: 2025, PaidOn: civil.MustParse("2024-12-01")}}}))
	}
	type pageOf struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
		Next string `json:"next"`
	}
	walk := func(path string) ([]string, int) {
		var got []string
		query, pages := path+"?limit=2", 0
		for ; pages < 5; pages++ {
			r := f.do("GET", query, f.county, "")
			var p pageOf
			if r.status != 200 || jsonv2.Unmarshal(r.env.Result, &p) != nil {
				t.Fatalf("%s: %d %s", query, r.status, r.body)
			}
			for _, it := range p.Items {
				got = append(got, it.ID)
			}
			if p.Next == "" {
				break
			}
			query = path + "?limit=2&cursor=" + url.QueryEscape(p.Next)
		}
		return got, pages + 1
	}
	if got, pages := walk("/v1/persons"); !cmp.Equal(got, ids) || pages != 2 {
		t.Errorf("persons %v in %d pages", got, pages)
	}
	if got, pages := walk("/v1/households"); !cmp.Equal(got, []string{"H1", "H2", "H3"}) || pages != 2 {
		t.Errorf("households %v in %d pages", got, pages)
	}
	r := f.do("GET", "/v1/persons?village=V1", f.county, "")
	var p pageOf
	if err := jsonv2.Unmarshal(r.env.Result, &p); err != nil || len(p.Items) != 2 {
		t.Errorf("village V1: %s", r.body)
	}
	r = f.do("GET", "/v1/households?village=V2", f.county, "")
	if err := jsonv2.Unmarshal(r.env.Result, &p); err != nil || len(p.Items) != 1 || p.Items[0].ID != "H3" {
		t.Errorf("households in V2: %s", r.body)
	}
	// A cursor of the households list is not one of the persons list.
	r = f.do("GET", "/v1/households?limit=1", f.county, "")
	if err := jsonv2.Unmarshal(r.env.Result, &p); err != nil || p.Next == "" {
		t.Fatalf("households page: %s", r.body)
	}
	if r := f.do("GET", "/v1/persons?cursor="+url.QueryEscape(p.Next), f.county, ""); r.status != 422 {
		t.Errorf("foreign cursor: %d %s", r.status, r.body)
	} else if code, at := r.first(); code != core.FieldInvalid || at != "/cursor" {
		t.Errorf("foreign cursor: %s", r.body)
	}
	if r := f.do("GET", "/v1/persons", f.h1, ""); r.status != 403 {
		t.Errorf("institution key: %d", r.status)
	}
}
