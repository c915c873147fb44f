// Package web serves the self-service estimator and, at /desk/, the checkout desk
// (收费结算台) where a hospital's cashier settles a bill through the county server.
// The estimator is a page on which a family estimates,
// before or during a hospital stay, what the scheme will pay. The page runs the
// engine's WebAssembly module (wasm/module) in the browser through ncms.js, so the
// calculation is the core's own and nothing the family types leaves the device.
//
// The county server mounts it at the root:
//
//	mux.Handle("/", web.Handler(wasmBytes, js.Loader()))
//
// and `make web` writes the same files as a static site (WriteDir) for any web
// server or hospital kiosk.
package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

//go:embed static
var static embed.FS

// Files returns the page's own files as written: index.html, boot.js, app.js,
// amount.js and style.css. They load ncms.js and ncms.wasm from the same directory.
func Files() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		// The embedded tree is fixed at build time; "static" is always there.
		panic("web: " + err.Error())
	}
	return sub
}

// names lists the files served, each after the files it refers to: a file's version
// is the hash of its bytes after its own references carry versions, so that a change
// anywhere changes the version of everything that leads to it.
//
// The checkout desk (desk/) follows the estimator: its page refers to the shared
// loader, module and trace wording one directory up. The county console (console/)
// follows the desk, whose API client, words, amounts and slip it imports.
func names() []string {
	return []string{"ncms.wasm", "ncms.js", "style.css", "boot.js", "amount.js", "app.js", "index.html",
		"desk/i18n.js", "desk/money.js", "desk/feelist.js", "desk/claim.js", "desk/api.js",
		"desk/views.js", "desk/desk.js", "desk/desk.css", "desk/index.html",
		vendorChart, "vendor/chart.js.LICENSE.md",
		"console/report.css", "console/words.js", "console/session.js", "console/summary.js", "console/reports.js",
		"console/reports.html", "console/notice.js", "console/notice.html", "console/problems.js", "console/import.js",
		"console/import.html",
		"console/i18n.js", "console/api.js", "console/views.js", "console/console.js", "console/console.css",
		"console/index.html"}
}

// vendorChart is Chart.js as its npm package ships it (package.json pins the
// version; TestVendored checks the copy against node_modules after npm ci).
const vendorChart = "vendor/chart.umd.min.js"

func contentType(name string) string {
	switch filepath.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".wasm":
		return "application/wasm"
	case ".md":
		return "text/plain; charset=utf-8"
	}
	return "application/octet-stream"
}

// csp allows what the page does and nothing else: its own scripts, styles and
// fetches, and compiling WebAssembly ('wasm-unsafe-eval').
const csp = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
	"img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"

// asset is one file as served.
type asset struct {
	body    []byte
	gz      []byte // body gzipped, or nil when that does not make it smaller
	ctype   string
	version string // the first 16 hex digits of the SHA-256 of body
	etag    string
	gzETag  string
}

// site is the estimator's files with their versions.
type site struct {
	assets map[string]*asset
}

// build prepares the files: references between them carry versions (?v=), and each is
// gzipped once here rather than on every request (the module takes a few hundred
// milliseconds to compress).
func build(wasm, loader []byte, compress bool) (*site, error) {
	s := &site{assets: map[string]*asset{}}
	files := Files()
	for _, name := range names() {
		var body []byte
		switch name {
		case "ncms.wasm":
			body = wasm
		case "ncms.js":
			// The loader is served as it is: it is not ours to rewrite.
			body = loader
		case vendorChart, "vendor/chart.js.LICENSE.md":
			// Nor are a library's files.
			b, err := fs.ReadFile(files, name)
			if err != nil {
				return nil, fmt.Errorf("web: reading %s: %w", name, err)
			}
			body = b
		default:
			b, err := fs.ReadFile(files, name)
			if err != nil {
				return nil, fmt.Errorf("web: reading %s: %w", name, err)
			}
			body = s.versioned(name, b)
		}
		sum := sha256.Sum256(body)
		h := hex.EncodeToString(sum[:])
		a := &asset{body: body, ctype: contentType(name), version: h[:16],
			etag: `"` + h[:32] + `"`, gzETag: `"` + h[:32] + `-gz"`}
		if compress {
			gz, err := gzipped(body)
			if err != nil {
				return nil, fmt.Errorf("web: compressing %s: %w", name, err)
			}
			if len(gz) < len(body) {
				a.gz = gz
			}
		}
		s.assets[name] = a
	}
	return s, nil
}

