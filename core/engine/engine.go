// Package engine is the facade every host calls: JSON request bytes in, JSON response
// bytes out, through the one codec. It holds the loaded policies and dispatches the
// operations — settle, estimate, verify a card, validate a roster, check an ID, load
// and list policies, report versions. It never panics on any input.
package engine

import (
	"errors"
	"sort"
	"sync"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/core/codec"
	"github.com/ruralhealth/ncms/core/policies"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/core/settle"
	"github.com/ruralhealth/ncms/core/trace"
	"github.com/ruralhealth/ncms/core/wire"
)

// Schema is the envelope format version.
const Schema = 1

// Operations, by their wire names.
const (
	OpSettle         = "settle"
	OpEstimate       = "estimate"
	OpVerifyCard     = "verify_card"
	OpValidateRoster = "validate_roster"
	OpCheckID        = "check_id"
	OpCardFee        = "card_fee"
	OpLoadPolicy     = "load_policy"
	OpListPolicies   = "list_policies"
	OpGetPolicy      = "get_policy"
	OpVersion        = "version"
)

// Operations lists every operation name.
func Operations() []string {
	return []string{OpSettle, OpEstimate, OpVerifyCard, OpValidateRoster, OpCheckID, OpCardFee,
		OpLoadPolicy, OpListPolicies, OpGetPolicy, OpVersion}
}

// Engine holds compiled policies and settles claims under them. It is safe for
// concurrent use.
type Engine struct {
	mu       sync.RWMutex
	policies map[string][]*policy.Compiled // id → versions, sorted by effective date
}

