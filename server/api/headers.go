package api

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/gorilla/mux"

	"github.com/ruralhealth/ncms/core/engine"
)

// RequestIDHeader names the request id: echoed when the client sends a usable one,
// made up otherwise, and set on every response.
const RequestIDHeader = "X-Request-ID"

// maxRequestID bounds an id the client sends; a longer or unprintable one is
// replaced, so that logs hold nothing a client could use to forge lines.
const maxRequestID = 128

// requestID returns the client's X-Request-ID when it is 1 to 128 printable ASCII
// characters without spaces, and a fresh random one otherwise.
func requestID(r *http.Request) string {
	if id := r.Header.Get(RequestIDHeader); id != "" && len(id) <= maxRequestID {
		ok := true
		for i := 0; i < len(id) && ok; i++ {
			ok = id[i] > ' ' && id[i] < 0x7f
		}
		if ok {
			return id
		}
	}
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand panics rather than return an error)
	return hex.EncodeToString(b[:])
}

// requestIDHandler adds the request id to every log record made with a request's
// context, so that a request's error lines and its access line can be joined.
type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, rec slog.Record) error {
	if in, ok := ctx.Value(infoKey{}).(*info); ok && in.requestID != "" {
		rec = rec.Clone()
		rec.AddAttrs(slog.String("request_id", in.requestID))
	}
	return h.Handler.Handle(ctx, rec)
}

func (h requestIDHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(as)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}

// failPrefix starts every error envelope; the request id is spliced in after it.
var failPrefix = []byte(`{"schema":1,"ok":false`)

// engineRoutes answer with the engine's envelopes, byte for byte as the engine
// writes them natively and in WebAssembly, errors included: their request id is in
// the X-Request-ID header only.
var engineRoutes = map[string]bool{
	"/v1/engine/{op}": true, "/v1/estimate": true, "/v1/policies": true, "/v1/policies/{id}": true,
}

// withRequestID returns an error envelope with "requestId" after "ok". Envelopes
// the engine wrote are passed through unchanged elsewhere (their bytes are the
// engine's); this is for the server's own.
func withRequestID(env []byte, id string) []byte {
	if id == "" || !bytes.HasPrefix(env, failPrefix) {
		return env
	}
	q, err := jsonv2.Marshal(id)
	if err != nil {
		return env
	}
	b := make([]byte, 0, len(env)+len(q)+14)
	b = append(b, failPrefix...)
	b = append(b, `,"requestId":`...)
	b = append(b, q...)
	return append(b, env[len(failPrefix):]...)
}

// authChallenge is the WWW-Authenticate of a 401 (RFC 6750): the API takes a bearer
// token (or the same secret in X-API-Key).
const authChallenge = `Bearer realm="ncms"`

// allowedMethods lists the methods the router would serve r's path with, for the
// Allow header of a 405.
func (s *Server) allowedMethods(r *http.Request) []string {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
		http.MethodPatch, http.MethodDelete} {
		c := r.Clone(r.Context())
		c.Method = m
		var match mux.RouteMatch
		if s.router.Match(c, &match) && match.MatchErr == nil {
			allow = append(allow, m)
		}
	}
	return allow
}

// CORS configures cross-origin access to the public routes (the engine, /v1/estimate,
// /v1/policies), so that a county website can embed the estimator. Routes behind a
// key never answer cross-origin requests: keys stay out of browsers.
type CORS struct {
	// Origins are the origins allowed, such as "https://wsj.example.gov.cn"; "*"
	// allows any. Empty (the default) turns CORS off.
	Origins []string
	// MaxAge is how long, in seconds, a browser may cache a preflight (0: 600).
	MaxAge int
}

// allowOrigin returns the Access-Control-Allow-Origin for origin, or "".
func (c *CORS) allowOrigin(origin string) string {
	if origin == "" {
		return ""
	}
	for _, o := range c.Origins {
		switch {
		case o == "*":
			return "*"
		case strings.EqualFold(o, origin):
			return origin
		}
	}
	return ""
}

