package api

import (
	"net/http"
	"strconv"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/gorilla/mux"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/claim"
	codec "github.com/ruralhealth/ncms/core/codec/anycodec"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/server/apierr"
	"github.com/ruralhealth/ncms/server/ledger"
)

// Kinds of recorded entry, for the ncms_ledger_recorded_total metric.
const (
	recordedSettlement = "settlement"
	recordedCorrection = "correction"
	recordedReversal   = "reversal"
	recordedManual     = "manual"
)

// settle answers POST /v1/settlements: record a settlement. 201 for a new entry, 200
// for a replay of the same bill, 409 settlement_conflict for another bill of a visit
// already settled, and 409 settlement_reversed for the bill of a reversed settlement
// of the visit unless the query says resettle=true.
func (s *Server) settle(w http.ResponseWriter, r *http.Request, k *ledger.Key) error {
	again := false
	if v := r.URL.Query().Get("resettle"); v != "" {
		var err error
		if again, err = strconv.ParseBool(v); err != nil {
			return core.Errors{core.NewErrorText(core.FieldInvalid, "/resettle", "want true or false", `应为 "true" 或 "false"`)}
		}
	}
	body, err := s.claimBody(w, r, k)
	if err != nil {
		return err
	}
	settle := s.ledger.Settle
	if again {
		settle = s.ledger.Resettle
	}
	st, err := settle(r.Context(), k.ID, body)
	if err != nil {
		return s.ledgerError(err)
	}
	s.recorded(recordedSettlement, st.Receipt)
	return writeSettled(w, st)
}

// presettle answers POST /v1/presettlements: the settlement on the person's current
// totals, recorded nowhere, with the engine request it was computed from ("request":
// the claim with the registry's person and the journal's totals).
//
// With ?corrects=N it is the presettlement of a correction of settlement N: on the
// totals without N, as the correction will be computed.
func (s *Server) presettle(w http.ResponseWriter, r *http.Request, k *ledger.Key) error {
	var corrects int64
	if v := r.URL.Query().Get("corrects"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return core.Errors{core.NewErrorText(core.FieldInvalid, "/corrects", "want a settlement number", "应为结算单号")}
		}
		corrects = n
	}
	body, err := s.claimBody(w, r, k)
	if err != nil {
		return err
	}
	res, req, err := s.ledger.PresettleClaim(r.Context(), body, institutionOf(k), corrects)
	if err != nil {
		return s.ledgerError(err)
	}
	b := append([]byte(nil), okPrefix...)
	b = append(b, `,"result":`...)
	b = append(b, res...)
	b = append(b, `,"request":`...)
	b = append(b, req...)
	writeJSON(w, http.StatusOK, append(b, '}'))
	return nil
}

// correct answers POST /v1/settlements/{seq}/correction: replace a settlement by
// the corrected bill, {"reason": why, "request": the settle request}.
func (s *Server) correct(w http.ResponseWriter, r *http.Request, k *ledger.Key) error {
	seq, err := seqOf(r)
	if err != nil {
		return err
	}
	var req correctionRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	if len(req.Request) == 0 {
		return core.Errors{core.NewErrorText(core.FieldRequired, "/request", "the corrected settle request", "须有更正后的结算请求")}
	}
	if err := s.ownClaim(req.Request, k); err != nil {
		return core.Prefix(err, "/request")
	}
	st, err := s.ledger.Correct(r.Context(), k.ID, institutionOf(k), seq, req.Reason, req.Request)
	if err != nil {
		return s.ledgerError(err)
	}
	s.recorded(recordedCorrection, st.Receipt)
	return writeSettled(w, st)
}

// writeSettled writes a settlement's result and receipt: 201 when recorded now, 200
// when replayed.
func writeSettled(w http.ResponseWriter, st *ledger.Settled) error {
	code := http.StatusCreated
	if st.Replayed {
		code = http.StatusOK
	} else {
		setLocation(w, "/v1/settlements/"+strconv.FormatInt(st.Seq, 10))
	}
	return writeRaw(w, code, st.Result, &st.Receipt)
}

// claimBody reads a settle request and checks that an institution's key settles
// only its own visits.
func (s *Server) claimBody(w http.ResponseWriter, r *http.Request, k *ledger.Key) ([]byte, error) {
	body, err := readBody(w, r, codec.MaxRequest)
	if err != nil {
		return nil, err
	}
	return body, s.ownClaim(body, k)
}

// ownClaim checks that an institution's key settles only its own visits.
func (s *Server) ownClaim(body []byte, k *ledger.Key) error {
	inst := institutionOf(k)
	if inst == "" {
		return nil
	}
	// Only the institution is read here, leniently; the ledger decodes the request
	// strictly. A body this cannot read is one the codec refuses too, and its error
	// names the problem.
	var head struct {
		Claim struct {
			Visit struct {
				Institution string `json:"institution"`
			} `json:"visit"`
		} `json:"claim"`
	}
	if err := jsonv2.Unmarshal(body, &head); err != nil {
		var req engine.SettleRequest
		if err := codec.Decode(body, &req); err != nil {
			return err
		}
		return core.Errors{core.NewErrorText(core.RequestMalformed, "", err.Error(), "")}
	}
	// An empty institution is left to the ledger, which says it is required.
	if got := head.Claim.Visit.Institution; got != "" && got != inst {
		return forbidden("/claim/visit/institution", "the key is for "+core.Quote(inst), "该密钥属于 "+core.Quote(inst))
	}
	return nil
}

// seqOf reads the {seq} of the path.
func seqOf(r *http.Request) (int64, error) {
	v := mux.Vars(r)["seq"]
	seq, err := strconv.ParseInt(v, 10, 64)
	if err != nil || seq < 1 {
		return 0, core.Errors{apierr.NewError(apierr.NotFound, "/seq", core.Quote(v))}
	}
	return seq, nil
}

