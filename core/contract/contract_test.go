package contract_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ruralhealth/ncms/conformance"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/core/contract"
	"github.com/ruralhealth/ncms/core/contract/internal/gen"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policies"
	"github.com/ruralhealth/ncms/core/text"
)

const root = "../.."

// TestGeneratedFiles regenerates every file of the contract in memory and compares
// it byte for byte with the file in the repository, so a change to a wire type (or
// its doc comment, or a vector the examples come from) cannot land without them.
func TestGeneratedFiles(t *testing.T) {
	files, err := gen.Generate(root)
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range files {
		got, err := os.ReadFile(filepath.Join(root, p))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is stale (or missing): run `go generate ./...` and commit the result", p)
		}
	}
	onDisk, err := filepath.Glob(filepath.Join(root, gen.SchemaDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range onDisk {
		rel, _ := filepath.Rel(root, p)
		if _, ok := files[filepath.ToSlash(rel)]; !ok {
			t.Errorf("%s is no longer generated: run `go generate ./...` to remove it", rel)
		}
	}
	if len(files) < 25 {
		t.Errorf("only %d files generated", len(files))
	}
}

// TestSchemaNames checks the embedded schemas: one request and one response per
// operation and one per document, and nothing outside the directory.
func TestSchemaNames(t *testing.T) {
	var want []string
	for _, op := range contract.Operations() {
		want = append(want, op.Name+".request", op.Name+".response")
	}
	for _, d := range contract.Documents() {
		want = append(want, d.Name)
	}
	sort.Strings(want)
	if got := contract.Names(); !slices.Equal(got, want) {
		t.Errorf("Names() = %v, want %v", got, want)
	}
	if !slices.Equal(engine.Operations(), opNames()) {
		t.Errorf("the registry's operations %v are not the engine's %v", opNames(), engine.Operations())
	}
	for _, name := range []string{"", "../contract", "settle", "settle.request.json", ".", "schemas/claim"} {
		if _, ok := contract.Schema(name); ok {
			t.Errorf("Schema(%q) found", name)
		}
	}
	if b, ok := contract.Schema("claim"); !ok || !json.Valid(b) {
		t.Error("no claim schema")
	}
}

func opNames() []string {
	var out []string
	for _, op := range contract.Operations() {
		out = append(out, op.Name)
	}
	return out
}

// schemas compiles every embedded schema with a JSON Schema 2020-12 validator.
func schemas(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	out := map[string]*jsonschema.Schema{}
	for _, name := range contract.Names() {
		b, _ := contract.Schema(name)
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(name, err)
		}
		if err := c.AddResource("urn:ncms:schema:"+name, doc); err != nil {
			t.Fatal(name, err)
		}
	}
	for _, name := range contract.Names() {
		s, err := c.Compile("urn:ncms:schema:" + name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = s
	}
	return out
}

func validate(s *jsonschema.Schema, b []byte) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return err
	}
	return s.Validate(v)
}

func vectors(t *testing.T) []conformance.Vector {
	t.Helper()
	vs, err := conformance.Load(filepath.Join(root, "conformance", "vectors"))
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) < 200 {
		t.Fatalf("only %d vectors", len(vs))
	}
	return vs
}

// formatCodes are the errors of a request's form, which its schema states: a
// request the engine refuses only with these the schema must refuse too.
var formatCodes = map[string]bool{
	"request_unknown_field": true, "request_wrong_type": true, "request_schema_unsupported": true,
	"amount_invalid": true, "amount_negative": true, "amount_precision": true, "amount_too_large": true,
	"rate_invalid": true, "date_invalid": true, "claim_too_many_items": true,
	"field_text_invalid": true, "field_too_long": true,
}

// engineFor returns the engine a vector runs on: the shared one, or a fresh one with
// the vector's inline policy loaded.
func engineFor(t *testing.T, shared *engine.Engine, v conformance.Vector) *engine.Engine {
	t.Helper()
	if v.Policy != conformance.Inline {
		return shared
	}
	e, err := engine.WithExamples()
	if err != nil {
		t.Fatal(err)
	}
	if resp := e.Handle(engine.OpLoadPolicy, v.PolicyDocument); !engine.Succeeded(resp) {
		t.Fatalf("%s: its policy: %s", v.ID, resp)
	}
	return e
}

