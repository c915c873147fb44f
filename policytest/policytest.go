// Package policytest runs the example claims a policy ships with (as `opa test` runs
// a policy's tests): a test file next to the policy, NAME.test.json beside NAME.json,
// lists claims with the amounts the author worked out by hand from the printed
// scheme, and optionally sentences the explanation must give. Run settles each claim
// through the engine and reports every amount and sentence that differs.
//
// A test file:
//
//	{
//	  "schema": 1,
//	  "policy": "pingluo-revised",
//	  "person": { "id": "…", "category": "farmer", "birthDate": "…", "enrollment": […] },
//	  "cases": [
//	    {
//	      "name": "township-1200",
//	      "note": "(1200 − 150) × 25% = 262.50; cash 1200 − 262.50 = 937.50",
//	      "claim": { "visit": {…}, "items": […] },
//	      "want": { "deductible": "150", "funds": {"inpatient": "262.50"}, "cash": "937.50",
//	                "explain": {"zh": ["本年第1次住院，起付线150.00元，本次扣除150.00元"]} }
//	    }
//	  ]
//	}
//
// A case's claim without a person is the file's person. Every listed figure must
// equal the result's; "funds" lists every fund that pays (a fund not listed must pay
// nothing); each sentence of "explain" must be among the explanation's, in order.
package policytest

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/claim"
	codec "github.com/ruralhealth/ncms/core/codec/anycodec"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/core/trace"
)

// Schema is the test file format version.
const Schema = 1

// Suffix ends a test file's name: pingluo-revised.test.json tests pingluo-revised.json.
const Suffix = ".test.json"

// File is a policy's test file.
type File struct {
	Schema int `json:"schema"`
	// Policy is the id of the policy the cases are for.
	Policy string `json:"policy"`
	// Person is the patient of every case whose claim names none.
	Person *claim.Person `json:"person,omitempty"`
	Cases  []Case        `json:"cases"`
}

// Case is one example claim and what the scheme pays for it.
type Case struct {
	Name string `json:"name"`
	// Note shows the author's arithmetic, from the printed scheme to the figures.
	Note  string      `json:"note,omitempty"`
	Claim claim.Claim `json:"claim"`
	Want  Want        `json:"want"`
}

// Want lists the figures a case expects; those left out are not checked.
type Want struct {
	Eligible *bool  `json:"eligible,omitempty"`
	Route    string `json:"route,omitempty"`
	Benefit  string `json:"benefit,omitempty"`
	// The result's amounts (settle.Result).
	SelfPaid      *money.Amount `json:"selfPaid,omitempty"`
	PreSelfPay    *money.Amount `json:"preSelfPay,omitempty"`
	Scope         *money.Amount `json:"scope,omitempty"`
	Deductible    *money.Amount `json:"deductible,omitempty"`
	FundTotal     *money.Amount `json:"fundTotal,omitempty"`
	FamilyAccount *money.Amount `json:"familyAccount,omitempty"`
	Cash          *money.Amount `json:"cash,omitempty"`
	Personal      *money.Amount `json:"personal,omitempty"`
	Hospital      *money.Amount `json:"hospital,omitempty"`
	// Funds is what each fund pays, by fund id: every fund that pays.
	Funds map[string]money.Amount `json:"funds,omitempty"`
	// Warnings are the codes of the result's warnings, in order.
	Warnings []string `json:"warnings,omitempty"`
	Explain  *Explain `json:"explain,omitempty"`
}

// Explain lists sentences the explanation must give, in each language.
type Explain struct {
	Zh []string `json:"zh,omitempty"`
	En []string `json:"en,omitempty"`
}

// Load reads and decodes a test file strictly: unknown members and amounts written
// as JSON numbers are errors with their JSON pointers.
func Load(name string) (*File, error) {
	f, err := load(name)
	if err != nil {
		return nil, &FileError{name, err}
	}
	return f, nil
}