// New returns an engine with the given policies loaded.
func New(policies ...*policy.Compiled) (*Engine, error) {
	e := &Engine{policies: map[string][]*policy.Compiled{}}
	for _, p := range policies {
		if err := e.Add(p); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// WithExamples returns an engine with the embedded example policies loaded: the
// documented county schemes hosts ship by default.
func WithExamples() (*Engine, error) {
	ps, err := policies.Compiled()
	if err != nil {
		return nil, err
	}
	return New(ps...)
}

// Add loads a compiled policy. Loading the identical document again is a no-op; a
// different document with the same id and version is a policy_version_conflict.
func (e *Engine) Add(p *policy.Compiled) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	versions := e.policies[p.ID()]
	for _, q := range versions {
		if q.Version() == p.Version() {
			if q.Hash() == p.Hash() {
				return nil
			}
			return core.Errors{core.NewError(core.PolicyConflict, "/version", core.Quote(p.ID())+" "+core.Quote(p.Version()))}
		}
	}
	versions = append(versions, p)
	sort.SliceStable(versions, func(i, j int) bool {
		return versions[i].Policy().Effective.From.Before(versions[j].Policy().Effective.From)
	})
	e.policies[p.ID()] = versions
	return nil
}

// Policies returns every loaded policy ordered by id, then effective date.
func (e *Engine) Policies() []*policy.Compiled {
	e.mu.RLock()
	defer e.mu.RUnlock()
	ids := make([]string, 0, len(e.policies))
	for id := range e.policies {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var out []*policy.Compiled
	for _, id := range ids {
		out = append(out, e.policies[id]...)
	}
	return out
}

// Find returns the policy with the id and version; with an empty version, the latest
// version in effect on date (or, with a zero date, the latest loaded).
func (e *Engine) Find(id, version string, date civil.Date) (*policy.Compiled, error) {
	e.mu.RLock()
	versions := e.policies[id]
	e.mu.RUnlock()
	if len(versions) == 0 {
		return nil, core.Errors{core.NewError(core.PolicyNotFound, "/policy", core.Quote(id))}
	}
	for i := len(versions) - 1; i >= 0; i-- {
		p := versions[i]
		switch {
		case version != "":
			if p.Version() == version {
				return p, nil
			}
		case date.IsZero() || !date.Valid():
			return p, nil
		case p.Policy().Effective.Contains(date):
			return p, nil
		}
	}
	if version != "" {
		return nil, core.Errors{core.NewError(core.PolicyNotFound, "/version", core.Quote(id)+" "+core.Quote(version))}
	}
	return nil, core.Errors{core.NewErrorText(core.PolicyNotEffective, "/claim/visit/admission",
		core.Quote(id)+" on "+date.String(), core.Quote(id)+"，"+date.String())}
}

// FindFor returns the policy a claim settles under: with no version pinned, the
// version in effect on the admission date, unless that version says the discharge
// date decides (visitDate "discharge"), when it is the version in effect on the
// discharge date. A stay across a new year's scheme then settles as the county says.
func (e *Engine) FindFor(id, version string, c *claim.Claim) (*policy.Compiled, error) {
	p, err := e.Find(id, version, c.Visit.Admission)
	d := c.Visit.Discharge
	if err != nil || version != "" || p.Policy().VisitDate != policy.VisitDateDischarge || d.IsZero() || !d.Valid() {
		return p, err
	}
	q, err := e.Find(id, "", d)
	if core.ErrorCode(err) == core.PolicyNotEffective {
		return nil, core.Errors{core.NewErrorText(core.PolicyNotEffective, "/claim/visit/discharge",
			core.Quote(id)+" on "+d.String(), core.Quote(id)+"，"+d.String())}
	}
	return q, err
}

// Settle settles a claim under the loaded policy it names. It validates the claim
// fully and requires a visit id; hosts that have their own request types call this.
func (e *Engine) Settle(policyID, version string, c *claim.Claim, requireID bool) (*settle.Result, error) {
	p, err := e.FindFor(policyID, version, c)
	if err != nil {
		return nil, err
	}
	var es core.Errors
	if requireID && c.ID == "" {
		es.AddText(core.FieldRequired, "/claim/id", "a settlement needs the visit id", "结算须有就诊编号")
	}
	res, err := settle.Run(p, c)
	if err != nil {
		es = append(es, core.AsErrors(core.Prefix(err, "/claim"))...)
	}
	if err := es.Err(); err != nil {
		return nil, err
	}
	return res, nil
}

// Explain words a settlement for people in lang, "zh" or "en" (settle.Explain): each
// trace step's sentence and the clause it cites, fund names in the language. c and r
// are the claim and the result Settle returned for it; hosts with request types of
// their own call this when they show the explanation.
func (e *Engine) Explain(c *claim.Claim, r *settle.Result, lang string) error {
	if err := checkLang(trace.Lang(lang)); err != nil {
		return err
	}
	p, err := e.resultPolicy(r)
	if err != nil {
		return err
	}
	settle.Explain(p, c, r, lang)
	return nil
}

// Profile adds the output profile to a settlement Settle returned for hosts with
// request types of their own (see SettleRequest.Profile): with "national", the
// result's National, its setl_proc_info in lang. An empty profile adds nothing.
func (e *Engine) Profile(r *settle.Result, profile, lang string) error {
	if err := CheckProfile(profile); err != nil || profile == "" {
		return err
	}
	if err := checkLang(trace.Lang(lang)); err != nil {
		return err
	}
	p, err := e.resultPolicy(r)
	if err != nil {
		return err
	}
	r.National = settle.NationalProfile(p, r, lang)
	return nil
}

// ProfileJSON adds the output profile to a settlement result kept as JSON (a result
// member as the settle operation wrote it), for hosts that store the engine's own
// result and present it in a profile when they answer: the bytes are those the
// settle operation gives when the request asks for the profile. An empty profile
// returns result as it is.
func (e *Engine) ProfileJSON(result []byte, profile, lang string) ([]byte, error) {
	if err := CheckProfile(profile); err != nil || profile == "" {
		return result, err
	}
	var r settle.Result
	if err := codec.Decode(result, &r); err != nil {
		return nil, core.Wrap("engine: reading a settlement result", err)
	}
	if r.National != nil || len(result) == 0 || result[len(result)-1] != '}' {
		return nil, errors.New("engine: a settlement result to profile must be the engine's own, without a profile")
	}
	if err := e.Profile(&r, profile, lang); err != nil {
		return nil, err
	}
	// The profile is the result's last member: splice it in rather than re-encode.
	out := make([]byte, 0, len(result)+1024)
	out = append(out, result[:len(result)-1]...)
	out = append(out, `,"national":`...)
	out, err := r.National.AppendJSON(out)
	if err != nil {
		return nil, err
	}
	return append(out, '}'), nil
}

// resultPolicy is the loaded policy a result was settled under, the very document.
func (e *Engine) resultPolicy(r *settle.Result) (*policy.Compiled, error) {
	p, err := e.Find(r.Policy.ID, r.Policy.Version, civil.Date{})
	if err != nil {
		return nil, err
	}
	if p.Hash() != r.Policy.Hash {
		return nil, core.Errors{core.NewError(core.PolicyConflict, "/policy", r.Policy.ID+" "+r.Policy.Version)}
	}
	return p, nil
}

// Handle runs the named operation on a JSON request and returns the JSON response
// envelope. It never panics: a bug becomes an engine_internal error.
func (e *Engine) Handle(op string, req []byte) (resp []byte) {
	defer func() {
		if r := recover(); r != nil {
			resp = failure(core.Errors{core.NewErrorText(core.EngineInternal, "", core.Recovered(r), "")})
		}
	}()
	var result wire.Encoder
	var err error
	switch op {
	case OpSettle, OpEstimate:
		result, err = e.settle(req, op == OpSettle)
	case OpVerifyCard:
		result, err = e.verifyCard(req)
	case OpValidateRoster:
		result, err = e.validateRoster(req)
	case OpCheckID:
		result, err = checkID(req)
	case OpCardFee:
		result, err = e.cardFee(req)
	case OpLoadPolicy:
		result, err = e.loadPolicy(req)
	case OpListPolicies:
		result, err = e.listPolicies(req)
	case OpGetPolicy:
		return e.getPolicy(req)
	case OpVersion:
		result, err = e.version(req)
	default:
		err = core.Errors{core.NewError(core.RequestUnknownOp, "", core.Quote(op))}
	}
	if err != nil {
		return failure(core.AsErrors(err))
	}
	return success(result)
}

// success is the envelope {"schema":1,"ok":true,"result":…}, written directly: the
// result is left out when it is empty JSON ([] for no policies), as the canonical
// encoding of an envelope with an omitempty result has always done.
func success(result wire.Encoder) []byte {
	size := 256
	if r, ok := result.(*settle.Result); ok {
		size = resultSize(r)
	}
	b := make([]byte, 0, size)
	b = append(b, `{"schema":1,"ok":true`...)
	at := len(b)
	b = append(b, `,"result":`...)
	value := len(b)
	b, err := codec.Append(b, result)
	if err != nil {
		return failure(core.Errors{core.NewErrorText(core.EngineInternal, "", "encoding the result: "+err.Error(), "")})
	}
	if empty(b[value:]) {
		b = b[:at]
	}
	return append(b, '}')
}

// empty reports whether v is empty JSON, which an omitempty member leaves out.
func empty(v []byte) bool {
	switch string(v) {
	case "null", `""`, "{}", "[]":
		return true
	}
	return false
}

// resultSize estimates the encoded size of r from its lists and trace texts, so that
// the response is allocated once.
func resultSize(r *settle.Result) int {
	n := 800 + 240*len(r.Funds) + 240*len(r.Warnings) + 112*len(r.TotalsAfter.Funds) + 32*len(r.TotalsAfter.Admissions)
	if r.National != nil {
		n += 480 + 320*len(r.National.SetlDetail)
	}
	for _, s := range r.Trace {
		n += 64 + len(s.Stage) + len(s.Rule) + len(s.Note)
		if s.Text != "" || s.Clause != "" {
			n += 24 + len(s.Text) + len(s.Clause)
		}
		for _, v := range s.In {
			n += 24 + len(v.Name) + len(v.Value)
		}
		for _, v := range s.Out {
			n += 24 + len(v.Name) + len(v.Value)
		}
	}
	return n
}

// Failure returns the error envelope for errs, for hosts that fail before the engine
// runs (a request too large to read, say).
func Failure(errs core.Errors) []byte { return failure(errs) }

func failure(errs core.Errors) []byte {
	b := []byte(`{"schema":1,"ok":false`)
	at := len(b)
	b = append(b, `,"errors":`...)
	value := len(b)
	b, err := codec.Append(b, errs)
	if empty(b[value:]) {
		b = b[:at]
	}
	b = append(b, '}')
	if err != nil {
		// Error envelopes hold only strings; this cannot fail, but never return nothing.
		return []byte(`{"schema":1,"ok":false,"errors":[{"code":"engine_internal","path":"","message":"internal engine error","messageZh":"引擎内部错误"}]}`)
	}
	return b
}
