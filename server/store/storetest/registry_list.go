package storetest

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ruralhealth/ncms/server/ledger"
)

func testRegistryPages(t *testing.T, open Opener) {
	s := open(t)
	update(t, s, func(ctx context.Context, tx ledger.Tx) error {
		for _, h := range []ledger.Household{
			{ID: "H1", Township: "T1", Village: "V1"}, {ID: "H2", Township: "T1", Village: "V2"}, {ID: "H3", Township: "T2", Village: "V3"},
		} {
			if err := tx.PutHousehold(ctx, h); err != nil {
				return err
			}
		}
		for _, p := range []ledger.Person{
			{ID: "P1", Household: "H1", Category: "farmer"}, {ID: "P2", Household: "H1", Category: "wubao"},
			{ID: "P3", Household: "H2", Category: "farmer"}, {ID: "P4", Household: "H3", Category: "farmer"},
			{ID: "P5", Household: "H9", Category: "farmer"},
		} {
			if err := tx.PutPerson(ctx, p); err != nil {
				return err
			}
		}
		return nil
	})
	persons := []struct {
		name string
		q    ledger.PersonQuery
		want []string
	}{
		{"all", ledger.PersonQuery{}, []string{"P1", "P2", "P3", "P4", "P5"}},
		{"after and limit", ledger.PersonQuery{AfterID: "P2", Limit: 2}, []string{"P3", "P4"}},
		{"household", ledger.PersonQuery{Household: "H1"}, []string{"P1", "P2"}},
		{"township", ledger.PersonQuery{Township: "T1"}, []string{"P1", "P2", "P3"}},
		{"village", ledger.PersonQuery{Village: "V3"}, []string{"P4"}},
		{"category", ledger.PersonQuery{Category: "farmer", Township: "T1"}, []string{"P1", "P3"}},
		{"nothing", ledger.PersonQuery{Village: "V9"}, []string{}},
	}
	households := []struct {
		name string
		q    ledger.HouseholdQuery
		want []string
	}{
		{"all", ledger.HouseholdQuery{}, []string{"H1", "H2", "H3"}},
		{"after and limit", ledger.HouseholdQuery{AfterID: "H1", Limit: 1}, []string{"H2"}},
		{"township", ledger.HouseholdQuery{Township: "T1"}, []string{"H1", "H2"}},
		{"village", ledger.HouseholdQuery{Village: "V3", Township: "T2"}, []string{"H3"}},
	}
	view(t, s, func(ctx context.Context, tx ledger.Tx) error {
		for _, tc := range persons {
			if tc.q.Limit == 0 {
				tc.q.Limit = 50
			}
			ps, err := tx.PersonsPage(ctx, tc.q)
			if err != nil {
				return err
			}
			got := []string{}
			for _, p := range ps {
				got = append(got, p.ID)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("PersonsPage %s -want +got:\n%s", tc.name, d)
			}
		}
		for _, tc := range households {
			if tc.q.Limit == 0 {
				tc.q.Limit = 50
			}
			hs, err := tx.HouseholdsPage(ctx, tc.q)
			if err != nil {
				return err
			}
			got := []string{}
			for _, h := range hs {
				got = append(got, h.ID)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("HouseholdsPage %s -want +got:\n%s", tc.name, d)
			}
		}
		return nil
	})
}
