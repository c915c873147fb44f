// Package county is a stand-in for the county server's engine endpoints, in a few
// lines over core/engine, so that the conformance suite's HTTP engine is proven
// before server/api exists and without a database.
package county

import (
	"crypto/subtle"
	"io"
	"net/http"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/server/apierr"
)

// Handler serves POST /v1/engine/{op} from e: the body is the request, the response
// body the engine's envelope, with status 200 when it is ok and 400 when not.
// load_policy needs "Authorization: Bearer <key>" and is otherwise refused with 401
// and an auth_unauthorized envelope.
func Handler(e *engine.Engine, key string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/engine/{op}", func(w http.ResponseWriter, r *http.Request) {
		op := r.PathValue("op")
		w.Header().Set("Content-Type", "application/json")
		if op == engine.OpLoadPolicy && subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte("Bearer "+key)) != 1 {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write(engine.Failure(core.Errors{apierr.NewErrorText(apierr.Unauthorized, "", "load_policy needs the county key", "加载方案须用县级密钥")}))
			return
		}
		req, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<20))
		if err != nil {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			w.Write(engine.Failure(core.Errors{core.NewErrorText(core.RequestTooLarge, "", err.Error(), "")}))
			return
		}
		resp := e.Handle(op, req)
		if !engine.Succeeded(resp) {
			w.WriteHeader(http.StatusBadRequest)
		}
		w.Write(resp)
	})
	return mux
}
