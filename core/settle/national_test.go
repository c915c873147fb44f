package settle_test

import (
	"strings"
	"testing"

	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/core/settle"
	"github.com/ruralhealth/ncms/core/trace"
)

// npSerious adds to the revised Pingluo scheme a serious-illness layer (50% of the
// policy-scope cost left to the patient above 3000, cap 100000) and medical
// assistance for 低保 (50% of the scope then left, no cap), as the conformance
// vectors' inline pingluo-serious does.
func npSerious(p *policy.Policy) {
	p.Categories = append(p.Categories, policy.Category{Code: "dibao", Name: "低保对象"})
	flat := policy.Schedule{Method: policy.Excess, Axis: policy.AxisAbove, Bands: []policy.Band{{Rate: money.MustRate("0.50")}}}
	cap := money.MustAmount("100000")
	p.Layers = []policy.Layer{
		{ID: "serious", Name: "城乡居民大病保险", Kind: policy.LayerCatastrophic, VisitTypes: []string{string(policy.VisitInpatient)},
			Base: policy.BaseScopePersonal, Basis: policy.BasisClaim, Mode: policy.ModeRatio,
			Threshold: money.MustAmount("3000"), Ratio: flat, Cap: &cap},
		{ID: "assistance", Name: "医疗救助", Kind: policy.LayerAssistance, VisitTypes: []string{string(policy.VisitInpatient)},
			Categories: []string{"dibao"}, Base: policy.BaseScopePersonal, Basis: policy.BasisClaim, Mode: policy.ModeRatio, Ratio: flat},
	}
}

// npLine is a setldetail line: type, inscp_scp_amt, crt_payb_lmt_amt ("" for
// null), fund_payamt.
type npLine struct{ typ, scope, limit, paid string }

// npInfo lists the setlinfo figures in the interface's order; empty means 0.00.
type npInfo struct {
	medfee, fulamt, overlmt, preself, scope, dedc, hifp, hifmi, maf, oth, fundSum, psnPart, acct, cash, hosp string
}

func (w npInfo) figures() []string {
	return []string{w.medfee, w.fulamt, w.overlmt, w.preself, w.scope, w.dedc, w.hifp, w.hifmi, w.maf, w.oth,
		w.fundSum, w.psnPart, w.acct, w.cash, w.hosp}
}

func npGot(in settle.SetlInfo) []money.Amount {
	return []money.Amount{in.MedfeeSumamt, in.FulamtOwnpayAmt, in.OverlmtSelfpay, in.PreselfpayAmt, in.InscpScpAmt,
		in.ActPayDedc, in.HifpPay, in.HifmiPay, in.MafPay, in.OthPay, in.FundPaySumamt, in.PsnPartAmt, in.AcctPay,
		in.PsnCashPay, in.HospPartAmt}
}

var npNames = []string{"medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt",
	"act_pay_dedc", "hifp_pay", "hifmi_pay", "maf_pay", "oth_pay", "fund_pay_sumamt", "psn_part_amt", "acct_pay",
	"psn_cash_pay", "hosp_part_amt"}

