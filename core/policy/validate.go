package policy

import (
	"strconv"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/money"
)

// checker accumulates every problem found in a policy, with JSON-pointer paths.
type checker struct {
	es   core.Errors
	refs map[string]map[string]bool // set name → codes defined
}

func (c *checker) add(code core.Code, path, detail string) { c.es.Add(code, path, detail) }

// say adds an error whose detail is in words, in English and in Chinese.
func (c *checker) say(code core.Code, path, en, zh string) { c.es.AddText(code, path, en, zh) }

func (c *checker) amount(a money.Amount, path string) {
	if e := a.Check(path); e != nil {
		c.es = append(c.es, e)
	}
}

func (c *checker) optAmount(a *money.Amount, path string) {
	if a != nil {
		c.amount(*a, path)
	}
}

// unit checks a rate that must lie in [0, 1].
func (c *checker) unit(r money.Rate, path string) {
	if e := r.Check(path); e != nil {
		c.es = append(c.es, e)
		return
	}
	if !r.InUnit() {
		c.add(core.RateInvalid, path, r.String())
	}
}

// points checks a rate adjustment that must lie in [-1, 1].
func (c *checker) points(r money.Rate, path string) {
	if e := r.Check(path); e != nil {
		c.es = append(c.es, e)
		return
	}
	if r.Cmp(money.One()) > 0 || r.Cmp(money.MustRate("-1")) < 0 {
		c.add(core.RateInvalid, path, r.String())
	}
}

func (c *checker) required(s, path string) bool {
	if s == "" {
		c.add(core.FieldRequired, path, "")
		return false
	}
	return true
}

// It is generic so that a typed wire enum is checked against its own constants.
func oneOf[T ~string](c *checker, s T, path string, allowed ...T) {
	if !c.required(string(s), path) {
		return
	}
	for _, a := range allowed {
		if s == a {
			return
		}
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	c.notOneOf(string(s), path, names...)
}

// notOneOf reports s at path as not one of the allowed values.
func (c *checker) notOneOf(s, path string, allowed ...string) {
	c.es = append(c.es, core.NotOneOf(path, s, allowed...))
}

func (c *checker) nonNegative(n int, path string) {
	if n < 0 {
		c.say(core.FieldInvalid, path, "must not be negative", "不能为负数")
	}
}

// define records a code in a set, reporting duplicates and empty codes.
func (c *checker) define(set, code, path string) {
	if !c.required(code, path) {
		return
	}
	if set == "fund" && (code == FundSingleDisease || code == FundMaternity) {
		c.say(core.FieldInvalid, path, core.Quote(code)+" is reserved for payments without a pool", core.Quote(code)+" 留作不计入累计池的支付")
	}
	if c.refs[set] == nil {
		c.refs[set] = map[string]bool{}
	}
	if c.refs[set][code] {
		c.add(core.PolicyDuplicate, path, core.Quote(code))
	}
	c.refs[set][code] = true
}

// ref checks that each code names a member of a set.
func (c *checker) ref(set string, codes []string, path string) {
	for i, code := range codes {
		if !c.refs[set][code] {
			c.add(core.PolicyReference, path+"/"+strconv.Itoa(i), strconv.Quote(set)+" "+core.Quote(code))
		}
	}
}

// idRule says what validID accepts.
const (
	idRule   = "letters, digits, '.', '_' and '-' only, at most 64"
	idRuleZh = "只能由字母、数字及 '.'、'_'、'-' 组成，至多 64 个字符"
)

// validID reports whether s is a policy id or version: a letter or digit, then up to
// 63 letters, digits, '.', '_' and '-'.
func validID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '.' && c != '_' && c != '-') {
			return false
		}
	}
	return true
}

