// Package policydoc words a policy for the people who publish and read it: the scheme
// as the county prints it (Render, numbered articles in Chinese or English), and what
// changed between two versions, rule by rule (Diff). The CLI (`ncms policy show|diff`)
// and the county server's printable page (/policies/{id}) render the same Document, so
// what is published is what is computed.
package policydoc

import (
	"sort"
	"strconv"
	"strings"

	"github.com/ruralhealth/ncms/core/policy"
)

// Document is a policy as a printed scheme (补偿方案): a title, the facts under it and
// numbered articles.
type Document struct {
	Lang  string `json:"lang"`
	Title string `json:"title"`
	// Facts are the lines under the title: version, effective period, region, scheme.
	Facts    []string  `json:"facts"`
	Articles []Article `json:"articles"`
	// Notes are the author's notes on the settings the sources leave open, as the
	// policy gives them (in English).
	Notes []string `json:"notes,omitempty"`
}

// Article is one numbered clause: 第五条 起付线.
type Article struct {
	Number string `json:"number,omitempty"`
	Title  string `json:"title"`
	Items  []Item `json:"items"`
}

// Heading returns the number and title as the article is headed.
func (a *Article) Heading() string { return join(a.Number, a.Title) }

// Item is a paragraph of an article, with a table under it when the rule is one.
type Item struct {
	// Label numbers the paragraph when the article has more than one: （一）, (1).
	Label string `json:"label,omitempty"`
	Text  string `json:"text"`
	Table *Table `json:"table,omitempty"`
}

// Table is a small table of a rule: the bands of a ratio, the subsidies, the prices.
type Table struct {
	Head []string   `json:"head"`
	Rows [][]string `json:"rows"`
}

// join joins a number and a title as an article is headed, either may be empty.
func join(a, b string) string { return strings.TrimSpace(a + " " + b) }

// section is a part of the scheme whose rules gather under one article: the article
// the policy cites, or the section's own title when it cites none.
type section struct {
	zh, en string
}

// The sections, in the order the county schemes print them; an article the policy
// does not number is numbered after the highest number it uses, in this order.
var (
	secGeneral    = section{"总则", "General provisions"}
	secEnrollment = section{"参合与待遇享受", "Enrollment and entitlement"}
	secContinuity = section{"连续参合奖励", "Continuous enrollment bonus"}
	secCatalogue  = section{"补偿范围", "Scope of compensation"}
	secBenefits   = section{"补偿待遇", "Benefits"}
	secDeductible = section{"起付线", "Deductible"}
	secRatio      = section{"补偿比例", "Reimbursement ratio"}
	secReferral   = section{"转诊转院", "Referral"}
	secCaps       = section{"封顶线", "Annual cap"}
	secDiseases   = section{"单病种限价", "Single-disease fixed prices"}
	secMaternity  = section{"住院分娩补助", "Maternity subsidy"}
	secLayers     = section{"补偿后的保障", "Cover after the basic fund"}
	secFamily     = section{"家庭账户", "Family account"}
	secRounding   = section{"结算取整", "Rounding of payments"}
	secCards      = section{"一卡通", "One-card rules"}
	secAudit      = section{"监管", "Monitoring"}
)

var sectionOrder = []section{secGeneral, secEnrollment, secContinuity, secCatalogue, secBenefits,
	secDeductible, secRatio, secReferral, secCaps, secDiseases, secMaternity, secLayers, secFamily,
	secRounding, secCards, secAudit}

// builder gathers the items of each article while walking the policy.
type builder struct {
	c    *policy.Compiled
	p    *policy.Policy
	lang string
	// cited articles by their heading in Chinese; uncited sections by section.
	cited    map[string]*draft
	uncited  map[section]*draft
	sequence []*draft
}

// draft is an article being gathered: its items in the order of the walk, which
// also orders articles whose numbers are not in the 第…条 form.
type draft struct {
	n       int // the article number the policy gives, or 0
	number  string
	title   string
	sec     section
	items   []Item
	ordinal int
}

