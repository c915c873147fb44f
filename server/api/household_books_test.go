package api_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/server/api"
	"github.com/ruralhealth/ncms/server/apierr"
)

// Members of household H7 in TestHouseholdBooks.
const (
	member7a = "640221198001010031"
	member7b = "64022119800101004X"
)

// TestHouseholdBooks plays the households' books through the HTTP API: a household
// enrolls with all its members, the family account is credited by the policy's
// split and drawn by a settlement whatever the claim asserts, receipts are
// reprinted, the statement pages, and the contribution roster imports all or none.
func TestHouseholdBooks(t *testing.T) {
	f := newFixture(t, api.Options{})
	f.seed()
	want := func(what string, r *response, status int, code core.Code) {
		t.Helper()
		if c, _ := r.first(); r.status != status || c != code {
			t.Fatalf("%s: %d %s, want %d %s\n%s", what, r.status, c, status, code, r.body)
		}
	}
	want("household", f.do("PUT", "/v1/households/H7", f.county, `{"township":"640221100","village":"V07"}`), 200, "")
	for _, id := range []string{member7a, member7b} {
		want("member", f.do("PUT", "/v1/persons/"+id, f.county, `{"name":"成员","household":"H7","category":"farmer","enrollment":[]}`), 200, "")
	}
	enroll := func(members ...string) string {
		var ms []string
		for _, m := range members {
			ms = append(ms, fmt.Sprintf(`{"person":%q,"amount":"10"}`, m))
		}
		return `{"year":2025,"policy":"pingluo-original","paidOn":"2024-12-01","members":[` + strings.Join(ms, ",") + `]}`
	}
	r := f.do("POST", "/v1/households/H7/enrollments", f.county, enroll(member7a))
	want("one member of two", r, 422, apierr.HouseholdIncomplete)
	r = f.do("POST", "/v1/households/H7/enrollments", f.county, enroll(member7a, member7b))
	want("both members", r, 201, "")
	var enrolled struct {
		Contributions []struct {
			Receipt      string `json:"receipt"`
			FamilyCredit string `json:"familyCredit"`
		} `json:"contributions"`
		FamilyAccount string `json:"familyAccount"`
	}
	if err := jsonv2.Unmarshal(r.env.Result, &enrolled); err != nil || len(enrolled.Contributions) != 2 || enrolled.FamilyAccount != "10.00" {
		t.Fatalf("enrolled %s (%v), want two contributions and 10.00 in the account", r.env.Result, err)
	}
	want("again", f.do("POST", "/v1/households/H7/enrollments", f.county, enroll(member7a, member7b)), 409, apierr.ContributionExists)
	want("institution key", f.do("POST", "/v1/households/H7/enrollments", f.h1, enroll(member7a, member7b)), 403, apierr.Forbidden)
	want("unknown household", f.do("POST", "/v1/households/H404/enrollments", f.county, enroll(member7a)), 404, apierr.NotFound)

	receipt := enrolled.Contributions[0].Receipt
	want("receipt", f.do("GET", "/v1/contributions/"+receipt, f.county, ""), 200, "")
	r = f.do("GET", "/v1/contributions/"+receipt+"?format=html", f.county, "")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") ||
		!strings.Contains(string(r.body), receipt) || !strings.Contains(string(r.body), "参合缴费收据") {
		t.Errorf("receipt print view: %d %s\n%s", r.status, r.header.Get("Content-Type"), r.body)
	}
	want("unknown receipt", f.do("GET", "/v1/contributions/JF2025-99999999", f.county, ""), 404, apierr.NotFound)
	r = f.do("GET", "/v1/households/H7/contributions?year=2025", f.county, "")
	if r.status != 200 || strings.Count(string(r.env.Result), `"receipt"`) != 2 {
		t.Errorf("contributions: %d %s", r.status, r.body)
	}
	r = f.do("GET", "/v1/persons/"+member7a, f.county, "")
	if !strings.Contains(string(r.env.Result), `"enrollment":[{"year":2025,"paidOn":"2024-12-01"}]`) {
		t.Errorf("the registry's person shows the contribution's enrollment: %s", r.env.Result)
	}
	r = f.do("GET", "/v1/households/H7/record?year=2025", f.county, "")
	if strings.Count(string(r.env.Result), `"enrollment":[{"year":2025,"paidOn":"2024-12-01"}]`) != 2 {
		t.Errorf("the household's record shows each member's contribution: %s", r.env.Result)
	}

	// The claim asserts 999 in the account; the server supplies the 10 it keeps.
	claim := fmt.Sprintf(`{"schema":1,"policy":"pingluo-original","claim":{"id":"OP1",
	 "person":{"id":%q,"category":"farmer","birthDate":"1980-01-01","enrollment":[]},
	 "visit":{"type":"outpatient","class":"village","institution":"H001","admission":"2025-03-01","discharge":"2025-03-01"},
	 "items":[{"code":"X1","kind":"treatment","class":"A","amount":"30"}],
	 "totals":{"year":0,"funds":[],"admissions":[],"familyAccount":"999"}}}`, member7a)
	r = f.do("POST", "/v1/settlements", f.h1, claim)
	want("outpatient settlement", r, 201, "")
	var res struct {
		FamilyAccount string `json:"familyAccount"`
		Cash          string `json:"cash"`
	}
	if err := jsonv2.Unmarshal(r.env.Result, &res); err != nil || res.FamilyAccount != "10.00" || res.Cash != "20.00" {
		t.Errorf("settled %+v (%v), want 10.00 from the account and 20.00 cash", res, err)
	}

	// The statement, one row a page.
	var rows []string
	next := ""
	var st struct {
		Balance, Credits, Debits string
		Items                    []struct{ Kind, Amount, Balance string }
		Next                     string
	}
	for page := 0; page < 5; page++ {
		path := "/v1/households/H7/account?limit=1"
		if next != "" {
			path += "&cursor=" + url.QueryEscape(next)
		}
		r = f.do("GET", path, f.county, "")
		want("statement", r, 200, "")
		st.Next = ""
		if err := jsonv2.Unmarshal(r.env.Result, &st, jsonv2.MatchCaseInsensitiveNames(true)); err != nil {
			t.Fatal(err)
		}
		for _, it := range st.Items {
			rows = append(rows, it.Kind+" "+it.Amount+" → "+it.Balance)
		}
		if next = st.Next; next == "" {
			break
		}
	}
	wantRows := []string{"contribution 5.00 → 5.00", "contribution 5.00 → 10.00", "settlement 10.00 → 0.00"}
	if strings.Join(rows, "; ") != strings.Join(wantRows, "; ") || st.Balance != "0.00" || st.Credits != "10.00" || st.Debits != "10.00" {
		t.Errorf("statement %q, balance %s credits %s debits %s; want %q, 0.00, 10.00, 10.00", rows, st.Balance, st.Credits, st.Debits, wantRows)
	}
	want("bad cursor", f.do("GET", "/v1/households/H7/account?cursor=xyz", f.county, ""), 422, core.FieldInvalid)
	want("unknown household's account", f.do("GET", "/v1/households/H404/account", f.county, ""), 404, apierr.NotFound)

	// The roster for 2026: a bad row imports nothing; the good roster imports all.
	const header = "household,id,name,year,payer,subsidy,amount,paidOn\n"
	bad := header + "H7," + member7a + ",甲,2026,self,,10,2025-12-01\nH7," + member7b + ",乙,2026,government,,10,2025-12-01\n"
	r = f.do("POST", "/v1/contributions/import?policy=pingluo-original", f.county, bad, "Content-Type", "text/csv; charset=utf-8")
	if _, at := r.first(); r.status != 422 || at != "/rows/1/subsidy" {
		t.Errorf("bad roster: %d %s", r.status, r.body)
	}
	good := strings.Replace(bad, "government,,", "government,dibao,", 1)
	want("good roster", f.do("POST", "/v1/contributions/import?policy=pingluo-original", f.county, good, "Content-Type", "text/csv"), 200, "")
	want("no policy", f.do("POST", "/v1/contributions/import", f.county, good), 422, core.FieldRequired)
	r = f.do("GET", "/v1/households/H7/account", f.county, "")
	if !strings.Contains(string(r.env.Result), `"balance":"10.00"`) {
		t.Errorf("after the 2026 roster: %s, want 10.00 (0 rolled over, 5 + 5)", r.env.Result)
	}
}
