package api

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gorilla/mux"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/server/ledger"
)

// fundView is one fund's running total for the year against its annual cap.
type fundView struct {
	Fund   string       `json:"fund"`
	Name   string       `json:"name,omitzero"`
	Paid   money.Amount `json:"paid"`
	Visits int          `json:"visits"`
	// Cap is the policy's annual cap of the pool or layer, and Remaining what it
	// still allows; both absent when the fund has none or no policy is known.
	Cap       *money.Amount `json:"cap,omitzero"`
	Remaining *money.Amount `json:"remaining,omitzero"`
	// CapBonus says the pool takes the policy's continuity bonus: the person's cap
	// may be higher than Cap by a step for continuous years (the settlement's result
	// shows the cap the core applied).
	CapBonus bool `json:"capBonus,omitzero"`
}

// totalsView is a person's year against the caps of a policy.
type totalsView struct {
	Year          int                `json:"year"`
	Policy        string             `json:"policy,omitzero"`
	PolicyVersion string             `json:"policyVersion,omitzero"`
	Funds         []fundView         `json:"funds"`
	Admissions    []claim.ClassCount `json:"admissions"`
	FamilyAccount money.Amount       `json:"familyAccount"`
}

// totalsOf sets the year's totals against p's caps (p nil: no caps).
func totalsOf(t claim.Totals, year int, p *policy.Compiled) totalsView {
	v := totalsView{Year: year, Funds: []fundView{}, Admissions: t.Admissions, FamilyAccount: t.FamilyAccount}
	if v.Admissions == nil {
		v.Admissions = []claim.ClassCount{}
	}
	if p != nil {
		v.Policy, v.PolicyVersion = p.ID(), p.Version()
	}
	for _, f := range t.Funds {
		fv := fundView{Fund: f.Fund, Paid: f.Paid, Visits: f.Visits}
		if p != nil {
			var limit *money.Amount
			if pool, ok := p.Pool(f.Fund); ok {
				c := pool.Cap
				limit, fv.Name = &c, pool.Name
				k := p.Policy().Continuity
				fv.CapBonus = pool.ContinuityBonus && k != nil && len(k.CapSteps) > 0
			}
			for _, l := range p.Policy().Layers {
				if l.ID == f.Fund {
					limit, fv.Name = l.Cap, l.Name
				}
			}
			if limit != nil {
				r := money.NonNegative(limit.Sub(f.Paid))
				fv.Cap, fv.Remaining = limit, &r
			}
		}
		v.Funds = append(v.Funds, fv)
	}
	return v
}

// personView is a person's page of record.
type personView struct {
	Person      *ledger.Person       `json:"person"`
	Household   *ledger.Household    `json:"household"`
	Totals      totalsView           `json:"totals"`
	Cards       []ledger.CardHistory `json:"cards"`
	Settlements page[settlementItem] `json:"settlements"`
}

// memberView is a member in a household's page of record.
type memberView struct {
	Person *ledger.Person       `json:"person"`
	Totals totalsView           `json:"totals"`
	Cards  []ledger.CardHistory `json:"cards"`
}

// householdView is a household's page of record.
type householdView struct {
	Household   *ledger.Household    `json:"household"`
	Members     []memberView         `json:"members"`
	Settlements page[settlementItem] `json:"settlements"`
}

// recordQuery reads year and policy, the totals year and the policy whose caps they
// are shown against.
func (s *Server) recordQuery(r *http.Request) (int, string, error) {
	lq := newListQuery(r.URL.Query())
	year := 0
	if v := lq.str("year"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1900 || n > 9999 {
			lq.es.AddText(core.FieldInvalid, "/year", core.Quote(v)+" is not a year", core.Quote(v)+" 不是年份")
		}
		year = n
	}
	pol := lq.str("policy")
	return year, pol, lq.err()
}

// capsPolicy finds the policy for the caps: the one named, else the one the newest
// settlement of the year was settled under; nil when neither is known.
func (s *Server) capsPolicy(named string, year int, rows []ledger.SettlementRow) (*policy.Compiled, error) {
	if named != "" {
		// Find's error names /policy, the parameter's name here too.
		return s.ledger.Engine().Find(named, "", civil.Date{})
	}
	for _, row := range rows {
		if e := row.Entry; e.Year == year && e.PolicyID != "" {
			if p, err := s.ledger.Engine().Find(e.PolicyID, e.PolicyVersion, civil.Date{}); err == nil {
				return p, nil
			}
		}
	}
	return nil, nil
}

// settlementsPage is a record's first page of settlements, its next cursor a
// GET /v1/settlements with the record's filter.
func settlementsPage(rows []ledger.SettlementRow, more bool, filter, value string) page[settlementItem] {
	p := page[settlementItem]{Items: make([]settlementItem, 0, len(rows)), Limit: ledger.DefaultListLimit}
	for _, row := range rows {
		p.Items = append(p.Items, itemOf(row))
	}
	if more && len(rows) > 0 {
		p.Next = "/v1/settlements?" + filter + "=" + url.QueryEscape(value) + "&cursor=" +
			encodeCursor(settlementsCursor, strconv.FormatInt(rows[len(rows)-1].Entry.Seq, 10))
	}
	return p
}

// personRecord answers GET /v1/persons/{id}/record: the person's page of record.
func (s *Server) personRecord(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	year, named, err := s.recordQuery(r)
	if err != nil {
		return err
	}
	rec, err := s.ledger.PersonRecord(r.Context(), mux.Vars(r)["id"], year)
	if err != nil {
		return s.ledgerError(err)
	}
	p, err := s.capsPolicy(named, rec.Year, rec.Settlements)
	if err != nil {
		return err
	}
	v := personView{Person: rec.Person, Household: rec.Household, Totals: totalsOf(rec.Totals, rec.Year, p),
		Cards: rec.Cards, Settlements: settlementsPage(rec.Settlements, rec.More, "person", rec.Person.ID)}
	return writeOK(w, http.StatusOK, v)
}

// householdRecord answers GET /v1/households/{id}/record: the household's page of
// record, each member with their totals and cards.
func (s *Server) householdRecord(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	year, named, err := s.recordQuery(r)
	if err != nil {
		return err
	}
	rec, err := s.ledger.HouseholdRecord(r.Context(), mux.Vars(r)["id"], year)
	if err != nil {
		return s.ledgerError(err)
	}
	p, err := s.capsPolicy(named, rec.Year, rec.Settlements)
	if err != nil {
		return err
	}
	v := householdView{Household: rec.Household, Members: []memberView{},
		Settlements: settlementsPage(rec.Settlements, rec.More, "household", rec.Household.ID)}
	for _, m := range rec.Members {
		v.Members = append(v.Members, memberView{Person: m.Person, Totals: totalsOf(m.Totals, rec.Year, p), Cards: m.Cards})
	}
	return writeOK(w, http.StatusOK, v)
}