// add puts an item under the article cl cites, or under the section's own article.
func (b *builder) add(cl *policy.Clause, sec section, it Item) {
	var d *draft
	if cl != nil && (cl.Number != "" || cl.Title != "") {
		key := join(cl.Number, cl.Title)
		if d = b.cited[key]; d == nil {
			n, _ := articleNumber(cl.Number)
			title := cl.Title
			if b.lang == English && cl.TitleEn != "" {
				title = cl.TitleEn
			}
			number := cl.Number
			if b.lang == English {
				number = cl.NumberEn
				if number == "" && n > 0 {
					number = article(n, English)
				}
			}
			d = &draft{n: n, number: number, title: title, sec: sec, ordinal: len(b.sequence)}
			b.cited[key] = d
			b.sequence = append(b.sequence, d)
		}
	} else if d = b.uncited[sec]; d == nil {
		d = &draft{sec: sec, title: pair{sec.zh, sec.en}.in(b.lang), ordinal: len(b.sequence)}
		b.uncited[sec] = d
		b.sequence = append(b.sequence, d)
	}
	d.items = append(d.items, it)
}

func (b *builder) say(zh, en string) string { return say(b.lang, zh, en) }

// Render words the compiled policy as its printed scheme in lang (Chinese, or English for
// "en"). Every rule the engine computes with is in it: the deductibles by facility and
// admission, the bands and ratios, the caps and pools, single-disease prices, the
// maternity subsidy, the layers after the basic fund, the family account, rounding
// and the card rules. Articles the policy cites keep their numbers and titles; the
// rest are numbered after them, 第一条 being the general provisions unless the
// policy uses it.
func Render(c *policy.Compiled, lang string) Document {
	if lang != English {
		lang = Chinese
	}
	p := c.Policy()
	b := &builder{c: c, p: p, lang: lang, cited: map[string]*draft{}, uncited: map[section]*draft{}}
	doc := Document{Lang: lang, Title: p.Name}
	if lang == English && p.NameEn != "" {
		doc.Title = p.NameEn
	}
	doc.Facts = b.facts()
	b.general()
	b.enrollment()
	b.catalogue()
	b.pools()
	b.benefits()
	b.diseases()
	b.maternity()
	b.layers()
	b.family()
	b.rounding()
	b.cards()
	doc.Articles = b.number()
	doc.Notes = append([]string(nil), p.Notes...)
	return doc
}

// number orders the articles: those the policy numbers by their numbers, then the
// others by section, numbered on from the highest number used. The general
// provisions take 第一条 when the policy leaves it free.
func (b *builder) number() []Article {
	used := map[int]bool{}
	high := 0
	for _, d := range b.sequence {
		if d.n > 0 {
			used[d.n] = true
			high = max(high, d.n)
		}
	}
	var unnumbered []*draft
	for _, d := range b.sequence {
		if d.n == 0 && d.number == "" {
			unnumbered = append(unnumbered, d)
		}
	}
	rank := func(s section) int {
		for i, t := range sectionOrder {
			if t == s {
				return i
			}
		}
		return len(sectionOrder)
	}
	sort.SliceStable(unnumbered, func(i, j int) bool { return rank(unnumbered[i].sec) < rank(unnumbered[j].sec) })
	for _, d := range unnumbered {
		if d.sec == secGeneral && !used[1] {
			d.n = 1
		} else {
			high++
			d.n = high
		}
		d.number = article(d.n, b.lang)
	}
	all := append([]*draft(nil), b.sequence...)
	sort.SliceStable(all, func(i, j int) bool {
		// Numbers the policy writes in another form keep their place in the walk.
		if all[i].n == 0 || all[j].n == 0 {
			return all[i].ordinal < all[j].ordinal
		}
		return all[i].n < all[j].n
	})
	out := make([]Article, len(all))
	for i, d := range all {
		if len(d.items) > 1 {
			for j := range d.items {
				d.items[j].Label = say(b.lang, "（"+numberZh(j+1)+"）", "("+strconv.Itoa(j+1)+") ")
			}
		}
		out[i] = Article{Number: d.number, Title: d.title, Items: d.items}
	}
	return out
}

