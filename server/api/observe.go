package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/server/apierr"
	"github.com/ruralhealth/ncms/server/ledger"
)

// info is what one request's log line and metrics need, filled in as it is served.
type info struct {
	route string // the route template; never the path, which may hold a resident ID
	// requestID is the X-Request-ID of the request (the client's, or made up).
	requestID string
	key       string // the id of the key that authenticated
	// bodyLimit is the largest body the request may have, when the public limits
	// set one smaller than the codec's.
	bodyLimit int64
}

type infoKey struct{}

// infoOf returns the request's info; requests that did not come through ServeHTTP
// get a throwaway one.
func infoOf(r *http.Request) *info {
	if in, ok := r.Context().Value(infoKey{}).(*info); ok {
		return in
	}
	return &info{}
}

// unmatched names requests that matched no route, in logs and metrics.
const unmatched = "unmatched"

// ServeHTTP serves a request, logs one line for it, counts it, and turns a panic
// into 500 server_internal.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	in := &info{route: unmatched, requestID: requestID(r)}
	r = r.WithContext(context.WithValue(r.Context(), infoKey{}, in))
	w.Header().Set(RequestIDHeader, in.requestID)
	sw := &statusWriter{ResponseWriter: w}
	s.metrics.inflight.Inc()
	defer func() {
		s.metrics.inflight.Dec()
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				// A handler's deliberate abort: net/http drops the connection quietly.
				panic(v)
			}
			s.log.LogAttrs(r.Context(), slog.LevelError, "panic",
				slog.String("route", in.route), slog.String("panic", fmt.Sprint(v)),
				slog.String("stack", string(debug.Stack())))
			if sw.status == 0 {
				writeJSON(sw, http.StatusInternalServerError, withRequestID(
					engine.Failure(core.Errors{apierr.NewError(apierr.ServerInternal, "", "")}), in.requestID))
			} else {
				// Headers are out; all that can be done is to cut the response short.
				sw.status = http.StatusInternalServerError
			}
		}
		s.observe(r, in, sw.status, time.Since(start))
	}()
	if s.preflight(sw, r) {
		return
	}
	s.router.ServeHTTP(sw, r)
}

// observe logs and counts a finished request.
func (s *Server) observe(r *http.Request, in *info, code int, d time.Duration) {
	if code == 0 {
		code = http.StatusOK // nothing written: net/http sends 200
	}
	method := r.Method
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete:
	default:
		method = "OTHER" // bounded label values
	}
	st := strconv.Itoa(code)
	s.metrics.requests.WithLabelValues(in.route, method, st).Inc()
	s.metrics.duration.WithLabelValues(in.route, method, st).Observe(d.Seconds())
	level := slog.LevelInfo
	gone := clientGone(r)
	if code >= 500 && !gone {
		level = slog.LevelError
	}
	attrs := []slog.Attr{slog.String("method", method), slog.String("route", in.route), slog.Int("status", code),
		slog.Duration("duration", d)}
	if gone {
		attrs = append(attrs, slog.Bool("cancelled", true))
	}
	if in.key != "" {
		attrs = append(attrs, slog.String("key", in.key))
	}
	s.log.LogAttrs(r.Context(), level, "request", attrs...)
}

// statusWriter remembers the status a handler sent.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// metrics are the server's Prometheus collectors.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inflight prometheus.Gauge
	refused  *prometheus.CounterVec
	budget   prometheus.Gauge
	recorded *prometheus.CounterVec
	errors   *prometheus.CounterVec
}

// newMetrics registers the server's collectors, or finds them where another Server
// registered them already.
func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	labels := []string{"route", "method", "status"}
	var err error
	m := &metrics{
		requests: register(reg, &err, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ncms_http_requests_total",
			Help: "HTTP requests served, by route template, method and status.",
		}, labels)),
		duration: register(reg, &err, prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "ncms_http_request_duration_seconds",
			Help:    "Time to serve an HTTP request, by route template, method and status.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, labels)),
		inflight: register(reg, &err, prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "ncms_http_requests_in_flight",
			Help: "HTTP requests being served.",
		})),
		refused: register(reg, &err, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ncms_public_refused_total",
			Help: "Public requests refused with 429 server_busy, by reason: busy (no room in the public budget) or rate (the client's rate limit).",
		}, []string{"reason"})),
		budget: register(reg, &err, prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "ncms_public_budget_bytes",
			Help: "Bytes of the public budget held by public requests in flight.",
		})),
		recorded: register(reg, &err, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ncms_ledger_recorded_total",
			Help: "Journal entries recorded through the API, by kind (settlement, correction, reversal, manual: a manual claim); replays are not counted.",
		}, []string{"kind"})),
		errors: register(reg, &err, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ncms_ledger_errors_total",
			Help: "Ledger calls that failed, by error code (server_internal for database failures).",
		}, []string{"code"})),
	}
	if err != nil {
		return nil, fmt.Errorf("api: registering metrics: %w", err)
	}
	return m, nil
}

// register registers c, or returns the collector that is registered already under
// its description (a second Server on one registry shares the first's). The first
// failure is kept in *errp.
func register[C prometheus.Collector](reg prometheus.Registerer, errp *error, c C) C {
	err := reg.Register(c)
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing
		}
		err = fmt.Errorf("%T is registered under the name of a %T", are.ExistingCollector, c)
	}
	if err != nil && *errp == nil {
		*errp = err
	}
	return c
}

// ledgerError counts a failed ledger call and returns err.
func (s *Server) ledgerError(err error) error {
	_, es, _ := classify(err)
	s.metrics.errors.WithLabelValues(string(es[0].Code)).Inc()
	return err
}

// recorded counts a journal entry the ledger wrote.
func (s *Server) recorded(kind string, rc ledger.Receipt) {
	if !rc.Replayed {
		s.metrics.recorded.WithLabelValues(kind).Inc()
	}
}