// corsHeaders sets the CORS headers of a public route's response.
func (s *Server) corsHeaders(w http.ResponseWriter, r *http.Request) {
	if len(s.cors.Origins) == 0 {
		return
	}
	h := w.Header()
	h.Add("Vary", "Origin")
	if o := s.cors.allowOrigin(r.Header.Get("Origin")); o != "" {
		h.Set("Access-Control-Allow-Origin", o)
		h.Set("Access-Control-Expose-Headers", "X-Request-ID, ETag, Retry-After")
	}
}

// preflight answers a CORS preflight (OPTIONS with Access-Control-Request-Method) to a
// public route, and reports whether it did. Others fall through to the router, which
// answers 405 with Allow.
func (s *Server) preflight(w http.ResponseWriter, r *http.Request) bool {
	method := r.Header.Get("Access-Control-Request-Method")
	if r.Method != http.MethodOptions || method == "" || len(s.cors.Origins) == 0 {
		return false
	}
	c := r.Clone(r.Context())
	c.Method = method
	var match mux.RouteMatch
	if !s.router.Match(c, &match) || match.MatchErr != nil || !s.publicRoutes[match.Route] ||
		match.Vars["op"] == engine.OpLoadPolicy {
		return false
	}
	h := w.Header()
	h.Add("Vary", "Origin")
	h.Add("Vary", "Access-Control-Request-Method")
	h.Add("Vary", "Access-Control-Request-Headers")
	if o := s.cors.allowOrigin(r.Header.Get("Origin")); o != "" {
		maxAge := s.cors.MaxAge
		if maxAge <= 0 {
			maxAge = 600
		}
		h.Set("Access-Control-Allow-Origin", o)
		h.Set("Access-Control-Allow-Methods", method)
		h.Set("Access-Control-Allow-Headers", "Content-Type, X-Request-ID")
		h.Set("Access-Control-Max-Age", strconv.Itoa(maxAge))
	}
	if t, err := match.Route.GetPathTemplate(); err == nil {
		infoOf(r).route = t
	}
	w.WriteHeader(http.StatusNoContent)
	return true
}

// setLocation sets the Location of a 201: the URL of what was made.
func setLocation(w http.ResponseWriter, path string) {
	w.Header().Set("Location", path)
}

// pathEscape escapes one path segment of a Location.
func pathEscape(s string) string { return url.PathEscape(s) }

// policyLocation is the Location of a published policy, from load_policy's result.
func policyLocation(resp []byte) string {
	info, err := engine.OpenAs[engine.PolicyInfo](resp)
	if err != nil || info.ID == "" {
		return ""
	}
	loc := "/v1/policies/" + pathEscape(info.ID)
	if info.Version != "" {
		loc += "?version=" + url.QueryEscape(info.Version)
	}
	return loc
}

// webWriter turns a 404 of the estimator page into the JSON envelope every other
// 404 has; other responses pass through.
type webWriter struct {
	http.ResponseWriter
	s      *Server
	r      *http.Request
	hijack bool // a 404 was answered with the envelope; the page's body is dropped
}

func (w *webWriter) WriteHeader(code int) {
	if code == http.StatusNotFound && !w.hijack {
		w.hijack = true
		h := w.Header()
		for _, k := range []string{"Content-Type", "Content-Length", "X-Content-Type-Options", "Content-Encoding"} {
			h.Del(k)
		}
		w.s.notFound(w.ResponseWriter, w.r)
		return
	}
	if !w.hijack {
		w.ResponseWriter.WriteHeader(code)
	}
}

func (w *webWriter) Write(b []byte) (int, error) {
	if w.hijack {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *webWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// jsonNotFound wraps the estimator page so its 404s are JSON envelopes.
func (s *Server) jsonNotFound(web http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		web.ServeHTTP(&webWriter{ResponseWriter: w, s: s, r: r}, r)
	})
}
