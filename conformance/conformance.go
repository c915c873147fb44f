// Package conformance runs one shared set of vectors — a request, a policy and the
// hand-worked expected result — against every engine that computes settlements (the
// native Go engine, the WebAssembly module under wazero and under Node, the county
// server) and requires both the expected values and byte-identical responses from all
// of them.
//
// A vector is a JSON file at vectors/<topic>/<case>.json; README.md describes the
// format. Load reads a directory of them, Check compares engines without failing a
// test, and Run reports every mismatch on a *testing.T.
package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ruralhealth/ncms/core/engine"
)

// VectorSchema is the only vector format version.
const VectorSchema = 1

// Inline is the Policy value of a vector that carries its own policy document.
const Inline = "inline"

// Engine is one implementation under test. Call runs an operation on request bytes
// and returns the response envelope bytes exactly as the engine produced them; an
// error means the engine could not be reached, not that the request was bad. Load
// adds a policy document (through the engine's load_policy operation) and fails if
// the engine rejects it.
type Engine interface {
	Name() string
	Call(ctx context.Context, op string, req []byte) ([]byte, error)
	Load(ctx context.Context, policyDoc []byte) error
}

// loadPolicy is every engine's Load: the document goes through the engine's own
// load_policy operation, as a county's would.
func loadPolicy(ctx context.Context, e Engine, doc []byte) error {
	resp, err := e.Call(ctx, engine.OpLoadPolicy, doc)
	if err != nil {
		return err
	}
	return loadResult(resp)
}

// WantError is one expected error: its code and its JSON-pointer path.
type WantError struct {
	Code string `json:"code"`
	Path string `json:"path"`
}

// Vector is one conformance case.
type Vector struct {
	Schema int    `json:"schema"`
	ID     string `json:"id"`
	Note   string `json:"note"`
	Rules  string `json:"rules"`
	Op     string `json:"op"`
	Policy string `json:"policy"`
	// PolicyDocument is loaded before the request when Policy is "inline".
	PolicyDocument json.RawMessage `json:"policyDocument,omitempty"`
	// Request is the request object, sent as written; RequestText, for vectors about
	// malformed input, is sent as raw text instead. Exactly one is set.
	Request     json.RawMessage `json:"request,omitempty"`
	RequestText *string         `json:"requestText,omitempty"`
	Derivation  []string        `json:"derivation"`
	// Want lists result fields that must equal the response's; WantError lists every
	// expected error in order. Exactly one is set.
	Want      json.RawMessage `json:"want,omitempty"`
	WantError []WantError     `json:"wantError,omitempty"`

	// File is where the vector was read from (not part of the format).
	File string `json:"-"`
}

// RequestBytes returns the bytes sent to the engine.
func (v *Vector) RequestBytes() []byte {
	if v.RequestText != nil {
		return []byte(*v.RequestText)
	}
	return v.Request
}