func (b *builder) facts() []string {
	p := b.p
	var out []string
	out = append(out, b.say("方案编号 "+p.ID+"，版本 "+p.Version, "Policy "+p.ID+", version "+p.Version))
	eff := b.say("自"+date(p.Effective.From, Chinese)+"起施行", "In effect from "+date(p.Effective.From, English))
	if !p.Effective.To.IsZero() {
		eff = b.say(date(p.Effective.From, Chinese)+"至"+date(p.Effective.To, Chinese)+"施行",
			"In effect from "+date(p.Effective.From, English)+" to "+date(p.Effective.To, English))
	}
	out = append(out, eff)
	out = append(out, b.say("统筹地区 "+p.Region+"，"+value("scheme", string(p.Scheme), Chinese),
		"Pooling region "+p.Region+", "+value("scheme", string(p.Scheme), English)))
	if p.Illustrative {
		out = append(out, b.say("本方案含示例数字，非正式公布文本", "This scheme contains illustrative numbers; it is not an official text"))
	}
	return out
}

// names words a list of codes by the names the policy gives them.
func (b *builder) names(kind string, codes []string) string {
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = b.name(kind, c)
	}
	return strings.Join(parts, b.say("、", ", "))
}

// name words one code of a facility class, tier, category, pool or visit type by the
// names the policy gives (policy.Compiled.Name, the names explanations use).
func (b *builder) name(kind, code string) string {
	switch kind {
	case "classes":
		return b.c.Name(policy.NameClass, code, b.lang)
	case "tiers":
		return b.c.Name(policy.NameTier, code, b.lang)
	case "pool":
		return b.c.Name(policy.NameFund, code, b.lang)
	case "categories":
		if c, ok := b.c.Category(code); ok {
			return b.pick(c.Name, c.NameEn, code)
		}
	case "visitTypes":
		return value("visitTypes", code, b.lang)
	}
	return code
}

func (b *builder) pick(zh, en, id string) string {
	if b.lang == English && en != "" {
		return en
	}
	if zh != "" {
		return zh
	}
	return id
}

func yesNo(v bool, lang string) string {
	if v {
		return say(lang, "是", "yes")
	}
	return say(lang, "否", "no")
}

func (b *builder) general() {
	p := b.p
	b.add(nil, secGeneral, Item{Text: b.say(
		"本方案适用于统筹地区"+p.Region+"的"+value("scheme", string(p.Scheme), Chinese)+"。住院按"+value("visitDate", string(p.VisitDate), Chinese)+"确定适用方案、年度和参合状态。",
		"This scheme is the "+value("scheme", string(p.Scheme), English)+" of pooling region "+p.Region+". For an inpatient stay, "+value("visitDate", string(p.VisitDate), English)+" decides the scheme, the year and enrollment.")})
	rows := make([][]string, len(p.Classes))
	for i, c := range p.Classes {
		rows[i] = []string{b.pick(c.Name, c.NameEn, c.Code), value("level", c.Level, b.lang),
			b.say(map[bool]string{true: "县内", false: "县外"}[c.InCounty], map[bool]string{true: "in county", false: "out of county"}[c.InCounty]),
			yesNo(c.Designated, b.lang)}
	}
	b.add(nil, secGeneral, Item{Text: b.say("医疗机构分为以下类别：", "Facilities are of these classes:"),
		Table: &Table{Head: []string{b.say("类别", "Class"), b.say("级别", "Level"), b.say("所在", "Location"), b.say("定点", "Designated")}, Rows: rows}})
	if len(p.Tiers) > 0 {
		rows := make([][]string, len(p.Tiers))
		for i, t := range p.Tiers {
			rows[i] = []string{b.pick(t.Name, t.NameEn, t.Code), yuan(t.Contribution, b.lang), yuan(t.Individual, b.lang)}
		}
		b.add(nil, secGeneral, Item{Text: b.say("缴费档次：", "Contribution tiers:"),
			Table: &Table{Head: []string{b.say("档次", "Tier"), b.say("筹资标准", "Contribution"), b.say("个人缴费", "Paid by the person")}, Rows: rows}})
	}
	for _, c := range p.Categories {
		var parts []string
		if c.BenefitTier != "" {
			parts = append(parts, b.say("享受"+b.name("tiers", c.BenefitTier)+"待遇", "receives "+b.name("tiers", c.BenefitTier)+" benefits"))
		}
		if !c.RatePoints.IsZero() {
			parts = append(parts, b.say("各项报销比例调整"+points(c.RatePoints, Chinese), "every ratio adjusted by "+points(c.RatePoints, English)))
		}
		text := b.say("参合人员类别："+b.pick(c.Name, c.NameEn, c.Code), "Person category: "+b.pick(c.Name, c.NameEn, c.Code))
		if len(parts) > 0 {
			text += b.say("，"+strings.Join(parts, "，"), ": "+strings.Join(parts, "; "))
		}
		b.add(c.Clause, secGeneral, Item{Text: text + b.say("。", ".")})
	}
}

