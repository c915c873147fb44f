// Command ncms-load drives a running county server with estimate or settle requests
// from many connections at once and reports throughput and latency percentiles: the
// load benchmark of the README. Its flood mode sends public requests built to cost
// the server the most memory, and reports the server's peak RSS and whether
// /healthz kept answering.
//
//	ncms-load -mode estimate -c 64 -d 20s
//	ncms-load -mode settle -key "$(cat data/admin.key)" -c 64 -d 20s
//	ncms-load -mode flood -shape all -c 64 -n 640 -pid "$(pgrep -n ncms-server)" -max-rss 300
//
// Settle requests spread over -persons people, each with a fresh visit id, so that
// they measure durable settlements rather than replays; several requests for one
// person still serialize on that person's totals, as in a real county. The server
// prices a settlement with the facility register's class and refuses an institution
// missing from it, so settle mode first registers H001 as a county hospital (PUT
// /v1/facilities/H001, which needs a county key); -register=false skips that for a
// register that already holds H001, as with an institution key.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ruralhealth/ncms/core/identity"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "ncms-load:", err)
		os.Exit(1)
	}
}

// config is what the flags say.
type config struct {
	url      string
	key      string
	mode     string
	conns    int
	duration time.Duration
	requests int
	persons  int
	register bool
	// The flood mode's.
	shape  string
	size   int
	pid    int
	maxRSS int64
}

func run(ctx context.Context, args []string, out io.Writer) error {
	var c config
	fs := flag.NewFlagSet("ncms-load", flag.ContinueOnError)
	fs.StringVar(&c.url, "url", "http://127.0.0.1:8080", "the county server")
	fs.StringVar(&c.key, "key", "", "API key for settle (default $NCMS_KEY); a county key or H001's institution key")
	fs.StringVar(&c.mode, "mode", "estimate", "estimate, settle or flood")
	fs.IntVar(&c.conns, "c", 64, "concurrent connections")
	fs.DurationVar(&c.duration, "d", 10*time.Second, "how long to run")
	fs.IntVar(&c.requests, "n", 0, "stop after this many requests instead (0: run for -d)")
	fs.IntVar(&c.persons, "persons", 10000, "distinct people the settle requests spread over")
	fs.BoolVar(&c.register, "register", true, "settle: register H001 as a county hospital first (needs a county key); false when the register already holds it")
	fs.StringVar(&c.shape, "shape", "all", "flood: the hostile requests, all or a comma-separated list of "+shapeNames())
	fs.IntVar(&c.size, "size", 4<<20, "flood: body size of the shapes field and policy in bytes (default: the public body limit; roster-field is 8 MiB, validate_roster's limit)")
	fs.IntVar(&c.pid, "pid", 0, "flood: the server's process id, to sample its memory from /proc/PID/status")
	fs.Int64Var(&c.maxRSS, "max-rss", 0, "flood: fail if the server's peak RSS (VmHWM) is over this many MB (0: report only)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.key == "" {
		c.key = os.Getenv("NCMS_KEY")
	}
	if c.conns < 1 || c.persons < 1 {
		return errors.New("-c and -persons must be at least 1")
	}
	switch c.mode {
	case "estimate", "settle":
	case "flood":
		return flood(ctx, c, out)
	default:
		return fmt.Errorf("-mode %q: want estimate, settle or flood", c.mode)
	}
	if c.mode == "settle" && c.register {
		if err := registerFacility(ctx, c); err != nil {
			return err
		}
	}
	r, err := load(ctx, c)
	if err != nil {
		return err
	}
	r.print(out, c)
	if r.failed > 0 {
		return fmt.Errorf("%d of %d requests failed; first: %s", r.failed, r.failed+len(r.latencies), r.firstErr)
	}
	return nil
}

// result collects what the workers saw.
type result struct {
	latencies []time.Duration
	failed    int
	firstErr  string
	elapsed   time.Duration
}

