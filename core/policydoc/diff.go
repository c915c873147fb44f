package policydoc

import (
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
)

// Op is what happened to a part of a policy: the wire value of a change's "op".
type Op string

// Change is one difference between two versions of a policy, in words.
type Change struct {
	Op Op `json:"op"`
	// Path is the JSON pointer of the part in the new document (the old one for a
	// removal): /benefits/1/deductible/first.
	Path string `json:"path"`
	// Text is the line a person reads: 乡镇卫生院住院补偿 起付线：150 → 200.
	Text string `json:"text"`
	// Details list what an added or removed part holds, one setting a line.
	Details []string `json:"details,omitempty"`
}

// Change operations.
const (
	Changed Op = "changed" // a setting has another value
	Added   Op = "added"   // a part is new
	Removed Op = "removed" // a part is gone
)

// labels word the policy's fields by their JSON names. An empty wording leaves the
// field out of the line, where what holds it names it well enough (a band's "from"
// is its 起点 but a benefit's "first" deductible is just its 起付线). A field not
// listed is named by its JSON name, so that a field added to the model is still
// reported.
var labels = map[string]pair{
	"schema": {"格式版本", "schema"}, "id": {"编号", "id"}, "version": {"版本", "version"},
	"name": {"名称", "name"}, "nameEn": {"英文名称", "English name"}, "region": {"统筹地区", "region"},
	"scheme": {"制度", "scheme"}, "effective": {"施行期间", "effective"}, "from": {"起点", "from"},
	"to": {"止", "to"}, "visitDate": {"住院确定日期", "deciding date"}, "source": {"出处", "source"},
	"illustrative": {"含示例数字", "illustrative"}, "notes": {"编制说明", "notes"},
	"rounding": {"结算取整", "rounding"}, "scale": {"小数位数", "decimals"}, "mode": {"方式", "mode"},
	"preSelfPay": {"乙类先行自付取整", "pre-self-pay rounding"}, "clause": {"条款", "article"},
	"facilityClasses": {"医疗机构类别", "facility class"}, "code": {"代码", "code"},
	"level": {"级别", "level"}, "inCounty": {"县内", "in county"}, "designated": {"定点", "designated"},
	"categories": {"人员类别", "categories"}, "benefitTier": {"享受待遇档次", "benefit tier"},
	"ratePoints": {"比例调整", "ratio adjustment"}, "tiers": {"缴费档次", "tiers"},
	"contribution": {"筹资标准", "contribution"}, "individual": {"个人缴费", "individual share"},
	"catalogue": {"补偿范围", "scope of compensation"}, "classB": {"乙类先行自付比例", "class-B pre-self-pay"},
	"classBByKind": {"乙类先行自付比例（按类别）", "class-B pre-self-pay by kind"},
	"kind":         {"类型", "kind"}, "rate": {"比例", "ratio"},
	"enrollment": {"参合与待遇享受", "enrollment"}, "required": {"必须", "required"},
	"firstWaitMonths": {"首次参合等待期（月）", "first-enrollment wait (months)"},
	"lapseMonths":     {"断保认定（月）", "gap after (months)"}, "lapseWaitMonths": {"断保等待期（月）", "wait after a gap (months)"},
	"upgradeWaitMonths": {"升档等待期（月）", "tier upgrade wait (months)"},
	"continuity":        {"连续参合奖励", "continuity bonus"}, "countVisitYear": {"计入就诊当年", "counts the visit year"},
	"rateAfterYears": {"起算年数", "after years"}, "rateStep": {"每年提高比例", "ratio step"},
	"rateMax": {"最多提高比例", "ratio bonus at most"}, "capSteps": {"封顶线提高", "cap steps"},
	"years": {"年数", "years"}, "bonus": {"提高", "bonus"},
	"pools": {"统筹基金", "pool"}, "cap": {"封顶线", "cap"}, "continuityBonus": {"享受连续参合奖励", "takes the continuity bonus"},
	"benefits": {"补偿规定", "benefit"}, "visitTypes": {"就诊类型", "visit types"}, "classes": {"医疗机构", "facilities"},
	"pool": {"支付基金", "pool"}, "deductible": {"起付线", "deductible"}, "basis": {"计算方式", "basis"},
	"first": {"", ""}, "later": {"再次住院", "later admissions"}, "count": {"再次住院计次", "later admissions count"},
	"ratio": {"补偿比例", "ratio"}, "method": {"累进方式", "method"}, "axis": {"分段依据", "axis"},
	"bands": {"", ""}, "patientLimit": {"个人负担限额", "patient limit"}, "visitCap": {"单次支付限额", "per-visit cap"},
	"annualCap": {"年度支付限额", "annual cap"}, "referral": {"转诊", "referral"}, "missing": {"未转诊", "without referral"},
	"points": {"降低比例", "points"}, "singleDiseases": {"单病种", "single disease"}, "fund": {"基金支付", "fund pays"},
	"patient": {"个人自付", "patient pays"}, "inCountyOnly": {"限县内", "in county only"}, "below": {"低于限价", "below the price"},
	"outside": {"其他机构", "elsewhere"}, "maternity": {"住院分娩补助", "maternity subsidy"},
	"minYearsPaid": {"缴费年限", "years paid in"}, "requireFamilyPlanning": {"须符合计划生育政策", "family planning required"},
	"subsidies": {"补助标准", "subsidies"}, "delivery": {"分娩方式", "delivery"}, "tier": {"档次", "tier"},
	"amount": {"金额", "amount"}, "layers": {"补偿层", "layer"}, "singleDiseaseOnly": {"限单病种", "single diseases only"},
	"base": {"基数", "base"}, "threshold": {"起付标准", "threshold"}, "target": {"目标报销比例", "target ratio"},
	"familyAccount": {"家庭账户", "family account"}, "perPerson": {"每人划入", "per person"}, "covers": {"支付范围", "covers"},
	"cards": {"一卡通", "cards"}, "issuers": {"发卡行识别码", "issuers"}, "certificate": {"医保证号格式", "certificate pattern"},
	"fee": {"卡费", "card fee"}, "feeExemptAge": {"免费年龄", "fee-exempt age"}, "feeAgeOn": {"年龄计算日", "age taken on"},
	"audit": {"监管", "audit"}, "drugShare": {"药品费用占比上限", "drug share"}, "reports": {"统计报表", "reports"},
	"perCapita": {"人均数取整", "per-capita rounding"},
}

