package api

import (
	"net/http"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/core/simulate"
	"github.com/ruralhealth/ncms/server/ledger"
	"github.com/ruralhealth/ncms/server/replay"
)

// simulationRequest asks for a fund simulation of the journal's year under a draft
// policy (core/simulate, as `ncms simulate --db` runs it).
type simulationRequest struct {
	Schema int `json:"schema"`
	// Policy is the draft policy document; it is not published.
	Policy policy.Policy `json:"policy"`
	// Year is the year of admissions to replay.
	Year int `json:"year"`
	// Baseline is a published policy's id to compare with; empty: each claim under
	// the policy that settled it.
	Baseline    string      `json:"baseline,omitempty"`
	Top         int         `json:"top,omitempty"`
	GrowthLimit *money.Rate `json:"growthLimit,omitempty"`
}

// simulation answers POST /v1/simulations with the simulation's report.
func (s *Server) simulation(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	var req simulationRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	var es core.Errors
	if req.Schema != 1 {
		es.AddText(core.RequestSchema, "/schema", "want 1", "应为 1")
	}
	if req.Year < 1 || req.Year > 9999 {
		es.Add(core.FieldRequired, "/year", "")
	}
	if req.Top < 0 || req.Top > 1000 {
		es.AddText(core.FieldInvalid, "/top", "0 to 1000", "应为 0 至 1000")
	}
	draft, err := policy.Compile(req.Policy)
	if err != nil {
		es = append(es, core.AsErrors(core.Prefix(err, "/policy"))...)
	}
	e := s.ledger.Engine()
	o := simulate.Options{New: draft, Top: req.Top, GrowthLimit: req.GrowthLimit}
	if req.Baseline != "" {
		old, err := e.Find(req.Baseline, "", civil.Date{})
		if err != nil {
			es = append(es, core.NewError(core.PolicyNotFound, "/baseline", core.Quote(req.Baseline)))
		}
		o.Old = simulate.Fixed(old)
	} else {
		o.Old = func(l *simulate.Line) (*policy.Compiled, error) { return e.FindFor(l.Policy, l.Version, &l.Claim) }
	}
	if len(es) > 0 {
		return es
	}
	rep, err := simulate.Run(r.Context(), replay.Journal(r.Context(), s.ledger.Store(), req.Year), o)
	if err != nil {
		return err
	}
	return writeOK(w, http.StatusOK, rep)
}