func (b *builder) enrollment() {
	e := b.p.Enrollment
	var text string
	if e.Required {
		text = b.say("当年参合方可享受补偿待遇，未参合的基金不予支付。", "Only people enrolled for the year receive benefits; the fund pays nothing for others.")
	} else {
		text = b.say("就诊不以当年参合为条件。", "Benefits do not require enrollment for the year.")
	}
	b.add(e.Clause, secEnrollment, Item{Text: text})
	if e.FirstWaitMonths > 0 {
		b.add(e.Clause, secEnrollment, Item{Text: b.say(
			"首次参合的，自缴费之日与参合年度起始日中较晚者起满"+itoa(e.FirstWaitMonths)+"个月后享受待遇。",
			"After a first enrollment, benefits start "+itoa(e.FirstWaitMonths)+" months after the later of the payment date and the start of the enrollment year.")})
	}
	if e.LapseMonths > 0 {
		b.add(e.Clause, secEnrollment, Item{Text: b.say(
			"参合中断"+itoa(e.LapseMonths)+"个月及以上后再缴费的为断保，自缴费之日起满"+itoa(e.LapseWaitMonths)+"个月后享受待遇。",
			"Paying "+itoa(e.LapseMonths)+" months or more after cover ended is a gap: benefits start "+itoa(e.LapseWaitMonths)+" months after the payment.")})
	}
	if e.UpgradeWaitMonths > 0 {
		b.add(e.Clause, secEnrollment, Item{Text: b.say(
			"提高缴费档次的，自缴费之日起满"+itoa(e.UpgradeWaitMonths)+"个月后享受新档次待遇，此前按上一年度档次结算。",
			"A higher tier's benefits start "+itoa(e.UpgradeWaitMonths)+" months after paying it; until then the previous year's tier applies.")})
	}
	if e.FirstWaitMonths == 0 && e.LapseMonths == 0 && e.UpgradeWaitMonths == 0 {
		b.add(e.Clause, secEnrollment, Item{Text: b.say("不设待遇等待期。", "There is no waiting period.")})
	}
	if c := b.p.Continuity; c != nil {
		own := b.say("不含就诊当年", "not counting the visit's own year")
		if c.CountVisitYear {
			own = b.say("含就诊当年", "counting the visit's own year")
		}
		if !c.RateStep.IsZero() {
			b.add(c.Clause, secContinuity, Item{Text: b.say(
				"连续参合（"+own+"）超过"+itoa(c.RateAfterYears)+"年的，每多一年报销比例提高"+unsigned(c.RateStep, Chinese)+"，最多提高"+unsigned(c.RateMax, Chinese)+"（适用于注明享受连续参合奖励的补偿）。",
				"Beyond "+itoa(c.RateAfterYears)+" continuous years enrolled ("+own+"), each further year raises the ratio by "+unsigned(c.RateStep, English)+", up to "+unsigned(c.RateMax, English)+" (for benefits that take the bonus).")})
		}
		if len(c.CapSteps) > 0 {
			rows := make([][]string, len(c.CapSteps))
			for i, s := range c.CapSteps {
				rows[i] = []string{b.say(itoa(s.Years)+"年及以上", itoa(s.Years)+" years or more"), "+" + s.Bonus.Percent()}
			}
			b.add(c.Clause, secContinuity, Item{Text: b.say("连续参合年数提高封顶线（适用于注明享受连续参合奖励的基金）：", "Continuous years raise the cap (of pools that take the bonus):"),
				Table: &Table{Head: []string{b.say("连续参合", "Continuous years"), b.say("封顶线提高", "Cap raised by")}, Rows: rows}})
		}
	}
}

func (b *builder) catalogue() {
	c := b.p.Catalogue
	b.add(c.Clause, secCatalogue, Item{Text: b.say(
		"补偿范围为政策范围内费用：全自费项目和超限价部分由个人负担；乙类项目先由个人自付"+c.ClassB.Percent()+"，其余纳入政策范围。",
		"Compensation covers the policy-scope cost: wholly self-paid items and the part over a price limit are the patient's; the patient first pays "+c.ClassB.Percent()+" of a class-B item and the rest is in scope.")})
	for _, k := range c.ClassBByKind {
		b.add(c.Clause, secCatalogue, Item{Text: b.say(
			"乙类"+value("kind", k.Kind, Chinese)+"先行自付比例为"+k.Rate.Percent()+"。",
			"For class-B "+value("kind", k.Kind, English)+" the patient first pays "+k.Rate.Percent()+".")})
	}
}

