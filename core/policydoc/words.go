package policydoc

import (
	"strconv"
	"strings"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/trace"
)

// Languages a document is rendered in: the trace's, so that a host passes the same
// "lang" to an explanation and to the scheme it cites.
const (
	Chinese = string(trace.Chinese)
	English = string(trace.English)
)

// pair is a wording in Chinese and English.
type pair [2]string

func (p pair) in(lang string) string {
	if lang == English {
		return p[1]
	}
	return p[0]
}

// say picks the wording in lang.
func say(lang, zh, en string) string { return pair{zh, en}.in(lang) }

// values words the wire values of the policy's enumerations (and of the visit types
// and levels its lists hold), keyed by the field that holds them; a value not listed
// is shown as it is written.
var values = map[string]map[string]pair{
	"scheme": {
		"ncms":     {"新型农村合作医疗", "New Rural Cooperative Medical Scheme"},
		"resident": {"城乡居民基本医疗保险", "Urban and rural resident medical insurance"},
	},
	"visitDate": {
		"admission": {"入院日期", "the admission date"},
		"discharge": {"出院日期", "the discharge date"},
	},
	"visitTypes": {
		"inpatient":          {"住院", "inpatient care"},
		"outpatient":         {"普通门诊", "outpatient care"},
		"special_outpatient": {"慢性病及特殊大病门诊", "special-disease outpatient care"},
		"maternity":          {"住院分娩", "inpatient delivery"},
	},
	"level": {
		"village":  {"村级", "village"},
		"township": {"乡镇级", "township"},
		"level1":   {"一级", "level 1"},
		"level2":   {"二级", "level 2"},
		"level3":   {"三级", "level 3"},
		"county":   {"县级", "county"},
		"city":     {"市级", "city"},
		"province": {"省级", "province"},
		"other":    {"其他", "other"},
	},
	"kind": {
		"ratio":         {"起付线以上按比例补偿", "a ratio above the deductible"},
		"capped_fee":    {"限费医疗", "capped-fee care"},
		"catastrophic":  {"大病保险", "catastrophic illness insurance"},
		"supplementary": {"补充医疗保险", "supplementary insurance"},
		"topup":         {"二次补偿", "top-up to an effective ratio"},
		"assistance":    {"医疗救助", "medical assistance"},
		"oop_ceiling":   {"个人负担封顶", "out-of-pocket ceiling"},
		"drug":          {"药品", "drugs"},
		"exam":          {"检查", "examinations"},
		"treatment":     {"治疗", "treatment"},
		"material":      {"医用材料", "medical materials"},
		"bed":           {"床位", "beds"},
		"service":       {"医疗服务", "medical services"},
		"other":         {"其他", "other items"},
	},
	"basis": {
		"admission": {"每次住院（就诊）", "per admission (visit)"},
		"year":      {"每人每年", "per person per year"},
		"none":      {"不设起付线", "no deductible"},
		"claim":     {"按次计算", "per claim"},
	},
	"count": {
		"class": {"同类别医疗机构", "admissions at the same facility class"},
		"all":   {"各类医疗机构", "admissions at any facility"},
	},
	"method": {
		"excess": {"超额累进", "excess method"},
		"whole":  {"全额累进", "whole-amount method"},
	},
	"axis": {
		"cost":  {"按总费用分段", "bands on the cost"},
		"above": {"按起付线以上费用分段", "bands on the cost above the deductible"},
	},
	"missing": {
		"reduce": {"降低报销比例", "the ratio is lowered"},
		"refuse": {"不予报销", "the fund pays nothing"},
	},
	"below": {
		"patient_first": {"个人先付足定额自付部分", "the patient's fixed share first"},
		"fund_first":    {"基金先付足定额补偿", "the fund's fixed payment first"},
		"proportional":  {"按费用比例分摊", "both shares scaled to the cost"},
		"regular":       {"按普通规定结算", "settled by the ordinary rules"},
	},
	"outside": {
		"regular": {"按普通规定结算", "settled by the ordinary rules"},
		"refuse":  {"不予报销", "the fund pays nothing"},
	},
	"delivery": {
		"normal":    {"顺产", "normal delivery"},
		"difficult": {"难产", "difficult delivery"},
		"multiple":  {"多胞胎", "multiple birth"},
	},
	"base": {
		"scope_personal": {"政策范围内个人负担", "the policy-scope cost left to the patient"},
		"personal":       {"个人负担", "everything left to the patient"},
		"scope":          {"政策范围内费用", "the policy-scope cost"},
		"total":          {"总费用（扣除医院承担部分）", "the total cost less what the hospital bears"},
	},
	"mode": {
		"ratio":     {"超过起付标准后按比例补偿", "a threshold, then a ratio"},
		"topup":     {"补足至目标实际报销比例", "top-up to a target effective ratio"},
		"half_up":   {"四舍五入", "half up"},
		"half_even": {"四舍六入五成双", "half to even"},
		"down":      {"舍去", "down"},
		"up":        {"进位", "up"},
	},
	"preSelfPay": {
		"line":  {"逐项取整", "each line rounded"},
		"total": {"合计后取整", "the sum rounded"},
	},
	"covers": {
		"scope_personal": {"政策范围内个人负担", "the policy-scope cost left to the patient"},
		"personal":       {"个人负担", "what is left to the patient"},
	},
	"feeAgeOn": {
		"year_start": {"当年1月1日", "1 January of the fee year"},
		"date":       {"收费当日", "the day the fee is charged"},
	},
}