// TestNationalProfile settles claims and checks their national profile against
// figures worked by hand (in each case's comment) from the policy text.
func TestNationalProfile(t *testing.T) {
	farmer := xpPerson("640221", "1980-01-01", "001", "farmer", xpYears("", 2024, 2025))
	dibao := xpPerson("640221", "1980-01-01", "001", "dibao", xpYears("", 2024, 2025))
	self := claim.Item{Code: "DRUG-S", Kind: claim.KindDrug, Class: claim.ClassSelf, Amount: money.MustAmount("200.00")}
	self500 := self
	self500.Amount = money.MustAmount("500.00")
	cases := []struct {
		name   string
		policy string
		edit   func(*policy.Policy)
		person claim.Person
		visit  claim.Visit
		items  []claim.Item
		totals claim.Totals
		lang   string
		info   npInfo
		lines  []npLine
		proc   []string // setl_proc_info of each line, when checked
	}{
		{
			// Revised Pingluo, county hospital: deductible 300; scope 8432 reaches the
			// band from 4000 (55%), whole amount: (8432 − 300) × 0.55 = 4472.60 → cap
			// 4000. Total 8632 with 200 wholly self-paid; cash 4632.
			name: "pingluo revised county 8432", policy: "pingluo-revised", person: farmer,
			visit: xpStay("county", "2025-05-06"), items: append(xpA("8432.00"), self),
			info: npInfo{medfee: "8632.00", fulamt: "200.00", scope: "8432.00", dedc: "300.00", hifp: "4000.00",
				fundSum: "4000.00", psnPart: "4632.00", cash: "4632.00"},
			lines: []npLine{{"390100", "8132.00", "4000.00", "4000.00"}},
			proc:  []string{"住院统筹基金：基数 8132.00 元，年度封顶 4000.00 元，此前已付 0.00 元，本次可付 4000.00 元，支付 4000.00 元"},
		},
		{
			// The same stay after 1500 paid this year: the cap allows 2500
			// (crt_payb_lmt_amt), which is paid; cash 8632 − 2500 = 6132.
			name: "pingluo revised county 8432 after 1500", policy: "pingluo-revised", person: farmer,
			visit: xpStay("county", "2025-05-06"), items: append(xpA("8432.00"), self),
			totals: xpTotals("inpatient", "1500.00", claim.ClassCount{Class: "county", Count: 1}),
			info: npInfo{medfee: "8632.00", fulamt: "200.00", scope: "8432.00", dedc: "300.00", hifp: "2500.00",
				fundSum: "2500.00", psnPart: "6132.00", cash: "6132.00"},
			lines: []npLine{{"390100", "8132.00", "2500.00", "2500.00"}},
			proc:  []string{"住院统筹基金：基数 8132.00 元，年度封顶 4000.00 元，此前已付 1500.00 元，本次可付 2500.00 元，支付 2500.00 元"},
		},
		{
			// Township 800: deductible 150, band from 0 at 25% (raised by the
			// revision): (800 − 150) × 0.25 = 162.50; cash 637.50.
			name: "pingluo revised township 800", policy: "pingluo-revised", person: farmer,
			visit: xpStay("township", "2025-05-06"), items: xpA("800.00"),
			info: npInfo{medfee: "800.00", scope: "800.00", dedc: "150.00", hifp: "162.50", fundSum: "162.50",
				psnPart: "637.50", cash: "637.50"},
			lines: []npLine{{"390100", "650.00", "4000.00", "162.50"}},
		},
		{
			// Village outpatient: no benefit, the family account (74.50) pays first,
			// cash 45.50; no fund paid, no line.
			name: "pingluo revised family account", policy: "pingluo-revised", person: farmer,
			visit: xpVisit(policy.VisitOutpatient, "village", "2025-05-06"), items: xpA("120.00"),
			totals: claim.Totals{Year: 2025, FamilyAccount: money.MustAmount("74.50")},
			info:   npInfo{medfee: "120.00", scope: "120.00", psnPart: "120.00", acct: "74.50", cash: "45.50"},
		},
		{
			// With the 大病 layer, 20000 + 500 self-paid at the county hospital: basic
			// (20000 − 300) × 0.55 = 10835 → cap 4000; scope left min(20500 − 4000,
			// 20000 − 4000) = 16000, (16000 − 3000) × 0.50 = 6500 (hifmi_pay); cash
			// 20500 − 10500 = 10000.
			name: "serious-illness layer", policy: "pingluo-revised", edit: npSerious, person: farmer,
			visit: xpStay("county", "2025-05-06"), items: append(xpA("20000.00"), self500),
			info: npInfo{medfee: "20500.00", fulamt: "500.00", scope: "20000.00", dedc: "300.00", hifp: "4000.00",
				hifmi: "6500.00", fundSum: "10500.00", psnPart: "10000.00", cash: "10000.00"},
			lines: []npLine{{"390100", "19700.00", "4000.00", "4000.00"}, {"390200", "16000.00", "100000.00", "6500.00"}},
			proc: []string{"住院统筹基金：基数 19700.00 元，年度封顶 4000.00 元，此前已付 0.00 元，本次可付 4000.00 元，支付 4000.00 元",
				"城乡居民大病保险：基数 16000.00 元，年度封顶 100000.00 元，此前已付 0.00 元，本次可付 100000.00 元，支付 6500.00 元"},
		},
		{
			// 低保: as above, then assistance on the scope left, min(20500 − 10500,
			// 20000 − 10500) = 9500 × 0.50 = 4750 (maf_pay, no cap: null); cash 5250.
			name: "serious-illness layer and assistance", policy: "pingluo-revised", edit: npSerious, person: dibao,
			visit: xpStay("county", "2025-05-06"), items: append(xpA("20000.00"), self500),
			info: npInfo{medfee: "20500.00", fulamt: "500.00", scope: "20000.00", dedc: "300.00", hifp: "4000.00",
				hifmi: "6500.00", maf: "4750.00", fundSum: "15250.00", psnPart: "5250.00", cash: "5250.00"},
			lines: []npLine{{"390100", "19700.00", "4000.00", "4000.00"}, {"390200", "16000.00", "100000.00", "6500.00"},
				{"610100", "9500.00", "", "4750.00"}},
			proc: []string{"", "", "医疗救助：基数 9500.00 元，支付 4750.00 元"},
		},
		{
			// 5000 with the layer: basic (5000 − 300) × 0.55 = 2585; scope left 2415,
			// under the 3000 threshold: the layer pays 0.00 and has no line.
			name: "serious-illness layer below its threshold", policy: "pingluo-revised", edit: npSerious, person: farmer,
			visit: xpStay("county", "2025-05-06"), items: xpA("5000.00"),
			info: npInfo{medfee: "5000.00", scope: "5000.00", dedc: "300.00", hifp: "2585.00", fundSum: "2585.00",
				psnPart: "2415.00", cash: "2415.00"},
			lines: []npLine{{"390100", "4700.00", "4000.00", "2585.00"}},
		},
		{
			// The county maps its pool to 310100 and the 大病 layer to 390300 (大病补充):
			// 310100 is still the basic fund (hifp_pay), 390300 is other (oth_pay).
			name: "mapped by the policy", policy: "pingluo-revised", person: farmer,
			edit: func(p *policy.Policy) {
				npSerious(p)
				p.National = &policy.National{FundTypes: []policy.FundType{{Fund: "inpatient", Type: "310100"}, {Fund: "serious", Type: "390300"}}}
			},
			visit: xpStay("county", "2025-05-06"), items: append(xpA("20000.00"), self500),
			info: npInfo{medfee: "20500.00", fulamt: "500.00", scope: "20000.00", dedc: "300.00", hifp: "4000.00",
				oth: "6500.00", fundSum: "10500.00", psnPart: "10000.00", cash: "10000.00"},
			lines: []npLine{{"310100", "19700.00", "4000.00", "4000.00"}, {"390300", "16000.00", "100000.00", "6500.00"}},
		},
		{
			// Explained in English: the same figures, setl_proc_info in English with
			// the pool's English name.
			name: "english", policy: "pingluo-revised", person: farmer, lang: string(trace.English),
			visit: xpStay("township", "2025-05-06"), items: xpA("800.00"),
			info: npInfo{medfee: "800.00", scope: "800.00", dedc: "150.00", hifp: "162.50", fundSum: "162.50",
				psnPart: "637.50", cash: "637.50"},
			lines: []npLine{{"390100", "650.00", "4000.00", "162.50"}},
			proc:  []string{"Inpatient pool: base 650.00, annual cap 4000.00, paid before 0.00, payable 4000.00, paid 162.50"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := xpPolicy(t, tc.policy, tc.edit)
			c := claim.Claim{ID: "N1", Person: tc.person, Visit: tc.visit, Items: tc.items, Totals: tc.totals}
			r := xpRun(t, p, c)
			if tc.lang != "" {
				settle.Explain(p, &c, r, tc.lang)
			}
			n := settle.NationalProfile(p, r, tc.lang)
			got := npGot(n.SetlInfo)
			for i, w := range tc.info.figures() {
				if w == "" {
					w = "0.00"
				}
				if got[i].String() != w {
					t.Errorf("%s = %s, want %s", npNames[i], got[i], w)
				}
			}
			// The interface's own sums hold: the four fund figures make the fund
			// total, and the funds, the person and the hospital make the bill.
			in := n.SetlInfo
			if s := in.HifpPay.Add(in.HifmiPay).Add(in.MafPay).Add(in.OthPay); s.Cmp(in.FundPaySumamt) != 0 {
				t.Errorf("hifp+hifmi+maf+oth = %s, fund_pay_sumamt %s", s, in.FundPaySumamt)
			}
			if s := in.FundPaySumamt.Add(in.PsnPartAmt).Add(in.HospPartAmt); s.Cmp(in.MedfeeSumamt) != 0 {
				t.Errorf("fund+person+hospital = %s, medfee_sumamt %s", s, in.MedfeeSumamt)
			}
			if s := in.AcctPay.Add(in.PsnCashPay); s.Cmp(in.PsnPartAmt) != 0 {
				t.Errorf("acct+cash = %s, psn_part_amt %s", s, in.PsnPartAmt)
			}
			if len(n.SetlDetail) != len(tc.lines) {
				t.Fatalf("%d setldetail lines, want %d: %+v", len(n.SetlDetail), len(tc.lines), n.SetlDetail)
			}
			for i, w := range tc.lines {
				d := n.SetlDetail[i]
				limit := ""
				if d.CrtPaybLmtAmt != nil {
					limit = d.CrtPaybLmtAmt.String()
				}
				g := npLine{d.FundPayType, d.InscpScpAmt.String(), limit, d.FundPayamt.String()}
				if g != w {
					t.Errorf("setldetail %d = %+v, want %+v", i, g, w)
				}
				if i < len(tc.proc) && tc.proc[i] != "" && d.SetlProcInfo != tc.proc[i] {
					t.Errorf("setldetail %d setl_proc_info = %q, want %q", i, d.SetlProcInfo, tc.proc[i])
				}
				if trace.Lang(tc.lang) != trace.English && strings.ContainsAny(d.SetlProcInfo, "abcdefghijklmnopqrstuvwxyz") {
					t.Errorf("setldetail %d setl_proc_info %q has Latin words", i, d.SetlProcInfo)
				}
			}
		})
	}
}