func load(name string) (*File, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var f File
	if err := codec.Decode(b, &f); err != nil {
		return nil, err
	}
	if f.Schema != Schema {
		return nil, fmt.Errorf("schema %d, want %d", f.Schema, Schema)
	}
	if len(f.Cases) == 0 {
		return nil, errors.New("no cases")
	}
	// Failures are reported by name: each case has its own.
	seen := map[string]bool{}
	for i, c := range f.Cases {
		if c.Name == "" || seen[c.Name] {
			return nil, fmt.Errorf("/cases/%d/name: missing or used twice: %q", i, c.Name)
		}
		seen[c.Name] = true
	}
	if err := f.check(); err != nil {
		return nil, err
	}
	return &f, nil
}

// check reports every expected amount that is not one (a JSON number, bad text): the
// codec keeps them for validation to name with their paths, as it does in claims.
func (f *File) check() error {
	var es core.Errors
	for i := range f.Cases {
		w := &f.Cases[i].Want
		at := "/cases/" + strconv.Itoa(i) + "/want/"
		for field, a := range map[string]*money.Amount{
			"selfPaid": w.SelfPaid, "preSelfPay": w.PreSelfPay, "scope": w.Scope, "deductible": w.Deductible,
			"fundTotal": w.FundTotal, "familyAccount": w.FamilyAccount, "cash": w.Cash, "personal": w.Personal,
			"hospital": w.Hospital,
		} {
			if a != nil {
				if e := a.Check(at + field); e != nil {
					es = append(es, e)
				}
			}
		}
		for id, a := range w.Funds {
			if e := a.Check(at + "funds/" + id); e != nil {
				es = append(es, e)
			}
		}
	}
	sort.Slice(es, func(i, j int) bool { return es[i].Path < es[j].Path })
	return es.Err()
}

// Pair is a policy document and its test file.
type Pair struct {
	Policy, Test string
}

// TestFor returns the name of the test file of a policy document: NAME.test.json
// next to NAME.json.
func TestFor(policyFile string) string {
	return strings.TrimSuffix(policyFile, filepath.Ext(policyFile)) + Suffix
}

// Find returns the policies to test under arg: a policy document (its test file must
// exist), a test file (its policy next to it), or a directory, every policy in which
// that has a test file, sorted by name. A directory without any is an error.
func Find(arg string) ([]Pair, error) {
	st, err := os.Stat(arg)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		if strings.HasSuffix(arg, Suffix) {
			return []Pair{{Policy: strings.TrimSuffix(arg, Suffix) + ".json", Test: arg}}, nil
		}
		t := TestFor(arg)
		if _, err := os.Stat(t); err != nil {
			return nil, fmt.Errorf("%s has no test file: %w", arg, err)
		}
		return []Pair{{Policy: arg, Test: t}}, nil
	}
	tests, err := filepath.Glob(filepath.Join(arg, "*"+Suffix))
	if err != nil {
		return nil, err
	}
	sort.Strings(tests)
	if len(tests) == 0 {
		return nil, fmt.Errorf("%s: no %s files", arg, "*"+Suffix)
	}
	out := make([]Pair, len(tests))
	for i, t := range tests {
		out[i] = Pair{Policy: strings.TrimSuffix(t, Suffix) + ".json", Test: t}
	}
	return out, nil
}

// Diff is one figure or sentence that is not as the case expects.
type Diff struct {
	Field string `json:"field"`
	Want  string `json:"want"`
	Got   string `json:"got"`
}

// Outcome is one case's result: no diffs and no error is a pass.
type Outcome struct {
	Name  string `json:"name"`
	Diffs []Diff `json:"diffs,omitempty"`
	// Err is the engine's refusal of the claim.
	Err error `json:"-"`
}

// Failed reports whether the case failed.
func (o *Outcome) Failed() bool { return o.Err != nil || len(o.Diffs) > 0 }

// Report is the outcome of one test file.
type Report struct {
	Test   string    `json:"test"`
	Policy string    `json:"policy"`
	Cases  []Outcome `json:"cases"`
}

// Failed counts the failed cases.
func (r *Report) Failed() int {
	n := 0
	for i := range r.Cases {
		if r.Cases[i].Failed() {
			n++
		}
	}
	return n
}