// TestVectorsValidate proves the schemas true of what the engine accepts and
// answers: every conformance vector's request that the engine settles validates
// against its operation's request schema, every request refused only for its form is
// refused by the schema too, every response (successes and errors) validates against
// the operation's response schema, and every policy document (the examples, the
// inline ones, get_policy's answers) against the policy schema.
func TestVectorsValidate(t *testing.T) {
	sch := schemas(t)
	shared, err := engine.WithExamples()
	if err != nil {
		t.Fatal(err)
	}
	var accepted, refused, responses, documents int
	respSchema := func(op string) *jsonschema.Schema {
		if s, ok := sch[op+".response"]; ok {
			return s
		}
		return sch[contract.ErrorEnvelope]
	}
	for _, v := range vectors(t) {
		e := engineFor(t, shared, v)
		if v.PolicyDocument != nil {
			if err := validate(sch["policy"], v.PolicyDocument); err != nil {
				t.Errorf("%s: its policy document: %v", v.ID, err)
			}
			documents++
		}
		req := v.RequestBytes()
		resp := e.Handle(v.Op, req)
		if err := validate(respSchema(v.Op), resp); err != nil {
			t.Errorf("%s: the response does not validate: %v\n%s", v.ID, err, resp)
		}
		responses++
		reqSchema, known := sch[v.Op+".request"]
		if !known || v.RequestText != nil {
			continue
		}
		err := validate(reqSchema, req)
		switch {
		case engine.Succeeded(resp):
			if err != nil {
				t.Errorf("%s: the engine accepts the request, its schema does not: %v", v.ID, err)
			}
			accepted++
		case formatOnly(v):
			if err == nil {
				t.Errorf("%s: the engine refuses the request's form (%v), its schema accepts it", v.ID, v.WantError)
			}
			refused++
		}
	}
	for _, d := range policies.Documents() {
		if err := validate(sch["policy"], d.JSON); err != nil {
			t.Errorf("example policy %s: %v", d.Name, err)
		}
		documents++
	}
	for _, p := range shared.Policies() {
		req, _ := json.Marshal(map[string]any{"schema": 1, "policy": p.ID(), "version": p.Version()})
		if err := validate(sch["get_policy.request"], req); err != nil {
			t.Errorf("get_policy request: %v", err)
		}
		if err := validate(sch["get_policy.response"], shared.Handle(engine.OpGetPolicy, req)); err != nil {
			t.Errorf("get_policy %s: %v", p.ID(), err)
		}
		responses++
	}
	for _, c := range []struct{ op, req string }{
		{engine.OpListPolicies, `{"schema":1}`}, {engine.OpVersion, `{"schema":1}`}, {engine.OpVersion, ``},
	} {
		if err := validate(respSchema(c.op), shared.Handle(c.op, []byte(c.req))); err != nil {
			t.Errorf("%s: %v", c.op, err)
		}
		responses++
	}
	t.Logf("%d requests accepted by both, %d refused for their form by both, %d responses and %d policy documents valid",
		accepted, refused, responses, documents)
	if accepted < 100 || refused < 5 || responses < 200 {
		t.Errorf("too few checked: %d accepted, %d refused, %d responses", accepted, refused, responses)
	}
}

func formatOnly(v conformance.Vector) bool {
	if len(v.WantError) == 0 {
		return false
	}
	for _, w := range v.WantError {
		if !formatCodes[w.Code] {
			return false
		}
	}
	return true
}

// TestRequiredRefused proves `required` true of requests: each required member,
// taken out of a request the engine accepts, makes the engine refuse it, or (for the
// checks whose answer is a list of problems: verify_card, validate_roster) answer
// with a problem at that member. Each member of each definition is tried once, in
// the first vector that has it.
func TestRequiredRefused(t *testing.T) {
	shared, err := engine.WithExamples()
	if err != nil {
		t.Fatal(err)
	}
	tried := map[string]bool{}
	for _, v := range vectors(t) {
		if v.Want == nil || v.Request == nil {
			continue
		}
		b, ok := contract.Schema(v.Op + ".request")
		if !ok {
			continue
		}
		var schema map[string]any
		if err := json.Unmarshal(b, &schema); err != nil {
			t.Fatal(err)
		}
		req, err := decodeAny(v.Request)
		if err != nil {
			t.Fatal(err)
		}
		e := engineFor(t, shared, v)
		for _, c := range requiredMembers(schema, schema, req, "") {
			key := v.Op + " " + c.def + "." + c.member
			if tried[key] {
				continue
			}
			tried[key] = true
			c.remove()
			mutated, _ := json.Marshal(req)
			c.restore()
			if resp := e.Handle(v.Op, mutated); engine.Succeeded(resp) && !problemAt(t, resp, c.path) {
				t.Errorf("%s: %s is required, yet the engine accepts the request without %s", v.ID, key, c.path)
			}
		}
	}
	t.Logf("%d required members tried", len(tried))
	if len(tried) < 20 {
		t.Errorf("only %d required members tried", len(tried))
	}
}

