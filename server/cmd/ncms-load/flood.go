package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The flood mode (-mode flood) sends public requests built to cost the server as
// much memory as it accepts, from -c connections at once, while it asks /healthz
// every 100 ms and, given the server's -pid, samples its resident memory: the proof
// of the README's "Public routes" that anonymous requests are not a memory lever.

// shapes are the hostile requests of the flood: each is a path and a body builder
// for a body of about size bytes.
var shapes = map[string]struct {
	path string
	body func(size int) []byte
}{
	// A member name as long as the body: the error quotes it.
	"field": {"/v1/estimate", func(size int) []byte { return giantName(size) }},
	// A policy id as long as the body: policy_not_found quotes it.
	"policy": {"/v1/estimate", giantPolicy},
	// The same member name on validate_roster, whose limit is the codec's 8 MiB.
	"roster-field": {"/v1/engine/validate_roster", func(int) []byte { return giantName(8 << 20) }},
	// 10,000 empty bill lines (the core's most): four errors a line.
	"items": {"/v1/estimate", func(int) []byte { return bill(10000, func(int) string { return "{}" }) }},
	// The largest real bill: 10,000 lines with names, settled.
	"bill": {"/v1/estimate", func(int) []byte { return bill(10000, billLine) }},
	// 100,000 empty roster rows (the core's most): six problems a row.
	"roster": {"/v1/engine/validate_roster", func(int) []byte { return emptyRoster(100000) }},
}

// shapeNames lists the shapes for -shape.
func shapeNames() string { return strings.Join(slices.Sorted(maps.Keys(shapes)), ", ") }

func giantName(size int) []byte {
	b := make([]byte, 0, size)
	b = append(b, `{"schema":1,"`...)
	b = append(b, bytes.Repeat([]byte{'x'}, max(1, size-len(b)-4))...)
	return append(b, `":1}`...)
}

func giantPolicy(size int) []byte {
	tail := claimBody(`[]`)
	b := make([]byte, 0, size)
	b = append(b, `{"schema":1,"policy":"`...)
	b = append(b, bytes.Repeat([]byte{'p'}, max(1, size-len(b)-len(tail)-3))...)
	b = append(b, `",`...)
	return append(b, tail...)
}

func bill(lines int, line func(i int) string) []byte {
	var items strings.Builder
	items.WriteByte('[')
	for i := range lines {
		if i > 0 {
			items.WriteByte(',')
		}
		items.WriteString(line(i))
	}
	items.WriteByte(']')
	return append([]byte(`{"schema":1,"policy":"pingluo-original",`), claimBody(items.String())...)
}

// billLine is a line of a hospital's itemised bill, with the national catalogue
// code and the drug's name as printed.
func billLine(i int) string {
	kind := []string{"drug", "treatment", "exam", "material"}[i%4]
	class := []string{"A", "B", "self", "A"}[i%4]
	return fmt.Sprintf(`{"code":"XA01ABD075A%011d","name":"阿莫西林胶囊 0.25g×24粒/盒（国药准字H44021351）","kind":%q,"class":%q,"amount":"12345.67","overLimit":"0.00"}`, i, kind, class)
}

// claimBody is the members of an estimate request after its policy: a Pingluo
// inpatient claim with the given items.
func claimBody(items string) []byte {
	return []byte(`"claim":{"person":{"id":"640221198001010015","category":"farmer","birthDate":"1980-01-01","enrollment":[{"year":2025,"paidOn":"2024-12-01"}]},` +
		`"visit":{"type":"inpatient","class":"county","referral":false,"admission":"2025-03-02","discharge":"2025-03-09"},` +
		`"items":` + items + `,"totals":{"year":0,"funds":[],"admissions":[],"familyAccount":"0"}}}`)
}

func emptyRoster(rows int) []byte {
	head := `{"schema":1,"policy":"pingluo-original","today":"2025-06-01","rows":[`
	b := make([]byte, 0, len(head)+3*rows+2)
	b = append(b, head...)
	for i := range rows {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "{}"...)
	}
	return append(b, "]}"...)
}