// benefitName is the benefit as its items start: its name, then what it applies to.
func (b *builder) benefitName(x *policy.Benefit) string {
	return b.pick(x.Name, x.NameEn, x.ID)
}

func (b *builder) benefits() {
	for i := range b.p.Benefits {
		x := &b.p.Benefits[i]
		name := b.benefitName(x)
		var scope []string
		scope = append(scope, b.names("visitTypes", x.VisitTypes))
		if len(x.Classes) > 0 {
			scope = append(scope, b.say("医疗机构："+b.names("classes", x.Classes), "facilities: "+b.names("classes", x.Classes)))
		}
		if len(x.Tiers) > 0 {
			scope = append(scope, b.say("缴费档次："+b.names("tiers", x.Tiers), "tiers: "+b.names("tiers", x.Tiers)))
		}
		if len(x.Categories) > 0 {
			scope = append(scope, b.say("人员类别："+b.names("categories", x.Categories), "categories: "+b.names("categories", x.Categories)))
		}
		text := b.say(name+"：适用于"+strings.Join(scope, "，")+"；由"+b.name("pool", x.Pool)+"支付，"+value("kind", string(x.Kind), Chinese)+"。",
			name+": for "+strings.Join(scope, "; ")+"; paid from the "+b.name("pool", x.Pool)+", "+value("kind", string(x.Kind), English)+".")
		if x.Kind == policy.KindCappedFee && x.PatientLimit != nil {
			text += b.say("个人负担不超过"+yuan(*x.PatientLimit, Chinese)+"，其余由基金支付。",
				" The patient pays at most "+yuan(*x.PatientLimit, English)+"; the fund pays the rest.")
		}
		if x.ContinuityBonus {
			text += b.say("享受连续参合奖励。", " Takes the continuous enrollment bonus.")
		}
		b.add(x.Clause, secBenefits, Item{Text: text})
		if x.Kind == policy.KindRatio {
			b.deductible(x, name)
			b.ratio(x.Ratio, x.Clause, name)
		}
		b.referral(x, name)
		if x.VisitCap != nil {
			b.add(b.capClause(x), secCaps, Item{Text: b.say(
				name+"：每次住院（就诊）基金支付不超过"+yuan(*x.VisitCap, Chinese)+"。",
				name+": the fund pays at most "+yuan(*x.VisitCap, English)+" a visit.")})
		}
		if x.AnnualCap != nil {
			b.add(b.capClause(x), secCaps, Item{Text: b.say(
				name+"：年度支付不超过"+yuan(*x.AnnualCap, Chinese)+"，"+b.name("pool", x.Pool)+"本年已支付的一并计算。",
				name+": at most "+yuan(*x.AnnualCap, English)+" a year, counting what "+b.name("pool", x.Pool)+" has paid this year.")})
		}
	}
}

// capClause is the article a benefit's own caps belong under: its pool's cap article.
func (b *builder) capClause(x *policy.Benefit) *policy.Clause {
	for i := range b.p.Pools {
		if b.p.Pools[i].ID == x.Pool {
			return b.p.Pools[i].Clause
		}
	}
	return nil
}

func (b *builder) deductible(x *policy.Benefit, name string) {
	d := x.Deductible
	var text string
	switch d.Basis {
	case policy.NoDeductible:
		text = b.say(name+"：不设起付线。", name+": no deductible.")
	case policy.PerYear:
		text = b.say(name+"：每人每年起付线"+yuan(d.First, Chinese)+"，在"+b.name("pool", x.Pool)+"内累计计算。",
			name+": a deductible of "+yuan(d.First, English)+" per person per year, counted across "+b.name("pool", x.Pool)+".")
	default:
		text = b.say(name+"：每次住院（就诊）起付线"+yuan(d.First, Chinese), name+": a deductible of "+yuan(d.First, English)+" per admission (visit)")
		if d.Later != nil {
			count := value("count", string(d.Count), b.lang)
			text += b.say("；本年在"+count+"再次住院的，起付线"+yuan(*d.Later, Chinese), "; "+yuan(*d.Later, English)+" for a later admission this year (counting "+count+")")
		}
		text += b.say("。", ".")
	}
	b.add(d.Clause, secDeductible, Item{Text: text})
}

