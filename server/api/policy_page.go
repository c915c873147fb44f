package api

import (
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/policydoc"
	"github.com/ruralhealth/ncms/server/ledger"
	"github.com/ruralhealth/ncms/server/web"
)

// policyPage answers GET /policies/{id}?version=&lang= with the published policy as
// the county's printed scheme, an HTML page for people and printers: the same words
// `ncms policy show` prints, rendered from the compiled policy the server settles
// with. Chinese unless lang is en; an unknown id is the JSON not-found envelope.
func (s *Server) policyPage(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	q := r.URL.Query()
	lang := q.Get("lang")
	switch lang {
	case "":
		lang = policydoc.Chinese
	case policydoc.Chinese, policydoc.English:
	default:
		return core.Errors{core.NewError(core.FieldInvalid, "/lang", strconv.Quote(lang))}
	}
	p, err := s.ledger.Engine().Find(mux.Vars(r)["id"], q.Get("version"), civil.Date{})
	if err != nil {
		return err
	}
	return web.ServePolicy(w, r, web.PolicyPage{
		Doc: policydoc.Render(p, lang), ID: p.ID(), Version: p.Version(), Hash: p.Hash(),
	})
}
