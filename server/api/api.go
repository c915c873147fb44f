// Package api is the county server's HTTP interface: the engine's operations for
// anyone, the ledger (settlement, reversal, correction, card verification) for the
// hospitals' keys, and the registry, cards, policies and keys for the county's. Every
// body passes through the core's codec and every error is the core's envelope
// {"schema":1,"ok":false,"errors":[…]}, with the HTTP status chosen by the first
// error's code (see statusOf).
//
// The routes are described by the OpenAPI document served at /openapi.json.
package api

import (
	"context"
	_ "embed"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/server/ledger"
)

// openAPI is the OpenAPI 3.0 document describing every route, served at /openapi.json.
//
//go:embed openapi.json
var openAPI []byte

// Options configure a Server. The zero value is usable.
type Options struct {
	// Logger receives one line per request and the details of server errors; nil
	// discards them.
	Logger *slog.Logger
	// Web is the estimator page, mounted at "/" for GET and HEAD; nil answers 404.
	Web http.Handler
	// Registry receives the server's metrics and is what /metrics serves; nil means a
	// registry of the server's own.
	Registry *prometheus.Registry
	// Calculator answers the engine routes (/v1/engine/{op}, /v1/estimate,
	// /v1/policies, /v1/rosters/validate); nil means the ledger's engine in process.
	// Pass the same Calculator the ledger was built with, so the county answers with
	// the bytes it settles with.
	Calculator ledger.Calculator
	// KeyCacheTTL is how long a key that authenticated is trusted without asking the
	// store again; 0 means DefaultKeyCacheTTL, a negative value disables the cache. A
	// key revoked on another replica keeps working here for at most this long.
	KeyCacheTTL time.Duration
	// Public bounds the memory and the rate of the public routes; the zero value
	// takes the defaults named on its fields.
	Public PublicLimits
	// CORS lets the public routes be called from other origins' pages; the zero
	// value allows none.
	CORS CORS
	// Budgets are the county's annual budgets for the funds (年度基金预算) by year,
	// which GET /v1/reports/budget sets the year's spending against.
	Budgets map[int]money.Amount
}

// DefaultKeyCacheTTL is the default of Options.KeyCacheTTL.
const DefaultKeyCacheTTL = 10 * time.Second

// ImportLimit bounds a roster CSV posted to /v1/registry/import (64 MiB, some 600 000
// rows). Larger rosters go through the import command, which reads a file.
const ImportLimit = 64 << 20

// Server is the HTTP handler of the county server. It is safe for concurrent use.
type Server struct {
	ledger  *ledger.Ledger
	calc    ledger.Calculator
	log     *slog.Logger
	web     http.Handler
	reg     *prometheus.Registry
	metrics *metrics
	keys    *keyCache
	gate    *gate
	cors    CORS
	budgets map[int]money.Amount
	// progress is how far the roster imports running have read.
	progress progresses
	router   *mux.Router
	// publicRoutes are the routes that need no key, which alone answer CORS.
	publicRoutes map[*mux.Route]bool

	draining atomic.Bool
}

