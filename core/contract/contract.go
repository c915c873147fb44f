// Package contract is the engine's wire contract: the registry of its operations,
// each with the Go types of its request and result, the documents that travel on
// their own (the policy, the claim, the result, the error envelope), and the few
// facts about fields that their Go types do not carry (which request fields the
// engine refuses to go without, the bounds it enforces, enums kept as untyped
// constants). The Go types are the one source: `go generate ./core/contract` reads
// them, and their doc comments, and writes from them the JSON Schemas in schemas/
// (embedded here and served by the county server at /v1/schemas/{name}), the engine
// components of server/api/openapi.json, wasm/js/ncms.d.ts and the field tables of
// docs/wire.md. Reflection runs only then, in the generator; this package holds
// values and bytes.
package contract

//go:generate go run ./cmd/ncms-contract -root ../..

import (
	"embed"
	"io/fs"
	"sort"
	"strings"

	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/enroll"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/core/settle"
)

// Operation is one engine operation's contract.
type Operation struct {
	// Name is the operation's wire name (engine.OpSettle, …).
	Name string
	// Method is the ncms.js method that runs it.
	Method string
	// Summary says what the operation does, in a line.
	Summary string
	// Request is a zero value of the request's Go type.
	Request any
	// RequestOptional says the request may be empty (version takes no request).
	RequestOptional bool
	// Result is a zero value of the result's Go type, the envelope's "result".
	Result any
}

// Operations lists every engine operation in engine.Operations' order.
func Operations() []Operation {
	return []Operation{
		{Name: engine.OpSettle, Method: "settle", Summary: "Settles a claim under a policy: every fen of the bill in exactly one of the funds, the family account, cash and the hospital, with the trace. The claim needs its visit id.",
			Request: engine.SettleRequest{}, Result: settle.Result{}},
		{Name: engine.OpEstimate, Method: "estimate", Summary: "Settles a claim without a visit id, for a family's or a clerk's estimate; nothing is recorded anywhere.",
			Request: engine.SettleRequest{}, Result: settle.Result{}},
		{Name: engine.OpVerifyCard, Method: "verifyCard", Summary: "Checks a card presented at the point of care: number, status, owner, presenter and enrollment; every reason it may not be used.",
			Request: engine.VerifyCardRequest{}, Result: engine.VerifyCardResult{}},
		{Name: engine.OpValidateRoster, Method: "validateRoster", Summary: "Checks a batch card-opening roster (批量开卡花名册) before the bank sees it.",
			Request: engine.RosterRequest{}, Result: engine.RosterResult{}},
		{Name: engine.OpCheckID, Method: "checkId", Summary: "Parses a resident ID number (GB 11643) as of a given day.",
			Request: engine.CheckIDRequest{}, Result: identity.ID{}},
		{Name: engine.OpCardFee, Method: "cardFee", Summary: "The yearly card fee a holder born on a date owes on a day.",
			Request: engine.CardFeeRequest{}, Result: engine.CardFeeResult{}},
		{Name: engine.OpLoadPolicy, Method: "loadPolicy", Summary: "Validates, compiles and adds a policy document to the engine.",
			Request: policy.Policy{}, Result: engine.PolicyInfo{}},
		{Name: engine.OpListPolicies, Method: "listPolicies", Summary: "Lists the loaded policies, by id then effective date.",
			Request: engine.ListRequest{}, Result: []engine.PolicyInfo{}},
		{Name: engine.OpGetPolicy, Method: "getPolicy", Summary: "Returns a loaded policy document in canonical form.",
			Request: engine.GetPolicyRequest{}, Result: policy.Policy{}},
		{Name: engine.OpVersion, Method: "version", Summary: "Names the engine, its envelope schema, its operations and the loaded policies with their hashes.",
			Request: engine.ListRequest{}, RequestOptional: true, Result: engine.VersionInfo{}},
	}
}