// versioned rewrites the quoted references to files already built ("app.js",
// './ncms.js' …) to carry the file's version, so that a browser may keep each
// version for good and still never mixes a new page with an old module.
// A reference is relative to the referring file's directory: from desk/index.html,
// "desk.js" is desk/desk.js and "../ncms.js" the loader.
func (s *site) versioned(from string, text []byte) []byte {
	out := string(text)
	dir := path.Dir(from)
	for _, name := range names() {
		a, ok := s.assets[name]
		if !ok {
			break
		}
		ref, ok := relative(dir, name)
		if !ok {
			continue
		}
		prefixes := []string{"", "./"}
		if strings.HasPrefix(ref, "../") {
			prefixes = []string{""}
		}
		for _, q := range []string{`"`, `'`} {
			for _, prefix := range prefixes {
				out = strings.ReplaceAll(out, q+prefix+ref+q, q+prefix+ref+"?v="+a.version+q)
			}
		}
	}
	return []byte(out)
}

// relative returns how a file in dir names the file name: the same directory by its
// base name, the top directory from one below it with "../", a sibling directory's
// file (the console's reference to ../desk/api.js or ../vendor/…) with "../dir/".
// Other references are not made by the pages.
func relative(dir, name string) (string, bool) {
	switch nd := path.Dir(name); {
	case nd == dir:
		return path.Base(name), true
	case dir == ".":
	case nd == "." && path.Dir(dir) == ".", path.Dir(nd) == "." && path.Dir(dir) == ".":
		return "../" + name, true
	case dir != "." && path.Dir(dir) == "." && path.Dir(nd) == ".":
		return "../" + name, true
	}
	return "", false
}

func gzipped(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Handler returns an http.Handler that serves the estimator: the page at / and
// /index.html, its scripts and style, the loader at /ncms.js (loader is its text,
// js.Loader() from wasm/js) and the module at /ncms.wasm (wasm is its bytes).
//
// Responses carry an ETag from the content hash and are gzipped for clients that
// accept it. The page names every other file with its version (?v=), and a request
// for the current version may be cached for a year; the page itself, and any request
// without the current version, is revalidated each time.
func Handler(wasm, loader []byte) http.Handler {
	// Copies, so that the caller's buffers may be reused without changing what is served.
	s, err := build(bytes.Clone(wasm), bytes.Clone(loader), true)
	if err != nil {
		// Only reading the embedded files or compressing into memory can fail,
		// and neither does.
		panic(err)
	}
	return s
}

func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(r.URL.Path, "/")
	switch {
	case name == "desk" || name == "console":
		// The desk's and the console's pages name their files relative to /desk/, /console/.
		http.Redirect(w, r, "/"+name+"/", http.StatusMovedPermanently)
		return
	case name == "" || strings.HasSuffix(name, "/"):
		name += "index.html"
	}
	a, ok := s.assets[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Add("Vary", "Accept-Encoding")
	switch {
	case path.Ext(name) == ".html":
		h.Set("Cache-Control", "no-cache")
		h.Set("Content-Security-Policy", csp)
		h.Set("Referrer-Policy", "no-referrer")
	case r.URL.Query().Get("v") == a.version:
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	default:
		// An unversioned or stale URL: the bytes may change under it.
		h.Set("Cache-Control", "no-cache")
	}
	body, etag := a.body, a.etag
	if a.gz != nil && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		body, etag = a.gz, a.gzETag
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// acceptsGzip reports whether an Accept-Encoding header value admits gzip (RFC 9110
// §12.5.3): named with a non-zero weight, or admitted by "*" when not named.
func acceptsGzip(header string) bool {
	star := false
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "*" {
			continue
		}
		ok := weight(params) > 0
		if coding == "gzip" {
			return ok
		}
		star = ok
	}
	return star
}

// weight returns the q parameter of an Accept-Encoding element, 1 when absent and 0
// when malformed.
func weight(params string) float64 {
	for _, p := range strings.Split(params, ";") {
		k, v, ok := strings.Cut(p, "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return 0
		}
		return q
	}
	return 1
}

// WriteDir writes the estimator into dir as a static site: index.html, boot.js, app.js,
// amount.js, style.css, ncms.js (loader) and ncms.wasm (wasm), with the same versioned
// references Handler serves. It creates dir if needed and overwrites those files.
func WriteDir(dir string, wasm, loader []byte) error {
	s, err := build(wasm, loader, false)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("web: %w", err)
	}
	for _, name := range names() {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("web: %w", err)
		}
		if err := os.WriteFile(p, s.assets[name].body, 0o644); err != nil {
			return fmt.Errorf("web: %w", err)
		}
	}
	return nil
}
