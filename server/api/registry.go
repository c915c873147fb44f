package api

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	codec "github.com/ruralhealth/ncms/core/codec/anycodec"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/server/ledger"
)

// pathID fills an id the body left out from the path, and refuses one that differs.
func pathID(body *string, path string) error {
	switch *body {
	case "":
		*body = path
	case path:
	default:
		return core.Errors{core.NewErrorText(core.FieldInvalid, "/id", "differs from the id in the URL", "与网址中的编号不同")}
	}
	return nil
}

// putHousehold answers PUT /v1/households/{id}: register or replace a household.
func (s *Server) putHousehold(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	var h ledger.Household
	if err := decodeBody(w, r, &h); err != nil {
		return err
	}
	if err := pathID(&h.ID, mux.Vars(r)["id"]); err != nil {
		return err
	}
	if err := s.ledger.PutHousehold(r.Context(), h); err != nil {
		return s.ledgerError(err)
	}
	return writeOK(w, http.StatusOK, h)
}

// putPerson answers PUT /v1/persons/{id}: register or replace a person and their
// enrollment history; the result is the record as stored.
func (s *Server) putPerson(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	var p ledger.Person
	if err := decodeBody(w, r, &p); err != nil {
		return err
	}
	if err := pathID(&p.ID, mux.Vars(r)["id"]); err != nil {
		return err
	}
	if err := s.ledger.PutPerson(r.Context(), p); err != nil {
		return s.ledgerError(err)
	}
	// Read back: the ledger canonicalizes the ID and fills the birth date.
	stored, err := s.ledger.Person(r.Context(), p.ID)
	if err != nil {
		return s.ledgerError(err)
	}
	return writeOK(w, http.StatusOK, stored)
}

// person answers GET /v1/persons/{id}.
func (s *Server) person(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	p, err := s.ledger.Person(r.Context(), mux.Vars(r)["id"])
	if err != nil {
		return s.ledgerError(err)
	}
	return writeOK(w, http.StatusOK, p)
}

// importRoster answers POST /v1/registry/import: the county roster as CSV, all rows
// or none, read as a stream. Its encoding is the charset of the query or of the
// Content-Type, else detected. A roster with problems is 422 with the first ones at
// /rows/<i>/<column> and the count of all of them by code.
func (s *Server) importRoster(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	if r.ContentLength > ImportLimit {
		return core.Errors{tooLarge(uint64(r.ContentLength), ImportLimit)}
	}
	enc, err := charset(r)
	if err != nil {
		return err
	}
	progress, done, err := s.progress.start(r.URL.Query().Get("progress"))
	if err != nil {
		return err
	}
	defer done()
	body := http.MaxBytesReader(w, r.Body, ImportLimit)
	rep, err := s.ledger.Import(r.Context(), body, ledger.ImportOptions{Encoding: enc, Progress: progress})
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return core.Errors{tooLarge(uint64(ImportLimit)+1, ImportLimit)}
	case err != nil:
		return s.ledgerError(err)
	case !rep.Imported:
		b, err := codec.Encode(importFailure{Schema: engine.Schema, OK: false, Errors: rep.Problems,
			Rows: rep.Rows, Encoding: rep.Encoding, ProblemCount: rep.ProblemCount, ProblemCodes: rep.ProblemCodes})
		if err != nil {
			return fmt.Errorf("api: encoding the import's problems: %w", err)
		}
		writeJSON(w, http.StatusUnprocessableEntity, b)
		return nil
	}
	return writeOK(w, http.StatusOK, rep)
}

// importFailure is the answer to a roster with problems: the error envelope with
// the first problems, and the counts of them all.
type importFailure struct {
	Schema       int                `json:"schema"`
	OK           bool               `json:"ok"`
	Errors       core.Errors        `json:"errors"`
	Rows         int                `json:"rows"`
	Encoding     ledger.Encoding    `json:"encoding"`
	ProblemCount int                `json:"problemCount"`
	ProblemCodes []ledger.CodeCount `json:"problemCodes"`
}