// bandTable words a schedule as a table of its bands: the range each rate applies to.
func (b *builder) bandTable(sc policy.Schedule) *Table {
	rows := make([][]string, len(sc.Bands))
	for i, band := range sc.Bands {
		// A band takes amounts over its start up to the next band's start inclusive:
		// 1000.00 is in the band up to 1000, 1000.01 in the next.
		var span string
		switch last := i+1 == len(sc.Bands); {
		case band.From.IsZero() && !last:
			span = b.say(plain(sc.Bands[i+1].From)+"元及以下", "up to "+plain(sc.Bands[i+1].From)+" yuan")
		case band.From.IsZero():
			span = b.say("全部", "all")
		case last:
			span = b.say("超过"+plain(band.From)+"元", "over "+plain(band.From)+" yuan")
		default:
			span = b.say("超过"+plain(band.From)+"元至"+plain(sc.Bands[i+1].From)+"元", "over "+plain(band.From)+" up to "+plain(sc.Bands[i+1].From)+" yuan")
		}
		rows[i] = []string{b.say("第"+itoa(i+1)+"段", "Band "+itoa(i+1)), span, band.Rate.Percent()}
	}
	return &Table{Head: []string{b.say("分段", "Band"), b.say("费用", "Cost"), b.say("报销比例", "Ratio")}, Rows: rows}
}

// schedule words how a schedule applies, without its bands.
func (b *builder) schedule(sc policy.Schedule) string {
	if len(sc.Bands) == 1 && sc.Bands[0].From.IsZero() {
		return b.say("按"+sc.Bands[0].Rate.Percent()+"报销", "paid at "+sc.Bands[0].Rate.Percent())
	}
	how := b.say("各段费用分别按该段比例报销", "each slice at its own band's ratio")
	if sc.Method == policy.Whole {
		how = b.say("费用达到某段的，全部按该段比例报销", "the whole amount at the ratio of the band the cost reaches")
	}
	return b.say("分段报销（"+value("method", string(sc.Method), Chinese)+"："+how+"；"+value("axis", string(sc.Axis), Chinese)+"）",
		"paid in bands ("+value("method", string(sc.Method), English)+": "+how+"; "+value("axis", string(sc.Axis), English)+")")
}

func (b *builder) ratio(sc policy.Schedule, parent *policy.Clause, name string) {
	it := Item{Text: b.say(name+"：起付线以上的政策范围内费用"+b.schedule(sc)+"。", name+": the policy-scope cost above the deductible is "+b.schedule(sc)+".")}
	if len(sc.Bands) > 1 || !sc.Bands[0].From.IsZero() {
		it.Table = b.bandTable(sc)
	}
	cl := sc.Clause
	if cl == nil {
		cl = parent
	}
	b.add(cl, secRatio, it)
}

func (b *builder) referral(x *policy.Benefit, name string) {
	r := x.Referral
	if !r.Required {
		return
	}
	text := b.say(name+"：县外就医须办理转诊手续；未转诊的"+value("missing", string(r.Missing), Chinese),
		name+": out-of-county care needs a referral; without one "+value("missing", string(r.Missing), English))
	if r.Missing == policy.ReferralReduce {
		text += b.say(unsigned(r.Points, Chinese), " by "+unsigned(r.Points, English))
	}
	text += b.say("。", ".")
	b.add(r.Clause, secReferral, Item{Text: text})
}

func (b *builder) pools() {
	for _, x := range b.p.Pools {
		text := b.say(b.pick(x.Name, x.NameEn, x.ID)+"：每人每年累计支付不超过"+yuan(x.Cap, Chinese)+"。",
			b.pick(x.Name, x.NameEn, x.ID)+": at most "+yuan(x.Cap, English)+" per person per year, cumulative.")
		if x.ContinuityBonus {
			text += b.say("封顶线按连续参合年数提高。", " The cap rises with continuous years enrolled.")
		}
		b.add(x.Clause, secCaps, Item{Text: text})
	}
}

