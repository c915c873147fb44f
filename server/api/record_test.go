package api_test

import (
	"testing"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/server/api"
	"github.com/ruralhealth/ncms/server/apierr"
)

// recordView is a person's page of record as a client reads it.
type recordView struct {
	Person struct {
		ID         string `json:"id"`
		Enrollment []struct {
			Year int `json:"year"`
		} `json:"enrollment"`
	} `json:"person"`
	Household *struct {
		ID string `json:"id"`
	} `json:"household"`
	Totals struct {
		Year   int    `json:"year"`
		Policy string `json:"policy"`
		Funds  []struct {
			Fund      string `json:"fund"`
			Paid      string `json:"paid"`
			Cap       string `json:"cap"`
			Remaining string `json:"remaining"`
		} `json:"funds"`
	} `json:"totals"`
	Cards []struct {
		Card struct {
			Number string `json:"number"`
			Status string `json:"status"`
		} `json:"card"`
		Events []struct {
			Event string `json:"event"`
		} `json:"events"`
	} `json:"cards"`
	Settlements struct {
		Items []struct {
			Seq    int64  `json:"seq"`
			Status string `json:"status"`
			Funds  []struct {
				Fund   string `json:"fund"`
				Amount string `json:"amount"`
			} `json:"funds"`
		} `json:"items"`
		Next string `json:"next"`
	} `json:"settlements"`
}

// TestPersonRecord reads a person's and a household's page of record after
// settlements and a reversal: the year's totals are what the live settlements paid,
// each against its cap; the cards with their history; the settlements with status.
func TestPersonRecord(t *testing.T) {
	f := newFixture(t, api.Options{})
	f.seed() // settlement 1
	if r := f.do("POST", "/v1/settlements", f.h1, settle("S2", "H001", "3000.00")); r.status != 201 {
		t.Fatalf("settle: %d %s", r.status, r.body)
	}
	if r := f.do("POST", "/v1/settlements/1/reversal", f.h1, `{"reason":"duplicate"}`); r.status != 201 {
		t.Fatalf("reversal: %d %s", r.status, r.body)
	}
	if r := f.do("POST", "/v1/cards/"+card+"/events", f.county, `{"event":"report_lost","date":"2025-03-01","reason":"本人挂失"}`); r.status != 201 {
		t.Fatalf("card event: %d %s", r.status, r.body)
	}

	r := f.do("GET", "/v1/persons/"+person+"/record", f.county, "")
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var v recordView
	if err := jsonv2.Unmarshal(r.env.Result, &v); err != nil {
		t.Fatal(err)
	}
	if v.Person.ID != person || len(v.Person.Enrollment) != 2 || v.Household == nil || v.Household.ID != "H1" {
		t.Errorf("person and household: %+v %+v", v.Person, v.Household)
	}
	if len(v.Cards) != 1 || v.Cards[0].Card.Number != card || v.Cards[0].Card.Status != "lost" || len(v.Cards[0].Events) != 2 {
		t.Errorf("cards: %+v", v.Cards)
	}
	if len(v.Settlements.Items) != 2 || v.Settlements.Items[0].Seq != 2 || v.Settlements.Items[0].Status != "live" ||
		v.Settlements.Items[1].Status != "reversed" || v.Settlements.Next != "" {
		t.Errorf("settlements: %+v", v.Settlements)
	}
	// The year's totals are what settlement 2 paid (1 is reversed), fund by fund.
	paid := map[string]money.Amount{}
	for _, fp := range v.Settlements.Items[0].Funds {
		paid[fp.Fund] = paid[fp.Fund].Add(money.MustAmount(fp.Amount))
	}
	if v.Totals.Year != 2025 || v.Totals.Policy != "pingluo-original" || len(v.Totals.Funds) == 0 {
		t.Fatalf("totals: %+v", v.Totals)
	}
	capped := 0
	for _, fv := range v.Totals.Funds {
		if money.MustAmount(fv.Paid).Cmp(paid[fv.Fund]) != 0 {
			t.Errorf("fund %s paid %s, the live settlement paid %s", fv.Fund, fv.Paid, paid[fv.Fund])
		}
		if fv.Cap != "" {
			capped++
			if money.MustAmount(fv.Cap).Sub(money.MustAmount(fv.Paid)).Cmp(money.MustAmount(fv.Remaining)) != 0 {
				t.Errorf("fund %s: cap %s - paid %s != remaining %s", fv.Fund, fv.Cap, fv.Paid, fv.Remaining)
			}
		}
	}
	if capped == 0 {
		t.Errorf("no fund against a cap: %+v", v.Totals.Funds)
	}

	// Another year: nothing paid; a policy that does not exist: 404 at /policy.
	if r := f.do("GET", "/v1/persons/"+person+"/record?year=2024", f.county, ""); r.status != 200 {
		t.Errorf("2024: %d %s", r.status, r.body)
	} else if err := jsonv2.Unmarshal(r.env.Result, &v); err != nil || len(v.Totals.Funds) != 0 {
		t.Errorf("2024 totals: %+v %v", v.Totals, err)
	}
	for _, tc := range []struct {
		path, key string
		status    int
		code      core.Code
		at        string
	}{
		{"/v1/persons/" + person + "/record?policy=nowhere", f.county, 404, core.PolicyNotFound, "/policy"},
		{"/v1/persons/" + person + "/record?year=25", f.county, 422, core.FieldInvalid, "/year"},
		{"/v1/persons/" + person + "/record?colour=red", f.county, 400, core.RequestUnknownField, "/colour"},
		{"/v1/persons/640221198001010023/record", f.county, 404, apierr.NotFound, "/id"},
		{"/v1/persons/" + person + "/record", f.h1, 403, apierr.Forbidden, ""},
		{"/v1/households/H9/record", f.county, 404, apierr.NotFound, "/id"},
	} {
		r := f.do("GET", tc.path, tc.key, "")
		if code, at := r.first(); r.status != tc.status || code != tc.code || at != tc.at {
			t.Errorf("%s: %d %s at %q, want %d %s at %q", tc.path, r.status, code, at, tc.status, tc.code, tc.at)
		}
	}

	r = f.do("GET", "/v1/households/H1/record", f.county, "")
	var h struct {
		Household struct {
			ID string `json:"id"`
		} `json:"household"`
		Members []struct {
			Person struct {
				ID string `json:"id"`
			} `json:"person"`
			Totals struct {
				Funds []struct{} `json:"funds"`
			} `json:"totals"`
			Cards []struct{} `json:"cards"`
		} `json:"members"`
		Settlements struct {
			Items []struct {
				Seq int64 `json:"seq"`
			} `json:"items"`
		} `json:"settlements"`
	}
	if err := jsonv2.Unmarshal(r.env.Result, &h); r.status != 200 || err != nil {
		t.Fatalf("household: %d %v %s", r.status, err, r.body)
	}
	if h.Household.ID != "H1" || len(h.Members) != 1 || h.Members[0].Person.ID != person ||
		len(h.Members[0].Totals.Funds) == 0 || len(h.Members[0].Cards) != 1 || len(h.Settlements.Items) != 2 {
		t.Errorf("household record: %s", r.env.Result)
	}
}
