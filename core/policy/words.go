package policy

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/trace"
)

// Limits on the wording a policy gives for people: names and clause citations are
// shown in a sentence on a counter screen or a receipt, not paragraphs.
const (
	MaxName         = 100 // runes in a name
	MaxClauseNumber = 20  // runes in a clause number (第二十三条, Article 23)
	MaxClauseTitle  = 60  // runes in a clause title
)

// Text returns the citation in the language: number and title joined by a space, as
// the printed scheme heads the article. English falls back to the Chinese when the
// policy gives no English; an empty clause (or nil) gives "".
func (c *Clause) Text(lang string) string {
	if c == nil {
		return ""
	}
	if trace.Lang(lang) == trace.English && (c.NumberEn != "" || c.TitleEn != "") {
		return join(c.NumberEn, c.TitleEn)
	}
	return join(c.Number, c.Title)
}

func join(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}

// named picks the display name in the language: English when asked for and given,
// otherwise the Chinese name, otherwise the id itself.
func named(name, nameEn, id, lang string) string {
	switch {
	case trace.Lang(lang) == trace.English && nameEn != "":
		return nameEn
	case name != "":
		return name
	}
	return id
}

// What a Name call names: the kinds of ids a trace names, and more.
const (
	NameBenefit = trace.NameBenefit
	NameDisease = trace.NameDisease
	NameTier    = trace.NameTier
	NameLayer   = trace.NameLayer
	NameClass   = "class"
	// NameFund is a pool, a layer, or one of the funds without a pool (single
	// disease, maternity).
	NameFund = "fund"
)

// Name returns the display name in lang ("zh" or "en") of the benefit, disease, tier,
// facility class, layer or fund with the id: what an explained result says instead of
// the id. An id the policy does not define is returned as it is.
func (c *Compiled) Name(kind, id, lang string) string {
	p := &c.p
	switch kind {
	case NameBenefit:
		for i := range p.Benefits {
			if b := &p.Benefits[i]; b.ID == id {
				return named(b.Name, b.NameEn, id, lang)
			}
		}
	case NameDisease:
		if d, ok := c.Disease(id); ok {
			return named(d.Name, d.NameEn, id, lang)
		}
	case NameTier:
		if t, ok := c.Tier(id); ok {
			return named(t.Name, t.NameEn, id, lang)
		}
	case NameClass:
		if cl, ok := c.Class(id); ok {
			return named(cl.Name, cl.NameEn, id, lang)
		}
	case NameLayer, NameFund:
		for i := range p.Layers {
			if l := &p.Layers[i]; l.ID == id {
				return named(l.Name, l.NameEn, id, lang)
			}
		}
		if kind == NameLayer {
			break
		}
		if pool, ok := c.Pool(id); ok {
			return named(pool.Name, pool.NameEn, id, lang)
		}
		if id == FundMaternity {
			return named("住院分娩补助", "Maternity subsidy", id, lang)
		}
		if id == FundSingleDisease {
			return named("单病种定额补偿", "Single-disease fixed payment", id, lang)
		}
	}
	return id
}

// Clause returns the citation, in lang, of the article a rule comes from: rule is the
// JSON pointer a trace step records, and the deepest part of the policy on its path
// that cites a clause decides (a benefit's deductible may cite 第三条 起付线 while
// the benefit cites 第二条 住院补偿). Where nothing on the path cites a clause, it is
// the name of the benefit, pool, layer, single disease or category the rule is in,
// or "" — never the pointer.
func (c *Compiled) Clause(rule, lang string) string {
	p := &c.p
	seg := strings.Split(strings.TrimPrefix(rule, "/"), "/")
	at := func(i int) string {
		if i < len(seg) {
			return seg[i]
		}
		return ""
	}
	index := func(n int) int {
		i, err := strconv.Atoi(at(1))
		if err != nil || i < 0 || i >= n {
			return -1
		}
		return i
	}
	var cl *Clause
	name := ""
	switch at(0) {
	case "enrollment":
		cl = p.Enrollment.Clause
	case "continuity":
		if p.Continuity != nil {
			cl = p.Continuity.Clause
		}
	case "catalogue":
		cl = p.Catalogue.Clause
	case "rounding":
		cl = p.Rounding.Clause
	case "familyAccount":
		if p.FamilyAccount != nil {
			cl = p.FamilyAccount.Clause
		}
	case "maternity":
		if p.Maternity != nil {
			cl = p.Maternity.Clause
		}
	case "categories":
		if i := index(len(p.Categories)); i >= 0 {
			cl, name = p.Categories[i].Clause, named(p.Categories[i].Name, p.Categories[i].NameEn, p.Categories[i].Code, lang)
		}
	case "pools":
		if i := index(len(p.Pools)); i >= 0 {
			cl, name = p.Pools[i].Clause, named(p.Pools[i].Name, p.Pools[i].NameEn, p.Pools[i].ID, lang)
		}
	case "singleDiseases":
		if i := index(len(p.SingleDiseases)); i >= 0 {
			d := &p.SingleDiseases[i]
			cl, name = d.Clause, named(d.Name, d.NameEn, d.Code, lang)
		}
	case "layers":
		if i := index(len(p.Layers)); i >= 0 {
			l := &p.Layers[i]
			cl, name = l.Clause, named(l.Name, l.NameEn, l.ID, lang)
			if at(2) == "ratio" && l.Ratio.Clause != nil {
				cl = l.Ratio.Clause
			}
		}
	case "benefits":
		if i := index(len(p.Benefits)); i >= 0 {
			b := &p.Benefits[i]
			cl, name = b.Clause, named(b.Name, b.NameEn, b.ID, lang)
			var sub *Clause
			switch at(2) {
			case "deductible":
				sub = b.Deductible.Clause
			case "ratio":
				sub = b.Ratio.Clause
			case "referral":
				sub = b.Referral.Clause
			}
			if sub != nil {
				cl = sub
			}
		}
	}
	if t := cl.Text(lang); t != "" {
		return t
	}
	return name
}