func (b *builder) diseases() {
	ds := b.p.SingleDiseases
	if len(ds) == 0 {
		return
	}
	// Diseases citing one article share a table; each article gets its own.
	type group struct {
		cl   *policy.Clause
		rows [][]string
	}
	var groups []*group
	find := func(cl *policy.Clause) *group {
		for _, g := range groups {
			if g.cl.Text(Chinese) == cl.Text(Chinese) {
				return g
			}
		}
		g := &group{cl: cl}
		groups = append(groups, g)
		return g
	}
	for _, d := range ds {
		where := b.say("各定点医疗机构", "any facility")
		if len(d.Classes) > 0 {
			where = b.names("classes", d.Classes)
		}
		if d.InCountyOnly {
			where += b.say("（限县内）", " (in county only)")
		}
		g := find(d.Clause)
		g.rows = append(g.rows, []string{d.Code + " " + b.pick(d.Name, d.NameEn, d.Code), yuan(d.Fund.Add(d.Patient), b.lang),
			yuan(d.Fund, b.lang), yuan(d.Patient, b.lang), where, value("below", string(d.Below), b.lang), value("outside", string(d.Outside), b.lang)})
	}
	for _, g := range groups {
		b.add(g.cl, secDiseases, Item{
			Text: b.say("下列病种实行限价包干：基金定额支付，个人定额自付，超出限价部分由医院承担。",
				"These diseases have a fixed price: the fund pays a fixed amount, the patient a fixed share, and the hospital bears any cost above the price."),
			Table: &Table{Head: []string{b.say("病种", "Disease"), b.say("限价", "Price"), b.say("基金支付", "Fund"), b.say("个人自付", "Patient"),
				b.say("适用机构", "Where"), b.say("低于限价", "Below the price"), b.say("其他机构", "Elsewhere")}, Rows: g.rows}})
	}
}

func (b *builder) maternity() {
	m := b.p.Maternity
	if m == nil {
		return
	}
	var conds []string
	if m.MinYearsPaid > 0 {
		conds = append(conds, b.say("缴费满"+itoa(m.MinYearsPaid)+"年", itoa(m.MinYearsPaid)+" years paid in"))
	}
	if m.RequireFamilyPlanning {
		conds = append(conds, b.say("符合计划生育政策", "complying with family-planning policy"))
	}
	text := b.say("住院分娩给予定额补助", "Inpatient delivery receives a fixed subsidy")
	if len(conds) > 0 {
		text += b.say("，条件为"+strings.Join(conds, "、"), " for those "+strings.Join(conds, " and "))
	}
	if m.Pool != "" {
		text += b.say("，计入"+b.name("pool", m.Pool), ", counted against "+b.name("pool", m.Pool))
	}
	text += b.say("：", ":")
	rows := make([][]string, len(m.Subsidies))
	for i, s := range m.Subsidies {
		tier := b.say("各档次", "any tier")
		if s.Tier != "" {
			tier = b.name("tiers", s.Tier)
		}
		rows[i] = []string{value("delivery", s.Delivery, b.lang), tier, yuan(s.Amount, b.lang)}
	}
	b.add(m.Clause, secMaternity, Item{Text: text, Table: &Table{
		Head: []string{b.say("分娩方式", "Delivery"), b.say("档次", "Tier"), b.say("补助", "Subsidy")}, Rows: rows}})
}

func (b *builder) layers() {
	for i := range b.p.Layers {
		l := &b.p.Layers[i]
		name := b.pick(l.Name, l.NameEn, l.ID)
		var who []string
		who = append(who, b.names("visitTypes", l.VisitTypes))
		if len(l.Categories) > 0 {
			who = append(who, b.say("人员类别："+b.names("categories", l.Categories), "categories: "+b.names("categories", l.Categories)))
		}
		if l.SingleDiseaseOnly {
			who = append(who, b.say("限按单病种限价结算的住院", "stays settled at a single-disease price only"))
		}
		// The kind in brackets, unless the name says it.
		kind := value("kind", string(l.Kind), b.lang)
		if strings.Contains(strings.ToLower(name), strings.ToLower(kind)) {
			kind = ""
		} else {
			kind = b.say("（"+kind+"）", " ("+kind+")")
		}
		text := b.say(name+kind+"：适用于"+strings.Join(who, "，")+"，以"+value("base", string(l.Base), Chinese)+"为基数（"+value("basis", string(l.Basis), Chinese)+"），",
			name+kind+": for "+strings.Join(who, "; ")+", on "+value("base", string(l.Base), English)+" ("+value("basis", string(l.Basis), English)+"), ")
		var table *Table
		switch l.Mode {
		case policy.ModeTopUp:
			text += b.say("补足至实际报销比例"+l.Target.Percent(), "topped up to an effective ratio of "+l.Target.Percent())
		default:
			text += b.say("超过"+yuan(l.Threshold, Chinese)+"的部分"+b.schedule(l.Ratio), "above "+yuan(l.Threshold, English)+" "+b.schedule(l.Ratio))
			if len(l.Ratio.Bands) > 1 || !l.Ratio.Bands[0].From.IsZero() {
				table = b.bandTable(l.Ratio)
			}
		}
		if l.Cap != nil {
			text += b.say("，每人每年不超过"+yuan(*l.Cap, Chinese), ", at most "+yuan(*l.Cap, English)+" per person per year")
		}
		text += b.say("。", ".")
		b.add(l.Clause, secLayers, Item{Text: text, Table: table})
	}
}