// value words a wire value of the field in lang, or returns it as it is.
func value(field, v, lang string) string {
	if w, ok := values[field][v]; ok {
		return w.in(lang)
	}
	return v
}

// yuan writes an amount of money for people: whole yuan without decimals, "300元" or
// "300 yuan".
func yuan(a money.Amount, lang string) string {
	s := strings.TrimSuffix(a.String(), ".00")
	if lang == English {
		return s + " yuan"
	}
	return s + "元"
}

// plain writes an amount without its unit, whole yuan without decimals.
func plain(a money.Amount) string { return strings.TrimSuffix(a.String(), ".00") }

// points words a rate adjustment in percentage points, with its sign.
func points(r money.Rate, lang string) string {
	s := r.Percent()
	if r.Cmp(money.Rate{}) > 0 {
		s = "+" + s
	}
	return say(lang, strings.TrimSuffix(s, "%")+"个百分点", strings.TrimSuffix(s, "%")+" percentage points")
}

// unsigned words a rate in percentage points where the words say the direction.
func unsigned(r money.Rate, lang string) string {
	s := strings.TrimPrefix(strings.TrimSuffix(r.Percent(), "%"), "-")
	return say(lang, s+"个百分点", s+" percentage points")
}

// date words a date: 2025年1月1日, or 1 January 2025.
func date(d civil.Date, lang string) string {
	if lang == English {
		return strconv.Itoa(d.Day) + " " + monthsEn[(int(d.Month)+11)%12] + " " + strconv.Itoa(d.Year)
	}
	return strconv.Itoa(d.Year) + "年" + strconv.Itoa(int(d.Month)) + "月" + strconv.Itoa(d.Day) + "日"
}

var monthsEn = [...]string{"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"}

var digitsZh = [...]string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

// numberZh writes 1 to 999 in Chinese numerals as article numbers are printed
// (十, 十一, 二十三, 一百零五).
func numberZh(n int) string {
	switch {
	case n <= 0 || n > 999:
		return strconv.Itoa(n)
	case n < 10:
		return digitsZh[n]
	case n == 10:
		return "十"
	case n < 20:
		return "十" + digitsZh[n%10]
	case n < 100:
		s := digitsZh[n/10] + "十"
		if n%10 != 0 {
			s += digitsZh[n%10]
		}
		return s
	}
	s := digitsZh[n/100] + "百"
	switch r := n % 100; {
	case r == 0:
	case r < 10:
		s += "零" + digitsZh[r]
	case r < 20:
		s += "一" + numberZh(r)
	default:
		s += numberZh(r)
	}
	return s
}

// parseZh reads a Chinese numeral of 1 to 999 (numberZh's form, also with 两 and
// Arabic digits); ok is false for anything else.
func parseZh(s string) (int, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		return n, n > 0
	}
	if s == "" {
		return 0, false
	}
	n, cur := 0, -1
	for _, r := range s {
		d := strings.IndexRune("零一二三四五六七八九", r)
		switch {
		case r == '两':
			cur = 2
		case d >= 0:
			cur = d / len("一")
		case r == '十' || r == '百':
			unit := 10
			if r == '百' {
				unit = 100
			}
			if cur < 0 {
				cur = 1
			}
			n += cur * unit
			cur = -1
		default:
			return 0, false
		}
	}
	if cur > 0 {
		n += cur
	}
	return n, n > 0
}

// articleNumber reads the article number of a citation such as 第十二条; ok is false
// when the number is not in that form.
func articleNumber(s string) (int, bool) {
	if !strings.HasPrefix(s, "第") || !strings.HasSuffix(s, "条") {
		return 0, false
	}
	return parseZh(strings.TrimSuffix(strings.TrimPrefix(s, "第"), "条"))
}

// article words the article number n: 第n条, or Art. n as the example policies abbreviate.
func article(n int, lang string) string {
	if lang == English {
		return "Art. " + strconv.Itoa(n)
	}
	return "第" + numberZh(n) + "条"
}