// Validate returns every problem with the policy, sorted by path, or nil.
func (p *Policy) Validate() error {
	c := &checker{refs: map[string]map[string]bool{}}
	if p.Schema != Schema {
		c.say(core.RequestSchema, "/schema", strconv.Itoa(p.Schema)+", want "+strconv.Itoa(Schema), strconv.Itoa(p.Schema)+"，应为 "+strconv.Itoa(Schema))
	}
	if c.required(p.ID, "/id") && !validID(p.ID) {
		c.say(core.FieldInvalid, "/id", idRule, idRuleZh)
	}
	if c.required(p.Version, "/version") && !validID(p.Version) {
		c.say(core.FieldInvalid, "/version", idRule, idRuleZh)
	}
	c.required(p.Name, "/name")
	if c.required(p.Region, "/region") && (len(p.Region) != 6 || !digitsOnly(p.Region)) {
		c.say(core.FieldInvalid, "/region", "6-digit region code", "须为 6 位地区码")
	}
	oneOf(c, p.Scheme, "/scheme", SchemeNCMS, SchemeResident)
	c.period(p.Effective, "/effective")
	oneOf(c, p.VisitDate, "/visitDate", VisitDateAdmission, VisitDateDischarge)
	c.required(p.Source, "/source")
	c.rounding(p.Rounding, "/rounding", true)

	if len(p.Classes) == 0 {
		c.say(core.FieldRequired, "/facilityClasses", "at least one class", "至少一个医疗机构类别")
	}
	for i, cl := range p.Classes {
		c.define("facility class", cl.Code, "/facilityClasses/"+strconv.Itoa(i)+"/code")
	}
	for i, t := range p.Tiers {
		path := "/tiers/" + strconv.Itoa(i)
		c.define("tier", t.Code, path+"/code")
		c.amount(t.Contribution, path+"/contribution")
		c.amount(t.Individual, path+"/individual")
	}
	if len(p.Categories) == 0 {
		c.say(core.FieldRequired, "/categories", "at least one category", "至少一个人员类别")
	}
	for i, cat := range p.Categories {
		path := "/categories/" + strconv.Itoa(i)
		c.define("category", cat.Code, path+"/code")
		if cat.BenefitTier != "" {
			c.ref("tier", []string{cat.BenefitTier}, path+"/benefitTier")
		}
		c.points(cat.RatePoints, path+"/ratePoints")
	}
	c.unit(p.Catalogue.ClassB, "/catalogue/classB")
	for i, kr := range p.Catalogue.ClassBByKind {
		path := "/catalogue/classBByKind/" + strconv.Itoa(i)
		c.define("item kind", kr.Kind, path+"/kind")
		c.unit(kr.Rate, path+"/rate")
	}
	e := p.Enrollment
	c.nonNegative(e.FirstWaitMonths, "/enrollment/firstWaitMonths")
	c.nonNegative(e.LapseMonths, "/enrollment/lapseMonths")
	c.nonNegative(e.LapseWaitMonths, "/enrollment/lapseWaitMonths")
	c.nonNegative(e.UpgradeWaitMonths, "/enrollment/upgradeWaitMonths")
	if k := p.Continuity; k != nil {
		c.nonNegative(k.RateAfterYears, "/continuity/rateAfterYears")
		c.unit(k.RateStep, "/continuity/rateStep")
		c.unit(k.RateMax, "/continuity/rateMax")
		for i, s := range k.CapSteps {
			path := "/continuity/capSteps/" + strconv.Itoa(i)
			if s.Years <= 0 || (i > 0 && s.Years <= k.CapSteps[i-1].Years) {
				c.say(core.FieldInvalid, path+"/years", "steps must have ascending positive years", "各档年数须为正数并递增")
			}
			c.unit(s.Bonus, path+"/bonus")
		}
	}
	if len(p.Pools) == 0 {
		c.say(core.FieldRequired, "/pools", "at least one pool", "至少一个累计池")
	}
	for i, pool := range p.Pools {
		path := "/pools/" + strconv.Itoa(i)
		c.define("fund", pool.ID, path+"/id")
		c.amount(pool.Cap, path+"/cap")
		if pool.ContinuityBonus && p.Continuity == nil {
			c.say(core.PolicyReference, path+"/continuityBonus", "the policy has no continuity settings", "方案未设连续参合规定")
		}
	}
	for i, sd := range p.SingleDiseases {
		path := "/singleDiseases/" + strconv.Itoa(i)
		c.define("disease", sd.Code, path+"/code")
		c.required(sd.Name, path+"/name")
		c.amount(sd.Fund, path+"/fund")
		c.amount(sd.Patient, path+"/patient")
		c.ref("facility class", sd.Classes, path+"/classes")
		oneOf(c, sd.Below, path+"/below", BelowPatientFirst, BelowFundFirst, BelowProportional, BelowRegular)
		oneOf(c, sd.Outside, path+"/outside", OutsideRegular, OutsideRefuse)
		if sd.Pool != "" {
			c.ref("fund", []string{sd.Pool}, path+"/pool")
		}
	}
	if len(p.Benefits) == 0 {
		c.say(core.FieldRequired, "/benefits", "at least one benefit", "至少一项补偿规定")
	}
	for i, b := range p.Benefits {
		c.benefit(p, b, "/benefits/"+strconv.Itoa(i))
	}
	if m := p.Maternity; m != nil {
		c.nonNegative(m.MinYearsPaid, "/maternity/minYearsPaid")
		if len(m.Subsidies) == 0 {
			c.say(core.FieldRequired, "/maternity/subsidies", "at least one subsidy", "至少一项补助")
		}
		for i, s := range m.Subsidies {
			path := "/maternity/subsidies/" + strconv.Itoa(i)
			oneOf(c, Delivery(s.Delivery), path+"/delivery", DeliveryNormal, DeliveryDifficult, DeliveryMultiple)
			if s.Tier != "" {
				c.ref("tier", []string{s.Tier}, path+"/tier")
			}
			c.amount(s.Amount, path+"/amount")
		}
		if m.Pool != "" {
			c.ref("fund", []string{m.Pool}, "/maternity/pool")
		}
	}
	for i, l := range p.Layers {
		c.layer(l, "/layers/"+strconv.Itoa(i))
	}
	if fa := p.FamilyAccount; fa != nil {
		c.amount(fa.PerPerson, "/familyAccount/perPerson")
		c.visitTypes(fa.VisitTypes, "/familyAccount/visitTypes")
		oneOf(c, fa.Covers, "/familyAccount/covers", BasePersonal, BaseScopePersonal)
	}
	if n := p.National; n != nil {
		c.national(n)
	}
	for i, is := range p.Cards.Issuers {
		if is == "" || len(is) > 10 || !digitsOnly(is) {
			c.say(core.FieldInvalid, "/cards/issuers/"+strconv.Itoa(i), "1 to 10 digits", "须为 1 至 10 位数字")
		}
	}
	if p.Cards.Certificate != "" {
		if _, err := certificatePattern(p.Cards.Certificate); err != nil {
			c.say(core.FieldInvalid, "/cards/certificate", err.Error(), "不是受支持的号码格式")
		}
	}
	c.amount(p.Cards.Fee, "/cards/fee")
	c.nonNegative(p.Cards.FeeExemptAge, "/cards/feeExemptAge")
	oneOf(c, p.Cards.FeeAgeOn, "/cards/feeAgeOn", AgeOnYearStart, AgeOnDate)
	c.unit(p.Audit.DrugShare, "/audit/drugShare")
	c.rounding(p.Reports.PerCapita, "/reports/perCapita", false)
	c.words(p)
	return c.es.Err()
}