// problemAt reports whether a result lists a problem at path or under it.
func problemAt(t *testing.T, resp []byte, path string) bool {
	env, err := engine.Open(resp)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Problems []struct {
			Path string `json:"path"`
		} `json:"problems"`
	}
	if err := json.Unmarshal(env.Result, &r); err != nil {
		return false // a result that is no list of problems
	}
	for _, p := range r.Problems {
		if p.Path == path || strings.HasPrefix(p.Path, path+"/") {
			return true
		}
	}
	return false
}

func decodeAny(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}

// member is a required member present in a request, with a way to take it out.
type member struct {
	def, member, path string
	remove, restore   func()
}

// requiredMembers walks instance v along schema s (resolving $refs in root) and
// returns its required members.
func requiredMembers(root, s map[string]any, v any, path string) []member {
	def := ""
	for {
		ref, ok := s["$ref"].(string)
		if !ok {
			break
		}
		def = strings.TrimPrefix(ref, "#/$defs/")
		s = root["$defs"].(map[string]any)[def].(map[string]any)
	}
	var out []member
	switch x := v.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		req, _ := s["required"].([]any)
		for _, r := range req {
			name := r.(string)
			val, ok := x[name]
			if !ok {
				continue
			}
			out = append(out, member{def: def, member: name, path: path + "/" + name,
				remove: func() { delete(x, name) }, restore: func() { x[name] = val }})
		}
		for name, val := range x {
			if ps, ok := props[name].(map[string]any); ok {
				out = append(out, requiredMembers(root, ps, val, path+"/"+name)...)
			}
		}
	case []any:
		if items, ok := s["items"].(map[string]any); ok && len(x) > 0 {
			out = append(out, requiredMembers(root, items, x[0], path+"/0")...)
		}
	}
	return out
}

// TestTextPattern holds the schemas' free text to core/text: a claim's id validates
// exactly when text.Check accepts it.
func TestTextPattern(t *testing.T) {
	sch := schemas(t)
	for _, id := range []string{"", "V1", "就诊 2025/03 №7", "a\x01b", "a\x7fb", "a\u0085b", "a\u009fb", "a\uFFFDb", "tab\there",
		strings.Repeat("字", claim.MaxText), strings.Repeat("字", claim.MaxText+1)} {
		doc, _ := json.Marshal(map[string]any{"id": id,
			"person": map[string]any{"id": "640221198001010015", "category": "farmer"},
			"visit":  map[string]any{"type": "inpatient", "class": "county", "admission": "2025-03-01"}})
		err := validate(sch["claim"], doc)
		if want := text.Check("/id", id, claim.MaxText) == nil; (err == nil) != want {
			t.Errorf("claim id %q: schema says %v, text.Check accepts it: %v", id, err, want)
		}
	}
}

// TestPatterns holds the money and date patterns to the parsers the decoders use: a
// string matches exactly when money.ParseAmount, money.ParseRate or civil.Parse
// reads it (and "" is no date, which a date field may be).
func TestPatterns(t *testing.T) {
	amount, rate, date := regexp.MustCompile(contract.AmountPattern), regexp.MustCompile(contract.RatePattern), regexp.MustCompile(contract.DatePattern)
	for _, s := range []string{"", "0", "00", "8432", "12.3", "12.30", "12.305", "-1", "+1", "1.", ".5", "1e3", " 1", "1,000",
		"999999999999.99", "1000000000000", "0001000000000000", "000000000000000001.5", "１２", "0.5555", "-0.10", "1000", "999.9999", "-0.00001"} {
		_, err := money.ParseAmount(s)
		if amount.MatchString(s) != (err == nil) {
			t.Errorf("amount %q: pattern %v, ParseAmount %v", s, amount.MatchString(s), err)
		}
		_, err = money.ParseRate(s)
		if rate.MatchString(s) != (err == nil) {
			t.Errorf("rate %q: pattern %v, ParseRate %v", s, rate.MatchString(s), err)
		}
	}
	for _, s := range []string{"", "2025-03-01", "2024-02-29", "2023-02-29", "2000-02-29", "1900-02-29", "2100-02-29", "2400-02-29",
		"1800-01-01", "1799-12-31", "2025-04-31", "2025-12-31", "2025-13-01", "2025-00-10", "2025-01-00", "2025-1-01", "9999-12-31",
		"20250301", "2025-03-01T00:00:00Z", "１９９０-01-01"} {
		_, err := civil.Parse(s)
		if date.MatchString(s) != (err == nil || s == "") {
			t.Errorf("date %q: pattern %v, civil.Parse %v", s, date.MatchString(s), err)
		}
	}
}
