package gen

import (
	"fmt"
	"path"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/core/contract"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/core/settle"
	"github.com/ruralhealth/ncms/core/trace"
)

// node is one schema in a dialect-free form; the emitters write it as JSON Schema
// 2020-12, as an OpenAPI 3.0 schema object or as a TypeScript type.
type node struct {
	Ref       string // the name of a definition
	Type      string // object, array, string, integer, number, boolean; "" for any value
	Nullable  bool
	Desc      string
	Const     any // an integer or a boolean
	Enum      []string
	Pattern   string
	MaxLength int
	Items     *node
	Values    *node // the values of a map: an object with any member names
	Format    string
	MaxItems  int
	MinItems  int
	Props     []prop
	Required  []string
	AnyOf     []*node
	GoType    string // the Go type a definition comes from
}

type prop struct {
	Name     string
	Node     *node
	Optional bool // may be absent (for TypeScript: `name?:`)
}

// Definition names that differ from the rule in defName: the names ncms.d.ts has
// always exported, and names that would collide.
var names = map[reflect.Type]string{
	reflect.TypeFor[settle.Result]():    "SettleResult",
	reflect.TypeFor[settle.Fund]():      "Fund",
	reflect.TypeFor[settle.Warning]():   "Warning",
	reflect.TypeFor[settle.PolicyRef](): "ResultPolicy",
	reflect.TypeFor[claim.Totals]():     "Totals",
	reflect.TypeFor[claim.FundTotal]():  "FundTotal",
	reflect.TypeFor[claim.ClassCount](): "ClassCount",
	reflect.TypeFor[trace.Step]():       "TraceStep",
	reflect.TypeFor[trace.Value]():      "TraceValue",
	reflect.TypeFor[trace.Stage]():      "Stage",
	reflect.TypeFor[core.Error]():       "EngineError",
	reflect.TypeFor[identity.ID]():      "ResidentID",
	reflect.TypeFor[policy.Policy]():    "PolicyDocument",
	reflect.TypeFor[civil.Date]():       "CivilDate",
	reflect.TypeFor[money.Amount]():     "Amount",
	reflect.TypeFor[money.Rate]():       "Rate",
}

// defName is the definition name of a named type: its name, prefixed with its
// package's unless the package is core or engine or the name starts with it
// (claim.Item is ClaimItem, claim.Claim is Claim).
func defName(t reflect.Type) string {
	if n, ok := names[t]; ok {
		return n
	}
	pkg, n := path.Base(t.PkgPath()), t.Name()
	if pkg == "core" || pkg == "engine" || strings.HasPrefix(strings.ToLower(n), pkg) {
		return n
	}
	return strings.ToUpper(pkg[:1]) + pkg[1:] + n
}

type fieldKey struct {
	t     reflect.Type
	field string
}

// builder turns Go types into nodes, with a definition for every named struct and
// every named string type with wire constants. A builder builds requests (in) or
// results: the members a request must have are those the engine refuses to go
// without (contract.Rules), those a result has are those the encoder always writes.
type builder struct {
	c        *comments
	in       bool
	rules    map[fieldKey][]contract.Rule
	request  map[reflect.Type]bool // struct types reached from a request
	defs     map[string]*node
	defTypes map[string]reflect.Type
	err      error
}

func newBuilder(c *comments, in bool) *builder {
	b := &builder{c: c, in: in, rules: map[fieldKey][]contract.Rule{}, request: map[reflect.Type]bool{},
		defs: map[string]*node{}, defTypes: map[string]reflect.Type{}}
	for _, r := range contract.Rules() {
		k := fieldKey{reflect.TypeOf(r.Type), r.Field}
		b.rules[k] = append(b.rules[k], r)
	}
	var mark func(t reflect.Type)
	mark = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || b.request[t] || special(t) != nil {
			return
		}
		b.request[t] = true
		for _, f := range fields(t) {
			mark(f.typ)
		}
	}
	for _, op := range contract.Operations() {
		mark(reflect.TypeOf(op.Request))
	}
	for _, d := range contract.Documents() {
		if d.Type != nil && !d.Written {
			mark(reflect.TypeOf(d.Type))
		}
	}
	for k, rs := range b.rules {
		if !hasField(k.t, k.field) {
			b.fail(fmt.Errorf("contract.Rules names %s.%s, which has no field %q", k.t, k.field, k.field))
		}
		_ = rs
	}
	return b
}

func (b *builder) fail(err error) {
	if b.err == nil {
		b.err = err
	}
}

// wireField is a struct field as the codec sees it.
type wireField struct {
	name   string
	goName string
	owner  reflect.Type // the struct that declares it (an inlined struct's fields keep theirs)
	typ    reflect.Type
	omit   bool // omitempty or omitzero: absent from output when empty
}

// fields lists the JSON members of struct t in order, with embedded structs inlined
// as the codec inlines them.
func fields(t reflect.Type) []wireField {
	var out []wireField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, fields(f.Type)...)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		omit := false
		for _, o := range strings.Split(opts, ",") {
			omit = omit || o == "omitempty" || o == "omitzero"
		}
		out = append(out, wireField{name: name, goName: f.Name, owner: t, typ: f.Type, omit: omit})
	}
	return out
}

func hasField(t reflect.Type, name string) bool {
	for _, f := range fields(t) {
		if f.name == name {
			return true
		}
	}
	return false
}

