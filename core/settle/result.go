package settle

//go:generate go run github.com/ruralhealth/ncms/core/wire/wiregen Result

import (
	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/trace"
)

// Route is the way a claim is settled: its value is the wire value of "route".
type Route string

// Routes a claim can take.
const (
	RouteBenefit       Route = "benefit"
	RouteSingleDisease Route = "single_disease"
	RouteMaternity     Route = "maternity"
	RouteIneligible    Route = "ineligible"
	RouteNotCovered    Route = "not_covered"
)

// Fund kinds besides the layer kinds of the policy.
const (
	FundBasic         = "basic"
	FundSingleDisease = "single_disease"
	FundMaternity     = "maternity"
)

// Result is the full breakdown of one settlement, in the terms of the national
// settlement interface: every fen of Total is in exactly one of Funds, FamilyAccount,
// Cash and Hospital.
type Result struct {
	Schema int       `json:"schema"`
	Claim  string    `json:"claim"`
	Policy PolicyRef `json:"policy"`
	Engine string    `json:"engine"`

	Eligible bool  `json:"eligible"`
	Route    Route `json:"route"`
	// Benefit is the id of the benefit rule applied, if any.
	Benefit string `json:"benefit"`

	Total      money.Amount `json:"total"`
	SelfPaid   money.Amount `json:"selfPaid"`   // 全自费
	OverLimit  money.Amount `json:"overLimit"`  // 超限价
	PreSelfPay money.Amount `json:"preSelfPay"` // 乙类先行自付
	Scope      money.Amount `json:"scope"`      // 政策范围内费用
	Deductible money.Amount `json:"deductible"` // 起付线 applied

	Funds         []Fund       `json:"funds"`
	FundTotal     money.Amount `json:"fundTotal"`
	FamilyAccount money.Amount `json:"familyAccount"`
	Cash          money.Amount `json:"cash"`
	Personal      money.Amount `json:"personal"`
	Hospital      money.Amount `json:"hospital"`
	// EffectiveRatio is FundTotal ÷ (Total − Hospital) to four decimals (实际报销比例):
	// what the funds paid of the cost borne by the patient and the funds together,
	// the same base top-up layers aim at.
	EffectiveRatio money.Rate `json:"effectiveRatio"`

	TotalsAfter claim.Totals `json:"totalsAfter"`
	Warnings    []Warning    `json:"warnings"`
	Trace       []trace.Step `json:"trace"`

	// National is the settlement in the national settlement interface's terms, when
	// the request asked for that profile ("profile": "national"); absent otherwise, so
	// the result's bytes are what they were before profiles existed.
	National *National `json:"national,omitempty"`
}

// PolicyRef identifies the exact rules a result was computed under.
type PolicyRef struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	Hash    string `json:"hash"`
}

// Fund is one fund's payment.
type Fund struct {
	Fund string `json:"fund"`
	Name string `json:"name"`
	Kind string `json:"kind"`
	// Base is the amount the fund's rule was applied to.
	Base money.Amount `json:"base"`
	// Available is what the fund's cap still allowed before this payment; nil when
	// the fund has no cap.
	Available *money.Amount `json:"available"`
	Amount    money.Amount  `json:"amount"`
	// Cap is the annual cap the fund paid under on this visit (raised for continuous
	// years, or a benefit's lower cap), PaidBefore what it had paid this year before
	// the visit and Left what the cap still allows after it: the figures a host shows
	// without reading the trace. All three are nil when the fund has no cap.
	Cap        *money.Amount `json:"cap"`
	PaidBefore *money.Amount `json:"paidBefore"`
	Left       *money.Amount `json:"left"`
}

// Warning explains why the fund paid less than a reader might expect.
type Warning struct {
	Code      core.Code `json:"code"`
	Message   string    `json:"message"`
	MessageZh string    `json:"messageZh"`
}

func warning(c core.Code) Warning {
	en, zh := c.Text()
	return Warning{Code: c, Message: en, MessageZh: zh}
}
