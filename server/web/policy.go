package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"net/http"

	"github.com/ruralhealth/ncms/core/policydoc"
)

// PolicyPage is what the printable page of a published policy shows: the scheme as
// policydoc renders it — the words `ncms policy show` prints — and which exact rules
// they are.
type PolicyPage struct {
	Doc policydoc.Document
	// ID, Version and Hash identify the compiled policy the words come from: the hash
	// every settlement under it records.
	ID, Version, Hash string
}

// policyCSS styles the page for the screen and for A4 paper. It is inline (the page
// is one response), allowed by its hash in the page's Content-Security-Policy.
const policyCSS = `
:root { color-scheme: light; }
body { font-family: "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", serif; max-width: 46rem;
  margin: 2rem auto; padding: 0 1rem; line-height: 1.7; color: #111; background: #fff; }
header { text-align: center; border-bottom: 2px solid #111; margin-bottom: 1.5rem; padding-bottom: .75rem; }
h1 { font-size: 1.45rem; margin: 0 0 .5rem; }
.facts { margin: 0; padding: 0; list-style: none; font-size: .9rem; color: #333; }
nav.lang { text-align: right; font-size: .9rem; }
nav.lang a { color: #0645ad; }
section.article { margin: 1.1rem 0; }
h2 { break-after: avoid-page; }
p, table, tr { break-inside: avoid-page; }
p:has(+ table) { break-after: avoid-page; }
h2 { font-size: 1.05rem; margin: 0 0 .3rem; }
h2 .number { margin-right: .5em; }
p { margin: .2rem 0 .2rem 2em; text-indent: -2em; padding-left: 2em; }
p.plain { text-indent: 0; padding-left: 0; }
table { border-collapse: collapse; margin: .4rem 0 .6rem 2em; font-size: .92rem; }
th, td { border: 1px solid #444; padding: .15rem .6rem; text-align: left; }
th { background: #eee; }
.notes { font-size: .8rem; color: #444; border-top: 1px solid #999; margin-top: 2rem; }
.notes li { margin: .2rem 0; }
footer { font-size: .75rem; color: #555; margin-top: 1.5rem; word-break: break-all; }
@page { size: A4; margin: 18mm 16mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  nav.lang { display: none; }
  th { background: none; }
  a { color: inherit; text-decoration: none; }
}
`

var policyTemplate = template.Must(template.New("policy").Parse(`<!doctype html>
<html lang="{{if eq .Doc.Lang "en"}}en{{else}}zh-CN{{end}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Doc.Title}}</title>
<style>` + policyCSS + `</style>
</head>
<body>
<nav class="lang">{{if eq .Doc.Lang "en"}}<a href="?lang=zh" hreflang="zh-CN">中文</a>{{else}}<a href="?lang=en" hreflang="en">English</a>{{end}}</nav>
<header>
<h1>{{.Doc.Title}}</h1>
<ul class="facts">{{range .Doc.Facts}}<li>{{.}}</li>{{end}}</ul>
</header>
<main>
{{range .Doc.Articles}}<section class="article">
<h2><span class="number">{{.Number}}</span> {{.Title}}</h2>
{{range .Items}}<p{{if not .Label}} class="plain"{{end}}>{{.Label}}{{.Text}}</p>
{{with .Table}}<table><thead><tr>{{range .Head}}<th scope="col">{{.}}</th>{{end}}</tr></thead>
<tbody>{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>{{end}}</tbody></table>
{{end}}{{end}}</section>
{{end}}</main>
{{with .Doc.Notes}}<section class="notes"><h2>{{if eq $.Doc.Lang "en"}}Notes on the settings{{else}}编制说明{{end}}</h2>
<ol>{{range .}}<li>{{.}}</li>{{end}}</ol></section>{{end}}
<footer>{{if eq .Doc.Lang "en"}}Rules as published: {{.ID}} {{.Version}}, sha256 {{.Hash}}{{else}}本文本由所公布的方案生成：{{.ID}} {{.Version}}，sha256 {{.Hash}}{{end}}</footer>
</body>
</html>
`))

// policyCSP allows the page's one inline style and nothing else: the page runs no
// script and loads nothing.
var policyCSP = func() string {
	sum := sha256.Sum256([]byte(policyCSS))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) +
		"'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
}()

// ServePolicy writes the printable page of a published policy. Its ETag is the
// policy's hash and the language, so a browser that has the page revalidates cheaply.
func ServePolicy(w http.ResponseWriter, r *http.Request, pg PolicyPage) error {
	etag := `"` + pg.Hash + "-" + pg.Doc.Lang + `"`
	h := w.Header()
	h.Set("Content-Security-Policy", policyCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	var buf bytes.Buffer
	if err := policyTemplate.Execute(&buf, pg); err != nil {
		return err
	}
	h.Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(buf.Bytes())
	return err
}
