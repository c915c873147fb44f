package engine

//go:generate go run github.com/ruralhealth/ncms/core/wire/wiregen SettleRequest VerifyCardRequest VerifyCardResult RosterRequest RosterResult CheckIDRequest CardFeeRequest CardFeeResult PolicyInfo PolicyInfos ListRequest GetPolicyRequest VersionInfo envelopeIn

import (
	"strconv"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/core/codec"
	"github.com/ruralhealth/ncms/core/enroll"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/core/settle"
	"github.com/ruralhealth/ncms/core/trace"
	"github.com/ruralhealth/ncms/core/wire"
)

// SettleRequest asks for a settlement (or an estimate) of a claim under a policy.
type SettleRequest struct {
	Schema int    `json:"schema"`
	Policy string `json:"policy"`
	// Version pins a policy version; empty selects the version in effect on the visit.
	Version string      `json:"version,omitempty"`
	Claim   claim.Claim `json:"claim"`
	// Lang asks for the result explained in "zh" or "en" (settle.Explain): every
	// trace step with its sentence and clause, fund names in the language. Absent or
	// empty, the result has no sentences and its bytes are what they were before
	// explanations existed: hosts that show no trace pay nothing for them.
	Lang trace.Lang `json:"lang,omitempty"`
	// Profile asks for the result in an integrator's terms as well: "national" adds
	// the national settlement interface's setlinfo and setldetail as the result's
	// "national" member (settle.NationalProfile), alongside the engine's own fields.
	// Absent or empty, the result is the engine's alone. It is presentation: no
	// figure changes.
	Profile string `json:"profile,omitempty"`
}

// decode reads a request and checks its schema.
func decode(req []byte, v wire.Decoder, schema *int) error {
	if err := codec.Decode(req, v); err != nil {
		return err
	}
	if *schema != Schema {
		return core.Errors{schemaError()}
	}
	return nil
}

// schemaError is the error for a request whose schema is not this engine's.
func schemaError() *core.Error {
	return core.NewErrorText(core.RequestSchema, "/schema", "want "+strconv.Itoa(Schema), "应为 "+strconv.Itoa(Schema))
}

// today checks a request's "today" at /today: a real date, and present, since the
// check of a birth date after today would otherwise be skipped without a word. The
// engine reads no clock (wasm/ABI.md), so the caller gives the date.
func today(d civil.Date) error {
	if e := d.Check("/today"); e != nil {
		return core.Errors{e}
	}
	if d.IsZero() {
		return core.Errors{core.NewErrorText(core.FieldRequired, "/today",
			"today (YYYY-MM-DD) is needed to refuse a birth date after it; the engine reads no clock",
			"须给出当天日期（YYYY-MM-DD）以拒绝出生日期晚于当天的证件号；引擎不读取时钟")}
	}
	return nil
}

