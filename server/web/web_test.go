package web_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ruralhealth/ncms/server/web"
	"github.com/ruralhealth/ncms/wasm/js"
)

// fakeModule stands in for ncms.wasm where only the serving is tested: the magic
// number and enough repetition to compress.
func fakeModule(seed string) []byte {
	return append([]byte("\x00asm\x01\x00\x00\x00"), bytes.Repeat([]byte(seed), 4096)...)
}

func get(t *testing.T, h http.Handler, method, target string, header ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, res *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func version(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])[:16]
}

// refs returns the versioned references in text: name → version.
func refs(text []byte) map[string]string {
	out := map[string]string{}
	for _, m := range regexp.MustCompile(`["'](?:\./)?([a-z]+\.(?:js|css|wasm))\?v=([0-9a-f]+)["']`).FindAllSubmatch(text, -1) {
		out[string(m[1])] = string(m[2])
	}
	return out
}

func TestHandler(t *testing.T) {
	wasm := fakeModule("module")
	loader := js.Loader()
	h := web.Handler(wasm, loader)

	res := get(t, h, "GET", "/")
	index := body(t, res)
	if res.StatusCode != 200 {
		t.Fatalf("GET /: %s", res.Status)
	}
	for k, want := range map[string]string{
		"Content-Type":           "text/html; charset=utf-8",
		"Cache-Control":          "no-cache",
		"X-Content-Type-Options": "nosniff",
	} {
		if got := res.Header.Get(k); got != want {
			t.Errorf("GET / %s = %q, want %q", k, got, want)
		}
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "'wasm-unsafe-eval'") || !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("GET / Content-Security-Policy = %q: the module cannot compile or scripts are not limited", csp)
	}

	// Every file the page names is served at the version it names, and that version
	// may be cached for good.
	want := map[string]string{
		"style.css": "text/css; charset=utf-8", "app.js": "text/javascript; charset=utf-8",
		"ncms.js":   "text/javascript; charset=utf-8",
		"boot.js":   "text/javascript; charset=utf-8",
		"ncms.wasm": "application/wasm",
	}
	named := refs(index)
	for name, ctype := range want {
		v, ok := named[name]
		if !ok {
			t.Errorf("index.html does not name %s with a version; it names %v", name, named)
			continue
		}
		res := get(t, h, "GET", "/"+name+"?v="+v)
		b := body(t, res)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != ctype {
			t.Errorf("GET /%s: %s, %s; want 200, %s", name, res.Status, res.Header.Get("Content-Type"), ctype)
		}
		if got := version(b); got != v {
			t.Errorf("/%s?v=%s serves bytes of version %s", name, v, got)
		}
		if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Errorf("GET /%s?v=current Cache-Control = %q", name, cc)
		}
		if res.Header.Get("ETag") == "" {
			t.Errorf("GET /%s has no ETag", name)
		}
	}
	for file, names := range map[string][]string{"app.js": {"ncms.js", "ncms.wasm"}, "boot.js": {"ncms.wasm"}} {
		text := body(t, get(t, h, "GET", "/"+file))
		for _, name := range names {
			v, ok := refs(text)[name]
			if !ok {
				t.Errorf("%s does not name %s with a version", file, name)
				continue
			}
			if got := version(body(t, get(t, h, "GET", "/"+name))); got != v {
				t.Errorf("%s names %s?v=%s, served version %s", file, name, v, got)
			}
		}
	}
	if got := body(t, get(t, h, "GET", "/ncms.wasm")); !bytes.Equal(got, wasm) {
		t.Error("/ncms.wasm is not the module's bytes")
	}
	if got := body(t, get(t, h, "GET", "/ncms.js")); !bytes.Equal(got, loader) {
		t.Error("/ncms.js is not the loader's text")
	}
	if got := body(t, get(t, h, "GET", "/index.html")); !bytes.Equal(got, index) {
		t.Error("/index.html differs from /")
	}

	t.Run("revalidation", func(t *testing.T) {
		res := get(t, h, "GET", "/ncms.wasm")
		etag := res.Header.Get("ETag")
		if cc := res.Header.Get("Cache-Control"); cc != "no-cache" {
			t.Errorf("unversioned /ncms.wasm Cache-Control = %q, want no-cache", cc)
		}
		if cc := get(t, h, "GET", "/ncms.wasm?v=0000000000000000").Header.Get("Cache-Control"); cc != "no-cache" {
			t.Errorf("stale /ncms.wasm?v= Cache-Control = %q, want no-cache", cc)
		}
		res = get(t, h, "GET", "/ncms.wasm", "If-None-Match", etag)
		if res.StatusCode != http.StatusNotModified || len(body(t, res)) != 0 {
			t.Errorf("If-None-Match %s: %s, want 304 without a body", etag, res.Status)
		}
		if res := get(t, h, "GET", "/ncms.wasm", "If-None-Match", `"other"`); res.StatusCode != 200 {
			t.Errorf("If-None-Match with another tag: %s, want 200", res.Status)
		}
	})

	t.Run("gzip", func(t *testing.T) {
		res := get(t, h, "GET", "/ncms.wasm", "Accept-Encoding", "br, gzip;q=0.8")
		gz := body(t, res)
		if res.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
			t.Fatalf("gzip accepted: Content-Encoding %q, Vary %q", res.Header.Get("Content-Encoding"), res.Header.Get("Vary"))
		}
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			t.Fatal(err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(plain, wasm) || len(gz) >= len(wasm) {
			t.Errorf("gzipped module: %d bytes unpacking to the module: %v", len(gz), bytes.Equal(plain, wasm))
		}
		tag := res.Header.Get("ETag")
		if tag == get(t, h, "GET", "/ncms.wasm").Header.Get("ETag") {
			t.Error("the gzipped and the plain module share an ETag")
		}
		if res := get(t, h, "GET", "/ncms.wasm", "Accept-Encoding", "gzip", "If-None-Match", tag); res.StatusCode != http.StatusNotModified {
			t.Errorf("revalidating the gzipped module: %s", res.Status)
		}
		for _, ae := range []string{"", "identity", "gzip;q=0", "br", "*;q=0"} {
			if res := get(t, h, "GET", "/ncms.wasm", "Accept-Encoding", ae); res.Header.Get("Content-Encoding") != "" {
				t.Errorf("Accept-Encoding %q: got Content-Encoding %q", ae, res.Header.Get("Content-Encoding"))
			}
		}
		if res := get(t, h, "GET", "/app.js", "Accept-Encoding", "*"); res.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf(`Accept-Encoding "*": got Content-Encoding %q, want gzip`, res.Header.Get("Content-Encoding"))
		}
	})

	t.Run("methods and paths", func(t *testing.T) {
		if res := get(t, h, "POST", "/"); res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("POST /: %s, Allow %q", res.Status, res.Header.Get("Allow"))
		}
		if res := get(t, h, "HEAD", "/ncms.wasm"); res.StatusCode != 200 || len(body(t, res)) != 0 {
			t.Errorf("HEAD /ncms.wasm: %s", res.Status)
		}
		for _, p := range []string{"/nope", "/static/app.js", "/ncms.d.ts", "/v1/policies"} {
			if res := get(t, h, "GET", p); res.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: %s, want 404", p, res.Status)
			}
		}
	})
}