// flood runs the flood mode.
func flood(ctx context.Context, c config, out io.Writer) error {
	names := strings.Split(c.shape, ",")
	if c.shape == "all" {
		names = slices.Sorted(maps.Keys(shapes))
	}
	type job struct {
		name, url string
		body      []byte
	}
	var jobs []job
	for _, n := range names {
		s, ok := shapes[n]
		if !ok {
			return fmt.Errorf("-shape %q: want all or a list of %s", n, shapeNames())
		}
		jobs = append(jobs, job{n, c.url + s.path, s.body(c.size)})
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var sampler sync.WaitGroup
	var peakRSS atomic.Int64
	if c.pid > 0 {
		if _, err := memory(c.pid, "VmRSS"); err != nil {
			return err
		}
		sampler.Go(func() {
			for ctx.Err() == nil {
				if kb, err := memory(c.pid, "VmRSS"); err == nil && kb > peakRSS.Load() {
					peakRSS.Store(kb)
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
	var health probe
	sampler.Go(func() { health.run(ctx, c.url+"/healthz") })

	tr := &http.Transport{MaxIdleConnsPerHost: c.conns, MaxConnsPerHost: c.conns}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: time.Minute}
	var mu sync.Mutex
	statuses := map[string]int{}
	var next atomic.Int64
	deadline := time.Now().Add(c.duration)
	var wg sync.WaitGroup
	start := time.Now()
	for range c.conns {
		wg.Go(func() {
			for {
				n := next.Add(1)
				if (c.requests > 0 && n > int64(c.requests)) || (c.requests == 0 && time.Now().After(deadline)) {
					return
				}
				j := jobs[int(n)%len(jobs)] // each shape in turn
				status := post(ctx, client, j.url, j.body)
				mu.Lock()
				statuses[j.name+" "+status]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	cancel()
	sampler.Wait()

	total := 0
	for _, n := range statuses {
		total += n
	}
	fmt.Fprintf(out, "flood: %d requests in %.1fs over %d connections (shape %s, -size %d)\n",
		total, elapsed.Seconds(), c.conns, c.shape, c.size)
	for _, k := range slices.Sorted(maps.Keys(statuses)) {
		fmt.Fprintf(out, "  %-40s %d\n", k, statuses[k])
	}
	fmt.Fprintf(out, "healthz: %d answered, %d failed, slowest %v\n", health.ok, health.failed, health.slowest.Round(time.Millisecond))
	var errs []error
	if health.failed > 0 || health.ok == 0 {
		errs = append(errs, fmt.Errorf("/healthz failed %d times (%d answered)", health.failed, health.ok))
	}
	if c.pid > 0 {
		hwm, err := memory(c.pid, "VmHWM")
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "server RSS: peak sampled %d MB, VmHWM %d MB\n", peakRSS.Load()/1024, hwm/1024)
		if c.maxRSS > 0 && hwm/1024 > c.maxRSS {
			errs = append(errs, fmt.Errorf("the server's peak RSS %d MB is over -max-rss %d MB", hwm/1024, c.maxRSS))
		}
	}
	return errors.Join(errs...)
}

// post sends one request and returns the status, or the error's kind.
func post(ctx context.Context, client *http.Client, url string, body []byte) string {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return "error " + err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return "connection error"
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return strconv.Itoa(resp.StatusCode) + " (cut short)"
	}
	return strconv.Itoa(resp.StatusCode)
}

// probe asks /healthz every 100 ms, each with a 2 s limit, until ctx is done.
type probe struct {
	ok, failed int
	slowest    time.Duration
}

func (p *probe) run(ctx context.Context, url string) {
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{}}
	for ctx.Err() == nil {
		t0 := time.Now()
		resp, err := client.Get(url)
		d := time.Since(t0)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		switch {
		case ctx.Err() != nil && err != nil:
			return // the run ended mid-request
		case err != nil || resp.StatusCode != http.StatusOK:
			p.failed++
		default:
			p.ok++
		}
		p.slowest = max(p.slowest, d)
		time.Sleep(100 * time.Millisecond)
	}
}

// memory reads a field of /proc/<pid>/status (VmRSS, VmHWM) in kB.
func memory(pid int, field string) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, fmt.Errorf("-pid: %w", err)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("-pid %d: no %s in /proc/%d/status", pid, field, pid)
}
