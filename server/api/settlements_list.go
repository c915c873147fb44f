package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/server/ledger"
)

// settlementsCursor tags the cursors of GET /v1/settlements.
const settlementsCursor = "settlements"

// settlementLinks are the URLs of a settlement and the entries linked to it.
type settlementLinks struct {
	Self        string `json:"self"`
	Reversal    string `json:"reversal,omitzero"`
	CorrectedBy string `json:"correctedBy,omitzero"`
	Corrects    string `json:"corrects,omitzero"`
	Person      string `json:"person"`
}

// settlementItem is one row of a settlement list: the entry without its request and
// result bytes (GET /v1/settlements/{seq} has them), with its status and links.
type settlementItem struct {
	Seq         int64                   `json:"seq"`
	Status      ledger.SettlementStatus `json:"status"`
	ReversedBy  int64                   `json:"reversedBy,omitzero"`
	CorrectedBy int64                   `json:"correctedBy,omitzero"`
	Corrects    int64                   `json:"corrects,omitzero"`
	entryVisit
	Eligible  bool              `json:"eligible"`
	Total     money.Amount      `json:"total"`
	FundTotal money.Amount      `json:"fundTotal"`
	Cash      money.Amount      `json:"cash"`
	Funds     []ledger.FundPaid `json:"funds"`
	Warnings  []string          `json:"warnings"`
	Recorded  time.Time         `json:"recorded"`
	Links     settlementLinks   `json:"links"`
}

func settlementURL(seq int64) string { return "/v1/settlements/" + strconv.FormatInt(seq, 10) }

func itemOf(r ledger.SettlementRow) settlementItem {
	e := r.Entry
	it := settlementItem{
		Seq: e.Seq, Status: r.Status, ReversedBy: r.ReversedBy, CorrectedBy: r.CorrectedBy, Corrects: e.Corrects,
		entryVisit: visitOf(e), Eligible: e.Eligible, Total: e.Total, FundTotal: e.FundTotal, Cash: e.Cash, Funds: e.Funds, Warnings: e.Warnings, Recorded: e.Recorded,
		Links: settlementLinks{Self: settlementURL(e.Seq), Person: "/v1/persons/" + pathEscape(e.Person)},
	}
	if it.Funds == nil {
		it.Funds = []ledger.FundPaid{}
	}
	if it.Warnings == nil {
		it.Warnings = []string{}
	}
	if r.ReversedBy != 0 {
		it.Links.Reversal = settlementURL(r.ReversedBy)
	}
	if r.CorrectedBy != 0 {
		it.Links.CorrectedBy = settlementURL(r.CorrectedBy)
	}
	if e.Corrects != 0 {
		it.Links.Corrects = settlementURL(e.Corrects)
	}
	return it
}

// settlementQuery reads the filters of GET /v1/settlements.
func settlementQuery(lq *listQuery) ledger.SettlementQuery {
	q := ledger.SettlementQuery{
		SettledFrom: lq.date("settledFrom"), SettledTo: lq.date("settledTo"),
		VisitFrom: lq.date("visitFrom"), VisitTo: lq.date("visitTo"),
		Institution: lq.str("institution"), Township: lq.str("township"), Village: lq.str("village"),
		Person: lq.str("person"), Household: lq.str("household"), VisitType: lq.str("visitType"),
		Status: ledger.SettlementStatus(lq.oneOf("status",
			string(ledger.StatusLive), string(ledger.StatusReversed), string(ledger.StatusCorrected))),
		MinTotal: lq.amount("minTotal"), MaxTotal: lq.amount("maxTotal"),
		BeforeSeq: lq.seqCursor(settlementsCursor), Limit: lq.limit(),
	}
	return q
}

// listSettlements answers GET /v1/settlements: settlements newest first (journal
// sequence descending), filtered, a page at a time. An institution's key sees only
// its own institution's.
func (s *Server) listSettlements(w http.ResponseWriter, r *http.Request, k *ledger.Key) error {
	lq := newListQuery(r.URL.Query())
	q := settlementQuery(lq)
	if q.Person != "" {
		// Either spelling of the ID finds the person's settlements.
		id, err := s.ledger.ResidentID(q.Person)
		if err != nil {
			lq.es = append(lq.es, core.AsErrors(core.Prefix(err, "/person"))...)
		}
		q.Person = id
	}
	if err := lq.err(); err != nil {
		return err
	}
	if inst := institutionOf(k); inst != "" {
		if q.Institution != "" && q.Institution != inst {
			return forbidden("/institution", "the key is for "+core.Quote(inst), "该密钥属于 "+core.Quote(inst))
		}
		q.Institution = inst
	}
	rows, more, err := s.ledger.Settlements(r.Context(), q)
	if err != nil {
		return s.ledgerError(err)
	}
	p := page[settlementItem]{Items: make([]settlementItem, 0, len(rows)), Limit: q.Limit}
	for _, row := range rows {
		p.Items = append(p.Items, itemOf(row))
	}
	if more && len(rows) > 0 {
		p.Next = encodeCursor(settlementsCursor, strconv.FormatInt(rows[len(rows)-1].Entry.Seq, 10))
	}
	return writeOK(w, http.StatusOK, p)
}