// TestMount shows the county server's one line: the page at the root, next to the API.
func TestMount(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/policies", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"schema":1,"ok":true,"result":[]}`)
	})
	mux.Handle("/", web.Handler(fakeModule("module"), js.Loader()))
	if res := get(t, mux, "GET", "/v1/policies"); res.Header.Get("Content-Type") != "application/json" {
		t.Errorf("/v1/policies reached the page: %s", res.Header.Get("Content-Type"))
	}
	if res := get(t, mux, "GET", "/"); res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("GET /: %s %s", res.Status, res.Header.Get("Content-Type"))
	}
	if res := get(t, mux, "GET", "/ncms.wasm"); res.Header.Get("Content-Type") != "application/wasm" {
		t.Errorf("GET /ncms.wasm: %s", res.Header.Get("Content-Type"))
	}
}

// TestVersions checks that a new module changes the version of everything that leads
// to it, so a browser holding the old files for good never pairs them with the new.
func TestVersions(t *testing.T) {
	a := web.Handler(fakeModule("one"), js.Loader())
	b := web.Handler(fakeModule("two"), js.Loader())
	ia, ib := refs(body(t, get(t, a, "GET", "/"))), refs(body(t, get(t, b, "GET", "/")))
	for name, changes := range map[string]bool{"ncms.wasm": true, "app.js": true, "ncms.js": false, "style.css": false} {
		if (ia[name] != ib[name]) != changes {
			t.Errorf("%s: version %s → %s with a new module; want changed: %v", name, ia[name], ib[name], changes)
		}
	}
}