func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func (c *checker) period(p Period, path string) {
	if e := p.From.Check(path + "/from"); e != nil {
		c.es = append(c.es, e)
	} else if p.From.IsZero() {
		c.add(core.FieldRequired, path+"/from", "")
	}
	if e := p.To.Check(path + "/to"); e != nil {
		c.es = append(c.es, e)
	} else if !p.To.IsZero() && p.To.Before(p.From) {
		c.say(core.DateOrder, path+"/to", "ends before it starts", "结束早于开始")
	}
}

func (c *checker) rounding(r Rounding, path string, money bool) {
	if r.Scale < 0 || r.Scale > 4 {
		c.say(core.FieldInvalid, path+"/scale", "0 to 4 decimals", "须为 0 至 4 位小数")
	}
	if !r.Mode.Valid() {
		c.notOneOf(string(r.Mode), path+"/mode", "half_up", "half_even", "down", "up")
	}
	if money {
		if r.Scale > 2 {
			c.say(core.FieldInvalid, path+"/scale", "money is paid in whole fen: at most 2 decimals", "支付金额以分为单位：至多 2 位小数")
		}
		oneOf(c, r.PreSelfPay, path+"/preSelfPay", PreSelfPayLine, PreSelfPayTotal)
	}
}

func (c *checker) visitTypes(vs []string, path string) {
	if len(vs) == 0 {
		c.say(core.FieldRequired, path, "at least one visit type", "至少一种就诊类型")
	}
	for i, v := range vs {
		oneOf(c, VisitType(v), path+"/"+strconv.Itoa(i), VisitTypes()...)
	}
}

func (c *checker) benefit(p *Policy, b Benefit, path string) {
	c.define("benefit", b.ID, path+"/id")
	c.visitTypes(b.VisitTypes, path+"/visitTypes")
	c.ref("facility class", b.Classes, path+"/classes")
	c.ref("tier", b.Tiers, path+"/tiers")
	c.ref("category", b.Categories, path+"/categories")
	if c.required(b.Pool, path+"/pool") {
		c.ref("fund", []string{b.Pool}, path+"/pool")
	}
	oneOf(c, b.Kind, path+"/kind", KindRatio, KindCappedFee)
	d := b.Deductible
	oneOf(c, d.Basis, path+"/deductible/basis", PerAdmission, PerYear, NoDeductible)
	c.amount(d.First, path+"/deductible/first")
	c.optAmount(d.Later, path+"/deductible/later")
	if d.Later != nil {
		oneOf(c, d.Count, path+"/deductible/count", CountClass, CountAll)
		if d.Basis != PerAdmission {
			c.say(core.FieldInvalid, path+"/deductible/later", "a later-admission deductible needs basis \"admission\"", "再次住院起付线须以 \"admission\" 为计算基础")
		}
	}
	switch b.Kind {
	case KindRatio:
		c.schedule(b.Ratio, path+"/ratio")
	case KindCappedFee:
		if b.PatientLimit == nil {
			c.say(core.FieldRequired, path+"/patientLimit", "capped-fee care needs the patient's limit", "限额收费须给出患者自付限额")
		}
		c.unused(b.Ratio, path+"/ratio")
	}
	c.optAmount(b.PatientLimit, path+"/patientLimit")
	c.optAmount(b.VisitCap, path+"/visitCap")
	c.optAmount(b.AnnualCap, path+"/annualCap")
	if b.Referral.Required {
		oneOf(c, b.Referral.Missing, path+"/referral/missing", ReferralReduce, ReferralRefuse)
	}
	c.unit(b.Referral.Points, path+"/referral/points")
	if b.ContinuityBonus && p.Continuity == nil {
		c.say(core.PolicyReference, path+"/continuityBonus", "the policy has no continuity settings", "方案未设连续参合规定")
	}
}

