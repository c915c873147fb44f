package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/ruralhealth/ncms/core"
	codec "github.com/ruralhealth/ncms/core/codec/anycodec"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/server/apierr"
	"github.com/ruralhealth/ncms/server/ledger"
)

// statusOf is the one table from error codes to HTTP statuses: request_* 400,
// request_too_large 413, the server's access and ledger codes by their meaning,
// engine and server failures 500, and every other code 422 (a well-formed request
// whose content is invalid).
func statusOf(c core.Code) int {
	switch c {
	case core.RequestTooLarge:
		return http.StatusRequestEntityTooLarge
	case apierr.Unauthorized, apierr.AuthCredentials, apierr.AuthSession:
		return http.StatusUnauthorized
	case apierr.Forbidden:
		return http.StatusForbidden
	case apierr.NotFound, core.PolicyNotFound:
		return http.StatusNotFound
	case apierr.MethodNotAllowed:
		return http.StatusMethodNotAllowed
	case apierr.SettlementConflict, apierr.AlreadyReversed, apierr.SettlementReversed, apierr.InvoiceSettled, apierr.OperatorTaken,
		apierr.YearClosed, apierr.YearNotEnded, apierr.PeriodNotEnded, apierr.StatementOverlap, apierr.StatementApproved,
		apierr.StatementNotApproved, apierr.StatementBatched, apierr.BatchKeyConflict, apierr.BatchPaid,
		apierr.ContributionExists:
		return http.StatusConflict
	case apierr.AuthLocked:
		return http.StatusTooManyRequests
	case apierr.AuthCSRF:
		return http.StatusForbidden
	case apierr.Unavailable, apierr.StoreUnavailable:
		return http.StatusServiceUnavailable
	case apierr.Busy:
		return http.StatusTooManyRequests
	case core.EngineInternal, apierr.ServerInternal:
		return http.StatusInternalServerError
	}
	if strings.HasPrefix(string(c), "request_") {
		return http.StatusBadRequest
	}
	return http.StatusUnprocessableEntity
}

// classify returns the status and the envelope's errors for err, and whether the
// error is the server's to log. Errors that are not the core's (a database or I/O
// failure) become server_internal without their text, which is for the log, not the
// caller; a database that cannot be reached is store_unavailable, and a cancelled
// request server_unavailable.
func classify(err error) (int, core.Errors, bool) {
	var es core.Errors
	var e *core.Error
	switch {
	case errors.As(err, &es) && len(es) > 0:
		return statusOf(es[0].Code), es, es[0].Code == core.EngineInternal
	case errors.As(err, &e):
		return statusOf(e.Code), core.Errors{e}, e.Code == core.EngineInternal
	case errors.Is(err, ledger.ErrNotFound):
		return http.StatusNotFound, core.Errors{apierr.NewError(apierr.NotFound, "", "")}, false
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, core.Errors{apierr.NewError(apierr.Unavailable, "", "")}, true
	case errors.Is(err, ledger.ErrUnavailable):
		return http.StatusServiceUnavailable, core.Errors{apierr.NewError(apierr.StoreUnavailable, "", "")}, true
	}
	return http.StatusInternalServerError, core.Errors{apierr.NewError(apierr.ServerInternal, "", "")}, true
}

// storeRetryAfter is the Retry-After of a 503, in seconds: long enough for a database
// that restarts or a replica that drains, short enough for a cashier at the counter.
const storeRetryAfter = "5"

// fail answers err as an error envelope and logs what the caller is not told. A
// request its client gave up on is logged at INFO: the client went away, nothing
// failed here.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code, es, internal := classify(err)
	switch {
	case clientGone(r):
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request cancelled by the client",
			slog.String("route", infoOf(r).route), slog.String("err", err.Error()))
	case internal:
		s.log.LogAttrs(r.Context(), slog.LevelError, "request failed",
			slog.String("route", infoOf(r).route), slog.String("err", err.Error()))
	}
	if code == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", storeRetryAfter)
	}
	if code == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", authChallenge)
	}
	env := engine.Failure(es)
	if in := infoOf(r); !engineRoutes[in.route] {
		env = withRequestID(env, in.requestID)
	}
	writeJSON(w, code, env)
}

// clientGone reports whether the client cancelled the request (closed the
// connection): net/http then cancels the request's context.
func clientGone(r *http.Request) bool {
	return errors.Is(r.Context().Err(), context.Canceled)
}

func unavailable(en, zh string) error {
	return core.Errors{apierr.NewErrorText(apierr.Unavailable, "", en, zh)}
}

