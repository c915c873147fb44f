package trace

import "strings"

// Lang is a language a trace is explained in: its value is the wire value of
// "lang".
type Lang string

// Languages a trace is explained in.
const (
	Chinese Lang = "zh"
	English Lang = "en"
)

// Kinds of ids a Glossary names.
const (
	NameBenefit = "benefit"
	NameDisease = "disease"
	NameTier    = "tier"
	NameLayer   = "layer"
)

// Glossary gives the words a sentence uses instead of ids and pointers: a compiled
// policy is one. Name returns the display name of the benefit, disease, tier or layer
// with the id (kind is "benefit", "disease", "tier" or "layer"), Clause the citation
// of the article a rule (a step's JSON pointer) comes from, "" when none.
type Glossary interface {
	Name(kind, id, lang string) string
	Clause(rule, lang string) string
}

// Explain fills in each step's Text and Clause in the language ("zh" or "en";
// anything else is English), with names and clauses from g (which may be nil: ids
// are then shown as they are and no clause is cited). The wording is for people and
// may change; hosts that need the numbers read the steps' values.
func Explain(steps []Step, lang string, g Glossary) {
	for i := range steps {
		s := &steps[i]
		s.Text = Sentence(*s, lang, g)
		s.Clause = ""
		if g != nil && s.Rule != "" {
			s.Clause = g.Clause(s.Rule, lang)
		}
	}
}

// Render returns one sentence per step, as Explain words them.
func Render(steps []Step, lang string, g Glossary) []string {
	out := make([]string, len(steps))
	for i, s := range steps {
		out[i] = Sentence(s, lang, g)
	}
	return out
}

// Sentence renders one step. A note without wording renders as the note itself; a
// value the wording names but the step lacks renders as "?".
func Sentence(s Step, lang string, g Glossary) string {
	if Lang(lang) != Chinese {
		lang = string(English)
	}
	zh, en := template(s.Note)
	t := en
	if Lang(lang) == Chinese {
		t = zh
	}
	if t == "" {
		t = s.Note
	}
	var b strings.Builder
	b.Grow(len(t) + 32)
	for {
		i := strings.IndexByte(t, '{')
		if i < 0 {
			b.WriteString(t)
			break
		}
		j := strings.IndexByte(t[i:], '}')
		if j < 0 {
			b.WriteString(t)
			break
		}
		b.WriteString(t[:i])
		b.WriteString(word(s, t[i+1:i+j], lang, g))
		t = t[i+j+1:]
	}
	return b.String()
}

// word is the text a placeholder stands for: the step's value of that name, put in
// words when the value is an id (a benefit, disease, tier or layer the glossary
// names) or a setting (delivery type, rounding mode, below-price rule).
func word(s Step, name, lang string, g Glossary) string {
	v, ok := lookup(s, name)
	if !ok {
		return "?"
	}
	if kind, isID := named[name]; isID {
		if g != nil {
			return g.Name(kind, v, lang)
		}
		return v
	}
	if w, ok := settings[name+"="+v]; ok {
		if Lang(lang) == Chinese {
			return w[0]
		}
		return w[1]
	}
	return v
}

func lookup(s Step, name string) (string, bool) {
	for _, v := range s.Out {
		if v.Name == name {
			return v.Value, true
		}
	}
	for _, v := range s.In {
		if v.Name == name {
			return v.Value, true
		}
	}
	return "", false
}

// named maps the placeholders whose values are ids to the kind of thing they name.
var named = map[string]string{
	"benefit": NameBenefit,
	"disease": NameDisease,
	"tier":    NameTier,
	"layer":   NameLayer, // the layer steps record the layer's id
}

// settings words the values of settings a sentence names: placeholder=value →
// Chinese, English.
var settings = map[string][2]string{
	"delivery=normal":     {"顺产", "normal delivery"},
	"delivery=difficult":  {"难产", "difficult delivery"},
	"delivery=multiple":   {"多胞胎", "multiple birth"},
	"mode=half_up":        {"四舍五入", "half up"},
	"mode=half_even":      {"四舍六入五成双", "half to even"},
	"mode=down":           {"舍去", "down"},
	"mode=up":             {"进位", "up"},
	"below=patient_first": {"个人先付足定额自付部分", "the patient's fixed share first"},
	"below=fund_first":    {"基金先付足定额补偿", "the fund's fixed payment first"},
	"below=proportional":  {"按费用比例分摊", "both shares scaled to the cost"},
	"below=regular":       {"按普通规定结算", "settled by the ordinary rules"},
}