func (c *checker) schedule(s Schedule, path string) {
	oneOf(c, s.Method, path+"/method", Excess, Whole)
	oneOf(c, s.Axis, path+"/axis", AxisCost, AxisAbove)
	if len(s.Bands) == 0 {
		c.say(core.FieldRequired, path+"/bands", "at least one band", "至少一个分段")
	}
	for i, b := range s.Bands {
		bp := path + "/bands/" + strconv.Itoa(i)
		c.amount(b.From, bp+"/from")
		c.unit(b.Rate, bp+"/rate")
		switch {
		case i == 0 && !b.From.IsZero():
			c.say(core.PolicyBandOrder, bp+"/from", "the first band starts at 0", "第一段须从 0 开始")
		case i > 0 && b.From.Cmp(s.Bands[i-1].From) <= 0:
			c.say(core.PolicyBandOrder, bp+"/from", b.From.String()+" does not ascend", b.From.String()+" 未递增")
		}
	}
}

// unused checks a schedule the rule does not apply: it may be left out, but whatever
// it holds must still be valid, so the canonical form and hash are well defined.
func (c *checker) unused(s Schedule, path string) {
	if s.Method == "" && s.Axis == "" && len(s.Bands) == 0 {
		return
	}
	c.schedule(s, path)
}

func (c *checker) layer(l Layer, path string) {
	c.define("fund", l.ID, path+"/id")
	c.required(l.Name, path+"/name")
	oneOf(c, l.Kind, path+"/kind", LayerCatastrophic, LayerSupplementary, LayerTopUp, LayerAssistance, LayerCeiling)
	c.visitTypes(l.VisitTypes, path+"/visitTypes")
	c.ref("category", l.Categories, path+"/categories")
	oneOf(c, l.Basis, path+"/basis", BasisClaim, BasisYear)
	c.amount(l.Threshold, path+"/threshold")
	c.optAmount(l.Cap, path+"/cap")
	switch l.Mode {
	case ModeRatio:
		oneOf(c, l.Base, path+"/base", BaseScopePersonal, BasePersonal)
		c.schedule(l.Ratio, path+"/ratio")
	case ModeTopUp:
		oneOf(c, l.Base, path+"/base", BaseScope, BaseTotal)
		c.unit(l.Target, path+"/target")
		c.unused(l.Ratio, path+"/ratio")
		if l.Basis != BasisClaim {
			c.say(core.FieldInvalid, path+"/basis", "a top-up reaches its target per claim: basis \"claim\"", "补足到目标比例按单次结算计算：计算基础须为 \"claim\"")
		}
	default:
		oneOf(c, l.Mode, path+"/mode", ModeRatio, ModeTopUp)
	}
}

// national checks the fund type mapping: each entry names a fund the policy pays
// from, once, with a six-digit code.
func (c *checker) national(n *National) {
	seen := map[string]bool{}
	for i, ft := range n.FundTypes {
		path := "/national/fundTypes/" + strconv.Itoa(i)
		if c.required(ft.Fund, path+"/fund") {
			switch {
			case seen[ft.Fund]:
				c.add(core.PolicyDuplicate, path+"/fund", core.Quote(ft.Fund))
			case ft.Fund != FundSingleDisease && ft.Fund != FundMaternity && !c.refs["fund"][ft.Fund]:
				c.add(core.PolicyReference, path+"/fund", strconv.Quote("fund")+" "+core.Quote(ft.Fund))
			}
			seen[ft.Fund] = true
		}
		if c.required(ft.Type, path+"/type") && (len(ft.Type) != 6 || !digitsOnly(ft.Type)) {
			c.say(core.FieldInvalid, path+"/type", "a six-digit national fund type code, e.g. \"390100\"", "须为 6 位国家基金支付类型代码，如 \"390100\"")
		}
	}
}