func TestFiles(t *testing.T) {
	files := web.Files()
	index, err := fs.ReadFile(files, "index.html")
	if err != nil {
		t.Fatal(err)
	}
	// Unversioned, the page still names only files that exist next to it (the loader
	// and the module are added by Handler and WriteDir).
	for _, m := range regexp.MustCompile(`(?:href|src)="([^"#:]+)"`).FindAllSubmatch(index, -1) {
		name := string(m[1])
		if name == "ncms.js" || name == "ncms.wasm" {
			continue
		}
		if _, err := fs.Stat(files, name); err != nil {
			t.Errorf("index.html names %s: %v", name, err)
		}
	}
	for _, name := range []string{"boot.js", "app.js", "amount.js", "style.css"} {
		if _, err := fs.Stat(files, name); err != nil {
			t.Error(err)
		}
	}
}

func TestWriteDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "dist", "web")
	wasm := fakeModule("module")
	if err := web.WriteDir(dir, wasm, js.Loader()); err != nil {
		t.Fatal(err)
	}
	h := web.Handler(wasm, js.Loader())
	for _, name := range []string{"index.html", "boot.js", "app.js", "amount.js", "style.css", "ncms.js", "ncms.wasm"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if served := body(t, get(t, h, "GET", "/"+name)); !bytes.Equal(b, served) {
			t.Errorf("%s written differs from %s served", name, name)
		}
	}
	if err := web.WriteDir(filepath.Join(dir, "index.html", "x"), wasm, js.Loader()); err == nil {
		t.Error("WriteDir under a file: no error")
	}
}

// TestDeskFiles checks the checkout desk under /desk/: its page names its own files and the
// shared loader, module and trace wording one directory up, each with the version of
// the file it names, and every name resolves to a file served.
func TestDeskFiles(t *testing.T) {
	h := web.Handler(fakeModule("module"), js.Loader())
	if res := get(t, h, "GET", "/desk"); res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/desk/" {
		t.Errorf("GET /desk: %s → %q, want a redirect to /desk/", res.Status, res.Header.Get("Location"))
	}
	res := get(t, h, "GET", "/desk/")
	if res.StatusCode != 200 || res.Header.Get("Content-Security-Policy") == "" || res.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("GET /desk/: %s, CSP %q, Cache-Control %q", res.Status, res.Header.Get("Content-Security-Policy"), res.Header.Get("Cache-Control"))
	}
	// Every relative reference of the desk's page and modules, resolved against
	// /desk/, is served at the version it names.
	named := versionedRefs(t, h, "/desk/index.html")
	for _, want := range []string{"/desk/desk.js", "/desk/api.js", "/desk/views.js", "/desk/feelist.js", "/ncms.js", "/ncms.wasm", "/desk/desk.css"} {
		if !named[want] {
			t.Errorf("the desk never names %s with its version: %v", want, named)
		}
	}
	// The estimator's app.js is not the desk's: a same-named reference would have been
	// rewritten with the other file's version.
	if b := body(t, get(t, h, "GET", "/desk/desk.js")); bytes.Contains(b, []byte("app.js")) {
		t.Error("desk.js refers to app.js")
	}
	dir := filepath.Join(t.TempDir(), "site")
	if err := web.WriteDir(dir, fakeModule("module"), js.Loader()); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"desk/index.html", "desk/desk.js", "desk/desk.css"} {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, body(t, get(t, h, "GET", "/"+name))) {
			t.Errorf("%s written differs from served", name)
		}
	}
}