// Run settles every case of f under the compiled policy through an engine that has
// it loaded, as a county server would, and compares the results.
func Run(c *policy.Compiled, f *File) (*Report, error) {
	if f.Policy != c.ID() {
		return nil, fmt.Errorf("the test file is for policy %q, the document is %q", f.Policy, c.ID())
	}
	e, err := engine.New(c)
	if err != nil {
		return nil, err
	}
	r := &Report{Policy: c.ID()}
	for i := range f.Cases {
		r.Cases = append(r.Cases, runCase(e, c, f, &f.Cases[i]))
	}
	return r, nil
}

func runCase(e *engine.Engine, c *policy.Compiled, f *File, tc *Case) Outcome {
	out := Outcome{Name: tc.Name}
	cl := tc.Claim
	if cl.Person.ID == "" && f.Person != nil {
		cl.Person = *f.Person
	}
	res, err := e.Settle(c.ID(), c.Version(), &cl, false)
	if err != nil {
		out.Err = err
		return out
	}
	w := &tc.Want
	add := func(field, want, got string) {
		if want != got {
			out.Diffs = append(out.Diffs, Diff{Field: field, Want: want, Got: got})
		}
	}
	if w.Eligible != nil {
		add("eligible", fmt.Sprint(*w.Eligible), fmt.Sprint(res.Eligible))
	}
	if w.Route != "" {
		add("route", w.Route, string(res.Route))
	}
	if w.Benefit != "" {
		add("benefit", w.Benefit, res.Benefit)
	}
	amount := func(field string, want *money.Amount, got money.Amount) {
		if want != nil && want.Cmp(got) != 0 {
			out.Diffs = append(out.Diffs, Diff{Field: field, Want: want.String(), Got: got.String()})
		}
	}
	amount("selfPaid", w.SelfPaid, res.SelfPaid)
	amount("preSelfPay", w.PreSelfPay, res.PreSelfPay)
	amount("scope", w.Scope, res.Scope)
	amount("deductible", w.Deductible, res.Deductible)
	if w.Funds != nil {
		paid := map[string]money.Amount{}
		for _, fd := range res.Funds {
			paid[fd.Fund] = paid[fd.Fund].Add(fd.Amount)
		}
		ids := make([]string, 0, len(paid)+len(w.Funds))
		for id := range w.Funds {
			ids = append(ids, id)
		}
		for id, a := range paid {
			if _, ok := w.Funds[id]; !ok && !a.IsZero() {
				ids = append(ids, id)
			}
		}
		sort.Strings(ids)
		for _, id := range ids {
			want, ok := w.Funds[id]
			ws := want.String()
			if !ok {
				ws = "—"
			}
			if !ok || want.Cmp(paid[id]) != 0 {
				out.Diffs = append(out.Diffs, Diff{Field: "funds." + id, Want: ws, Got: paid[id].String()})
			}
		}
	}
	amount("fundTotal", w.FundTotal, res.FundTotal)
	amount("familyAccount", w.FamilyAccount, res.FamilyAccount)
	amount("cash", w.Cash, res.Cash)
	amount("personal", w.Personal, res.Personal)
	amount("hospital", w.Hospital, res.Hospital)
	if w.Warnings != nil {
		got := make([]string, len(res.Warnings))
		for i, x := range res.Warnings {
			got[i] = string(x.Code)
		}
		add("warnings", strings.Join(w.Warnings, ", "), strings.Join(got, ", "))
	}
	if w.Explain != nil {
		for _, l := range []struct {
			lang string
			want []string
		}{{string(trace.Chinese), w.Explain.Zh}, {string(trace.English), w.Explain.En}} {
			if len(l.want) == 0 {
				continue
			}
			got, err := explain(e, c, &cl, l.lang)
			if err != nil {
				out.Err = err
				return out
			}
			out.Diffs = append(out.Diffs, sentences("explain."+l.lang, l.want, got)...)
		}
	}
	return out
}

// explain settles the claim again and words it in lang: the sentences of its trace.
func explain(e *engine.Engine, c *policy.Compiled, cl *claim.Claim, lang string) ([]string, error) {
	res, err := e.Settle(c.ID(), c.Version(), cl, false)
	if err != nil {
		return nil, err
	}
	if err := e.Explain(cl, res, lang); err != nil {
		return nil, err
	}
	out := make([]string, len(res.Trace))
	for i, s := range res.Trace {
		out[i] = s.Text
	}
	return out, nil
}

