package api

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/ruralhealth/ncms/core"
	codec "github.com/ruralhealth/ncms/core/codec/anycodec"
	"github.com/ruralhealth/ncms/server/ledger"
)

// Manual claims (手工报销) and the routes that reprint and correct a slip.

// manualClaim answers POST /v1/manual-claims: settle a bill the patient paid in
// full, on its receipts, for the payout to their bank card. 201 when recorded, 200
// for a replay, 409 invoice_already_settled when a standing settlement of the
// facility carries one of the invoice numbers. The county office's operators
// (administrators, county auditors) and the county key may; an institution may not
// claim for itself.
func (s *Server) manualClaim(w http.ResponseWriter, r *http.Request, k *ledger.Key) error {
	var req ledger.ManualRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	if len(req.Request) == 0 {
		return core.Errors{core.NewErrorText(core.FieldRequired, "/request", "the settle request of the bill", "须有费用的结算请求")}
	}
	st, m, err := s.ledger.SettleManual(r.Context(), k.ID, &req)
	if err != nil {
		return s.ledgerError(err)
	}
	s.recorded(recordedManual, st.Receipt)
	code := http.StatusCreated
	if st.Replayed {
		code = http.StatusOK
	} else {
		setLocation(w, "/v1/settlements/"+strconv.FormatInt(st.Seq, 10))
	}
	// The envelope of a settlement, with the manual claim as the journal keeps it.
	rc, err := codec.Encode(&st.Receipt)
	if err != nil {
		return fmt.Errorf("api: encoding the receipt: %w", err)
	}
	mb, err := codec.Encode(m)
	if err != nil {
		return fmt.Errorf("api: encoding the manual claim: %w", err)
	}
	b := append([]byte(nil), okPrefix...)
	b = append(append(b, `,"result":`...), st.Result...)
	b = append(append(b, `,"settlement":`...), rc...)
	b = append(append(b, `,"manual":`...), mb...)
	writeJSON(w, code, append(b, '}'))
	return nil
}

// correctionRequest is the body of a correction: why, and the corrected bill.
type correctionRequest struct {
	Reason  string         `json:"reason"`
	Request jsontext.Value `json:"request"`
}

// reversalView is a settlement's reversal as its reprinted slip shows it.
type reversalView struct {
	Seq      int64     `json:"seq"`
	Reason   string    `json:"reason"`
	Recorded time.Time `json:"recorded"`
	Key      string    `json:"key,omitzero"`
	Operator string    `json:"operator,omitzero"`
}

// recordView is a journal entry with what followed it, for a reprinted slip.
type recordView struct {
	entryView
	OperatorName string         `json:"operatorName,omitzero"`
	Manual       *ledger.Manual `json:"manual,omitzero"`
	ReversedBy   *reversalView  `json:"reversedBy,omitzero"`
	CorrectedBy  int64          `json:"correctedBy,omitzero"`
}

func recordOf(rec *ledger.EntryRecord) recordView {
	v := recordView{entryView: viewOf(rec.Entry), OperatorName: rec.OperatorName, Manual: rec.Manual, CorrectedBy: rec.CorrectedBy}
	if r := rec.Reversal; r != nil {
		v.ReversedBy = &reversalView{Seq: r.Seq, Reason: r.Reason, Recorded: r.Recorded, Key: r.Key, Operator: r.Operator}
	}
	return v
}
