package policydoc_test

import (
	"os"
	"strings"
	"testing"

	"github.com/ruralhealth/ncms/core/codec"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policies"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/core/policydoc"
)

// document decodes an example policy by file name, as the engine does.
func document(t *testing.T, name string) *policy.Policy {
	t.Helper()
	for _, d := range policies.Documents() {
		if d.Name == name {
			var p policy.Policy
			if err := codec.Decode(d.JSON, &p); err != nil {
				t.Fatal(err)
			}
			return &p
		}
	}
	t.Fatalf("no example %s", name)
	return nil
}

// compile compiles a policy document, which must be valid.
func compile(t *testing.T, p *policy.Policy) *policy.Compiled {
	t.Helper()
	c, err := policy.Compile(*p)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// example is an example policy compiled.
func example(t *testing.T, name string) *policy.Compiled {
	t.Helper()
	return compile(t, document(t, name))
}

func texts(cs []policydoc.Change) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Text
	}
	return out
}

// TestDiffPingluo: the revision of Pingluo's scheme against the original, the lines
// checked by hand against the two documents: the id and names, the township class
// renamed, the one inpatient benefit replaced by three (one per facility), the
// family account's share raised from 5 to 8.
func TestDiffPingluo(t *testing.T) {
	old, new := example(t, "pingluo-original.json"), example(t, "pingluo-revised.json")
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{"zh", []string{
			"编号：pingluo-original → pingluo-revised",
			"名称：平罗县新型农村合作医疗住院补偿方案（原方案，全额累进） → 平罗县新型农村合作医疗住院补偿方案（修订建议）",
			"英文名称：已修改",
			"出处：已修改",
			"编制说明：已修改",
			"乡镇卫生院（一级） 名称：乡镇卫生院 → 乡镇卫生院（一级）",
			"乡镇卫生院（一级） 英文名称：Township health centre → Township health centre (level 1)",
			"删除 补偿规定 住院补偿（inpatient）",
			"新增 补偿规定 乡镇卫生院住院补偿（inpatient-township）",
			"新增 补偿规定 二级定点医院住院补偿（inpatient-designated）",
			"新增 补偿规定 非定点医疗机构住院补偿（inpatient-nondesignated）",
			"家庭账户 每人划入：5 → 8",
		}},
		{"en", []string{
			"id: pingluo-original → pingluo-revised",
			"name: 平罗县新型农村合作医疗住院补偿方案（原方案，全额累进） → 平罗县新型农村合作医疗住院补偿方案（修订建议）",
			"English name: changed",
			"source: changed",
			"notes: changed",
			"Township health centre (level 1) name: 乡镇卫生院 → 乡镇卫生院（一级）",
			"Township health centre (level 1) English name: Township health centre → Township health centre (level 1)",
			"removed benefit Inpatient care (inpatient)",
			"added benefit Township inpatient care (inpatient-township)",
			"added benefit Designated level-2 hospital inpatient care (inpatient-designated)",
			"added benefit Non-designated facility inpatient care (inpatient-nondesignated)",
			"Family account per person: 5 → 8",
		}},
	} {
		cs := policydoc.Diff(old, new, tc.lang)
		if got := strings.Join(texts(cs), "\n"); got != strings.Join(tc.want, "\n") {
			t.Errorf("%s:\n%s\nwant\n%s", tc.lang, got, strings.Join(tc.want, "\n"))
		}
	}
	// What an added benefit holds is listed under it: the township's 150 and 25%.
	for _, c := range policydoc.Diff(old, new, "zh") {
		if c.Path != "/benefits/0" || c.Op != policydoc.Added {
			continue
		}
		details := strings.Join(c.Details, "\n")
		for _, s := range []string{"医疗机构：乡镇卫生院（一级）", "起付线：150", "补偿比例 累进方式：全额累进", "补偿比例 分段：起点 0 比例 25%；起点 1000 比例 25%；起点 1500 比例 30%"} {
			if !strings.Contains(details, s) {
				t.Errorf("the added township benefit lacks %q:\n%s", s, details)
			}
		}
	}
	if cs := policydoc.Diff(new, new, "zh"); len(cs) != 0 {
		t.Errorf("a policy differs from itself: %v", texts(cs))
	}
}