func (b *builder) family() {
	f := b.p.FamilyAccount
	if f == nil {
		return
	}
	b.add(f.Clause, secFamily, Item{Text: b.say(
		"每位参合人员缴费中"+yuan(f.PerPerson, Chinese)+"划入家庭账户，用于支付"+b.names("visitTypes", f.VisitTypes)+"中的"+value("covers", string(f.Covers), Chinese)+"，先于个人现金支付。",
		yuan(f.PerPerson, English)+" of each member's contribution is credited to the household account, which pays "+value("covers", string(f.Covers), English)+" for "+b.names("visitTypes", f.VisitTypes)+", before cash.")})
}

func (b *builder) rounding() {
	r := b.p.Rounding
	b.add(r.Clause, secRounding, Item{Text: b.say(
		"补偿金额按"+value("mode", string(r.Mode), Chinese)+"保留"+itoa(int(r.Scale))+"位小数；乙类先行自付"+value("preSelfPay", string(r.PreSelfPay), Chinese)+"。",
		"Payments are rounded "+value("mode", string(r.Mode), English)+" to "+itoa(int(r.Scale))+" decimals; class-B pre-self-pay: "+value("preSelfPay", string(r.PreSelfPay), English)+".")})
	pc := b.p.Reports.PerCapita
	b.add(r.Clause, secRounding, Item{Text: b.say(
		"统计报表中的人均数按"+value("mode", string(pc.Mode), Chinese)+"保留"+itoa(int(pc.Scale))+"位小数。",
		"Per-capita figures in reports are rounded "+value("mode", string(pc.Mode), English)+" to "+itoa(int(pc.Scale))+" decimals.")})
}

func (b *builder) cards() {
	c := b.p.Cards
	issuers := b.say("各银行卡均可", "any bank card")
	if len(c.Issuers) > 0 {
		issuers = b.say("卡号前缀（发卡行识别码）为", "card numbers starting ") + strings.Join(c.Issuers, b.say("、", ", "))
	}
	text := b.say("参合卡："+issuers+"；每卡每年收费"+yuan(c.Fee, Chinese), "Cards: "+issuers+"; a fee of "+yuan(c.Fee, English)+" a card a year")
	if c.FeeExemptAge > 0 {
		text += b.say("，"+value("feeAgeOn", string(c.FeeAgeOn), Chinese)+"年满"+itoa(c.FeeExemptAge)+"周岁的免收",
			", none for holders "+itoa(c.FeeExemptAge)+" or older on "+value("feeAgeOn", string(c.FeeAgeOn), English))
	}
	text += b.say("。", ".")
	b.add(nil, secCards, Item{Text: text})
	if c.Certificate != "" {
		b.add(nil, secCards, Item{Text: b.say("医保证号须符合格式 "+c.Certificate+"。", "Certificate numbers must match "+c.Certificate+".")})
	}
	if !b.p.Audit.DrugShare.IsZero() {
		b.add(nil, secAudit, Item{Text: b.say(
			"医疗机构药品费用占其参合住院病人月度总费用的比例不得超过"+b.p.Audit.DrugShare.Percent()+"。",
			"A facility's drug cost may be at most "+b.p.Audit.DrugShare.Percent()+" of its scheme inpatients' monthly total cost.")})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