// label words a field, or returns its JSON name.
func label(field, lang string) string {
	if w, ok := labels[field]; ok {
		return w.in(lang)
	}
	return field
}

// clauseFor is what the walk names a part by when it cites an article: its title
// (起付线, 补偿比例), as the printed scheme heads it.
func clauseTitle(v reflect.Value, lang string) string {
	if v.Kind() != reflect.Struct {
		return ""
	}
	f := v.FieldByName("Clause")
	if !f.IsValid() || f.Type() != reflect.TypeFor[*policy.Clause]() || f.IsNil() {
		return ""
	}
	c := f.Interface().(*policy.Clause)
	if lang == English && c.TitleEn != "" {
		return c.TitleEn
	}
	return c.Title
}

type differ struct {
	lang     string
	old, new *policy.Compiled
	out      []Change
}

// Diff lists what changed from old to new, part by part, in lang: every setting whose
// value differs ("乡镇卫生院住院补偿 起付线：150 → 200", "第3段 比例：30% → 35%"),
// and the rules, pools, classes, bands and layers added or removed. It walks the
// policy model itself, so a field added to the model is reported without a change
// here: parts are named by the article titles and names the policy gives, fields by
// their wording (or, for a field not yet worded, its JSON name). Lists of named
// parts (benefits, pools, classes, layers, diseases…) are matched by id or code, other
// lists by position.
func Diff(old, new *policy.Compiled, lang string) []Change {
	if lang != English {
		lang = Chinese
	}
	d := &differ{lang: lang, old: old, new: new}
	d.walk("", nil, "", reflect.ValueOf(old.Policy()).Elem(), reflect.ValueOf(new.Policy()).Elem())
	return d.out
}