// template returns the Chinese and English wording of a note.
func template(note string) (zh, en string) {
	switch note {
	case "eligible":
		return "{year}年已参合，享受{tier}待遇，连续参合{continuous}年",
			"Enrolled for {year}, {tier} benefits; continuous years enrolled: {continuous}"
	case "eligible_untiered":
		return "{year}年已参合，连续参合{continuous}年", "Enrolled for {year}; continuous years enrolled: {continuous}"
	case "not_enrolled":
		return "{year}年未参合，基金不予支付", "Not enrolled for {year}: the fund pays nothing"
	case "waiting":
		return "待遇等待期至{from}，就诊日{date}在等待期内，基金不予支付",
			"Waiting period until {from}; the visit on {date} falls inside it: the fund pays nothing"
	case "tier_pending":
		return "升档待遇自{from}起生效，本次按{tier}结算", "Higher tier benefits start {from}; settled at {tier}"
	case "scope":
		return "总费用{total}元，全自费{selfPaid}元，超限价{overLimit}元，乙类先行自付{preSelfPay}元，政策范围内费用{scope}元",
			"Total {total}; wholly self-paid {selfPaid}; over price limit {overLimit}; class-B pre-self-pay {preSelfPay}; policy-scope cost {scope}"
	case "benefit":
		return "适用补偿规定：{benefit}", "Benefit applied: {benefit}"
	case "not_covered":
		return "方案对该就诊无补偿规定，基金不予支付", "The policy has no benefit for this visit: the fund pays nothing"
	case "referral_reduce":
		return "县外就医未转诊，报销比例降低{points}", "Out-of-county care without referral: ratio lowered by {points}"
	case "referral_refuse":
		return "县外就医未转诊，不予报销", "Out-of-county care without referral: not payable"
	case "continuity":
		return "连续参合{years}年，报销比例提高{points}", "Continuous years enrolled: {years}; ratio raised by {points}"
	case "category":
		return "人员类别调整报销比例{points}", "Person category adjusts the ratio by {points}"
	case "deductible_first":
		return "本年第{admission}次住院，起付线{deductible}元，本次扣除{applied}元",
			"Admission {admission} this year: deductible {deductible}, applied {applied}"
	case "deductible_later":
		return "本年第{admission}次住院，适用再次住院起付线{deductible}元，本次扣除{applied}元",
			"Admission {admission} this year: later-admission deductible {deductible}, applied {applied}"
	case "deductible_year":
		return "年度起付线{deductible}元，已累计{paidBefore}元，本次扣除{applied}元",
			"Annual deductible {deductible}, {paidBefore} already met, applied {applied}"
	case "deductible_none":
		return "无起付线", "No deductible"
	case "band":
		return "{from}–{to}元部分{amount}元，按{rate}报销{pay}元",
			"Slice {from}–{to}: {amount} at {rate} pays {pay}"
	case "band_whole":
		return "费用达到{from}元以上段，全额{amount}元按{rate}报销{pay}元",
			"Cost reaches the band above {from}: the whole {amount} at {rate} pays {pay}"
	case "capped_fee":
		return "限费医疗：个人负担不超过{limit}元，个人付{patient}元，基金付{pay}元",
			"Capped-fee care: the patient pays at most {limit}; patient {patient}, fund {pay}"
	case "round":
		return "{exact}元按{mode}保留{scale}位小数为{amount}元", "{exact} rounded {mode} to {scale} decimals is {amount}"
	case "visit_cap":
		return "单次支付限额{cap}元，本次支付{amount}元", "Per-visit limit {cap}: pays {amount}"
	case "annual_cap":
		return "年度封顶线{cap}元，已支付{paidBefore}元，本次可支付{available}元，实付{amount}元",
			"Annual cap {cap}, {paidBefore} already paid, {available} available, pays {amount}"
	case "single_disease_above":
		return "单病种{disease}限价{price}元：基金定额支付{fund}元，个人自付{patient}元，超出部分{hospital}元由医院承担",
			"Single disease {disease} priced at {price}: fund pays {fund}, patient {patient}, hospital bears {hospital}"
	case "single_disease_below":
		return "单病种{disease}实际费用{total}元低于限价{price}元（{below}）：基金支付{fund}元，个人自付{patient}元",
			"Single disease {disease} cost {total} below price {price} ({below}): fund {fund}, patient {patient}"
	case "single_disease_outside":
		return "单病种{disease}不适用于本机构，按普通规定结算", "Single disease {disease} price does not apply here: ordinary rules"
	case "single_disease_refused":
		return "单病种{disease}不适用于本机构，不予报销", "Single disease {disease} price does not apply here: not payable"
	case "maternity":
		return "住院分娩（{delivery}）定额补助{subsidy}元，支付{pay}元", "Maternity ({delivery}) fixed subsidy {subsidy}: pays {pay}"
	case "maternity_ineligible":
		return "不符合住院分娩补助条件（缴费{paid}年，要求{required}年）", "Maternity subsidy conditions not met ({paid} years paid, {required} required)"
	case "layer_ratio":
		return "{layer}：计算基数{base}元，起付{threshold}元，支付{pay}元", "{layer}: base {base}, threshold {threshold}, pays {pay}"
	case "layer_topup":
		return "{layer}：补足实际报销比例至{target}，应达{goal}元，已付{paid}元，补付{pay}元",
			"{layer}: tops the effective ratio up to {target}: goal {goal}, paid {paid}, pays {pay}"
	case "family_account":
		return "家庭账户余额{balance}元，支付{pay}元，余{after}元", "Family account balance {balance}: pays {pay}, leaves {after}"
	case "cash":
		return "基金合计支付{funds}元，家庭账户{familyAccount}元，个人现金{cash}元，医院承担{hospital}元，实际报销比例{ratio}",
			"Funds pay {funds}, family account {familyAccount}, cash {cash}, hospital bears {hospital}; effective ratio {ratio}"
	}
	return "", ""
}
