package api

import (
	"cmp"
	"net/http"
	"strings"
	"time"

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

// keysCursor tags the cursors of GET /v1/keys.
const keysCursor = "keys"

// listKeys answers GET /v1/keys: keys without secrets in the order they were made
// (then by id), revoked ones included unless revoked=false, filtered by role and
// institution, a page at a time. A county has a few hundred keys: they are read at
// once and paged here.
func (s *Server) listKeys(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	lq := newListQuery(r.URL.Query())
	role := lq.oneOf("role", ledger.RoleInstitution, ledger.RoleCounty)
	institution := lq.str("institution")
	revoked := lq.oneOf("revoked", "true", "false")
	limit := lq.limit()
	var after struct {
		created time.Time
		id      string
	}
	if c := lq.cursor(keysCursor); c != "" {
		t, id, ok := strings.Cut(c, sep)
		var err error
		if after.created, err = time.Parse(time.RFC3339Nano, t); !ok || err != nil {
			lq.badCursor()
		}
		after.id = id
	}
	if err := lq.err(); err != nil {
		return err
	}
	ks, err := s.ledger.Keys(r.Context())
	if err != nil {
		return s.ledgerError(err)
	}
	p := page[ledger.Key]{Items: []ledger.Key{}, Limit: limit}
	for _, k := range ks {
		switch {
		case !after.created.IsZero() && cmp.Or(k.Created.Compare(after.created), strings.Compare(k.ID, after.id)) <= 0,
			role != "" && k.Role != role,
			institution != "" && k.Institution != institution,
			revoked != "" && k.Revoked != (revoked == "true"):
			continue
		}
		if len(p.Items) == limit {
			last := p.Items[len(p.Items)-1]
			p.Next = encodeCursor(keysCursor, last.Created.UTC().Format(time.RFC3339Nano)+sep+last.ID)
			break
		}
		p.Items = append(p.Items, k)
	}
	return writeOK(w, http.StatusOK, p)
}