var (
	amountType = reflect.TypeFor[money.Amount]()
	rateType   = reflect.TypeFor[money.Rate]()
	dateType   = reflect.TypeFor[civil.Date]()
	clauseType = reflect.TypeFor[*policy.Clause]()
)

// leaf reports whether values of t are compared whole.
func leaf(t reflect.Type) bool {
	switch t {
	case amountType, rateType, dateType, clauseType:
		return true
	}
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int32, reflect.Int64:
		return true
	case reflect.Pointer:
		return leaf(t.Elem())
	case reflect.Slice:
		return t.Elem().Kind() == reflect.String
	}
	return false
}

// jsonName is the wire name of a struct field, or "" for a field not on the wire.
func jsonName(f reflect.StructField) string {
	tag := f.Tag.Get("json")
	name, _, _ := strings.Cut(tag, ",")
	if name == "-" || !f.IsExported() {
		return ""
	}
	if name == "" {
		return f.Name
	}
	return name
}

// words joins the names of the parts above a setting and its own label.
func words(ws []string, last string) string {
	var parts []string
	for _, w := range append(append([]string(nil), ws...), last) {
		if w != "" {
			parts = append(parts, w)
		}
	}
	return strings.Join(parts, " ")
}

func (d *differ) colon() string { return say(d.lang, "：", ": ") }

// walk compares a and b, the values of field at path, under the part names ws.
func (d *differ) walk(path string, ws []string, field string, a, b reflect.Value) {
	t := a.Type()
	if leaf(t) {
		x, y := d.format(field, a, d.old), d.format(field, b, d.new)
		if x != y {
			if long(x) || long(y) {
				x, y = "", ""
			}
			text := words(ws, label(field, d.lang)) + d.colon()
			none := say(d.lang, "无", "none")
			switch {
			case x == "" && y == "":
			case x == "":
				x = none
			case y == "":
				y = none
			}
			if x == "" && y == "" {
				text += say(d.lang, "已修改", "changed")
			} else {
				text += x + " → " + y
			}
			d.out = append(d.out, Change{Op: Changed, Path: path, Text: text})
		}
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		switch {
		case a.IsNil() && b.IsNil():
		case a.IsNil():
			d.out = append(d.out, Change{Op: Added, Path: path, Text: say(d.lang, "新增 ", "added ") + words(ws, d.partName(field, b)),
				Details: d.summary(b.Elem(), d.new)})
		case b.IsNil():
			d.out = append(d.out, Change{Op: Removed, Path: path, Text: say(d.lang, "删除 ", "removed ") + words(ws, d.partName(field, a)),
				Details: d.summary(a.Elem(), d.old)})
		default:
			d.walk(path, ws, field, a.Elem(), b.Elem())
		}
	case reflect.Struct:
		if field != "" {
			name := clauseTitle(b, d.lang)
			if name == "" {
				name = label(field, d.lang)
			}
			ws = append(ws[:len(ws):len(ws)], name)
		}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name := jsonName(f)
			if name == "" {
				continue
			}
			d.walk(path+"/"+name, ws, name, a.Field(i), b.Field(i))
		}
	case reflect.Slice:
		d.list(path, ws, field, a, b)
	}
}

// partName names a part added or removed as a whole: its title or label.
func (d *differ) partName(field string, v reflect.Value) string {
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if t := clauseTitle(v, d.lang); t != "" {
		return t
	}
	return label(field, d.lang)
}

// key identifies a list element across versions: its id or code, else its position.
func key(v reflect.Value, i int) string {
	for _, f := range []string{"ID", "Code"} {
		if k := v.FieldByName(f); k.IsValid() && k.Kind() == reflect.String && k.String() != "" {
			return k.String()
		}
	}
	return "#" + strconv.Itoa(i)
}

