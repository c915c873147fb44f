// Package apitest starts county servers for tests: a real ledger over a real store
// (SQLite or PostgreSQL) behind a loopback listener, with the example policies.
package apitest

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/server/api"
	"github.com/ruralhealth/ncms/server/ledger"
	"github.com/ruralhealth/ncms/server/store"
)

// Server is a running county server; everything is closed when the test ends.
type Server struct {
	URL    string
	API    *api.Server
	Ledger *ledger.Ledger
	Store  ledger.Store
}

// Start opens the store at dsn, builds the ledger and the API over it with the
// given options and serves it on a loopback port.
func Start(t testing.TB, dsn string, lo ledger.Options, ao api.Options) *Server {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e, err := engine.WithExamples()
	if err != nil {
		t.Fatal(err)
	}
	l, err := ledger.New(ctx, st, e, nil, lo)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := api.New(l, ao)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &Server{URL: ts.URL, API: srv, Ledger: l, Store: st}
}

// Key creates an API key and returns its secret, failing the test on error.
func (s *Server) Key(t testing.TB, role, institution string) string {
	t.Helper()
	secret, _, err := s.Ledger.CreateKey(context.Background(), role, institution, "test "+role+" "+institution)
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// Buffer is an io.Writer safe for a server's goroutines, to collect its logs.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns everything written so far.
func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Card completes a body of digits into a bank card number with its Luhn digit, for
// test fixtures; a body that is not digits is a bug in the test and panics.
func Card(body string) string {
	d, err := identity.LuhnDigit(body)
	if err != nil {
		panic(fmt.Sprintf("apitest.Card(%q): %v", body, err))
	}
	return body + string(d)
}

// SettleRequest is a settle request for a Pingluo inpatient stay (RULES.md §2.1) of
// one class-A drug line of the given amount, in March 2025, at institution, for the
// person born 1980-01-01 with the resident ID given, enrolled in 2024 and 2025.
func SettleRequest(visit, person, institution, amount string) []byte {
	return fmt.Appendf(nil, `{"schema":1,"policy":"pingluo-original","claim":{"id":%q,
	 "person":{"id":%q,"category":"farmer","birthDate":"1980-01-01",
	   "enrollment":[{"year":2024,"paidOn":"2023-12-01"},{"year":2025,"paidOn":"2024-12-01"}]},
	 "visit":{"type":"inpatient","institution":%q,"class":"county","referral":false,
	   "admission":"2025-03-02","discharge":"2025-03-09"},
	 "items":[{"code":"FEE-A","kind":"drug","class":"A","amount":%q}],
	 "totals":{"year":0,"funds":[],"admissions":[],"familyAccount":"0"}}}`, visit, person, institution, amount)
}

// Clock is a settable clock for a ledger's Options.Now, safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock showing t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the time the clock shows.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set makes the clock show t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// PersonID returns a valid resident ID of a person born 1980-01-01 in county 640221
// with the sequence number n (0 to 999), for fixtures of many people.
func PersonID(n int) string {
	body := fmt.Sprintf("64022119800101%03d", n)
	c, err := identity.CheckChar(body)
	if err != nil {
		panic(fmt.Sprintf("apitest.PersonID(%d): %v", n, err))
	}
	return body + string(c)
}
