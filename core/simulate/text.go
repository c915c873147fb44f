package simulate

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/rivo/uniseg"

	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/settle"
)

// words are the report's texts in Chinese and English.
var words = map[string][2]string{
	"title":              {"基金测算报告", "Fund simulation report"},
	"new":                {"新方案", "Draft"},
	"old":                {"基线方案", "Baseline"},
	"claims":             {"就诊人次", "Claims"},
	"persons":            {"涉及人数", "People"},
	"cost":               {"医疗总费用", "Total cost"},
	"refused":            {"拒付（基线／新方案）", "Refused (baseline / draft)"},
	"fundAll":            {"基金支出", "Fund spending"},
	"cash":               {"个人现金支付", "Cash paid by patients"},
	"cap":                {"达到封顶线的人数（基线／新方案）", "People who reach a cap (baseline / draft)"},
	"growth":             {"基金增长上限（前三年平均）", "Growth limit (average of the last three years)"},
	"within":             {"在上限内", "within the limit"},
	"over":               {"超出上限", "above the limit"},
	"key":                {"项目", "Group"},
	"n":                  {"人次", "Claims"},
	"oldCol":             {"基线", "Baseline"},
	"newCol":             {"新方案", "Draft"},
	"change":             {"变化", "Change"},
	"ratio":              {"变化率", "Change %"},
	"largest":            {"支付变化最大的就诊", "Claims whose payment changes most"},
	"seq":                {"序号", "Seq"},
	"claim":              {"就诊编号", "Claim"},
	"townCol":            {"乡镇", "Township"},
	"type":               {"类型", "Type"},
	"classCol":           {"机构类别", "Class"},
	"total":              {"费用", "Cost"},
	"problems":           {"拒付的记录（前若干条）", "Refused records (the first)"},
	"yuan":               {"元", "yuan"},
	"none":               {"（无）", "(none)"},
	"unknown":            {"（未知）", "(unknown)"},
	ByFund:               {"按基金", "By fund"},
	ByClass:              {"按医疗机构类别", "By facility class"},
	ByTownship:           {"按乡镇", "By township"},
	ByVisitType:          {"按就诊类型", "By visit type"},
	ByCategory:           {"按人员类别", "By person category"},
	"inpatient":          {"住院", "inpatient"},
	"outpatient":         {"普通门诊", "outpatient"},
	"special_outpatient": {"慢性病／特殊病种门诊", "special outpatient"},
	"maternity":          {"住院分娩", "maternity"},
}

func word(key, lang string) string {
	w, ok := words[key]
	if !ok {
		return key
	}
	if lang == "en" {
		return w[1]
	}
	return w[0]
}

// WriteText writes the report for people to read, in lang ("zh" or "en").
func WriteText(w io.Writer, r *Report, lang string) error {
	var b strings.Builder
	line := func(label, value string) { fmt.Fprintf(&b, "%s: %s\n", word(label, lang), value) }
	b.WriteString(word("title", lang) + "\n\n")
	line("new", ref(r.New))
	olds := make([]string, len(r.Old))
	for i, o := range r.Old {
		olds[i] = ref(o)
	}
	line("old", strings.Join(olds, ", "))
	line("claims", strconv.Itoa(r.Claims))
	line("persons", strconv.Itoa(r.Persons))
	line("cost", r.Cost.String()+" "+word("yuan", lang))
	line("refused", strconv.Itoa(r.Refused.Old)+" / "+strconv.Itoa(r.Refused.New))
	line("fundAll", fmt.Sprintf("%s → %s %s (%s, %s)", r.Fund.Old, r.Fund.New, word("yuan", lang), signed(r.Fund.Change), pct(r.Fund.ChangeRatio)))
	line("cash", fmt.Sprintf("%s → %s %s (%s, %s)", r.Cash.Old, r.Cash.New, word("yuan", lang), signed(r.Cash.Change), pct(r.Cash.ChangeRatio)))
	line("cap", strconv.Itoa(r.CapReached.Old)+" / "+strconv.Itoa(r.CapReached.New))
	if g := r.Growth; g != nil {
		verdict := word("within", lang)
		if !g.Within {
			verdict = word("over", lang)
		}
		line("growth", fmt.Sprintf("%s; %s %s", g.Limit.Percent(), pct(g.Change), verdict))
	}
	for _, g := range r.Groups {
		b.WriteString("\n" + word(g.By, lang) + "\n")
		t := [][]string{{word("key", lang), word("n", lang), word("oldCol", lang), word("newCol", lang), word("change", lang), word("ratio", lang)}}
		for _, x := range g.Rows {
			t = append(t, []string{label(g.By, x, lang), strconv.Itoa(x.Claims), x.Old.String(), x.New.String(), signed(x.Change), pct(x.ChangeRatio)})
		}
		table(&b, t)
	}
	b.WriteString("\n" + word("largest", lang) + "\n")
	if len(r.Largest) == 0 {
		b.WriteString(word("none", lang) + "\n")
	} else {
		t := [][]string{{word("seq", lang), word("claim", lang), word("townCol", lang), word("type", lang), word("classCol", lang),
			word("total", lang), word("oldCol", lang), word("newCol", lang), word("change", lang)}}
		for _, d := range r.Largest {
			t = append(t, []string{strconv.FormatInt(d.Seq, 10), d.Claim, d.Township, word(d.VisitType, lang), d.Class,
				d.Total.String(), d.OldFund.String(), d.NewFund.String(), signed(d.Change)})
		}
		table(&b, t)
	}
	if len(r.Problems) > 0 {
		b.WriteString("\n" + word("problems", lang) + "\n")
		for _, p := range r.Problems {
			msg := p.Error.Message
			if lang != "en" && p.Error.MessageZh != "" {
				msg = p.Error.MessageZh
			}
			fmt.Fprintf(&b, "%d  %s %s %s\n", p.Seq, p.Error.Code, p.Error.Path, msg)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func ref(p settle.PolicyRef) string { return p.ID + " " + p.Version }

// label is a row's name in the report's language.
func label(by string, x Row, lang string) string {
	switch {
	case x.Key == "":
		return word("unknown", lang)
	case by == ByVisitType:
		return word(x.Key, lang)
	case lang == "en" && x.NameEn != "":
		return x.NameEn
	case lang != "en" && x.Name != "":
		return x.Name
	}
	return x.Key
}

func signed(a money.Amount) string {
	if a.Sign() > 0 {
		return "+" + a.String()
	}
	return a.String()
}

func pct(r money.Rate) string {
	if r.Cmp(money.Rate{}) > 0 {
		return "+" + r.Percent()
	}
	return r.Percent()
}

// table writes rows in columns as wide as their widest cell (Chinese characters
// count two), the first column left-aligned, the others right-aligned.
func table(b *strings.Builder, rows [][]string) {
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], uniseg.StringWidth(c))
		}
	}
	for _, r := range rows {
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-uniseg.StringWidth(c))
			switch {
			case i == 0:
				b.WriteString("  " + c + pad)
			default:
				b.WriteString("  " + pad + c)
			}
		}
		b.WriteString("\n")
	}
}