// New returns a Server over the ledger. It fails only when o.Registry holds other
// collectors under the names of the server's metrics.
func New(l *ledger.Ledger, o Options) (*Server, error) {
	s := &Server{ledger: l, calc: o.Calculator, log: o.Logger, web: o.Web, reg: o.Registry, cors: o.CORS, budgets: o.Budgets,
		publicRoutes: map[*mux.Route]bool{}}
	if s.calc == nil {
		s.calc = ledger.Native(l.Engine())
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.log = slog.New(requestIDHandler{s.log.Handler()})
	if s.reg == nil {
		s.reg = prometheus.NewRegistry()
	}
	ttl := o.KeyCacheTTL
	if ttl == 0 {
		ttl = DefaultKeyCacheTTL
	}
	s.keys = newKeyCache(ttl, time.Now)
	s.gate = newGate(o.Public)
	m, err := newMetrics(s.reg)
	if err != nil {
		return nil, err
	}
	s.metrics = m
	s.router = s.routes()
	return s, nil
}

// access is what a route demands of the caller's key.
type access int

const (
	public      access = iota // no key
	institution               // an institution's key (for its own institution) or the county's
	county                    // the county's key
	// Levels that tell operators' roles apart (operators.go); keys are checked as
	// institution (reviewer) or county (reports).
	reviewer // reversal and correction: an institution's key, its auditors, the county
	reports  // the county's reports and books: the county's key, administrators and its auditors
	signedIn // a signed-in operator's own session
	// office is the county or township office's work (manual claims): the county's
	// key, administrators and county auditors; no institution claims for itself.
	office
	// presettling is institution for keys; for operators, an institution's cashiers
	// and auditors and the county office's auditors, who presettle manual claims.
	presettling
)

// routes builds the router. Every route here must be in openapi.json; the test
// walks the router to check.
func (s *Server) routes() *mux.Router {
	r := mux.NewRouter()
	r.NotFoundHandler = http.HandlerFunc(s.notFound)
	r.MethodNotAllowedHandler = http.HandlerFunc(s.methodNotAllowed)
	// The route template, not the path, names a request in logs and metrics: paths
	// carry resident IDs and card numbers.
	r.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if t, err := mux.CurrentRoute(req).GetPathTemplate(); err == nil {
				infoOf(req).route = t
			}
			next.ServeHTTP(w, req)
		})
	})
	handle := func(method, path string, a access, h handler) {
		route := r.Handle(path, s.guard(a, h)).Methods(method)
		if a == public {
			s.publicRoutes[route] = true
		}
	}

	// The engine: pure computation, nothing recorded (load_policy excepted).
	handle(http.MethodPost, "/v1/engine/{op}", public, s.engineOp)
	handle(http.MethodPost, "/v1/estimate", public, s.estimate)
	handle(http.MethodGet, "/v1/policies", public, s.listPolicies)
	handle(http.MethodGet, "/v1/policies/{id}", public, s.getPolicy)
	handle(http.MethodPost, "/v1/policies", county, s.loadPolicy)
	// The wire contract: the JSON Schemas of every engine request and response.
	handle(http.MethodGet, "/v1/schemas", public, s.listSchemas)
	handle(http.MethodGet, "/v1/schemas/{name}", public, s.schema)
	// The published scheme as a printable page (policy_page.go).
	handle(http.MethodGet, "/policies/{id}", public, s.policyPage)

	// The ledger, for the institution that owns the visit.
	handle(http.MethodPost, "/v1/settlements", institution, s.settle)
	handle(http.MethodGet, "/v1/settlements", institution, s.listSettlements)
	handle(http.MethodPost, "/v1/presettlements", presettling, s.presettle)
	handle(http.MethodPost, "/v1/manual-claims", office, s.manualClaim)
	handle(http.MethodGet, "/v1/settlements/{seq}", institution, s.entry)
	handle(http.MethodPost, "/v1/settlements/{seq}/reversal", reviewer, s.reverse)
	handle(http.MethodPost, "/v1/settlements/{seq}/correction", reviewer, s.correct)
	handle(http.MethodPost, "/v1/cards/verify", institution, s.verifyCard)

	// The registry, cards and keys, for the county.
	handle(http.MethodPut, "/v1/households/{id}", county, s.putHousehold)
	handle(http.MethodPut, "/v1/persons/{id}", county, s.putPerson)
	handle(http.MethodGet, "/v1/persons/{id}", county, s.person)
	handle(http.MethodGet, "/v1/persons/{id}/record", county, s.personRecord)
	handle(http.MethodGet, "/v1/persons", county, s.listPersons)
	handle(http.MethodGet, "/v1/households", county, s.listHouseholds)
	handle(http.MethodGet, "/v1/households/{id}/record", county, s.householdRecord)
	handle(http.MethodPost, "/v1/registry/import", county, s.importRoster)
	handle(http.MethodGet, "/v1/registry/import/progress", county, s.importProgress)
	handle(http.MethodPost, "/v1/cards/{number}/events", county, s.cardEvent)
	handle(http.MethodGet, "/v1/cards/{number}", county, s.card)
	handle(http.MethodPost, "/v1/rosters/validate", county, s.validateRoster)
	handle(http.MethodPost, "/v1/keys", county, s.createKey)
	handle(http.MethodGet, "/v1/keys", county, s.listKeys)
	handle(http.MethodDelete, "/v1/keys/{id}", county, s.revokeKey)
	handle(http.MethodGet, "/v1/keys/{id}", county, s.getKey)

	// ---- Reports (server/report) ----
	handle(http.MethodGet, "/v1/reports/summary", reports, s.summary)
	handle(http.MethodGet, "/v1/reports/notice", reports, s.notice)
	handle(http.MethodGet, "/v1/reports/budget", reports, s.budget)
	handle(http.MethodGet, "/v1/reports/audit", reports, s.audit)
	handle(http.MethodGet, "/v1/reports/audit/flags", reports, s.listAuditFlags)
	handle(http.MethodPost, "/v1/simulations", reports, s.simulation)

	// ---- The checkout desk: operators, sessions, the facility register (operators.go) ----
	s.checkoutRoutes(handle)

	// ---- The county's books: statements, payments, reconciliation, year-end (books.go) ----
	s.booksRoutes(handle)
	// ---- Households' books: contributions and family accounts (household_books.go) ----
	s.householdBooksRoutes(handle)

	// Operations.
	r.HandleFunc("/healthz", s.healthz).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/readyz", s.readyz).Methods(http.MethodGet, http.MethodHead)
	r.Handle("/metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{})).Methods(http.MethodGet)
	r.HandleFunc("/openapi.json", s.openapi).Methods(http.MethodGet, http.MethodHead)

	// The estimator page takes every other GET, except under /v1/ and the paths
	// above, so that a wrong method there is still 405 and a wrong path 404 with
	// the envelope.
	web := http.Handler(http.HandlerFunc(s.notFound))
	if s.web != nil {
		web = s.jsonNotFound(s.web)
	}
	// webPath comes first: a matcher that fails before any succeeds keeps the
	// method mismatch of an earlier route, so mux still answers 405.
	r.NewRoute().MatcherFunc(webPath).PathPrefix("/").Methods(http.MethodGet, http.MethodHead).Handler(web)
	return r
}

