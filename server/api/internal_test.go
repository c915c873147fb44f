package api

import (
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/server/apierr"
	"github.com/ruralhealth/ncms/server/ledger"
)

func TestStatusOf(t *testing.T) {
	tests := []struct {
		code core.Code
		want int
	}{
		{core.RequestMalformed, http.StatusBadRequest},
		{core.RequestUnknownField, http.StatusBadRequest},
		{core.RequestSchema, http.StatusBadRequest},
		{core.RequestUnknownOp, http.StatusBadRequest},
		{core.RequestTooLarge, http.StatusRequestEntityTooLarge},
		{core.PolicyNotFound, http.StatusNotFound},
		{apierr.NotFound, http.StatusNotFound},
		{apierr.Unauthorized, http.StatusUnauthorized},
		{apierr.Forbidden, http.StatusForbidden},
		{apierr.MethodNotAllowed, http.StatusMethodNotAllowed},
		{apierr.SettlementConflict, http.StatusConflict},
		{apierr.AlreadyReversed, http.StatusConflict},
		{apierr.InvoiceSettled, http.StatusConflict},
		{apierr.OperatorTaken, http.StatusConflict},
		{apierr.AuthCredentials, http.StatusUnauthorized},
		{apierr.AuthSession, http.StatusUnauthorized},
		{apierr.AuthLocked, http.StatusTooManyRequests},
		{apierr.AuthCSRF, http.StatusForbidden},
		{apierr.FacilityUnknown, http.StatusUnprocessableEntity},
		{apierr.FacilityClassMismatch, http.StatusUnprocessableEntity},
		{apierr.Unavailable, http.StatusServiceUnavailable},
		{apierr.Busy, http.StatusTooManyRequests},
		{core.EngineInternal, http.StatusInternalServerError},
		{apierr.ServerInternal, http.StatusInternalServerError},
		{core.AmountPrecision, http.StatusUnprocessableEntity},
		{core.PolicyNotEffective, http.StatusUnprocessableEntity},
		{core.PolicyConflict, http.StatusUnprocessableEntity},
		{apierr.NotRegistered, http.StatusUnprocessableEntity},
		{core.IDChecksum, http.StatusUnprocessableEntity},
		{core.CardTransition, http.StatusUnprocessableEntity},
	}
	for _, tc := range tests {
		if got := statusOf(tc.code); got != tc.want {
			t.Errorf("statusOf(%s) = %d, want %d", tc.code, got, tc.want)
		}
	}
}

func TestEnvelopeStatus(t *testing.T) {
	tests := []struct {
		resp string
		want int
	}{
		{`{"schema":1,"ok":true,"result":{}}`, 200},
		{`{"schema":1,"ok":false,"errors":[{"code":"policy_not_found","path":"/policy","message":"","messageZh":""},{"code":"request_malformed_json","path":"","message":"","messageZh":""}]}`, 404},
		{`{"schema":1,"ok":false,"errors":[]}`, 500},
		{`<html>`, 500},
	}
	for _, tc := range tests {
		if got := envelopeStatus([]byte(tc.resp), 200); got != tc.want {
			t.Errorf("envelopeStatus(%s) = %d, want %d", tc.resp, got, tc.want)
		}
	}
}

func TestKeyCache(t *testing.T) {
	now := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	c := newKeyCache(10*time.Second, func() time.Time { return now })
	get := func(h string) *ledger.Key { k, _ := c.get(h); return k }
	k := &ledger.Key{ID: "k_1", Role: ledger.RoleCounty}
	c.put("h1", k, 0)
	k.Role = ledger.RoleInstitution // the cache keeps its own copy
	if got := get("h1"); got == nil || got.Role != ledger.RoleCounty {
		t.Fatalf("fresh entry: %+v", got)
	}
	now = now.Add(10 * time.Second)
	if got := get("h1"); got != nil {
		t.Fatalf("expired entry: %+v", got)
	}
	c.put("h1", k, 0)
	c.put("h2", &ledger.Key{ID: "k_2"}, 0)
	c.revoke("k_1")
	if get("h1") != nil || get("h2") == nil {
		t.Fatal("revoke removed the wrong entries")
	}
	// A lookup that began before the revocation must not cache what it read.
	_, seen := c.get("h3")
	c.revoke("k_3")
	c.put("h3", &ledger.Key{ID: "k_3"}, seen)
	if get("h3") != nil {
		t.Fatal("a key read before its revocation was cached")
	}
	_, seen = c.get("h3")
	for i := range keyCacheSize + 10 {
		c.put(string(rune(i)), &ledger.Key{ID: "many"}, seen)
	}
	if n := len(c.m); n > keyCacheSize {
		t.Fatalf("cache grew to %d", n)
	}

	off := newKeyCache(-1, time.Now)
	off.put("h", k, 0)
	if k, _ := off.get("h"); k != nil {
		t.Fatal("a disabled cache cached")
	}
}

func TestSecretOf(t *testing.T) {
	tests := []struct {
		name, header, value, want string
	}{
		{"bearer", "Authorization", "Bearer abc", "abc"},
		{"bearer lower case", "Authorization", "bearer abc", "abc"},
		{"basic", "Authorization", "Basic abc", ""},
		{"no scheme", "Authorization", "abc", ""},
		{"api key", "X-API-Key", " abc ", "abc"},
		{"none", "X-Other", "abc", ""},
	}
	for _, tc := range tests {
		r, _ := http.NewRequest("GET", "/", nil)
		r.Header.Set(tc.header, tc.value)
		if got := secretOf(r); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestClientOf(t *testing.T) {
	tests := []struct{ addr, want string }{
		{"192.0.2.7:51000", "192.0.2.7/32"},
		{"[::ffff:192.0.2.7]:51000", "192.0.2.7/32"},
		{"[2001:db8:1:2:aaaa::1]:443", "2001:db8:1:2::/64"},
		{"[2001:db8:1:2:bbbb::9]:80", "2001:db8:1:2::/64"},
		{"192.0.2.8", "192.0.2.8/32"},
		{"pipe", "invalid Prefix"},
	}
	for _, tc := range tests {
		if got := clientOf(tc.addr).String(); got != tc.want {
			t.Errorf("clientOf(%q) = %s, want %s", tc.addr, got, tc.want)
		}
	}
}

// TestRateClients checks the token buckets: a burst, then a wait for the next
// token; clients apart; and a full table forgets the clients whose buckets are full
// again rather than growing.
func TestRateClients(t *testing.T) {
	now := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	c := &clients{limit: 0.5, burst: 2, now: func() time.Time { return now }, m: map[netip.Prefix]*client{}}
	for i := range 2 {
		if _, ok := c.allow("192.0.2.1:1"); !ok {
			t.Fatalf("request %d of the burst refused", i)
		}
	}
	if d, ok := c.allow("192.0.2.1:2"); ok || d != 2*time.Second {
		t.Fatalf("over the burst: %v %v, want refused for 2s", ok, d)
	}
	if _, ok := c.allow("192.0.2.2:1"); !ok {
		t.Fatal("another client refused")
	}
	now = now.Add(2 * time.Second)
	if _, ok := c.allow("192.0.2.1:3"); !ok {
		t.Fatal("refused after the wait")
	}
	for i := len(c.m); i < maxRateClients; i++ {
		c.m[netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), 32)] = &client{seen: now}
	}
	now = now.Add(5 * time.Second) // every bucket is full again
	if _, ok := c.allow("198.51.100.1:1"); !ok || len(c.m) != 1 {
		t.Fatalf("after pruning a full table: %v, %d clients", ok, len(c.m))
	}
}