// words checks the wording a policy gives for people: names in English and clause
// citations must be text (valid UTF-8 without control characters) of bounded length.
func (c *checker) words(p *Policy) {
	c.text(p.NameEn, "/nameEn", MaxName)
	c.clause(p.Rounding.Clause, "/rounding/clause")
	c.clause(p.Reports.PerCapita.Clause, "/reports/perCapita/clause")
	for i := range p.Classes {
		c.text(p.Classes[i].NameEn, "/facilityClasses/"+strconv.Itoa(i)+"/nameEn", MaxName)
	}
	for i := range p.Categories {
		path := "/categories/" + strconv.Itoa(i)
		c.text(p.Categories[i].NameEn, path+"/nameEn", MaxName)
		c.clause(p.Categories[i].Clause, path+"/clause")
	}
	for i := range p.Tiers {
		c.text(p.Tiers[i].NameEn, "/tiers/"+strconv.Itoa(i)+"/nameEn", MaxName)
	}
	c.clause(p.Catalogue.Clause, "/catalogue/clause")
	c.clause(p.Enrollment.Clause, "/enrollment/clause")
	if p.Continuity != nil {
		c.clause(p.Continuity.Clause, "/continuity/clause")
	}
	for i := range p.Pools {
		path := "/pools/" + strconv.Itoa(i)
		c.text(p.Pools[i].NameEn, path+"/nameEn", MaxName)
		c.clause(p.Pools[i].Clause, path+"/clause")
	}
	for i := range p.Benefits {
		b := &p.Benefits[i]
		path := "/benefits/" + strconv.Itoa(i)
		c.text(b.NameEn, path+"/nameEn", MaxName)
		c.clause(b.Clause, path+"/clause")
		c.clause(b.Deductible.Clause, path+"/deductible/clause")
		c.clause(b.Ratio.Clause, path+"/ratio/clause")
		c.clause(b.Referral.Clause, path+"/referral/clause")
	}
	for i := range p.SingleDiseases {
		path := "/singleDiseases/" + strconv.Itoa(i)
		c.text(p.SingleDiseases[i].NameEn, path+"/nameEn", MaxName)
		c.clause(p.SingleDiseases[i].Clause, path+"/clause")
	}
	if p.Maternity != nil {
		c.clause(p.Maternity.Clause, "/maternity/clause")
	}
	for i := range p.Layers {
		l := &p.Layers[i]
		path := "/layers/" + strconv.Itoa(i)
		c.text(l.NameEn, path+"/nameEn", MaxName)
		c.clause(l.Clause, path+"/clause")
		c.clause(l.Ratio.Clause, path+"/ratio/clause")
	}
	if p.FamilyAccount != nil {
		c.clause(p.FamilyAccount.Clause, "/familyAccount/clause")
	}
	if p.National != nil {
		c.clause(p.National.Clause, "/national/clause")
	}
}

// clause checks a citation: a number or a title, each text of bounded length.
func (c *checker) clause(cl *Clause, path string) {
	if cl == nil {
		return
	}
	if cl.Number == "" && cl.Title == "" {
		c.add(core.FieldRequired, path+"/title", "")
	}
	c.text(cl.Number, path+"/number", MaxClauseNumber)
	c.text(cl.Title, path+"/title", MaxClauseTitle)
	c.text(cl.NumberEn, path+"/numberEn", MaxClauseNumber)
	c.text(cl.TitleEn, path+"/titleEn", MaxClauseTitle)
}

// text checks wording shown to people: valid UTF-8, no control characters, no
// leading or trailing space, at most max runes. The detail quotes the offending text.
func (c *checker) text(s, path string, max int) {
	switch {
	case s == "":
		return
	case !utf8.ValidString(s):
		c.add(core.FieldInvalid, path, strconv.QuoteToASCII(s))
		return
	case strings.TrimSpace(s) != s:
		c.add(core.FieldInvalid, path, strconv.Quote(s))
		return
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			c.add(core.FieldInvalid, path, strconv.Quote(s))
			return
		}
	}
	if n := utf8.RuneCountInString(s); n > max {
		c.add(core.FieldInvalid, path, strconv.Itoa(n)+" > "+strconv.Itoa(max))
	}
}
