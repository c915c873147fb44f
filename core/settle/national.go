package settle

import (
	"strings"

	"github.com/ruralhealth/ncms/core/codec"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/core/trace"
)

// Output profiles a settlement can be asked for in, besides the engine's own terms.
const (
	// ProfileNational is the national medical-insurance settlement interface's
	// (国家医保信息平台) output: setlinfo and setldetail with its field names, so an HIS
	// already integrated with that interface maps its screens onto ours field by field.
	ProfileNational = "national"
)

// National is a settlement in the national settlement interface's terms: the
// settlement (setlinfo) and one line per fund that paid (setldetail). Every figure is
// one of the result's own, moved or summed, never computed anew: the field comments
// say from which. Its field names are the interface's, which is why they are not in
// the engine's camel case.
type National struct {
	SetlInfo   SetlInfo     `json:"setlinfo"`
	SetlDetail []SetlDetail `json:"setldetail"`
}

// SetlInfo is the national interface's settlement (结算信息).
type SetlInfo struct {
	MedfeeSumamt    money.Amount `json:"medfee_sumamt"`     // 医疗费总额: total
	FulamtOwnpayAmt money.Amount `json:"fulamt_ownpay_amt"` // 全自费金额: selfPaid
	OverlmtSelfpay  money.Amount `json:"overlmt_selfpay"`   // 超限价自费费用: overLimit
	PreselfpayAmt   money.Amount `json:"preselfpay_amt"`    // 先行自付金额: preSelfPay
	InscpScpAmt     money.Amount `json:"inscp_scp_amt"`     // 符合政策范围金额: scope
	ActPayDedc      money.Amount `json:"act_pay_dedc"`      // 实际支付起付线: deductible
	// HifpPay is the basic fund's payment (基本医疗保险统筹基金支出): the funds whose
	// type is 390100 or 310100.
	HifpPay money.Amount `json:"hifp_pay"`
	// HifmiPay is the serious-illness insurance's (居民大病保险资金支出): type 390200;
	// "0.00" when the policy has no such layer.
	HifmiPay money.Amount `json:"hifmi_pay"`
	// MafPay is medical assistance's (医疗救助基金支出): types 6101xx.
	MafPay money.Amount `json:"maf_pay"`
	// OthPay is every other fund's (其他支出), so that the four sum to FundPaySumamt.
	OthPay        money.Amount `json:"oth_pay"`
	FundPaySumamt money.Amount `json:"fund_pay_sumamt"` // 基金支付总额: fundTotal
	PsnPartAmt    money.Amount `json:"psn_part_amt"`    // 个人负担总金额: personal (familyAccount + cash)
	AcctPay       money.Amount `json:"acct_pay"`        // 个人账户支出: familyAccount (家庭账户)
	PsnCashPay    money.Amount `json:"psn_cash_pay"`    // 个人现金支出: cash
	HospPartAmt   money.Amount `json:"hosp_part_amt"`   // 医院负担金额: hospital
}

// SetlDetail is one fund's payment (结算基金分项信息), in the order of the result's
// funds.
type SetlDetail struct {
	// FundPayType is the fund's national type code (基金支付类型): the policy's
	// national.fundTypes, or policy.DefaultFundType of the fund's kind.
	FundPayType string `json:"fund_pay_type"`
	// InscpScpAmt is the amount the fund's rule applied to: the fund's base.
	InscpScpAmt money.Amount `json:"inscp_scp_amt"`
	// CrtPaybLmtAmt is what the fund's annual cap still allowed before this payment
	// (本次可支付限额金额): the fund's available; null when the fund has no cap.
	CrtPaybLmtAmt *money.Amount `json:"crt_payb_lmt_amt"`
	FundPayamt    money.Amount  `json:"fund_payamt"` // 基金支付金额: the fund's amount
	// SetlProcInfo (结算过程信息) says how the payment came about in one line, in the
	// language asked for (Chinese unless "en"): the fund, its base, its cap figures.
	SetlProcInfo string `json:"setl_proc_info"`
}

// NationalProfile returns r, settled under p, in the national interface's terms;
// lang ("zh", "en" or "") is the language of setl_proc_info. Only funds that paid
// have a setldetail line, as in the national interface.
func NationalProfile(p *policy.Compiled, r *Result, lang string) *National {
	n := &National{
		SetlInfo: SetlInfo{
			MedfeeSumamt: r.Total, FulamtOwnpayAmt: r.SelfPaid, OverlmtSelfpay: r.OverLimit,
			PreselfpayAmt: r.PreSelfPay, InscpScpAmt: r.Scope, ActPayDedc: r.Deductible,
			FundPaySumamt: r.FundTotal, PsnPartAmt: r.Personal, AcctPay: r.FamilyAccount,
			PsnCashPay: r.Cash, HospPartAmt: r.Hospital,
		},
		SetlDetail: []SetlDetail{},
	}
	in := &n.SetlInfo
	for i := range r.Funds {
		f := &r.Funds[i]
		if f.Amount.Sign() == 0 {
			continue
		}
		code := p.FundType(f.Fund, f.Kind)
		switch {
		case code == policy.FundTypeResidentBasic || code == policy.FundTypeEmployeeBasic:
			in.HifpPay = in.HifpPay.Add(f.Amount)
		case code == policy.FundTypeResidentSerious:
			in.HifmiPay = in.HifmiPay.Add(f.Amount)
		case strings.HasPrefix(code, "6101"):
			in.MafPay = in.MafPay.Add(f.Amount)
		default:
			in.OthPay = in.OthPay.Add(f.Amount)
		}
		n.SetlDetail = append(n.SetlDetail, SetlDetail{
			FundPayType: code, InscpScpAmt: f.Base, CrtPaybLmtAmt: f.Available, FundPayamt: f.Amount,
			SetlProcInfo: procInfo(f, lang),
		})
	}
	return n
}

// procLabels are setl_proc_info's labels, in Chinese and English: base, annual cap,
// paid before, payable, paid.
var procLabels = [2][5]string{
	{"：基数 ", "，年度封顶 ", "，此前已付 ", "，本次可付 ", "，支付 "},
	{": base ", ", annual cap ", ", paid before ", ", payable ", ", paid "},
}

// procInfo words a fund's payment for setl_proc_info, in one buffer: a settlement
// asking for the profile pays one allocation a line for it.
func procInfo(f *Fund, lang string) string {
	labels, unit := &procLabels[0], " 元"
	if trace.Lang(lang) == trace.English {
		labels, unit = &procLabels[1], ""
	}
	figures := [5]*money.Amount{&f.Base, f.Cap, f.PaidBefore, f.Available, &f.Amount}
	if f.Cap == nil || f.PaidBefore == nil || f.Available == nil {
		figures[1], figures[2], figures[3] = nil, nil, nil
	}
	b := make([]byte, 0, len(f.Name)+160)
	b = append(b, f.Name...)
	for i, a := range figures {
		if a == nil {
			continue
		}
		b = append(b, labels[i]...)
		b = a.Append(b)
		b = append(b, unit...)
	}
	return string(b)
}

// AppendJSON appends the profile's canonical JSON encoding to b, written by the
// generated WriteJSON (wire_gen.go), as Result.AppendJSON does.
func (n *National) AppendJSON(b []byte) ([]byte, error) { return codec.Append(b, n) }