// TestDiffRules changes the revision as a county would revise it again and checks
// each change is a line in the scheme's words.
func TestDiffRules(t *testing.T) {
	old := example(t, "pingluo-revised.json")
	new := document(t, "pingluo-revised.json")
	new.Benefits[1].Deductible.First = money.MustAmount("350")
	new.Benefits[0].Ratio.Bands[2].Rate = money.MustRate("0.35")
	new.Benefits[0].Ratio.Bands = append(new.Benefits[0].Ratio.Bands, policy.Band{From: money.MustAmount("4500"), Rate: money.MustRate("0.60")})
	later := money.MustAmount("200")
	new.Benefits[1].Deductible.Later, new.Benefits[1].Deductible.Count = &later, policy.CountAll
	new.Benefits[2].AnnualCap = nil
	new.Pools[0].Cap = money.MustAmount("5000")
	new.Pools = append(new.Pools, policy.Pool{ID: "outpatient", Name: "门诊统筹基金", NameEn: "Outpatient pool", Cap: money.MustAmount("300")})
	new.Enrollment.FirstWaitMonths = 3
	new.FamilyAccount = nil
	want := map[string][]string{
		"zh": {
			"参合与待遇享受 首次参合等待期（月）：0 → 3",
			"住院统筹基金 封顶线：4000 → 5000",
			"新增 统筹基金 门诊统筹基金（outpatient）",
			"乡镇卫生院住院补偿 补偿比例 第3段 比例：30% → 35%",
			"新增 乡镇卫生院住院补偿 补偿比例 第9段",
			"二级定点医院住院补偿 起付线 再次住院：无 → 200",
			"二级定点医院住院补偿 起付线：300 → 350",
			"二级定点医院住院补偿 起付线 再次住院计次：无 → 各类医疗机构",
			"非定点医疗机构住院补偿 年度支付限额：3000 → 无",
			"删除 家庭账户",
		},
		"en": {
			"Enrollment and entitlement first-enrollment wait (months): 0 → 3",
			"Inpatient pool cap: 4000 → 5000",
			"added pool Outpatient pool (outpatient)",
			"Township inpatient care Reimbursement ratio band 3 ratio: 30% → 35%",
			"added Township inpatient care Reimbursement ratio band 9",
			"Designated level-2 hospital inpatient care Deductible later admissions: none → 200",
			"Designated level-2 hospital inpatient care Deductible: 300 → 350",
			"Designated level-2 hospital inpatient care Deductible later admissions count: none → admissions at any facility",
			"Non-designated facility inpatient care annual cap: 3000 → none",
			"removed Family account",
		},
	}
	for lang, w := range want {
		got := texts(policydoc.Diff(old, compile(t, new), lang))
		set := map[string]bool{}
		for _, g := range got {
			set[g] = true
		}
		for _, s := range w {
			if !set[s] {
				t.Errorf("%s: no line %q in\n%s", lang, s, strings.Join(got, "\n"))
			}
		}
		if len(got) != len(w) {
			t.Errorf("%s: %d lines, want %d:\n%s", lang, len(got), len(w), strings.Join(got, "\n"))
		}
	}
}

