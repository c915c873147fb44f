package conformance_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ruralhealth/ncms/conformance"
	"github.com/ruralhealth/ncms/conformance/internal/county"
	"github.com/ruralhealth/ncms/core/engine"
)

func TestCommandPasses(t *testing.T) {
	var out, errOut bytes.Buffer
	code := conformance.Main(context.Background(), "ncms-conform", []string{"--vectors", "vectors", "--target", "native"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if last := lines[len(lines)-1]; !strings.HasSuffix(last, " passed, 0 failed") {
		t.Errorf("last line %q", last)
	}
}

func TestCommandReportsFailure(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "bands"), 0o755); err != nil {
		t.Fatal(err)
	}
	// A deliberately wrong expectation: 1000.00 under pingluo-original pays 140.00.
	vec := `{"schema":1,"id":"bands/wrong","note":"wrong on purpose","rules":"§2.1","op":"settle","policy":"pingluo-original",
"request":{"schema":1,"policy":"pingluo-original","claim":{"id":"V1","person":{"id":"640221198001010015","category":"farmer","birthDate":"1980-01-01","enrollment":[{"year":2025,"paidOn":"2024-12-01"}]},
"visit":{"type":"inpatient","class":"county","referral":false,"admission":"2025-03-02","discharge":"2025-03-09"},
"items":[{"code":"X","kind":"treatment","class":"A","amount":"1000.00"}],"totals":{"year":2025,"funds":[],"admissions":[],"familyAccount":"0"}}},
"derivation":["wrong on purpose"],"want":{"fundTotal":"141.00"}}`
	if err := os.WriteFile(filepath.Join(dir, "bands", "wrong.json"), []byte(vec), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := conformance.Main(context.Background(), "ncms-conform", []string{"--vectors", dir, "--target", "native"}, &out, &errOut)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, out.String(), errOut.String())
	}
	got := out.String()
	if !strings.Contains(got, "FAIL bands/wrong: /fundTotal: \"140.00\", want \"141.00\"") || !strings.HasSuffix(got, "0 passed, 1 failed\n") {
		t.Errorf("output:\n%s", got)
	}
}

func TestCommandUnknownTarget(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := conformance.Main(context.Background(), "ncms-conform", []string{"--vectors", "vectors", "--target", "wasm9:x"}, &out, &errOut); code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	if !strings.Contains(errOut.String(), `unknown target "wasm9:x"`) {
		t.Errorf("stderr %q", errOut.String())
	}
}

// TestCommandHTTP plays the vectors against a county server's engine endpoints; the
// inline policies load only with the county's key, from --key or NCMS_KEY.
func TestCommandHTTP(t *testing.T) {
	e, err := engine.WithExamples()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(county.Handler(e, "county-key"))
	defer srv.Close()
	for _, tc := range []struct {
		name string
		args []string
		env  string
		code int
	}{
		{"--key", []string{"--key", "county-key"}, "", 0},
		{"NCMS_KEY", nil, "county-key", 0},
		{"--key over NCMS_KEY", []string{"--key", "county-key"}, "stale-key", 0},
		{"wrong key", []string{"--key", "another-county"}, "", 1},
		{"no key", nil, "", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("NCMS_KEY", tc.env)
			var out, errOut bytes.Buffer
			args := append([]string{"--vectors", "vectors", "--target", srv.URL}, tc.args...)
			if code := conformance.Main(context.Background(), "ncms-conform", args, &out, &errOut); code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.code, out.String(), errOut.String())
			}
			if tc.code != 0 && !strings.Contains(out.String(), "auth_unauthorized") {
				t.Errorf("failures do not name auth_unauthorized:\n%s", out.String())
			}
		})
	}
}

// TestCommandBytes: a target that satisfies every want but answers other bytes than the
// native engine (here a trailing newline, as json.Encoder writes) fails.
func TestCommandBytes(t *testing.T) {
	e, err := engine.WithExamples()
	if err != nil {
		t.Fatal(err)
	}
	h := county.Handler(e, "county-key")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		io.WriteString(w, "\n")
	}))
	defer srv.Close()
	var out, errOut bytes.Buffer
	code := conformance.Main(context.Background(), "ncms-conform", []string{"--vectors", "vectors", "--target", srv.URL, "--key", "county-key"}, &out, &errOut)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, out.String(), errOut.String())
	}
	vs, err := conformance.Load("vectors")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if want := fmt.Sprintf("0 passed, %d failed", len(vs)); lines[len(lines)-1] != want {
		t.Errorf("last line %q, want %q", lines[len(lines)-1], want)
	}
	for _, l := range lines[:len(lines)-1] {
		if !strings.Contains(l, "response differs from native's") {
			t.Errorf("%s", l)
		}
	}
}