// element names a list element: the name the policy gives it, its id or code, or its
// position (第3段 for a band).
func (d *differ) element(field string, v reflect.Value, i int) string {
	name, nameEn := v.FieldByName("Name"), v.FieldByName("NameEn")
	if name.IsValid() && name.Kind() == reflect.String {
		if d.lang == English && nameEn.IsValid() && nameEn.String() != "" {
			return nameEn.String()
		}
		if name.String() != "" {
			return name.String()
		}
	}
	if k := key(v, i); !strings.HasPrefix(k, "#") {
		return k
	}
	if field == "bands" {
		return say(d.lang, "第"+strconv.Itoa(i+1)+"段", "band "+strconv.Itoa(i+1))
	}
	return say(d.lang, label(field, Chinese)+"第"+strconv.Itoa(i+1)+"项", label(field, English)+" "+strconv.Itoa(i+1))
}

// list compares two lists of parts, matched by key.
func (d *differ) list(path string, ws []string, field string, a, b reflect.Value) {
	index := func(s reflect.Value) (map[string]int, []string) {
		m := map[string]int{}
		var order []string
		for i := 0; i < s.Len(); i++ {
			k := key(s.Index(i), i)
			if _, dup := m[k]; !dup {
				order = append(order, k)
			}
			m[k] = i
		}
		return m, order
	}
	ai, aorder := index(a)
	bi, border := index(b)
	// A list of parts is named in a changed line by the part alone ("乡镇卫生院住院
	// 补偿 起付线"), and in an added or removed line with what it is ("新增 补偿规定 …").
	for _, k := range aorder {
		if _, ok := bi[k]; !ok {
			i := ai[k]
			v := a.Index(i)
			d.out = append(d.out, Change{Op: Removed, Path: path + "/" + strconv.Itoa(i),
				Text:    say(d.lang, "删除 ", "removed ") + words(ws, words([]string{label(field, d.lang)}, d.element(field, v, i)+d.idNote(v, i))),
				Details: d.summary(v, d.old)})
		}
	}
	for _, k := range border {
		j := bi[k]
		v := b.Index(j)
		i, ok := ai[k]
		if !ok {
			d.out = append(d.out, Change{Op: Added, Path: path + "/" + strconv.Itoa(j),
				Text:    say(d.lang, "新增 ", "added ") + words(ws, words([]string{label(field, d.lang)}, d.element(field, v, j)+d.idNote(v, j))),
				Details: d.summary(v, d.new)})
			continue
		}
		name := d.element(field, v, j)
		for f := range v.NumField() {
			sf := v.Type().Field(f)
			n := jsonName(sf)
			if n == "" {
				continue
			}
			d.walk(path+"/"+strconv.Itoa(j)+"/"+n, append(ws[:len(ws):len(ws)], name), n, a.Index(i).Field(f), v.Field(f))
		}
	}
}

// idNote adds the id or code in brackets after a named part, so that the author can
// find it in the document.
func (d *differ) idNote(v reflect.Value, i int) string {
	k := key(v, i)
	if strings.HasPrefix(k, "#") {
		return ""
	}
	if n := v.FieldByName("Name"); n.IsValid() && n.String() != "" && n.String() != k {
		return say(d.lang, "（"+k+"）", " ("+k+")")
	}
	return ""
}

// summary lists the settings of a part added or removed, one a line: "起付线：150".
// Lists of small parts (bands, subsidies) take one line, their parts joined by "；".
func (d *differ) summary(v reflect.Value, p *policy.Compiled) []string {
	var out []string
	var walk func(ws []string, field string, v reflect.Value)
	walk = func(ws []string, field string, v reflect.Value) {
		t := v.Type()
		switch {
		case field == "name" || field == "nameEn" || field == "clause":
			return
		case leaf(t):
			// What is unset says nothing about the part: no cap, not required, 0%.
			if (t.Kind() == reflect.Pointer && v.IsNil()) || (t.Kind() == reflect.Bool && !v.Bool()) ||
				(t == rateType && v.Interface().(money.Rate).IsZero()) {
				return
			}
			s := d.format(field, v, p)
			if s == "" || long(s) {
				return
			}
			out = append(out, words(ws, label(field, d.lang))+d.colon()+s)
			return
		case t.Kind() == reflect.Pointer:
			if !v.IsNil() {
				walk(ws, field, v.Elem())
			}
			return
		case t.Kind() == reflect.Slice:
			if v.Len() == 0 {
				return
			}
			if flat(t.Elem()) {
				parts := make([]string, v.Len())
				for i := range v.Len() {
					parts[i] = d.compact(v.Index(i), p)
				}
				lbl := label(field, d.lang)
				if field == "bands" {
					lbl = say(d.lang, "分段", "bands")
				}
				out = append(out, words(ws, lbl)+d.colon()+strings.Join(parts, say(d.lang, "；", "; ")))
				return
			}
			for i := range v.Len() {
				walk(append(ws[:len(ws):len(ws)], d.element(field, v.Index(i), i)), "", v.Index(i))
			}
			return
		case t.Kind() == reflect.Struct:
			if field != "" {
				name := clauseTitle(v, d.lang)
				if name == "" {
					name = label(field, d.lang)
				}
				ws = append(ws[:len(ws):len(ws)], name)
			}
			for i := range t.NumField() {
				if n := jsonName(t.Field(i)); n != "" {
					walk(ws, n, v.Field(i))
				}
			}
		}
	}
	walk(nil, "", v)
	return out
}