// storeUnavailable is the error of a database that cannot be reached now.
func storeUnavailable() error {
	return core.Errors{apierr.NewError(apierr.StoreUnavailable, "", "")}
}

func forbidden(path, en, zh string) error {
	return core.Errors{apierr.NewErrorText(apierr.Forbidden, path, en, zh)}
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, core.Errors{apierr.NewError(apierr.NotFound, "", "")})
}

func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	if allow := s.allowedMethods(r); len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
	}
	s.fail(w, r, core.Errors{apierr.NewError(apierr.MethodNotAllowed, "", core.Quote(r.Method))})
}

// writeJSON writes a JSON body with its status.
func writeJSON(w http.ResponseWriter, code int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(code)
	w.Write(body)
}

// okPrefix starts every successful envelope the engine writes.
var okPrefix = []byte(`{"schema":1,"ok":true`)

// writeEnvelope writes an engine response envelope unchanged, with the status of its
// first error.
func writeEnvelope(w http.ResponseWriter, okCode int, resp []byte) {
	writeJSON(w, envelopeStatus(resp, okCode), resp)
}

// envelopeStatus is okCode for a successful envelope and the status of the first
// error otherwise.
func envelopeStatus(resp []byte, okCode int) int {
	if engine.Succeeded(resp) {
		return okCode
	}
	r, err := engine.Open(resp)
	if err != nil || r.OK {
		return http.StatusInternalServerError
	}
	return statusOf(r.Errors[0].Code)
}

// envelope is a successful response of the server's own routes.
type envelope struct {
	Schema int  `json:"schema"`
	OK     bool `json:"ok"`
	Result any  `json:"result"`
}

// writeOK writes {"schema":1,"ok":true,"result":result}.
func writeOK(w http.ResponseWriter, code int, result any) error {
	b, err := codec.Encode(envelope{Schema: engine.Schema, OK: true, Result: result})
	if err != nil {
		return fmt.Errorf("api: encoding the response: %w", err)
	}
	writeJSON(w, code, b)
	return nil
}

// writeRaw writes {"schema":1,"ok":true,"result":<result>[,"settlement":<receipt>]},
// splicing in the core's result bytes as they are rather than re-encoding them.
func writeRaw(w http.ResponseWriter, code int, result []byte, receipt *ledger.Receipt) error {
	b := append([]byte(nil), okPrefix...)
	if result != nil {
		b = append(b, `,"result":`...)
		b = append(b, result...)
	}
	if receipt != nil {
		r, err := codec.Encode(receipt)
		if err != nil {
			return fmt.Errorf("api: encoding the receipt: %w", err)
		}
		b = append(b, `,"settlement":`...)
		b = append(b, r...)
	}
	writeJSON(w, code, append(b, '}'))
	return nil
}

// bodyLimit is the largest body the request may have: the public limit the gate
// set, or the codec's.
func bodyLimit(r *http.Request) int64 {
	if n := infoOf(r).bodyLimit; n > 0 {
		return n
	}
	return codec.MaxRequest
}

// readBody reads the request body, refusing more than limit bytes with
// request_too_large.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, core.Errors{tooLarge(uint64(r.ContentLength), limit)}
	}
	if n := r.ContentLength; n >= 0 {
		// net/http ends the body at its declared length: read it into one buffer of
		// that size rather than one that doubles as it fills, with copies to collect.
		b := make([]byte, n)
		if _, err := io.ReadFull(r.Body, b); err != nil {
			return nil, core.Errors{core.NewErrorText(core.RequestMalformed, "", "reading the body: "+err.Error(), "读取请求体失败")}
		}
		return b, nil
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return nil, core.Errors{tooLarge(uint64(limit)+1, limit)}
	case err != nil:
		return nil, core.Errors{core.NewErrorText(core.RequestMalformed, "", "reading the body: "+err.Error(), "读取请求体失败")}
	}
	return b, nil
}

// tooLarge is the codec's request_too_large error, with the limit of the route.
func tooLarge(n uint64, limit int64) *core.Error {
	if limit == codec.MaxRequest {
		return codec.TooLarge(n)
	}
	return core.NewErrorText(core.RequestTooLarge, "", fmt.Sprintf("%d bytes > %d", n, limit), fmt.Sprintf("%d 字节，超过 %d", n, limit))
}

// decodeBody reads a JSON body strictly into v.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	b, err := readBody(w, r, codec.MaxRequest)
	if err != nil {
		return err
	}
	return codec.Decode(b, v)
}
