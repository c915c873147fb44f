package conformance_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ruralhealth/ncms/conformance"
	"github.com/ruralhealth/ncms/conformance/internal/county"
	"github.com/ruralhealth/ncms/core/engine"
)

// countyHandler is the county server's engine endpoints over a fresh native engine.
func countyHandler(t *testing.T, key string) http.Handler {
	t.Helper()
	e, err := engine.WithExamples()
	if err != nil {
		t.Fatal(err)
	}
	return county.Handler(e, key)
}

// TestHTTPVectors plays every vector through the HTTP engine against a server that
// calls core/engine directly: the client must carry the bytes both ways unchanged,
// and send the key when it loads the inline policies.
func TestHTTPVectors(t *testing.T) {
	srv := httptest.NewServer(countyHandler(t, "county-key"))
	defer srv.Close()
	h, err := conformance.OpenHTTP(srv.URL, "county-key")
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(context.Background())
	native, err := conformance.NewNative()
	if err != nil {
		t.Fatal(err)
	}
	conformance.Run(t, load(t), native, h)
}

// TestHTTPKey: load_policy carries the key; a wrong or missing one is refused.
func TestHTTPKey(t *testing.T) {
	srv := httptest.NewServer(countyHandler(t, "county-key"))
	defer srv.Close()
	for _, tc := range []struct {
		key string
		ok  bool
	}{
		{"county-key", true},
		{"another-county", false},
		{"", false},
	} {
		t.Run("key "+tc.key, func(t *testing.T) {
			h, err := conformance.OpenHTTP(srv.URL, tc.key)
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close(context.Background())
			err = h.Load(context.Background(), mutant(t, "pingluo-copy-"+tc.key, func(map[string]any) {}))
			if tc.ok && err != nil {
				t.Errorf("Load: %v", err)
			}
			if !tc.ok && (err == nil || !strings.Contains(err.Error(), "auth_unauthorized")) {
				t.Errorf("Load: %v, want auth_unauthorized", err)
			}
		})
	}
}

// TestHTTPResponses: the body is the response whatever the status, provided it is an
// envelope; anything else (a proxy's page, a redirect) is an error naming the status.
func TestHTTPResponses(t *testing.T) {
	const notOK = `{"schema":1,"ok":false,"errors":[{"code":"engine_internal","path":"","message":"m","messageZh":"m"}]}`
	for _, tc := range []struct {
		name   string
		status int
		body   string
		err    string // "" when the body must come back as the response
	}{
		{"ok envelope", http.StatusOK, `{"schema":1,"ok":true,"result":{}}`, ""},
		{"error envelope with 500", http.StatusInternalServerError, notOK, ""},
		{"error envelope with 200", http.StatusOK, notOK, ""},
		{"proxy page", http.StatusBadGateway, "<html>bad gateway</html>", "502 Bad Gateway"},
		{"not an envelope", http.StatusOK, `{"ok":true}`, "not an envelope"},
		{"empty body", http.StatusNoContent, "", "204 No Content"},
		{"redirect", http.StatusFound, "", "302 Found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodPost || r.URL.Path != "/base/v1/engine/settle" {
					t.Errorf("%s %s, want POST /base/v1/engine/settle", r.Method, r.URL.Path)
				}
				if tc.status == http.StatusFound {
					w.Header().Set("Location", "/elsewhere")
				}
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			h, err := conformance.OpenHTTP(srv.URL+"/base/", "")
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close(context.Background())
			resp, err := h.Call(context.Background(), "settle", []byte(`{}`))
			if tc.err == "" {
				if err != nil || string(resp) != tc.body {
					t.Errorf("got %q, %v; want %q", resp, err, tc.body)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("err %v, want one containing %q", err, tc.err)
			}
		})
	}
}

// TestHTTPContext: a done ctx ends the call.
func TestHTTPContext(t *testing.T) {
	srv := httptest.NewServer(countyHandler(t, ""))
	defer srv.Close()
	h, err := conformance.OpenHTTP(srv.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Call(ctx, "version", []byte(`{"schema":1}`)); !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want context.Canceled", err)
	}
}

// TestOpenHTTP: only http and https URLs with a host name a server.
func TestOpenHTTP(t *testing.T) {
	for _, tc := range []struct {
		base string
		ok   bool
	}{
		{"http://127.0.0.1:8080", true},
		{"https://county.example:8443/ncms/", true},
		{"http://", false},
		{"127.0.0.1:8080", false},
		{"ftp://county.example", false},
		{"http://user:pass@county.example", false},
		{"http://county.example/?q=1", false},
		{"http://county.example/%zz", false},
	} {
		_, err := conformance.OpenHTTP(tc.base, "")
		if (err == nil) != tc.ok {
			t.Errorf("OpenHTTP(%q): %v, want ok %v", tc.base, err, tc.ok)
		}
	}
}