// versionedRefs follows every relative reference of the pages and the modules they
// name, resolved against the referring file, checks each is served at the version it
// names (immutable), and returns the files named.
func versionedRefs(t *testing.T, h http.Handler, pages ...string) map[string]bool {
	t.Helper()
	seen, named := map[string]bool{}, map[string]bool{}
	var walk func(path string)
	walk = func(path string) {
		if seen[path] {
			return
		}
		seen[path] = true
		b := body(t, get(t, h, "GET", path))
		for _, m := range regexp.MustCompile(`["']((?:\.\.?/)?[\w./-]+\.(?:js|css|wasm))\?v=([0-9a-f]{16})["']`).FindAllSubmatch(b, -1) {
			ref, err := url.Parse(string(m[1]))
			if err != nil {
				t.Fatal(err)
			}
			target := (&url.URL{Path: path}).ResolveReference(ref).Path
			named[target] = true
			r := get(t, h, "GET", target+"?v="+string(m[2]))
			if r.StatusCode != 200 || !strings.Contains(r.Header.Get("Cache-Control"), "immutable") {
				t.Errorf("%s names %s at version %s: %s, %q", path, target, m[2], r.Status, r.Header.Get("Cache-Control"))
				continue
			}
			if strings.HasSuffix(target, ".js") && !strings.HasPrefix(target, "/vendor/") {
				walk(target)
			}
		}
	}
	for _, p := range pages {
		walk(p)
	}
	return named
}

// TestConsoleFiles serves the console's report, notice and import pages with their
// policy, every module they name (their own, the desk's, Chart.js) at its version,
// and Chart.js byte for byte as vendored.
func TestConsoleFiles(t *testing.T) {
	h := web.Handler(fakeModule("module"), js.Loader())
	if res := get(t, h, "GET", "/console"); res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/console/" {
		t.Errorf("GET /console: %s → %q, want a redirect to /console/", res.Status, res.Header.Get("Location"))
	}
	pages := []string{"/console/reports.html", "/console/notice.html", "/console/import.html"}
	for _, p := range pages {
		res := get(t, h, "GET", p)
		if res.StatusCode != 200 || res.Header.Get("Content-Security-Policy") == "" || res.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("GET %s: %s, CSP %q, Cache-Control %q", p, res.Status, res.Header.Get("Content-Security-Policy"), res.Header.Get("Cache-Control"))
		}
	}
	named := versionedRefs(t, h, pages...)
	for _, want := range []string{"/vendor/chart.umd.min.js", "/console/report.css", "/console/reports.js", "/console/notice.js", "/console/import.js",
		"/console/session.js", "/console/summary.js", "/console/problems.js", "/desk/api.js", "/desk/i18n.js", "/desk/money.js", "/desk/views.js"} {
		if !named[want] {
			t.Errorf("the console never names %s with its version: %v", want, named)
		}
	}
	for _, name := range []string{"vendor/chart.umd.min.js", "vendor/chart.js.LICENSE.md"} {
		want, err := fs.ReadFile(web.Files(), name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(body(t, get(t, h, "GET", "/"+name)), want) {
			t.Errorf("/%s is not served as vendored", name)
		}
	}
}

// TestConsoleIndexFiles checks the county console's page: /console redirects, and the
// page names its own modules and the desk's it imports, each at its version.
func TestConsoleIndexFiles(t *testing.T) {
	h := web.Handler(fakeModule("module"), js.Loader())
	if res := get(t, h, "GET", "/console"); res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/console/" {
		t.Errorf("GET /console: %s → %q, want a redirect to /console/", res.Status, res.Header.Get("Location"))
	}
	res := get(t, h, "GET", "/console/")
	if res.StatusCode != 200 || res.Header.Get("Content-Security-Policy") == "" {
		t.Fatalf("GET /console/: %s, CSP %q", res.Status, res.Header.Get("Content-Security-Policy"))
	}
	named := versionedRefs(t, h, "/console/index.html")
	for _, want := range []string{"/console/console.js", "/console/api.js", "/console/views.js", "/console/i18n.js", "/console/console.css",
		"/desk/api.js", "/desk/views.js", "/desk/i18n.js", "/desk/money.js", "/desk/claim.js", "/desk/desk.css"} {
		if !named[want] {
			t.Errorf("the console never names %s with its version: %v", want, named)
		}
	}
}
