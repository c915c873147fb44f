package api

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/ruralhealth/ncms/server/ledger"
)

// getKey answers GET /v1/keys/{id}: one key without its secret, the Location of a
// key just made.
func (s *Server) getKey(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	ks, err := s.ledger.Keys(r.Context())
	if err != nil {
		return s.ledgerError(err)
	}
	id := mux.Vars(r)["id"]
	for i := range ks {
		if ks[i].ID == id {
			return writeOK(w, http.StatusOK, ks[i])
		}
	}
	return ledger.ErrNotFound
}