// Document is a wire document with a schema of its own besides the operations'.
type Document struct {
	// Name is the schema's name: /v1/schemas/{Name}, schemas/{Name}.json.
	Name string
	// Title says what the document is.
	Title string
	// Type is a zero value of its Go type; nil for the error envelope, which is the
	// envelope with errors and no result.
	Type any
	// Written: the engine writes the document (a result) rather than reads it, so
	// its required members are those always written.
	Written bool
}

// ErrorEnvelope names the schema of the failure envelope.
const ErrorEnvelope = "error"

// Documents lists the documents with schemas of their own.
func Documents() []Document {
	return []Document{
		{Name: "policy", Title: "A county's compensation scheme (补偿方案) as data: the load_policy request and the get_policy result.", Type: policy.Policy{}},
		{Name: "claim", Title: "One visit's bill as a host submits it for settlement: the person, the visit, the lines and the year-to-date totals.", Type: claim.Claim{}},
		{Name: "result", Title: "A settlement's full breakdown: every fen of total in exactly one of funds, familyAccount, cash and hospital, with the trace.", Type: settle.Result{}, Written: true},
		{Name: ErrorEnvelope, Title: "The envelope of a failure: every error found, sorted by path. Match on code, never on the messages."},
	}
}

// Rule is what the wire says of one field beyond its Go type.
type Rule struct {
	// Type is a zero value of the struct that has the field; Field its JSON name.
	Type  any
	Field string
	// Required: the engine refuses a request without the field (field_required,
	// or an error of its own). A field is otherwise optional in a request, as the
	// decoders take its absence for the zero value; in a result every field not
	// marked omitempty is always written, and so is required there.
	Required bool
	// MaxLength bounds a string in characters, and makes it free text as text.Check
	// reads it (TextPattern); MaxItems bounds a list.
	MaxLength int
	MaxItems  int
}

// Rules lists the facts about fields that their types do not carry. A test removes
// each required field from requests the engine accepts and sees it refused.
func Rules() []Rule {
	// limit bounds text fields of t at max characters.
	limit := func(max int, t any, fields ...string) []Rule {
		var rs []Rule
		for _, f := range fields {
			rs = append(rs, Rule{Type: t, Field: f, MaxLength: max})
		}
		return rs
	}
	var rs []Rule
	for _, r := range []struct {
		t      any
		fields []string
	}{
		{engine.SettleRequest{}, []string{"schema", "policy", "claim"}},
		{engine.VerifyCardRequest{}, []string{"schema", "policy", "card", "date"}},
		{engine.RosterRequest{}, []string{"schema", "policy", "today", "rows"}},
		{engine.CheckIDRequest{}, []string{"schema", "id", "today"}},
		{engine.CardFeeRequest{}, []string{"schema", "policy", "birthDate", "on"}},
		{engine.ListRequest{}, []string{"schema"}},
		{engine.GetPolicyRequest{}, []string{"schema", "policy"}},
		{claim.Claim{}, []string{"person", "visit"}},
		{claim.Person{}, []string{"id", "category"}},
		{claim.Visit{}, []string{"type", "class", "admission"}},
		{claim.Item{}, []string{"code", "kind", "class"}},
		{claim.FundTotal{}, []string{"fund"}},
		{policy.Policy{}, []string{"schema", "id", "version"}},
	} {
		for _, f := range r.fields {
			rs = append(rs, Rule{Type: r.t, Field: f, Required: true})
		}
	}
	rs = append(rs, []Rule{
		{Type: claim.Claim{}, Field: "items", MaxItems: claim.MaxItems},
		{Type: claim.Person{}, Field: "enrollment", MaxItems: claim.MaxList},
		{Type: claim.Totals{}, Field: "funds", MaxItems: claim.MaxList},
		{Type: claim.Totals{}, Field: "admissions", MaxItems: claim.MaxList},
		{Type: engine.VerifyCardRequest{}, Field: "enrollment", MaxItems: enroll.MaxYears},
		{Type: engine.RosterRequest{}, Field: "rows", MaxItems: identity.MaxRosterRows},
	}...)
	for _, l := range [][]Rule{
		limit(claim.MaxText, claim.Claim{}, "id"),
		limit(claim.MaxText, claim.Person{}, "name"),
		limit(claim.MaxText, claim.Visit{}, "institution"),
		limit(claim.MaxText, claim.Item{}, "code", "name"),
		limit(policy.MaxName, policy.Policy{}, "nameEn"),
		limit(policy.MaxName, policy.Class{}, "nameEn"),
		limit(policy.MaxName, policy.Category{}, "nameEn"),
		limit(policy.MaxName, policy.Tier{}, "nameEn"),
		limit(policy.MaxName, policy.Pool{}, "nameEn"),
		limit(policy.MaxName, policy.Benefit{}, "nameEn"),
		limit(policy.MaxName, policy.SingleDisease{}, "nameEn"),
		limit(policy.MaxName, policy.Layer{}, "nameEn"),
		limit(policy.MaxClauseNumber, policy.Clause{}, "number", "numberEn"),
		limit(policy.MaxClauseTitle, policy.Clause{}, "title", "titleEn"),
	} {
		rs = append(rs, l...)
	}
	return rs
}