// entryVisit is what a journal entry says of the visit it settled and the policy it
// was settled under: the fields entryView and settlementItem share. Embedded, its
// fields are encoded in its place, in this order.
type entryVisit struct {
	Institution   string     `json:"institution"`
	Visit         string     `json:"visit"`
	Person        string     `json:"person"`
	Household     string     `json:"household"`
	Township      string     `json:"township"`
	Year          int        `json:"year"`
	VisitType     string     `json:"visitType"`
	Class         string     `json:"class"`
	Admission     civil.Date `json:"admission"`
	Discharge     civil.Date `json:"discharge"`
	Disease       string     `json:"disease"`
	Policy        string     `json:"policy"`
	PolicyVersion string     `json:"policyVersion"`
}

// visitOf copies the visit and policy fields of e.
func visitOf(e *ledger.Entry) entryVisit {
	return entryVisit{
		Institution: e.Institution, Visit: e.Visit, Person: e.Person, Household: e.Household, Township: e.Township,
		Year: e.Year, VisitType: e.VisitType, Class: e.Class, Admission: e.Admission, Discharge: e.Discharge,
		Disease: e.Disease, Policy: e.PolicyID, PolicyVersion: e.PolicyVersion,
	}
}

// entryView is a journal entry as the API shows it.
type entryView struct {
	Seq      int64  `json:"seq"`
	Kind     string `json:"kind"`
	Reverses int64  `json:"reverses,omitzero"`
	Corrects int64  `json:"corrects,omitzero"`
	entryVisit
	PolicyHash string `json:"policyHash"`
	BillHash   string `json:"billHash"`

	Eligible  bool              `json:"eligible"`
	Route     string            `json:"route"`
	Total     money.Amount      `json:"total"`
	Drug      money.Amount      `json:"drug"`
	FundTotal money.Amount      `json:"fundTotal"`
	Cash      money.Amount      `json:"cash"`
	Funds     []ledger.FundPaid `json:"funds"`
	Warnings  []string          `json:"warnings"`
	Delta     claim.Totals      `json:"delta"`

	// Request and Result are a settlement's request as recorded and the core's result
	// as first returned; a reversal has neither.
	Request jsontext.Value `json:"request,omitzero"`
	Result  jsontext.Value `json:"result,omitzero"`

	Recorded time.Time `json:"recorded"`
	Key      string    `json:"key"`
	Operator string    `json:"operator,omitzero"`
	Reason   string    `json:"reason,omitzero"`
	Invoice  string    `json:"invoice,omitzero"`
}

func viewOf(e *ledger.Entry) entryView {
	v := entryView{
		Seq: e.Seq, Kind: e.Kind, Reverses: e.Reverses, Corrects: e.Corrects,
		entryVisit: visitOf(e), PolicyHash: e.PolicyHash,
		BillHash: e.BillHash, Eligible: e.Eligible, Route: e.Route, Total: e.Total, Drug: e.Drug,
		FundTotal: e.FundTotal, Cash: e.Cash, Funds: e.Funds, Warnings: e.Warnings, Delta: e.Delta,
		Request: e.Request, Result: e.Result, Recorded: e.Recorded, Key: e.Key, Operator: e.Operator, Reason: e.Reason, Invoice: e.Invoice,
	}
	if v.Funds == nil {
		v.Funds = []ledger.FundPaid{}
	}
	if v.Warnings == nil {
		v.Warnings = []string{}
	}
	return v
}

// entry answers GET /v1/settlements/{seq}: a journal entry of the key's institution
// (any, for the county), with what followed it for a reprinted slip (补打): its
// reversal, the settlement that corrected it, the recording operator's name and a
// manual claim's invoices and payout. Another institution's entry is not_found.
func (s *Server) entry(w http.ResponseWriter, r *http.Request, k *ledger.Key) error {
	seq, err := seqOf(r)
	if err != nil {
		return err
	}
	rec, err := s.ledger.Record(r.Context(), institutionOf(k), seq)
	if err != nil {
		return s.ledgerError(err)
	}
	return writeOK(w, http.StatusOK, recordOf(rec))
}

// reversalRequest is the body of a reversal.
type reversalRequest struct {
	Reason string `json:"reason"`
}

// reverse answers POST /v1/settlements/{seq}/reversal: record the reversal (撤销).
// 201 when recorded now, 200 when the same reversal (the same reason) is retried.
func (s *Server) reverse(w http.ResponseWriter, r *http.Request, k *ledger.Key) error {
	seq, err := seqOf(r)
	if err != nil {
		return err
	}
	var req reversalRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	// The journal keeps why money was taken back; an audit needs it.
	if req.Reason == "" {
		return core.Errors{core.NewError(core.FieldRequired, "/reason", "")}
	}
	rc, err := s.ledger.Reverse(r.Context(), k.ID, institutionOf(k), seq, req.Reason)
	if err != nil {
		return s.ledgerError(err)
	}
	s.recorded(recordedReversal, *rc)
	code := http.StatusCreated
	if rc.Replayed {
		code = http.StatusOK
	} else {
		setLocation(w, "/v1/settlements/"+strconv.FormatInt(rc.Seq, 10))
	}
	return writeRaw(w, code, nil, rc)
}

// verifyCard answers POST /v1/cards/verify: may the presented card be used today,
// checked against the county's card and enrollment records.
func (s *Server) verifyCard(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	var req ledger.VerifyRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	res, err := s.ledger.VerifyCard(r.Context(), req)
	if err != nil {
		return s.ledgerError(err)
	}
	return writeRaw(w, http.StatusOK, res, nil)
}