// TestShowGolden: `ncms policy show` of the Pingluo revision, checked by hand
// against the document clause by clause (testdata/pingluo-revised.*.txt): the
// deductibles 150, 300 and 500 by facility, the township's bands from 25%, the
// pool's 4000 and the non-designated 3000 caps, the family account's 8元, rounding
// and the card rules, under the articles the policy cites and 第一条 and 第十条
// numbered for the parts it does not.
func TestShowGolden(t *testing.T) {
	p := example(t, "pingluo-revised.json")
	for _, lang := range []string{"zh", "en"} {
		doc := policydoc.Render(p, lang)
		got := doc.Text()
		name := "testdata/pingluo-revised." + lang + ".txt"
		if os.Getenv("NCMS_GOLDEN") != "" {
			if err := os.WriteFile(name, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if got != string(want) {
			t.Errorf("%s differs from the golden text; got:\n%s", name, got)
		}
	}
}

// TestShowEveryRule: every example policy's rendering holds each figure the engine
// computes with: each benefit's deductible and band ratios, each pool's cap, each
// layer and disease, and no article is empty.
func TestShowEveryRule(t *testing.T) {
	for _, d := range policies.Documents() {
		c := example(t, d.Name)
		p := c.Policy()
		for _, lang := range []string{"zh", "en"} {
			doc := policydoc.Render(c, lang)
			text := doc.Text()
			has := func(what, s string) {
				if !strings.Contains(text, s) {
					t.Errorf("%s %s: no %s %q", d.Name, lang, what, s)
				}
			}
			for _, a := range doc.Articles {
				if a.Number == "" || a.Title == "" || len(a.Items) == 0 {
					t.Errorf("%s %s: article %+v", d.Name, lang, a)
				}
			}
			for _, b := range p.Benefits {
				name := b.Name
				if lang == "en" && b.NameEn != "" {
					name = b.NameEn
				}
				has("benefit", name)
				if b.Deductible.Basis != policy.NoDeductible {
					has("deductible", strings.TrimSuffix(b.Deductible.First.String(), ".00"))
				}
				for _, band := range b.Ratio.Bands {
					has("ratio", band.Rate.Percent())
				}
			}
			for _, pool := range p.Pools {
				has("cap", strings.TrimSuffix(pool.Cap.String(), ".00"))
			}
			for _, l := range p.Layers {
				if lang == "zh" {
					has("layer", l.Name)
				}
			}
			for _, sd := range p.SingleDiseases {
				has("disease", sd.Code)
				has("disease fund", strings.TrimSuffix(sd.Fund.String(), ".00"))
			}
			if strings.Contains(text, "%!") || strings.Contains(text, "<nil>") {
				t.Errorf("%s %s: a formatting slip:\n%s", d.Name, lang, text)
			}
		}
	}
}

// TestShowSettings words the settings no example policy uses: capped-fee care, a
// per-visit cap, a yearly deductible, a referral that lowers the ratio, a category's
// ratio adjustment, a ratio layer with its cap, waiting periods.
func TestShowSettings(t *testing.T) {
	p := document(t, "pingluo-revised.json")
	limit, visitCap, layerCap := money.MustAmount("200"), money.MustAmount("2000"), money.MustAmount("50000")
	township := &p.Benefits[0]
	township.Kind, township.PatientLimit = policy.KindCappedFee, &limit
	designated := &p.Benefits[1]
	designated.VisitCap = &visitCap
	designated.Deductible.Basis = policy.PerYear
	nondesignated := &p.Benefits[2]
	nondesignated.Referral = policy.Referral{Required: true, Missing: policy.ReferralReduce, Points: money.MustRate("0.10")}
	p.Categories[0].RatePoints = money.MustRate("-0.05")
	p.Enrollment.FirstWaitMonths, p.Enrollment.LapseMonths, p.Enrollment.LapseWaitMonths = 3, 6, 4
	p.Layers = []policy.Layer{{ID: "catastrophic", Name: "大病保险", NameEn: "Catastrophic insurance", Kind: policy.LayerCatastrophic,
		VisitTypes: []string{"inpatient"}, Base: policy.BaseScopePersonal, Basis: policy.BasisYear, Mode: policy.ModeRatio,
		Threshold: money.MustAmount("10000"), Cap: &layerCap,
		Ratio: policy.Schedule{Method: policy.Excess, Axis: policy.AxisAbove, Bands: []policy.Band{
			{From: money.MustAmount("0"), Rate: money.MustRate("0.50")}, {From: money.MustAmount("50000"), Rate: money.MustRate("0.60")}}}}}
	c := compile(t, p)
	for lang, want := range map[string][]string{
		"zh": {
			"乡镇卫生院住院补偿：适用于住院，医疗机构：乡镇卫生院（一级）；由住院统筹基金支付，限费医疗。个人负担不超过200元，其余由基金支付。",
			"二级定点医院住院补偿：每人每年起付线300元，在住院统筹基金内累计计算。",
			"二级定点医院住院补偿：每次住院（就诊）基金支付不超过2000元。",
			"非定点医疗机构住院补偿：县外就医须办理转诊手续；未转诊的降低报销比例10个百分点。",
			"参合人员类别：参合农民，各项报销比例调整-5个百分点。",
			"首次参合的，自缴费之日与参合年度起始日中较晚者起满3个月后享受待遇。",
			"参合中断6个月及以上后再缴费的为断保，自缴费之日起满4个月后享受待遇。",
			"大病保险：适用于住院，以政策范围内个人负担为基数（每人每年），超过10000元的部分分段报销（超额累进：各段费用分别按该段比例报销；按起付线以上费用分段），每人每年不超过50000元。",
			"第2段  超过50000元    60%",
		},
		"en": {
			"Township inpatient care: for inpatient care; facilities: Township health centre (level 1); paid from the Inpatient pool, capped-fee care. The patient pays at most 200 yuan; the fund pays the rest.",
			"Non-designated facility inpatient care: out-of-county care needs a referral; without one the ratio is lowered by 10 percentage points.",
			"Person category: Enrolled farmer: every ratio adjusted by -5 percentage points.",
		},
	} {
		text := policydoc.Render(c, lang)
		out := text.Text()
		for _, s := range want {
			if !strings.Contains(out, s) {
				t.Errorf("%s: no %q in\n%s", lang, s, out)
			}
		}
	}
}
