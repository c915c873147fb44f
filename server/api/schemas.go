package api

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/contract"
	"github.com/ruralhealth/ncms/server/apierr"
	"github.com/ruralhealth/ncms/server/ledger"
)

// SchemaRef names one JSON Schema of the wire contract and where it is served.
type SchemaRef struct {
	Name string `json:"name"`
	Path string `json:"path"`
}

// listSchemas answers GET /v1/schemas: the names of the engine's JSON Schemas
// (core/contract), each operation's request and response and the documents.
func (s *Server) listSchemas(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	out := []SchemaRef{}
	for _, n := range contract.Names() {
		out = append(out, SchemaRef{Name: n, Path: "/v1/schemas/" + n})
	}
	return writeOK(w, http.StatusOK, out)
}

// schema answers GET /v1/schemas/{name} with the schema as committed in the
// repository and embedded in the binary; an unknown name is not_found.
func (s *Server) schema(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	name := mux.Vars(r)["name"]
	b, ok := contract.Schema(name)
	if !ok {
		return core.Errors{apierr.NewError(apierr.NotFound, "", core.Quote(name))}
	}
	// The schemas change only with the binary; a client may keep them for an hour.
	w.Header().Set("Cache-Control", "public, max-age=3600")
	writeJSON(w, http.StatusOK, b)
	return nil
}