// load runs the workers until the duration or request count is used up.
func load(ctx context.Context, c config) (*result, error) {
	tr := &http.Transport{MaxIdleConns: c.conns, MaxIdleConnsPerHost: c.conns, MaxConnsPerHost: c.conns}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	path := "/v1/estimate"
	if c.mode == "settle" {
		path = "/v1/settlements"
	}
	run := time.Now().UnixNano()
	var next atomic.Int64
	ctx, cancel := context.WithTimeout(ctx, c.duration)
	if c.requests > 0 {
		cancel()
		ctx, cancel = context.WithCancel(context.Background())
	}
	defer cancel()
	var mu sync.Mutex
	r := &result{}
	var wg sync.WaitGroup
	start := time.Now()
	for range c.conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for ctx.Err() == nil {
				n := next.Add(1)
				if c.requests > 0 && n > int64(c.requests) {
					break
				}
				id, birth := person(int(n) % c.persons)
				body := claim(fmt.Sprintf("L%x-%d", run, n), id, birth)
				t0 := time.Now()
				err := call(ctx, client, c.url+path, c.key, body)
				if errors.Is(err, context.DeadlineExceeded) || (err != nil && ctx.Err() != nil) {
					break // the run ended mid-request
				}
				if err != nil {
					mu.Lock()
					if r.failed == 0 {
						r.firstErr = err.Error()
					}
					r.failed++
					mu.Unlock()
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			r.latencies = append(r.latencies, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	r.elapsed = time.Since(start)
	slices.Sort(r.latencies)
	return r, nil
}

// facility is H001's entry in the facility register, the institution of every claim
// the load sends: a county hospital from the start of the claims' year.
const facility = `{"name":"H001","class":"county","inCounty":true,"designated":true,"from":"2025-01-01"}`

// registerFacility puts H001 in the server's facility register, without which the
// server refuses its settlements (facility_unknown).
func registerFacility(ctx context.Context, c config) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, c.url+"/v1/facilities/H001", strings.NewReader(facility))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("registering H001: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("registering H001: %w", err)
	}
	if resp.StatusCode >= 300 {
		return fmt.Errorf("registering H001 (a county key, or -register=false if the register holds it): %s: %.300s", resp.Status, b)
	}
	return nil
}

// call posts one request and checks the answer is a success envelope.
func call(ctx context.Context, client *http.Client, url, key string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 || !bytes.Contains(b, []byte(`"ok":true`)) {
		return fmt.Errorf("%s: %.300s", resp.Status, b)
	}
	return nil
}

// claim is a Pingluo inpatient claim of 2,345.67 yuan in twenty lines (RULES.md
// §2.1), the size of a typical discharge bill.
func claim(visit, id, birth string) []byte {
	var items strings.Builder
	for i := range 20 {
		if i > 0 {
			items.WriteByte(',')
		}
		amount := "117.28"
		if i == 19 {
			amount = "117.35"
		}
		class := []string{"A", "A", "B", "self"}[i%4]
		fmt.Fprintf(&items, `{"code":"L%02d","kind":"treatment","class":%q,"amount":%q}`, i, class, amount)
	}
	return fmt.Appendf(nil, `{"schema":1,"policy":"pingluo-original","claim":{"id":%q,
"person":{"id":%q,"category":"farmer","birthDate":%q,"enrollment":[{"year":2024,"paidOn":"2023-12-01"},{"year":2025,"paidOn":"2024-12-01"}]},
"visit":{"type":"inpatient","institution":"H001","class":"county","referral":false,"admission":"2025-03-02","discharge":"2025-03-09"},
"items":[%s],"totals":{"year":0,"funds":[],"admissions":[],"familyAccount":"0"}}}`, visit, id, birth, items.String())
}

// person returns the n-th of a family of valid resident IDs registered in Pingluo
// (640221), born in 1980, with its GB 11643 check character, and the birth date.
func person(n int) (id, birth string) {
	birth = fmt.Sprintf("1980-%02d-%02d", 1+(n/1000)%12, 1+(n/12000)%28)
	body := "640221" + strings.ReplaceAll(birth, "-", "") + fmt.Sprintf("%03d", n%1000)
	check, err := identity.CheckChar(body)
	if err != nil {
		panic(err) // body is 17 digits by construction
	}
	return body + string(check), birth
}

func (r *result) print(w io.Writer, c config) {
	n := len(r.latencies)
	fmt.Fprintf(w, "%s: %d requests in %.1fs over %d connections, %d failed\n", c.mode, n, r.elapsed.Seconds(), c.conns, r.failed)
	if n == 0 {
		return
	}
	q := func(p float64) time.Duration { return r.latencies[min(n-1, int(p*float64(n)))] }
	fmt.Fprintf(w, "throughput %.0f/s  p50 %v  p90 %v  p99 %v  max %v\n",
		float64(n)/r.elapsed.Seconds(), q(0.50).Round(time.Microsecond), q(0.90).Round(time.Microsecond),
		q(0.99).Round(time.Microsecond), r.latencies[n-1].Round(time.Microsecond))
}
