package api

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/ruralhealth/ncms/core/civil"
	codec "github.com/ruralhealth/ncms/core/codec/anycodec"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/server/ledger"
)

// engineOp answers POST /v1/engine/{op} with the engine's response envelope, byte
// for byte: the conformance suite compares it with the native core's. load_policy
// needs a county key and is published through the ledger; every other operation is
// pure computation.
func (s *Server) engineOp(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	op := mux.Vars(r)["op"]
	if op == engine.OpLoadPolicy {
		k, err := s.authorize(r, county)
		if err != nil {
			return err
		}
		return s.loadPolicyWith(w, r, k, http.StatusOK)
	}
	return s.call(w, r, op, nil)
}

// call runs an engine operation through the calculator on the body, or on req when
// it is not nil, and writes the envelope it returns.
func (s *Server) call(w http.ResponseWriter, r *http.Request, op string, req []byte) error {
	if req == nil {
		var err error
		if req, err = readBody(w, r, bodyLimit(r)); err != nil {
			return err
		}
	}
	resp, err := s.calc.Call(r.Context(), op, req)
	if err != nil {
		return fmt.Errorf("api: %s: %w", op, err)
	}
	writeEnvelope(w, http.StatusOK, resp)
	return nil
}

// estimate answers POST /v1/estimate: the engine's estimate (预结算 for a family, no
// visit id needed, nothing recorded).
func (s *Server) estimate(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	return s.call(w, r, engine.OpEstimate, nil)
}

// validateRoster answers POST /v1/rosters/validate: the engine's validate_roster.
func (s *Server) validateRoster(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	return s.call(w, r, engine.OpValidateRoster, nil)
}

// listPolicies answers GET /v1/policies with the list_policies envelope.
func (s *Server) listPolicies(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	return s.call(w, r, engine.OpListPolicies, []byte(`{"schema":1}`))
}

// getPolicy answers GET /v1/policies/{id}?version= with the policy's canonical
// document. Its hash is the ETag, so a host that has the document gets 304.
func (s *Server) getPolicy(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	p, err := s.ledger.Engine().Find(mux.Vars(r)["id"], r.URL.Query().Get("version"), civil.Date{})
	if err != nil {
		return err
	}
	etag := `"` + p.Hash() + `"`
	h := w.Header()
	h.Set("ETag", etag)
	// Without ?version= the answer changes when a version is published: revalidate.
	h.Set("Cache-Control", "no-cache")
	if matchETag(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	writeJSON(w, http.StatusOK, p.Canonical())
	return nil
}

// matchETag reports whether an If-None-Match header names etag (weakly, RFC 9110
// §13.1.2).
func matchETag(header, etag string) bool {
	for t := range strings.SplitSeq(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// loadPolicy answers POST /v1/policies: publish a policy document (county).
func (s *Server) loadPolicy(w http.ResponseWriter, r *http.Request, k *ledger.Key) error {
	return s.loadPolicyWith(w, r, k, http.StatusCreated)
}

// loadPolicyWith publishes the body through the ledger and writes the engine's
// load_policy envelope with okCode.
func (s *Server) loadPolicyWith(w http.ResponseWriter, r *http.Request, _ *ledger.Key, okCode int) error {
	body, err := readBody(w, r, codec.MaxRequest)
	if err != nil {
		return err
	}
	resp, err := s.ledger.LoadPolicy(r.Context(), body)
	if err != nil {
		s.ledgerError(err)
		if resp == nil {
			return err
		}
		// The engine refused the document: its envelope is the answer, as natively.
	}
	if okCode == http.StatusCreated && envelopeStatus(resp, okCode) == okCode {
		if loc := policyLocation(resp); loc != "" {
			setLocation(w, loc)
		}
	}
	writeEnvelope(w, okCode, resp)
	return nil
}