// webPath reports whether a path may be the estimator page's.
func webPath(r *http.Request, _ *mux.RouteMatch) bool {
	switch p := r.URL.Path; {
	case p == "/v1" || strings.HasPrefix(p, "/v1/"):
		return false
	case p == "/healthz" || p == "/readyz" || p == "/metrics" || p == "/openapi.json":
		return false
	}
	return true
}

// Drain makes /readyz answer 503 from now on, so that load balancers stop sending
// requests before the server stops; requests are still served.
func (s *Server) Drain() { s.draining.Store(true) }

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeOK(w, http.StatusOK, status{Status: "up"})
}

// readyTimeout bounds the store's ping for /readyz.
const readyTimeout = 2 * time.Second

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.draining.Load() {
		s.fail(w, r, unavailable("shutting down", "正在关闭"))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	if err := s.ledger.Store().Ping(ctx); err != nil {
		s.log.LogAttrs(r.Context(), slog.LevelWarn, "store ping failed", slog.String("err", err.Error()))
		s.fail(w, r, storeUnavailable())
		return
	}
	writeOK(w, http.StatusOK, status{Status: "ready"})
}

// status is the result of /healthz and /readyz.
type status struct {
	Status string `json:"status"`
}

func (s *Server) openapi(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(openAPI)
}