// Money and dates on the wire, as the decoders read them (core/money, core/civil).
const (
	// AmountPattern is an amount in yuan: a decimal string, no sign, at most two
	// decimals and money.MaxIntegerDigits digits before the point (leading zeros
	// aside).
	AmountPattern = `^0*[0-9]{1,12}(\.[0-9]{1,2})?$`
	// RatePattern is a ratio: an optional minus, at most three digits before the
	// point and money.RatePlaces after it.
	RatePattern = `^-?0*[0-9]{1,3}(\.[0-9]{1,4})?$`
	// TextPattern is free text as core/text checks it: no control character (C0, DEL,
	// C1) and no U+FFFD, the mark of bytes a decoder could not read.
	TextPattern = "^[^\\x00-\\x1F\\x7F-\\x9F\uFFFD]*$"
	// DatePattern is a calendar date, YYYY-MM-DD, that exists and is not before 1800
	// (as civil.Parse reads it: 2023-02-29 and 2025-04-31 are not dates), or "" for
	// none.
	DatePattern = `^(` + year + `-(` + monthDay + `)|` + leapYear + `-02-29)?$`

	year     = `(1[89][0-9]{2}|[2-9][0-9]{3})`
	monthDay = `(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31`
	// leapYear: divisible by 4 and not by 100, or by 400.
	leapYear = `((1[89]|[2-9][0-9])(0[48]|[2468][048]|[13579][26])|(2[048]|[3579][26]|[468][048])00)`
)

// The patterns above restate constants of core/money; this keeps them in step at
// compile time (an array of negative length does not compile).
var (
	_ [money.MaxIntegerDigits - 12]struct{}
	_ [12 - money.MaxIntegerDigits]struct{}
	_ [money.RatePlaces - 4]struct{}
	_ [4 - money.RatePlaces]struct{}
)

//go:embed schemas/*.json
var schemas embed.FS

// Schema returns the JSON Schema (draft 2020-12) named name, as committed in
// schemas/: "<op>.request" and "<op>.response" for every operation, and each
// Document's name. ok is false for a name that is not a schema.
func Schema(name string) (b []byte, ok bool) {
	if name == "" || strings.ContainsAny(name, "/\\") || strings.HasPrefix(name, ".") {
		return nil, false
	}
	b, err := schemas.ReadFile("schemas/" + name + ".json")
	return b, err == nil
}

// Names lists the names of every schema, sorted.
func Names() []string {
	entries, err := fs.ReadDir(schemas, "schemas")
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".json"))
	}
	sort.Strings(names)
	return names
}