// flat reports whether a struct type holds only settings compared whole and no name:
// a band, a subsidy, a cap step.
func flat(t reflect.Type) bool {
	if t.Kind() != reflect.Struct {
		return false
	}
	for i := range t.NumField() {
		f := t.Field(i)
		if jsonName(f) == "" {
			continue
		}
		if f.Name == "Name" || !leaf(f.Type) {
			return false
		}
	}
	return true
}

// compact words a flat part on one line: "起点 1000 比例 25%".
func (d *differ) compact(v reflect.Value, p *policy.Compiled) string {
	var parts []string
	for i := range v.NumField() {
		n := jsonName(v.Type().Field(i))
		if n == "" {
			continue
		}
		if s := d.format(n, v.Field(i), p); s != "" {
			parts = append(parts, label(n, d.lang)+" "+s)
		}
	}
	return strings.Join(parts, " ")
}

// long reports whether a value is prose rather than a setting: a changed source or
// note is reported as changed, not quoted.
func long(s string) bool { return utf8.RuneCountInString(s) > 80 }

// format words a setting's value: amounts in yuan without unit, rates as percentages,
// yes or no, enumerations and the ids of classes, tiers, categories and pools by
// their names in p.
func (d *differ) format(field string, v reflect.Value, p *policy.Compiled) string {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			if v.Type() == clauseType {
				return ""
			}
			return say(d.lang, "无", "none")
		}
		if v.Type() == clauseType {
			c := v.Interface().(*policy.Clause)
			return c.Text(d.lang)
		}
		v = v.Elem()
	}
	switch v.Type() {
	case amountType:
		return plain(v.Interface().(money.Amount))
	case rateType:
		return v.Interface().(money.Rate).Percent()
	case dateType:
		dt := v.Interface().(civil.Date)
		if dt.IsZero() {
			return ""
		}
		return dt.String()
	}
	b := &builder{c: p, p: p.Policy(), lang: d.lang}
	switch v.Kind() {
	case reflect.Bool:
		return yesNo(v.Bool(), d.lang)
	case reflect.Int, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.String:
		s := v.String()
		switch field {
		case "pool":
			return b.name("pool", s)
		case "benefitTier", "tier":
			if s == "" {
				return ""
			}
			return b.name("tiers", s)
		}
		return value(field, s, d.lang)
	case reflect.Slice:
		parts := make([]string, v.Len())
		for i := range v.Len() {
			s := v.Index(i).String()
			switch field {
			case "classes", "tiers", "categories", "visitTypes":
				s = b.name(field, s)
			}
			parts[i] = s
		}
		return strings.Join(parts, say(d.lang, "、", ", "))
	}
	return ""
}

// Lines returns the changes as text, one a line, the details of added and removed
// parts indented under them.
func Lines(cs []Change) string {
	var sb strings.Builder
	for _, c := range cs {
		sb.WriteString(c.Text + "\n")
		for _, l := range c.Details {
			sb.WriteString("    " + l + "\n")
		}
	}
	return sb.String()
}