func (e *Engine) settle(req []byte, requireID bool) (wire.Encoder, error) {
	var r SettleRequest
	if err := codec.Decode(req, &r); err != nil {
		return nil, err
	}
	if r.Schema != Schema {
		return nil, core.Errors{schemaError()}
	}
	if r.Policy == "" {
		return nil, core.Errors{core.NewError(core.FieldRequired, "/policy", "")}
	}
	if err := checkLang(r.Lang); err != nil {
		return nil, err
	}
	if err := CheckProfile(r.Profile); err != nil {
		return nil, err
	}
	res, err := e.Settle(r.Policy, r.Version, &r.Claim, requireID)
	if err != nil {
		return nil, err
	}
	if r.Lang != "" {
		if err := e.Explain(&r.Claim, res, string(r.Lang)); err != nil {
			return nil, err
		}
	}
	if r.Profile != "" {
		if err := e.Profile(res, r.Profile, string(r.Lang)); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// CheckProfile accepts the output profiles a result can be asked for in, and none;
// anything else is field_invalid at /profile.
func CheckProfile(profile string) error {
	switch profile {
	case "", settle.ProfileNational:
		return nil
	}
	return core.Errors{core.NotOneOf("/profile", profile, settle.ProfileNational)}
}

// checkLang accepts the languages a result can be explained in, and none.
func checkLang(lang trace.Lang) error {
	switch lang {
	case "", trace.Chinese, trace.English:
		return nil
	}
	return core.Errors{core.NewError(core.FieldInvalid, "/lang", strconv.Quote(string(lang)))}
}

// VerifyCardRequest checks a card presented at the point of care.
type VerifyCardRequest struct {
	Schema int `json:"schema"`
	// Policy is the id of the policy whose card rules (issuers, certificate format)
	// and enrollment rules apply.
	Policy string `json:"policy"`
	// Card is the card's record as the county keeps it.
	Card identity.Card `json:"card"`
	// Presenter is the resident ID of the person presenting the card (冒名顶替 when
	// it is not the owner's).
	Presenter string `json:"presenter"`
	// Date is the day of the visit, which decides enrollment and waiting periods.
	Date civil.Date `json:"date"`
	// Category is the holder's person category (人员类别) under the policy.
	Category string `json:"category"`
	// Enrollment is the card holder's enrollment history.
	Enrollment enroll.History `json:"enrollment"`
}

// VerifyCardResult says whether the card may be used and, if not, every reason.
type VerifyCardResult struct {
	Valid        bool        `json:"valid"`
	Owner        string      `json:"owner"`
	Enrolled     bool        `json:"enrolled"`
	Waiting      bool        `json:"waiting"`
	BenefitsFrom civil.Date  `json:"benefitsFrom"`
	BenefitTier  string      `json:"benefitTier"`
	Problems     core.Errors `json:"problems"`
}

func (e *Engine) verifyCard(req []byte) (wire.Encoder, error) {
	var r VerifyCardRequest
	if err := decode(req, &r, &r.Schema); err != nil {
		return nil, err
	}
	if e := r.Date.Check("/date"); e != nil {
		return nil, core.Errors{e}
	}
	if r.Date.IsZero() {
		return nil, core.Errors{core.NewError(core.FieldRequired, "/date", "")}
	}
	if len(r.Enrollment) > enroll.MaxYears {
		return nil, core.Errors{core.NewErrorText(core.FieldInvalid, "/enrollment",
			"more than "+strconv.Itoa(enroll.MaxYears)+" years", "超过 "+strconv.Itoa(enroll.MaxYears)+" 个年度")}
	}
	p, err := e.Find(r.Policy, "", r.Date)
	if err != nil {
		return nil, err
	}
	problems := identity.VerifyCard(r.Card, r.Presenter, r.Date, p.Policy().Cards.Issuers)
	if r.Card.Certificate != "" && !p.Certificate(r.Card.Certificate) {
		problems = append(problems, core.NewError(core.CertificateFormat, "/card/certificate", ""))
	}
	st := enroll.Check(p, r.Category, r.Enrollment, r.Date)
	if !st.Enrolled || st.Waiting {
		problems = append(problems, core.NewError(core.CardNotEnrolled, "/enrollment", r.Date.String()))
	}
	problems = sorted(problems)
	return &VerifyCardResult{
		Valid: len(problems) == 0, Owner: identity.Mask(r.Card.Owner),
		Enrolled: st.Enrolled, Waiting: st.Waiting, BenefitsFrom: st.BenefitsFrom, BenefitTier: st.BenefitTier,
		Problems: problems,
	}, nil
}

// RosterRequest validates a batch card-opening roster (批量开卡花名册).
type RosterRequest struct {
	Schema int `json:"schema"`
	// Policy is the id of the policy whose certificate format applies.
	Policy string `json:"policy"`
	// Today is the day of the check, against which birth dates in IDs are read; the
	// engine reads no clock.
	Today civil.Date `json:"today"`
	// Rows are the roster's households, in file order.
	Rows identity.Roster `json:"rows"`
}

// RosterResult lists the first core.MaxListed problems in file order (by row, and
// within a row by field) and counts every problem, in all and by code. A roster of
// 100,000 bad rows has some 600,000 problems: listed whole they made a 126 MB answer
// to a 300 KB request, a lever on any host's memory.
type RosterResult struct {
	Valid bool `json:"valid"`
	Rows  int  `json:"rows"`
	core.Tally
}

func (e *Engine) validateRoster(req []byte) (wire.Encoder, error) {
	var r RosterRequest
	if err := decode(req, &r, &r.Schema); err != nil {
		return nil, err
	}
	if err := today(r.Today); err != nil {
		return nil, err
	}
	p, err := e.Find(r.Policy, "", r.Today)
	if err != nil {
		return nil, err
	}
	t := identity.ValidateRoster(p, r.Rows, r.Today, core.MaxListed)
	return &RosterResult{Valid: t.ProblemCount == 0, Rows: len(r.Rows), Tally: t}, nil
}

// CheckIDRequest checks one resident ID number.
type CheckIDRequest struct {
	Schema int `json:"schema"`
	// ID is the resident ID number: 18 characters (a final x is accepted) or an old
	// 15-digit one, which is upgraded.
	ID string `json:"id"`
	// Today is the day of the check: a birth date after it is refused. The engine
	// reads no clock.
	Today civil.Date `json:"today"`
}

func checkID(req []byte) (wire.Encoder, error) {
	var r CheckIDRequest
	if err := decode(req, &r, &r.Schema); err != nil {
		return nil, err
	}
	if err := today(r.Today); err != nil {
		return nil, err
	}
	id, err := identity.ParseID(r.ID, r.Today)
	if err != nil {
		return nil, core.Prefix(err, "/id")
	}
	return &id, nil
}

// CardFeeRequest asks for the yearly card fee of a holder.
type CardFeeRequest struct {
	Schema int `json:"schema"`
	// Policy is the id of the policy whose card fee applies.
	Policy string `json:"policy"`
	// Birth is the holder's birth date, which decides an exemption by age.
	Birth civil.Date `json:"birthDate"`
	// On is the day the fee is charged.
	On civil.Date `json:"on"`
}

// CardFeeResult is the fee due.
type CardFeeResult struct {
	Fee money.Amount `json:"fee"`
}

func (e *Engine) cardFee(req []byte) (wire.Encoder, error) {
	var r CardFeeRequest
	if err := decode(req, &r, &r.Schema); err != nil {
		return nil, err
	}
	var es core.Errors
	for _, d := range []struct {
		d    civil.Date
		path string
	}{{r.Birth, "/birthDate"}, {r.On, "/on"}} {
		if e := d.d.Check(d.path); e != nil {
			es = append(es, e)
		} else if d.d.IsZero() {
			es.Add(core.FieldRequired, d.path, "")
		}
	}
	if err := es.Err(); err != nil {
		return nil, err
	}
	p, err := e.Find(r.Policy, "", r.On)
	if err != nil {
		return nil, err
	}
	return &CardFeeResult{Fee: identity.Fee(p, r.Birth, r.On)}, nil
}

// PolicyInfo describes a loaded policy.
type PolicyInfo struct {
	ID           string        `json:"id"`
	Version      string        `json:"version"`
	Name         string        `json:"name"`
	NameEn       string        `json:"nameEn,omitempty"`
	Region       string        `json:"region"`
	Scheme       policy.Scheme `json:"scheme"`
	Effective    policy.Period `json:"effective"`
	Source       string        `json:"source"`
	Illustrative bool          `json:"illustrative"`
	Hash         string        `json:"hash"`
}

func info(p *policy.Compiled) PolicyInfo {
	d := p.Policy()
	return PolicyInfo{ID: d.ID, Version: d.Version, Name: d.Name, NameEn: d.NameEn, Region: d.Region, Scheme: d.Scheme,
		Effective: d.Effective, Source: d.Source, Illustrative: d.Illustrative, Hash: p.Hash()}
}

// LoadPolicy decodes, validates, compiles and adds a policy document.
func (e *Engine) LoadPolicy(doc []byte) (*policy.Compiled, error) {
	var p policy.Policy
	if err := codec.Decode(doc, &p); err != nil {
		return nil, err
	}
	c, err := policy.Compile(p)
	if err != nil {
		return nil, err
	}
	if err := e.Add(c); err != nil {
		return nil, err
	}
	return c, nil
}

func (e *Engine) loadPolicy(req []byte) (wire.Encoder, error) {
	c, err := e.LoadPolicy(req)
	if err != nil {
		return nil, err
	}
	i := info(c)
	return &i, nil
}

// PolicyInfos is the list_policies result.
type PolicyInfos []PolicyInfo

// ListRequest is the (empty) request to list policies.
type ListRequest struct {
	Schema int `json:"schema"`
}

func (e *Engine) listPolicies(req []byte) (wire.Encoder, error) {
	var r ListRequest
	if err := decode(req, &r, &r.Schema); err != nil {
		return nil, err
	}
	out := PolicyInfos{}
	for _, p := range e.Policies() {
		out = append(out, info(p))
	}
	return out, nil
}

// GetPolicyRequest names a policy to return in canonical form.
type GetPolicyRequest struct {
	Schema int `json:"schema"`
	// Policy is the policy's id.
	Policy string `json:"policy"`
	// Version names a version; empty, the latest loaded.
	Version string `json:"version,omitempty"`
}

func (e *Engine) getPolicy(req []byte) []byte {
	var r GetPolicyRequest
	if err := decode(req, &r, &r.Schema); err != nil {
		return failure(core.AsErrors(err))
	}
	p, err := e.Find(r.Policy, r.Version, civil.Date{})
	if err != nil {
		return failure(core.AsErrors(err))
	}
	// The canonical document is already encoded; splice it in rather than re-encode.
	out := []byte(`{"schema":1,"ok":true,"result":`)
	out = append(out, p.Canonical()...)
	return append(out, '}')
}

// VersionInfo reports what computes the results.
type VersionInfo struct {
	Engine     string      `json:"engine"`
	Schema     int         `json:"schema"`
	Operations []string    `json:"operations"`
	Policies   []PolicyRef `json:"policies"`
}

// PolicyRef is a policy's identity.
type PolicyRef struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	Hash    string `json:"hash"`
}

func (e *Engine) version(req []byte) (wire.Encoder, error) {
	if len(req) > 0 {
		var r ListRequest
		if err := decode(req, &r, &r.Schema); err != nil {
			return nil, err
		}
	}
	v := VersionInfo{Engine: core.EngineVersion, Schema: Schema, Operations: Operations(), Policies: []PolicyRef{}}
	for _, p := range e.Policies() {
		v.Policies = append(v.Policies, PolicyRef{ID: p.ID(), Version: p.Version(), Hash: p.Hash()})
	}
	return &v, nil
}

// sorted returns the problems ordered by path, and an empty list rather than nil so
// hosts always see an array.
func sorted(es core.Errors) core.Errors {
	if err := es.Err(); err != nil {
		return err.(core.Errors)
	}
	return core.Errors{}
}
