package api

import (
	"context"
	"errors"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/mux"
	"golang.org/x/sync/semaphore"
	"golang.org/x/time/rate"

	"github.com/ruralhealth/ncms/core"
	codec "github.com/ruralhealth/ncms/core/codec/anycodec"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/server/apierr"
)

// PublicLimits bound what the public routes (no key: /v1/engine/{op} but
// load_policy, /v1/estimate, /v1/policies) may take of the server, so that
// anonymous requests cannot exhaust its memory. Routes behind a key are not
// counted: institutions and the county are known and few.
type PublicLimits struct {
	// BodyLimit bounds the body of a public request; 0 means DefaultPublicBodyLimit.
	// validate_roster is the exception: it keeps the codec's 8 MiB (codec.MaxRequest),
	// since a batch roster of tens of thousands of households is a real request.
	BodyLimit int64
	// Budget bounds the request bodies that public requests hold between them, each
	// counted as at least MinPublicWeight (the engine's work and its answer cost
	// memory too); 0 means DefaultPublicBudget. A request over it waits (see Wait),
	// then is refused with 429 server_busy and Retry-After.
	Budget int64
	// Wait is how long a public request waits for room in the budget before it is
	// refused; 0 means DefaultPublicWait, a negative value refuses at once. At most
	// maxPublicWaiting requests wait; those beyond are refused at once. A waiting
	// request has not had its body read, so waiting costs no memory to speak of.
	Wait time.Duration
	// Rate is how many public requests a second one client (IP address; an IPv6
	// /64) may make, with bursts of Burst; 0 (the default) disables the limit. Behind
	// a reverse proxy every request comes from the proxy's address, so leave it off
	// there and limit at the proxy.
	Rate  float64
	Burst int
}

// Defaults of PublicLimits.
const (
	// DefaultPublicBodyLimit admits the largest bill the core settles, 10,000 lines
	// (claim.MaxItems) with names, pretty-printed, which is 2.4 MiB, with room.
	DefaultPublicBodyLimit = 4 << 20
	// DefaultPublicBudget with MinPublicWeight lets eight small public requests, two
	// of 4 MiB or one roster of 8 MiB be worked on at once: enough to keep two cores
	// busy, and a few hundred megabytes at the worst (README, "Public routes").
	DefaultPublicBudget = 16 << 20
	// MinPublicWeight is what a public request counts against the budget however
	// small its body: an error per line of a 10,000-line bill is a few megabytes of
	// answer from 30 KB of request.
	MinPublicWeight = 2 << 20
	// DefaultPublicWait is how long a public request waits for room in the budget.
	DefaultPublicWait = time.Second
)

// maxPublicWaiting bounds the public requests waiting for room in the budget; each
// holds only its connection and a goroutine.
const maxPublicWaiting = 256

// maxRateClients bounds the clients the rate limiter remembers.
const maxRateClients = 1 << 16

// retryAfter is the Retry-After of a request refused for want of budget: a public
// request is served in milliseconds, so room comes back quickly.
const retryAfter = "1"

// gate admits public requests: the rate limit per client, then the budget.
type gate struct {
	bodyLimit int64
	budget    int64
	wait      time.Duration
	sem       *semaphore.Weighted
	waiting   atomic.Int64
	clients   *clients // nil: no rate limit
}

func newGate(o PublicLimits) *gate {
	g := &gate{bodyLimit: o.BodyLimit, budget: o.Budget, wait: o.Wait}
	if g.bodyLimit <= 0 {
		g.bodyLimit = DefaultPublicBodyLimit
	}
	if g.budget <= 0 {
		g.budget = DefaultPublicBudget
	}
	if g.wait == 0 {
		g.wait = DefaultPublicWait
	}
	g.sem = semaphore.NewWeighted(g.budget)
	if o.Rate > 0 {
		burst := o.Burst
		if burst < 1 {
			burst = max(1, int(math.Ceil(o.Rate)))
		}
		g.clients = &clients{limit: rate.Limit(o.Rate), burst: burst, now: time.Now, m: map[netip.Prefix]*client{}}
	}
	return g
}

// busy is the 429 server_busy error; the caller sets Retry-After. It has no detail,
// so that its Chinese message is all Chinese; the metrics tell the reasons apart.
func busy() error {
	return core.Errors{apierr.NewError(apierr.Busy, "", "")}
}

