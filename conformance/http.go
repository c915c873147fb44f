package conformance

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ruralhealth/ncms/core/engine"
)

// maxHTTPResponse bounds what Call reads: far above any envelope (get_policy's is the
// largest, tens of kilobytes), low enough that a misbehaving server cannot exhaust
// memory.
const maxHTTPResponse = 64 << 20

// HTTP is the engine behind a county server: POST {base}/v1/engine/{op} with the
// request bytes as the body answers with the response envelope bytes as the body.
type HTTP struct {
	base   string // without a trailing slash
	key    string
	client *http.Client
}

// OpenHTTP returns a client for the county server at base (http://HOST:PORT, or
// https, with an optional path prefix). key is the county API key sent with
// load_policy; the other operations need none. It makes no request.
func OpenHTTP(base, key string) (*HTTP, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("http target: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("http target %q: want http://HOST:PORT or https://HOST:PORT", base)
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	// The suite makes one call at a time; keeping that connection alive saves a
	// handshake per vector.
	t.MaxIdleConnsPerHost = 2
	return &HTTP{
		base: strings.TrimSuffix(u.String(), "/"),
		key:  key,
		client: &http.Client{
			Transport: t,
			Timeout:   time.Minute, // a ceiling for a hung server; ctx may end a call sooner
			// A redirected POST becomes a GET, and the key should go only where it was
			// sent: report the redirect instead.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}, nil
}

// Name implements Engine.
func (h *HTTP) Name() string { return "http" }

// Call implements Engine. The body is the response whatever the status (the server
// answers not-ok envelopes with 4xx and 5xx); a body that is not an envelope at all,
// such as a proxy's error page, is an error that quotes the status.
func (h *HTTP) Call(ctx context.Context, op string, req []byte) ([]byte, error) {
	u := h.base + "/v1/engine/" + url.PathEscape(op)
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(req))
	if err != nil {
		return nil, fmt.Errorf("http engine: %w", err)
	}
	r.Header.Set("Content-Type", "application/json")
	if op == engine.OpLoadPolicy && h.key != "" {
		r.Header.Set("Authorization", "Bearer "+h.key)
	}
	resp, err := h.client.Do(r)
	if err != nil {
		return nil, fmt.Errorf("http engine: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxHTTPResponse+1))
	if err != nil {
		return nil, fmt.Errorf("http engine: POST %s: reading the body: %w", u, err)
	}
	if len(body) > maxHTTPResponse {
		return nil, fmt.Errorf("http engine: POST %s: %s: body over %d bytes", u, resp.Status, maxHTTPResponse)
	}
	if _, err := envelope(body); err != nil {
		return nil, fmt.Errorf("http engine: POST %s: %s: %w: %.200q", u, resp.Status, err, body)
	}
	return body, nil
}

// Load implements Engine.
func (h *HTTP) Load(ctx context.Context, doc []byte) error { return loadPolicy(ctx, h, doc) }

// Close closes idle connections.
func (h *HTTP) Close(context.Context) error {
	h.client.CloseIdleConnections()
	return nil
}
