package api

import (
	"net/http"

	"github.com/ruralhealth/ncms/server/ledger"
)

// Cursor tags of the registry lists.
const (
	personsCursor    = "persons"
	householdsCursor = "households"
)

// listPersons answers GET /v1/persons: registered persons in resident ID order,
// filtered by household, township, village and category, a page at a time.
func (s *Server) listPersons(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	lq := newListQuery(r.URL.Query())
	q := ledger.PersonQuery{Household: lq.str("household"), Township: lq.str("township"), Village: lq.str("village"),
		Category: lq.str("category"), AfterID: lq.cursor(personsCursor), Limit: lq.limit()}
	if err := lq.err(); err != nil {
		return err
	}
	ps, more, err := s.ledger.PersonsPage(r.Context(), q)
	if err != nil {
		return s.ledgerError(err)
	}
	p := page[ledger.Person]{Items: ps, Limit: q.Limit}
	if more && len(ps) > 0 {
		p.Next = encodeCursor(personsCursor, ps[len(ps)-1].ID)
	}
	return writeOK(w, http.StatusOK, p)
}

// listHouseholds answers GET /v1/households: registered households in id order,
// filtered by township and village, a page at a time.
func (s *Server) listHouseholds(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	lq := newListQuery(r.URL.Query())
	q := ledger.HouseholdQuery{Township: lq.str("township"), Village: lq.str("village"),
		AfterID: lq.cursor(householdsCursor), Limit: lq.limit()}
	if err := lq.err(); err != nil {
		return err
	}
	hs, more, err := s.ledger.HouseholdsPage(r.Context(), q)
	if err != nil {
		return s.ledgerError(err)
	}
	p := page[ledger.Household]{Items: hs, Limit: q.Limit}
	if more && len(hs) > 0 {
		p.Next = encodeCursor(householdsCursor, hs[len(hs)-1].ID)
	}
	return writeOK(w, http.StatusOK, p)
}