// admit lets a public request in, or answers why not: 429 server_busy when its
// client is over its rate or the budget has no room, 413 request_too_large when its
// declared length is over the route's limit (before reading a byte of it). The
// returned release gives its budget back once it is served.
func (s *Server) admit(w http.ResponseWriter, r *http.Request) (release func(), err error) {
	g := s.gate
	if g.clients != nil {
		if d, ok := g.clients.allow(r.RemoteAddr); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(d.Seconds()))))
			s.metrics.refused.WithLabelValues("rate").Inc()
			return nil, busy()
		}
	}
	if r.Method != http.MethodPost {
		return func() {}, nil // no body: the answer is the server's, and small
	}
	limit := g.bodyLimit
	roster := mux.Vars(r)["op"] == engine.OpValidateRoster
	if roster {
		limit = codec.MaxRequest
	}
	if r.ContentLength > limit {
		return nil, core.Errors{tooLarge(uint64(r.ContentLength), limit)}
	}
	infoOf(r).bodyLimit = limit
	n := r.ContentLength
	if n < 0 {
		n = limit // sent chunked: it may be as long as the limit
	}
	n = min(max(n, MinPublicWeight), g.budget)
	if roster {
		// A roster's work is not bounded by its body: 100,000 empty rows are 300 KB,
		// decoded into 100,000 rows and checked against maps of every ID and
		// certificate, with 600,000 problems made (the answer lists 100 and counts the
		// rest). One at a time.
		n = g.budget
	}
	if !g.sem.TryAcquire(n) {
		if err := g.queue(r.Context(), n); err != nil {
			w.Header().Set("Retry-After", retryAfter)
			s.metrics.refused.WithLabelValues("busy").Inc()
			return nil, err
		}
	}
	s.metrics.budget.Add(float64(n))
	return func() {
		s.metrics.budget.Sub(float64(n))
		g.sem.Release(n)
	}, nil
}

// queue waits for n of the budget, up to the gate's wait.
func (g *gate) queue(ctx context.Context, n int64) error {
	if g.wait < 0 {
		return busy()
	}
	if g.waiting.Add(1) > maxPublicWaiting {
		g.waiting.Add(-1)
		return busy()
	}
	defer g.waiting.Add(-1)
	ctx, cancel := context.WithTimeout(ctx, g.wait)
	defer cancel()
	if err := g.sem.Acquire(ctx, n); err != nil {
		if errors.Is(context.Cause(ctx), context.Canceled) {
			return err // the client went away: server_unavailable, not that the server is busy
		}
		return busy()
	}
	return nil
}

// clients are the rate limiter's token buckets, one per client address.
type clients struct {
	limit rate.Limit
	burst int
	now   func() time.Time

	mu sync.Mutex
	m  map[netip.Prefix]*client
}

type client struct {
	lim  *rate.Limiter
	seen time.Time
}

// allow takes a token from the bucket of the client at remoteAddr (host:port), or
// reports how long until one is there.
func (c *clients) allow(remoteAddr string) (time.Duration, bool) {
	key := clientOf(remoteAddr)
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok {
		if len(c.m) >= maxRateClients {
			c.prune(now)
		}
		e = &client{lim: rate.NewLimiter(c.limit, c.burst)}
		c.m[key] = e
	}
	e.seen = now
	if e.lim.AllowN(now, 1) {
		return 0, true
	}
	// When the next token comes: the time a reservation would wait, not taken.
	r := e.lim.ReserveN(now, 1)
	d := r.DelayFrom(now)
	r.CancelAt(now)
	return max(d, time.Second), false
}

// prune forgets the clients whose buckets have filled up again (they are as good
// as new), or all of them if that is not enough.
func (c *clients) prune(now time.Time) {
	full := time.Duration(float64(c.burst) / float64(c.limit) * float64(time.Second))
	for k, e := range c.m {
		if now.Sub(e.seen) > full {
			delete(c.m, k)
		}
	}
	if len(c.m) >= maxRateClients {
		clear(c.m)
	}
}

// clientOf is the client a remote address stands for: the IPv4 address, or the
// IPv6 /64, which one host or one household's router usually has to itself.
func clientOf(remoteAddr string) netip.Prefix {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Prefix{}
	}
	a = a.Unmap()
	bits := 32
	if a.Is6() {
		bits = 64
	}
	p, _ := a.Prefix(bits)
	return p
}