// special returns the node of a type with a wire form of its own, or nil.
func special(t reflect.Type) *node {
	switch t {
	case reflect.TypeFor[civil.Date]():
		return &node{Type: "string", Pattern: contract.DatePattern,
			Desc: "A calendar date, YYYY-MM-DD, that exists (2023-02-29 does not) and is not before 1800; \"\" where there is none."}
	case reflect.TypeFor[money.Amount]():
		return &node{Type: "string", Pattern: contract.AmountPattern,
			Desc: "An amount in yuan as a decimal string: no sign, at most two decimals and twelve digits before the point (\"8432\", \"12.30\"). Never a JSON number. Results write it with two decimals."}
	case reflect.TypeFor[money.Rate]():
		return &node{Type: "string", Pattern: contract.RatePattern,
			Desc: "A ratio as a decimal string with at most four decimals (\"0.55\" is 55%); adjustments may be negative (\"-0.10\")."}
	case reflect.TypeFor[core.Code]():
		return &node{Type: "string", Pattern: `^[a-z][a-z0-9]*(_[a-z0-9]+)*$`,
			Desc: "A stable, machine-readable code with its layer as prefix (\"amount_precision\", \"warn_cap_reached\"); core/code.go lists the engine's. Match on it, never on messages."}
	case reflect.TypeFor[jsontext.Value]():
		return &node{}
	case reflect.TypeFor[time.Time]():
		return &node{Type: "string", Format: "date-time"}
	}
	return nil
}

// of returns the node of a value of type t.
func (b *builder) of(t reflect.Type) *node {
	if n := special(t); n != nil {
		return b.define(t, func() *node { return n })
	}
	switch t.Kind() {
	case reflect.Pointer:
		n := *b.of(t.Elem())
		n.Nullable = true
		return &n
	case reflect.Slice, reflect.Array:
		return &node{Type: "array", Items: b.of(t.Elem())}
	case reflect.Map:
		if t.Key().Kind() == reflect.String {
			return &node{Type: "object", Values: b.of(t.Elem())}
		}
	case reflect.Struct:
		return b.define(t, func() *node { return b.object(t) })
	case reflect.String:
		if t.PkgPath() != "" && len(b.c.enum(t)) > 0 {
			return b.define(t, func() *node { return &node{Type: "string", Enum: b.c.enum(t)} })
		}
		return &node{Type: "string"}
	case reflect.Bool:
		return &node{Type: "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return &node{Type: "integer"}
	case reflect.Float32, reflect.Float64:
		return &node{Type: "number"}
	case reflect.Interface:
		return &node{}
	}
	b.fail(fmt.Errorf("no wire form for %s", t))
	return &node{}
}

// define makes t a definition, built once by make, and returns a reference to it.
func (b *builder) define(t reflect.Type, make func() *node) *node {
	name := defName(t)
	if have, ok := b.defTypes[name]; ok {
		if have != t {
			b.fail(fmt.Errorf("%s and %s are both named %s: add one to names", have, t, name))
		}
		return &node{Ref: name}
	}
	b.defTypes[name] = t
	b.defs[name] = &node{} // a placeholder while a recursive type is built
	n := make()
	if n.Desc == "" {
		n.Desc = b.c.typeDoc(t)
	}
	n.GoType = path.Base(t.PkgPath()) + "." + t.Name()
	b.defs[name] = n
	return &node{Ref: name}
}

// object is the node of struct t: closed (the decoders refuse unknown members), its
// required members those a request must have (contract.Rules) in a request, those
// the encoder always writes in a result.
func (b *builder) object(t reflect.Type) *node {
	n := &node{Type: "object"}
	for _, f := range fields(t) {
		fn := b.of(f.typ)
		fn.Desc = b.c.fieldDoc(f.owner, f.goName)
		if f.name == "schema" && f.typ.Kind() == reflect.Int {
			// Every document and envelope is format 1 (engine.Schema, policy.Schema).
			fn = &node{Type: "integer", Const: engine.Schema, Desc: fn.Desc}
		}
		required, requiredIn := !f.omit && !b.in, false
		for _, r := range b.rules[fieldKey{t, f.name}] {
			requiredIn = requiredIn || r.Required
			if r.MaxLength > 0 {
				fn.MaxLength, fn.Pattern = r.MaxLength, contract.TextPattern
			}
			if r.MaxItems > 0 {
				fn.MaxItems = r.MaxItems
			}
		}
		required = required || requiredIn
		if b.request[t] && !requiredIn && !fn.Nullable {
			// An optional enum of a document that is read and written (a policy) is
			// written "" when unset, as the encoder writes every member not marked
			// omitempty, and read back so.
			if d := b.defs[fn.Ref]; d != nil && len(d.Enum) > 0 {
				fn = &node{AnyOf: []*node{{Ref: fn.Ref}, {Type: "string", Enum: []string{""}}}, Desc: fn.Desc}
			}
		}
		if required {
			n.Required = append(n.Required, f.name)
		}
		n.Props = append(n.Props, prop{Name: f.name, Node: fn, Optional: !required})
	}
	return n
}

// children are the nodes n holds (not those it refers to by name).
func (n *node) children() []*node {
	out := make([]*node, 0, 2+len(n.Props)+len(n.AnyOf))
	if n.Items != nil {
		out = append(out, n.Items)
	}
	if n.Values != nil {
		out = append(out, n.Values)
	}
	for _, p := range n.Props {
		out = append(out, p.Node)
	}
	return append(out, n.AnyOf...)
}

// reachable returns the definitions n refers to, directly or not, sorted by name.
func (b *builder) reachable(roots ...*node) []string {
	seen := map[string]bool{}
	var walk func(n *node)
	walk = func(n *node) {
		if n == nil {
			return
		}
		if n.Ref != "" && !seen[n.Ref] {
			seen[n.Ref] = true
			walk(b.defs[n.Ref])
		}
		for _, c := range n.children() {
			walk(c)
		}
	}
	for _, r := range roots {
		walk(r)
	}
	var out []string
	for name := range seen {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}