// charset is the roster's encoding named by the charset query parameter or the
// Content-Type's charset parameter (auto when neither names one); the two must
// agree.
func charset(r *http.Request) (ledger.Encoding, error) {
	var es core.Errors
	enc := ledger.EncodingAuto
	if ct := r.Header.Get("Content-Type"); ct != "" {
		_, params, err := mime.ParseMediaType(ct)
		if err == nil && params["charset"] != "" {
			if enc, err = parseCharset(params["charset"], "/charset"); err != nil {
				return "", err
			}
		}
	}
	if q := r.URL.Query(); q.Has("charset") {
		qe, err := parseCharset(q.Get("charset"), "/charset")
		if err != nil {
			return "", err
		}
		if enc != ledger.EncodingAuto && qe != ledger.EncodingAuto && qe != enc {
			es.AddText(core.FieldInvalid, "/charset", string(qe)+" ≠ Content-Type "+string(enc), "查询参数中的字符集 "+core.Quote(string(qe))+" 与请求头中的 "+core.Quote(string(enc))+" 不一致")
			return "", es
		}
		if qe != ledger.EncodingAuto {
			enc = qe
		}
	}
	return enc, nil
}

// parseCharset reads one charset name.
func parseCharset(name string, path string) (ledger.Encoding, error) {
	enc, ok := ledger.ParseEncoding(name)
	if !ok {
		return "", core.Errors{core.NotOneOf(path, name, "utf-8", "gbk", "gb18030", "auto")}
	}
	return enc, nil
}

// cardEventRequest is the body of a card event; the number is the URL's.
type cardEventRequest struct {
	Event identity.Event `json:"event"`
	Date  civil.Date     `json:"date"`
	// Owner and Certificate are for an issue: the resident ID the card is bound to
	// and the certificate (医保证) number.
	Owner       string `json:"owner,omitzero"`
	Certificate string `json:"certificate,omitzero"`
	// Reason is why the counter acts; every event but an issue needs one.
	Reason string `json:"reason,omitzero"`
}

// cardEvent answers POST /v1/cards/{number}/events: record a counter action (issue,
// report_lost, …) and return the card as it then stands.
func (s *Server) cardEvent(w http.ResponseWriter, r *http.Request, k *ledger.Key) error {
	var req cardEventRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	// The card's history keeps why it was stopped or restored, as the journal keeps
	// why a settlement was reversed; an issue is its own reason.
	if req.Event != identity.Issue && req.Event != "" && strings.TrimSpace(req.Reason) == "" {
		return core.Errors{core.NewError(core.FieldRequired, "/reason", "")}
	}
	ev := ledger.CardEvent{Number: mux.Vars(r)["number"], Owner: req.Owner, Certificate: req.Certificate,
		Event: req.Event, Date: req.Date, Reason: req.Reason}
	rec, err := s.ledger.CardEvent(r.Context(), k.ID, ev)
	if err != nil {
		return s.ledgerError(err)
	}
	setLocation(w, "/v1/cards/"+pathEscape(ev.Number))
	return writeOK(w, http.StatusCreated, rec)
}

// cardView is a card with its history.
type cardView struct {
	Card   *ledger.CardRecord `json:"card"`
	Events []ledger.CardEvent `json:"events"`
}

// card answers GET /v1/cards/{number}: the card as it stands and its events.
func (s *Server) card(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	rec, evs, err := s.ledger.Card(r.Context(), mux.Vars(r)["number"])
	if err != nil {
		return s.ledgerError(err)
	}
	if evs == nil {
		evs = []ledger.CardEvent{}
	}
	return writeOK(w, http.StatusOK, cardView{Card: rec, Events: evs})
}

// keyRequest is the body of POST /v1/keys.
type keyRequest struct {
	Role        string `json:"role"`
	Institution string `json:"institution,omitzero"`
	Name        string `json:"name"`
}

// newKey is a key just made, with its secret, shown this once.
type newKey struct {
	Secret string      `json:"secret"`
	Key    *ledger.Key `json:"key"`
}

// createKey answers POST /v1/keys.
func (s *Server) createKey(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	var req keyRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	secret, k, err := s.ledger.CreateKey(r.Context(), req.Role, req.Institution, req.Name)
	if err != nil {
		return s.ledgerError(err)
	}
	w.Header().Set("Cache-Control", "no-store")
	setLocation(w, "/v1/keys/"+pathEscape(k.ID))
	return writeOK(w, http.StatusCreated, newKey{Secret: secret, Key: k})
}

// revoked is the result of a revocation.
type revoked struct {
	ID      string `json:"id"`
	Revoked bool   `json:"revoked"`
}

// revokeKey answers DELETE /v1/keys/{id}: revoke a key for good, at once on this
// server (other replicas within Options.KeyCacheTTL).
func (s *Server) revokeKey(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	id := mux.Vars(r)["id"]
	if err := s.ledger.RevokeKey(r.Context(), id); err != nil {
		return s.ledgerError(err)
	}
	s.keys.revoke(id)
	return writeOK(w, http.StatusOK, revoked{ID: id, Revoked: true})
}