// Load reads every vectors/<topic>/<case>.json under dir, strictly, checks each is
// well formed, and returns them sorted by id.
func Load(dir string) ([]Vector, error) {
	var out []Vector
	var errs []error
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || filepath.Ext(path) != ".json" {
			return nil
		}
		v, err := loadFile(dir, path)
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		out = append(out, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	for i := 1; i < len(out); i++ {
		if out[i].ID == out[i-1].ID {
			return nil, fmt.Errorf("duplicate vector id %q", out[i].ID)
		}
	}
	return out, nil
}

func loadFile(root, path string) (Vector, error) {
	var v Vector
	b, err := os.ReadFile(path)
	if err != nil {
		return v, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return v, fmt.Errorf("%s: %w", path, err)
	}
	if dec.More() {
		return v, fmt.Errorf("%s: trailing data", path)
	}
	v.File = path
	rel, err := filepath.Rel(root, path)
	if err != nil {
		return v, err
	}
	id := strings.TrimSuffix(filepath.ToSlash(rel), ".json")
	var problems []string
	if v.Schema != VectorSchema {
		problems = append(problems, fmt.Sprintf("schema %d, want %d", v.Schema, VectorSchema))
	}
	if strings.Count(id, "/") != 1 {
		problems = append(problems, fmt.Sprintf("file must be at <topic>/<case>.json, is %s", id))
	}
	if v.ID != id {
		problems = append(problems, fmt.Sprintf("id %q, want %q (from the path)", v.ID, id))
	}
	if v.Note == "" || v.Rules == "" || v.Op == "" || len(v.Derivation) == 0 {
		problems = append(problems, "note, rules, op and derivation are required")
	}
	if (v.Request == nil) == (v.RequestText == nil) {
		problems = append(problems, "exactly one of request and requestText")
	}
	if (v.Want == nil) == (v.WantError == nil) {
		problems = append(problems, "exactly one of want and wantError")
	}
	if v.Want != nil {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(v.Want, &m); err != nil || m == nil {
			problems = append(problems, "want must be an object")
		}
	}
	if (v.Policy == Inline) != (v.PolicyDocument != nil) {
		problems = append(problems, `policyDocument exactly when policy is "inline"`)
	}
	if len(problems) > 0 {
		return v, fmt.Errorf("%s: %s", path, strings.Join(problems, "; "))
	}
	return v, nil
}

// Mismatch is one engine's failure on one vector.
type Mismatch struct {
	ID     string
	Engine string
	Diff   string
}

func (m Mismatch) String() string { return m.ID + " [" + m.Engine + "]: " + m.Diff }

// Check runs every vector through every engine and returns each mismatch: a
// response that does not satisfy want or wantError, or one whose bytes differ from
// the first engine's. It never fails a test itself.
func Check(ctx context.Context, vectors []Vector, engines ...Engine) []Mismatch {
	var out []Mismatch
	for i := range vectors {
		out = append(out, CheckOne(ctx, &vectors[i], engines...)...)
	}
	return out
}

// CheckOne runs one vector through every engine.
func CheckOne(ctx context.Context, v *Vector, engines ...Engine) []Mismatch {
	var out []Mismatch
	var first []byte
	for i, e := range engines {
		fail := func(format string, args ...any) {
			out = append(out, Mismatch{ID: v.ID, Engine: e.Name(), Diff: fmt.Sprintf(format, args...)})
		}
		if v.Policy == Inline {
			if err := e.Load(ctx, v.PolicyDocument); err != nil {
				fail("loading the inline policy: %v", err)
				continue
			}
		}
		resp, err := e.Call(ctx, v.Op, v.RequestBytes())
		if err != nil {
			fail("call: %v", err)
			continue
		}
		if d := Compare(v, resp); d != "" {
			fail("%s", d)
		}
		if i == 0 {
			first = resp
		} else if !bytes.Equal(resp, first) {
			fail("response differs from %s's: %s", engines[0].Name(), byteDiff(first, resp))
		}
	}
	return out
}

// Run checks every vector against every engine and reports each mismatch on t,
// except those listed in exceptions/<engine>.json next to the vectors (which are
// logged, and must themselves still fail). Each vector is a subtest.
func Run(t *testing.T, vectors []Vector, engines ...Engine) {
	t.Helper()
	RunWithExceptions(t, vectors, nil, engines...)
}

// RunWithExceptions is Run with per-engine exceptions: engine name → vector id →
// reason. A listed vector that passes is reported as a stale exception.
func RunWithExceptions(t *testing.T, vectors []Vector, exceptions map[string]Exceptions, engines ...Engine) {
	t.Helper()
	if len(engines) == 0 {
		t.Fatal("conformance.Run needs at least one engine")
	}
	ctx := context.Background()
	for i := range vectors {
		v := &vectors[i]
		t.Run(v.ID, func(t *testing.T) {
			failed := map[string]bool{}
			for _, m := range CheckOne(ctx, v, engines...) {
				failed[m.Engine] = true
				if reason, ok := exceptions[m.Engine][v.ID]; ok {
					t.Logf("excepted (%s): %s", reason, m)
					continue
				}
				t.Error(m)
			}
			for _, e := range engines {
				if _, ok := exceptions[e.Name()][v.ID]; ok && !failed[e.Name()] {
					t.Errorf("%s passes %s: remove it from exceptions/%s.json", e.Name(), v.ID, e.Name())
				}
			}
		})
	}
}

// Exceptions maps a vector id to the reason an engine is known to fail it, with an
// issue link. Every list must be empty at release.
type Exceptions map[string]string

// LoadExceptions reads dir/<engine>.json; a missing file is an empty list.
func LoadExceptions(dir, engine string) (Exceptions, error) {
	b, err := os.ReadFile(filepath.Join(dir, engine+".json"))
	if errors.Is(err, fs.ErrNotExist) {
		return Exceptions{}, nil
	}
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	ex := Exceptions{}
	if err := dec.Decode(&ex); err != nil {
		return nil, fmt.Errorf("%s.json: %w", engine, err)
	}
	for id, reason := range ex {
		if strings.TrimSpace(reason) == "" {
			return nil, fmt.Errorf("%s.json: %s has no reason", engine, id)
		}
	}
	return ex, nil
}

// byteDiff describes where two responses first differ.
func byteDiff(a, b []byte) string {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return fmt.Sprintf("first difference at byte %d: %q vs %q", n, excerpt(a, n), excerpt(b, n))
}

func excerpt(b []byte, at int) string {
	from, to := at-20, at+40
	if from < 0 {
		from = 0
	}
	if to > len(b) {
		to = len(b)
	}
	if from > to {
		return ""
	}
	return string(b[from:to])
}
