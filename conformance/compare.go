package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/ruralhealth/ncms/core/engine"
)

// envelope opens resp as a response envelope (engine.Open: strict, schema 1, ok
// present). Every engine's response goes through it, so that Compare, loadResult
// and the HTTP engine agree on what a response is.
func envelope(resp []byte) (engine.Response, error) { return engine.Open(resp) }

// loadResult turns a load_policy response into an error when it is not ok.
func loadResult(resp []byte) error {
	r, err := envelope(resp)
	if err != nil {
		return fmt.Errorf("load_policy: %w: %.120q", err, resp)
	}
	if !r.OK {
		return fmt.Errorf("load_policy refused the policy: %s", resp)
	}
	return nil
}

// Compare returns "" when resp satisfies the vector's want or wantError, else a short
// description of the first differences.
//
// want is partial: each listed field must equal the result's. Objects compare
// field by field (only the listed fields), arrays element by element (the same
// length, in order; null matches an empty list), scalars exactly. "warnings" may list bare codes, compared with
// the result's warnings' codes in order. wantError lists every error, in order, by
// code and path.
func Compare(v *Vector, resp []byte) string {
	r, err := envelope(resp)
	if err != nil {
		return fmt.Sprintf("%v: %.120q", err, resp)
	}
	if v.WantError != nil {
		if r.OK {
			return "ok, want errors " + errorList(v.WantError)
		}
		got := make([]WantError, len(r.Errors))
		for i, e := range r.Errors {
			got[i] = WantError{Code: string(e.Code), Path: e.Path}
		}
		if errorList(got) != errorList(v.WantError) {
			return "errors " + errorList(got) + ", want " + errorList(v.WantError)
		}
		return ""
	}
	if !r.OK {
		got := make([]WantError, len(r.Errors))
		for i, e := range r.Errors {
			got[i] = WantError{Code: string(e.Code), Path: e.Path}
		}
		return "errors " + errorList(got) + ", want a result"
	}
	want, err := decodeAny(v.Want)
	if err != nil {
		return "want: " + err.Error()
	}
	got, err := decodeAny(r.Result)
	if err != nil {
		return "result: " + err.Error()
	}
	var diffs []string
	match("", want, got, &diffs)
	if len(diffs) > 6 {
		diffs = append(diffs[:6], fmt.Sprintf("… %d more", len(diffs)-6))
	}
	return strings.Join(diffs, "; ")
}

func errorList(es []WantError) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Code + "@" + e.Path
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func decodeAny(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var x any
	err := dec.Decode(&x)
	return x, err
}

// match compares want with got at path and appends each difference to diffs.
func match(path string, want, got any, diffs *[]string) {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			*diffs = append(*diffs, fmt.Sprintf("%s: %s, want an object", at(path), show(got)))
			return
		}
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			gv, ok := g[k]
			if !ok {
				*diffs = append(*diffs, fmt.Sprintf("%s/%s: missing", path, k))
				continue
			}
			if k == "warnings" {
				gv = warningCodes(w[k], gv)
			}
			match(path+"/"+k, w[k], gv, diffs)
		}
	case []any:
		if got == nil && len(w) == 0 {
			return // an empty list may be encoded as null; byte identity catches a difference between engines
		}
		g, ok := got.([]any)
		if !ok {
			*diffs = append(*diffs, fmt.Sprintf("%s: %s, want %s", at(path), show(got), show(want)))
			return
		}
		if len(g) != len(w) {
			*diffs = append(*diffs, fmt.Sprintf("%s: %s, want %s", at(path), show(got), show(want)))
			return
		}
		for i := range w {
			match(fmt.Sprintf("%s/%d", path, i), w[i], g[i], diffs)
		}
	default:
		if show(want) != show(got) {
			*diffs = append(*diffs, fmt.Sprintf("%s: %s, want %s", at(path), show(got), show(want)))
		}
	}
}

// warningCodes reduces the result's warnings to their codes when want lists codes.
func warningCodes(want, got any) any {
	w, ok := want.([]any)
	if !ok {
		return got
	}
	for _, x := range w {
		if _, ok := x.(string); !ok {
			return got
		}
	}
	g, ok := got.([]any)
	if !ok {
		return got
	}
	out := make([]any, len(g))
	for i, x := range g {
		if m, ok := x.(map[string]any); ok {
			out[i] = m["code"]
		} else {
			out[i] = x
		}
	}
	return out
}

func at(path string) string {
	if path == "" {
		return "/"
	}
	return path
}

func show(x any) string {
	b, err := json.Marshal(x)
	if err != nil {
		return fmt.Sprint(x)
	}
	if len(b) > 160 {
		return string(b[:157]) + "…"
	}
	return string(b)
}