// sentences checks that want is a subsequence of got: each wanted sentence is found
// after the one before it. A sentence not found is a diff naming the sentences the
// explanation gives there instead.
func sentences(field string, want, got []string) []Diff {
	var out []Diff
	at := 0
	for _, s := range want {
		i := index(got[at:], s)
		if i < 0 {
			out = append(out, Diff{Field: field, Want: s, Got: strings.Join(got[at:], "\n")})
			continue
		}
		at += i + 1
	}
	return out
}

func index(xs []string, s string) int {
	for i, x := range xs {
		if x == s {
			return i
		}
	}
	return -1
}

// Write prints the report for people: a line for each case, and under a failed case
// a table of each figure it expected and the one the engine computed, or the
// engine's errors. It returns the number of failed cases.
func (r *Report) Write(w io.Writer) int {
	failed := 0
	for i := range r.Cases {
		o := &r.Cases[i]
		if !o.Failed() {
			fmt.Fprintf(w, "ok    %s: %s\n", r.Test, o.Name)
			continue
		}
		failed++
		fmt.Fprintf(w, "FAIL  %s: %s\n", r.Test, o.Name)
		if o.Err != nil {
			for _, e := range core.AsErrors(o.Err) {
				fmt.Fprintf(w, "      %s %s: %s / %s\n", e.Code, e.Path, e.Message, e.MessageZh)
			}
			var es core.Errors
			if !errors.As(o.Err, &es) {
				fmt.Fprintf(w, "      %v\n", o.Err)
			}
			continue
		}
		writeDiffs(w, o.Diffs)
	}
	return failed
}

// writeDiffs prints the figures as a table of field, want and got, and each missing
// sentence with what the explanation says instead, marked - and + as a diff is.
func writeDiffs(w io.Writer, ds []Diff) {
	fw, ww := len("field"), len("want")
	for _, d := range ds {
		if !strings.HasPrefix(d.Field, "explain.") {
			fw, ww = max(fw, len(d.Field)), max(ww, len(d.Want))
		}
	}
	header := false
	for _, d := range ds {
		if strings.HasPrefix(d.Field, "explain.") {
			continue
		}
		if !header {
			fmt.Fprintf(w, "      %-*s  %-*s  %s\n", fw, "field", ww, "want", "got")
			header = true
		}
		fmt.Fprintf(w, "      %-*s  %-*s  %s\n", fw, d.Field, ww, d.Want, d.Got)
	}
	for _, d := range ds {
		if !strings.HasPrefix(d.Field, "explain.") {
			continue
		}
		fmt.Fprintf(w, "      %s: sentence not found\n        - %s\n", d.Field, d.Want)
		for _, g := range strings.Split(d.Got, "\n") {
			if g != "" {
				fmt.Fprintf(w, "        + %s\n", g)
			}
		}
	}
}

// FileError is a policy document or test file that could not be run, with the
// problems of it (core.Errors with JSON pointers, when it was read).
type FileError struct {
	Name string
	Err  error
}

func (e *FileError) Error() string { return e.Name + ": " + e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// RunPair compiles the policy document of p as the engine loads one and runs its test
// file. A document the engine refuses, or a test file it cannot read, is a *FileError
// with every problem.
func RunPair(p Pair) (*Report, error) {
	doc, err := os.ReadFile(p.Policy)
	if err != nil {
		return nil, &FileError{p.Policy, err}
	}
	var pol policy.Policy
	if err := codec.Decode(doc, &pol); err != nil {
		return nil, &FileError{p.Policy, err}
	}
	c, err := policy.Compile(pol)
	if err != nil {
		return nil, &FileError{p.Policy, err}
	}
	f, err := load(p.Test)
	if err != nil {
		return nil, &FileError{p.Test, err}
	}
	r, err := Run(c, f)
	if err != nil {
		return nil, &FileError{p.Test, err}
	}
	r.Test = p.Test
	return r, nil
}
