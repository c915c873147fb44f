// Package policy models a county's compensation scheme (补偿方案) as data: facility
// classes, deductibles, banded ratios, caps, single-disease prices, maternity subsidies,
// layers after the basic fund, the family account, waiting periods, card rules and
// rounding. Every ambiguity in the county documents is a setting here.
package policy

//go:generate go run github.com/ruralhealth/ncms/core/wire/wiregen Policy

import (
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/money"
)

// Schema is the policy document format version this package reads.
const Schema = 1

// Policy is one region's compensation scheme for a period.
type Policy struct {
	Schema  int    `json:"schema"`
	ID      string `json:"id"`
	Version string `json:"version"`
	Name    string `json:"name"`
	// NameEn is the scheme's name in English, for hosts that explain in English.
	NameEn string `json:"nameEn,omitempty"`
	// Region is the 6-digit administrative code of the pooling region (统筹地区).
	Region string `json:"region"`
	// Scheme is "ncms" (新农合) or "resident" (城乡居民医保).
	Scheme    Scheme `json:"scheme"`
	Effective Period `json:"effective"`
	// VisitDate names which date of an inpatient stay decides the policy, the year
	// and enrollment: "admission" (入院) or "discharge" (出院).
	VisitDate VisitDate `json:"visitDate"`
	// Source cites the document section the numbers come from.
	Source       string   `json:"source"`
	Illustrative bool     `json:"illustrative,omitempty"`
	Notes        []string `json:"notes,omitempty"`

	Rounding   Rounding    `json:"rounding"`
	Classes    []Class     `json:"facilityClasses"`
	Categories []Category  `json:"categories"`
	Tiers      []Tier      `json:"tiers,omitempty"`
	Catalogue  Catalogue   `json:"catalogue"`
	Enrollment Enrollment  `json:"enrollment"`
	Continuity *Continuity `json:"continuity,omitempty"`
	Pools      []Pool      `json:"pools"`
	Benefits   []Benefit   `json:"benefits"`

	SingleDiseases []SingleDisease `json:"singleDiseases,omitempty"`
	Maternity      *Maternity      `json:"maternity,omitempty"`
	Layers         []Layer         `json:"layers,omitempty"`
	FamilyAccount  *FamilyAccount  `json:"familyAccount,omitempty"`
	// National maps the policy's funds to the national settlement interface's fund
	// types, for results asked for in the national profile; nil keeps the defaults
	// (DefaultFundType).
	National *National `json:"national,omitempty"`

	Cards   Cards   `json:"cards"`
	Audit   Audit   `json:"audit"`
	Reports Reports `json:"reports"`
}

// Period is an inclusive date range; a zero To means open-ended.
type Period struct {
	From civil.Date `json:"from"`
	To   civil.Date `json:"to"`
}

// Contains reports whether d falls in the period.
func (p Period) Contains(d civil.Date) bool {
	return !d.Before(p.From) && (p.To.IsZero() || !d.After(p.To))
}

// Rounding says how computed money is rounded to the fen.
type Rounding struct {
	Scale int32      `json:"scale"`
	Mode  money.Mode `json:"mode"`
	// PreSelfPay is "line" to round each class-B line's pre-self-pay share, or
	// "total" to round only their sum.
	PreSelfPay PreSelfPayRounding `json:"preSelfPay"`
	Clause     *Clause            `json:"clause,omitempty"`
}

// Class is a facility class (医疗机构类别) the county distinguishes.
type Class struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	NameEn string `json:"nameEn,omitempty"`
	// Level is descriptive: village, township, level1, level2, level3, county, city,
	// province, other.
	Level      string `json:"level"`
	InCounty   bool   `json:"inCounty"`
	Designated bool   `json:"designated"`
}

// Category is a person category (人员类别): ordinary, 低保, 五保, minor, student…
type Category struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	NameEn string `json:"nameEn,omitempty"`
	// BenefitTier, when set, is the tier whose benefits the category receives whatever
	// tier it paid (minors and students pay tier 1 but get tier 2).
	BenefitTier string `json:"benefitTier,omitempty"`
	// RatePoints adds percentage points to every ratio (may be negative).
	RatePoints money.Rate `json:"ratePoints"`
	Clause     *Clause    `json:"clause,omitempty"`
}

// Tier is a contribution tier (缴费档次).
type Tier struct {
	Code         string       `json:"code"`
	Name         string       `json:"name"`
	NameEn       string       `json:"nameEn,omitempty"`
	Contribution money.Amount `json:"contribution"`
	Individual   money.Amount `json:"individual"`
}

// Catalogue settings (目录): how class-B items are split.
type Catalogue struct {
	// ClassB is the pre-self-pay share (先行自付) of a class-B item's in-limit amount.
	ClassB money.Rate `json:"classB"`
	// ClassBByKind overrides ClassB for item kinds such as "drug" or "material".
	ClassBByKind []KindRate `json:"classBByKind,omitempty"`
	Clause       *Clause    `json:"clause,omitempty"`
}

// KindRate is a ratio for one item kind.
type KindRate struct {
	Kind string     `json:"kind"`
	Rate money.Rate `json:"rate"`
}

// Enrollment settings: whether claims need enrollment and the waiting periods.
type Enrollment struct {
	// Required makes the fund pay nothing for a visit without enrollment that year.
	Required bool `json:"required"`
	// FirstWaitMonths is the wait after a first enrollment, counted from the later of
	// the payment date and the first day of the enrollment year.
	FirstWaitMonths int `json:"firstWaitMonths"`
	// LapseMonths: paying this many months or more after cover ended is a gap (断保).
	LapseMonths int `json:"lapseMonths"`
	// LapseWaitMonths is the wait after a gap, counted from the payment date.
	LapseWaitMonths int `json:"lapseWaitMonths"`
	// UpgradeWaitMonths is how long after paying a higher tier its benefits start;
	// until then the previous year's tier applies.
	UpgradeWaitMonths int     `json:"upgradeWaitMonths"`
	Clause            *Clause `json:"clause,omitempty"`
}

// Continuity is the bonus for years of continuous enrollment (连续参保).
type Continuity struct {
	// CountVisitYear counts the visit's own year as a continuous year; otherwise only
	// completed years before it count.
	CountVisitYear bool `json:"countVisitYear"`
	// RateAfterYears, RateStep and RateMax: beyond this many years, each further year
	// adds RateStep to benefits that take the bonus, up to RateMax.
	RateAfterYears int        `json:"rateAfterYears"`
	RateStep       money.Rate `json:"rateStep"`
	RateMax        money.Rate `json:"rateMax"`
	// CapSteps raise the cap of pools that take the bonus by a fraction.
	CapSteps []CapStep `json:"capSteps,omitempty"`
	Clause   *Clause   `json:"clause,omitempty"`
}

// CapStep raises a cap by Bonus (0.10 = +10%) from Years continuous years.
type CapStep struct {
	Years int        `json:"years"`
	Bonus money.Rate `json:"bonus"`
}

// Pool is a cap shared by the benefits that draw on it, per person per year (一年内累计).
type Pool struct {
	ID     string       `json:"id"`
	Name   string       `json:"name"`
	NameEn string       `json:"nameEn,omitempty"`
	Cap    money.Amount `json:"cap"`
	// ContinuityBonus raises the cap by the policy's continuity cap steps.
	ContinuityBonus bool `json:"continuityBonus,omitempty"`
	// Clause is the article that sets the cap (封顶线).
	Clause *Clause `json:"clause,omitempty"`
}

// VisitType is the kind of care of a visit: its value is the wire value of a
// visit's "type".
type VisitType string

// Visit types.
const (
	VisitInpatient         VisitType = "inpatient"          // 住院
	VisitOutpatient        VisitType = "outpatient"         // 普通门诊
	VisitSpecialOutpatient VisitType = "special_outpatient" // 慢性病/特殊大病门诊
	VisitMaternity         VisitType = "maternity"          // 住院分娩
)

// VisitTypes lists the visit types in wire order.
func VisitTypes() []VisitType {
	return []VisitType{VisitInpatient, VisitOutpatient, VisitSpecialOutpatient, VisitMaternity}
}

// BenefitKind is what a benefit pays: its value is the wire value of "kind".
type BenefitKind string

// Benefit kinds.
const (
	KindRatio     BenefitKind = "ratio"      // deductible then ratio
	KindCappedFee BenefitKind = "capped_fee" // 限费医疗: the patient pays at most a fixed amount
)

// Benefit is a rule for the basic fund. The first benefit whose selectors all match
// the visit applies; an empty selector matches everything.
type Benefit struct {
	ID         string      `json:"id"`
	Name       string      `json:"name"`
	NameEn     string      `json:"nameEn,omitempty"`
	VisitTypes []string    `json:"visitTypes"`
	Classes    []string    `json:"classes,omitempty"`
	Tiers      []string    `json:"tiers,omitempty"`
	Categories []string    `json:"categories,omitempty"`
	Pool       string      `json:"pool"`
	Kind       BenefitKind `json:"kind"`

	Deductible Deductible `json:"deductible"`
	Ratio      Schedule   `json:"ratio"`
	// PatientLimit is what the patient pays at most under capped-fee care.
	PatientLimit *money.Amount `json:"patientLimit,omitempty"`
	// VisitCap limits the fund's payment for one visit or admission.
	VisitCap *money.Amount `json:"visitCap,omitempty"`
	// AnnualCap replaces the pool's cap for visits under this benefit, as the lower
	// cap at non-designated facilities does; the pool's running total still counts.
	AnnualCap *money.Amount `json:"annualCap,omitempty"`
	Referral  Referral      `json:"referral"`
	// ContinuityBonus adds the continuity rate bonus to this benefit's ratios.
	ContinuityBonus bool `json:"continuityBonus,omitempty"`
	// Clause is the article the benefit comes from; its deductible, ratio and
	// referral rule may cite articles of their own.
	Clause *Clause `json:"clause,omitempty"`
}

// DeductibleBasis is what a deductible is charged per: the wire value of "basis".
type DeductibleBasis string

// Deductible bases.
const (
	PerAdmission DeductibleBasis = "admission" // each admission or visit has its own deductible
	PerYear      DeductibleBasis = "year"      // one deductible per person per year in the pool
	NoDeductible DeductibleBasis = "none"
)

// AdmissionCount names the earlier admissions that make one "later": the wire value of "count".
type AdmissionCount string

// What counts as a previous admission when choosing First or Later.
const (
	CountClass AdmissionCount = "class" // admissions at the same facility class
	CountAll   AdmissionCount = "all"   // admissions at any class
)

// Deductible is the 起付线.
type Deductible struct {
	Basis DeductibleBasis `json:"basis"`
	First money.Amount    `json:"first"`
	// Later applies from the second admission in the year; nil means same as First.
	Later *money.Amount `json:"later,omitempty"`
	// Count says which earlier admissions make this one "later".
	Count  AdmissionCount `json:"count,omitempty"`
	Clause *Clause        `json:"clause,omitempty"`
}

// BandMethod is how a banded schedule applies its rates: the wire value of "method".
type BandMethod string

// Band methods.
const (
	Excess BandMethod = "excess" // 超额累进: each slice at its own band's rate
	Whole  BandMethod = "whole"  // 全额累进: the whole amount at the rate of the band reached
)

// BandAxis is what band edges are measured on: the wire value of "axis".
type BandAxis string

// Band axes.
const (
	AxisCost  BandAxis = "cost"  // band edges are positions on the cost, deductible included
	AxisAbove BandAxis = "above" // band edges are measured from the deductible or threshold
)

// Schedule is a flat or banded ratio. A flat ratio is one band from 0.
type Schedule struct {
	Method BandMethod `json:"method"`
	Axis   BandAxis   `json:"axis"`
	Bands  []Band     `json:"bands"`
	Clause *Clause    `json:"clause,omitempty"`
}

// Band applies Rate to amounts above From up to the next band's From (inclusive).
type Band struct {
	From money.Amount `json:"from"`
	Rate money.Rate   `json:"rate"`
}

// ReferralMissing is what happens to out-of-county care without a referral: the wire value of "missing".
type ReferralMissing string

// What happens to out-of-county care without a referral (转诊).
const (
	ReferralReduce ReferralMissing = "reduce" // the ratio drops by Points
	ReferralRefuse ReferralMissing = "refuse" // the fund pays nothing
)

// Referral rule for classes that are not in the county.
type Referral struct {
	Required bool            `json:"required"`
	Missing  ReferralMissing `json:"missing,omitempty"`
	Points   money.Rate      `json:"points"`
	Clause   *Clause         `json:"clause,omitempty"`
}

// BelowPrice is how a single-disease stay under its price is shared: the wire value of "below".
type BelowPrice string

// What happens when a single-disease stay costs less than the fixed price.
const (
	BelowPatientFirst BelowPrice = "patient_first" // the patient pays up to the fixed share, the fund the rest
	BelowFundFirst    BelowPrice = "fund_first"    // the fund pays up to its fixed payment, the patient the rest
	BelowProportional BelowPrice = "proportional"  // both shares scale with cost ÷ price
	BelowRegular      BelowPrice = "regular"       // settled by the ordinary benefit rules
)

// OutsidePrice is what happens to a single-disease stay where the price does not apply: the wire value of "outside".
type OutsidePrice string

// What happens when a single-disease stay is at a facility the price does not cover.
const (
	OutsideRegular OutsidePrice = "regular" // ordinary benefit rules
	OutsideRefuse  OutsidePrice = "refuse"  // the fund pays nothing
)

// SingleDisease is a fixed price (单病种限价包干): the fund pays a fixed amount, the
// patient a fixed share; above the price the hospital bears the excess.
type SingleDisease struct {
	Code         string       `json:"code"`
	Name         string       `json:"name"`
	NameEn       string       `json:"nameEn,omitempty"`
	Fund         money.Amount `json:"fund"`
	Patient      money.Amount `json:"patient"`
	Classes      []string     `json:"classes,omitempty"`
	InCountyOnly bool         `json:"inCountyOnly"`
	Below        BelowPrice   `json:"below"`
	Outside      OutsidePrice `json:"outside"`
	// Pool, when set, is the cap the fixed payment counts against.
	Pool   string  `json:"pool,omitempty"`
	Clause *Clause `json:"clause,omitempty"`
}

// Fund ids under which single-disease and maternity payments are totalled when the
// policy names no pool for them. Pools and layers may not use these ids.
const (
	FundSingleDisease = "single_disease"
	FundMaternity     = "maternity"
)

// Delivery is the kind of an inpatient delivery: its value is the wire value of a
// visit's "delivery".
type Delivery string

// Delivery types for maternity.
const (
	DeliveryNormal    Delivery = "normal"
	DeliveryDifficult Delivery = "difficult"
	DeliveryMultiple  Delivery = "multiple"
)

// Maternity is the fixed inpatient-delivery subsidy (住院分娩补助).
type Maternity struct {
	MinYearsPaid          int       `json:"minYearsPaid"`
	RequireFamilyPlanning bool      `json:"requireFamilyPlanning"`
	Subsidies             []Subsidy `json:"subsidies"`
	Pool                  string    `json:"pool,omitempty"`
	Clause                *Clause   `json:"clause,omitempty"`
}

// Subsidy is the amount for a delivery type and tier (empty tier: any).
type Subsidy struct {
	Delivery string       `json:"delivery"`
	Tier     string       `json:"tier,omitempty"`
	Amount   money.Amount `json:"amount"`
}

// LayerKind labels a layer for reports: the wire value of a layer's "kind".
type LayerKind string

// Layer kinds; the kind is a label for reports, the settings decide the arithmetic.
const (
	LayerCatastrophic  LayerKind = "catastrophic"  // 大病保险
	LayerSupplementary LayerKind = "supplementary" // 补充医疗保险
	LayerTopUp         LayerKind = "topup"         // 二次补偿 to an effective ratio
	LayerAssistance    LayerKind = "assistance"    // 医疗救助
	LayerCeiling       LayerKind = "oop_ceiling"   // out-of-pocket ceiling
)

// LayerBase is what a layer pays on: the wire value of "base".
type LayerBase string

// Layer bases: what a layer pays on, after the funds before it.
const (
	BaseScopePersonal LayerBase = "scope_personal" // policy-scope cost the funds so far left to the patient
	BasePersonal      LayerBase = "personal"       // everything the funds so far left to the patient
	BaseScope         LayerBase = "scope"          // policy-scope cost (for top-up targets)
	BaseTotal         LayerBase = "total"          // total cost less hospital-borne (for top-up targets)
)

// LayerMode is how a layer computes: the wire value of "mode".
type LayerMode string

// Layer modes.
const (
	ModeRatio LayerMode = "ratio" // threshold, then the schedule
	ModeTopUp LayerMode = "topup" // pay until funds ÷ base reaches Target
)

// LayerBasis is how a layer's base accumulates: the wire value of a layer's "basis".
type LayerBasis string

// Layer bases accumulate per claim or per year.
const (
	BasisClaim LayerBasis = "claim"
	BasisYear  LayerBasis = "year"
)

// Layer is a fund after the basic fund: catastrophic insurance, supplementary
// insurance, an effective-ratio top-up, medical assistance or an out-of-pocket ceiling.
type Layer struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	NameEn     string    `json:"nameEn,omitempty"`
	Kind       LayerKind `json:"kind"`
	VisitTypes []string  `json:"visitTypes"`
	// Categories limits the layer to these person categories (assistance); empty: all.
	Categories []string `json:"categories,omitempty"`
	// SingleDiseaseOnly limits the layer to stays settled at a single-disease price.
	SingleDiseaseOnly bool          `json:"singleDiseaseOnly,omitempty"`
	Base              LayerBase     `json:"base"`
	Basis             LayerBasis    `json:"basis"`
	Mode              LayerMode     `json:"mode"`
	Threshold         money.Amount  `json:"threshold"`
	Ratio             Schedule      `json:"ratio"`
	Target            money.Rate    `json:"target"`
	Cap               *money.Amount `json:"cap,omitempty"`
	Clause            *Clause       `json:"clause,omitempty"`
}

// FamilyAccount is the household outpatient account (家庭账户), paid before cash.
type FamilyAccount struct {
	// PerPerson is the share of each member's contribution credited to the account.
	PerPerson  money.Amount `json:"perPerson"`
	VisitTypes []string     `json:"visitTypes"`
	// Covers is "personal" (everything left to the patient) or "scope_personal".
	Covers LayerBase `json:"covers"`
	Clause *Clause   `json:"clause,omitempty"`
}

// National is how the policy's funds appear in the national medical-insurance
// settlement interface (国家医保信息平台结算接口), whose fund-by-fund breakdown
// (setldetail) names each fund by its fund type code (基金支付类型, fund_pay_type).
type National struct {
	// FundTypes gives a fund its code in place of the default; a fund not listed
	// keeps DefaultFundType's.
	FundTypes []FundType `json:"fundTypes"`
	Clause    *Clause    `json:"clause,omitempty"`
}

// FundType maps one fund to its national fund type code.
type FundType struct {
	// Fund is a pool's or layer's id, or "single_disease" or "maternity" for the
	// fixed payments the policy totals under no pool.
	Fund string `json:"fund"`
	// Type is the six-digit code, e.g. "390100".
	Type string `json:"type"`
}

// National fund type codes (基金支付类型) the defaults use, from the national
// interface's dictionary as HIS integrations carry it: newtouch-cloud/openhis
// (Output_2303.cs and its fund type enum) and the dictionary rows of 基金支付类型 in
// public HIS code, found with the project's search tool. 新农合 was merged into
// 城乡居民基本医疗保险, whose fund codes are the 39xxxx ones; 310100 is the employees'
// pooled fund (职工基本医疗保险统筹基金), which a county may still name in FundTypes.
const (
	FundTypeResidentBasic   = "390100" // 城乡居民基本医疗保险基金
	FundTypeResidentSerious = "390200" // 城乡居民大病医疗保险基金
	FundTypeEmployeeBasic   = "310100" // 职工基本医疗保险统筹基金
	FundTypeAssistance      = "610100" // 医疗救助基金
	FundTypeGovernment      = "640100" // 政府兜底基金
	FundTypeOther           = "999997" // 其他基金
)

// DefaultFundType is the national fund type of a fund the policy does not map: a
// pool, the fixed single-disease and maternity payments and a top-up (二次补偿, paid
// from the pooled fund again) are the resident basic fund; a catastrophic layer is
// the resident serious-illness fund; assistance is medical assistance; an
// out-of-pocket ceiling is the government's backstop (兜底); a supplementary layer,
// run apart from the scheme's funds, is "other".
func DefaultFundType(kind LayerKind) string {
	switch kind {
	case LayerCatastrophic:
		return FundTypeResidentSerious
	case LayerAssistance:
		return FundTypeAssistance
	case LayerCeiling:
		return FundTypeGovernment
	case LayerSupplementary:
		return FundTypeOther
	}
	return FundTypeResidentBasic
}

// Cards holds the one-card (一卡通) rules.
type Cards struct {
	// Issuers are the accepted bank card number prefixes (BIN); empty accepts any.
	Issuers []string `json:"issuers,omitempty"`
	// Certificate is the pattern the certificate number (医保证号) must match in full,
	// in regular expression syntax without groups or alternation: characters, '.',
	// [classes], \d and escaped punctuation, each with ?, *, + or {n,m} (as
	// "6207[0-9]{10}"); empty accepts any non-empty text without spaces.
	Certificate string       `json:"certificate,omitempty"`
	Fee         money.Amount `json:"fee"`
	// FeeExemptAge: holders this old or older pay no fee.
	FeeExemptAge int `json:"feeExemptAge"`
	// FeeAgeOn is "year_start" (age on 1 January of the fee year) or "date" (age on the
	// day the fee is charged).
	FeeAgeOn AgeOn `json:"feeAgeOn"`
}

// Scheme is the insurance scheme a policy belongs to: the wire value of "scheme".
type Scheme string

// Schemes.
const (
	SchemeNCMS     Scheme = "ncms"     // 新农合
	SchemeResident Scheme = "resident" // 城乡居民医保
)

// VisitDate names the date of an inpatient stay that decides the policy, the year and
// enrollment: the wire value of "visitDate".
type VisitDate string

// Deciding dates.
const (
	VisitDateAdmission VisitDate = "admission" // 入院
	VisitDateDischarge VisitDate = "discharge" // 出院
)

// PreSelfPayRounding says where class-B pre-self-pay shares are rounded: the wire
// value of "preSelfPay".
type PreSelfPayRounding string

// Pre-self-pay roundings.
const (
	PreSelfPayLine  PreSelfPayRounding = "line"  // each line's share
	PreSelfPayTotal PreSelfPayRounding = "total" // only their sum
)

// AgeOn says on which day a card holder's age is taken for the fee: the wire value
// of "feeAgeOn".
type AgeOn string

// Fee ages.
const (
	AgeOnYearStart AgeOn = "year_start" // 1 January of the fee year
	AgeOnDate      AgeOn = "date"       // the day the fee is charged
)

// Audit thresholds for the county's monitoring reports.
type Audit struct {
	// DrugShare is the most a facility's drug cost may be of its scheme inpatients'
	// monthly total cost; zero disables the flag.
	DrugShare money.Rate `json:"drugShare"`
}

// Reports settings.
type Reports struct {
	// PerCapita is how per-capita figures are rounded (Hu county truncates).
	PerCapita Rounding `json:"perCapita"`
}

// Clause cites the article of the printed scheme (补偿方案) a part of the policy comes
// from, numbered and titled as the county prints it — 第三条 起付线 — with an English
// rendering for hosts that explain in English. Explained results cite it in place of
// the JSON pointer of the rule.
type Clause struct {
	Number   string `json:"number,omitempty"`   // 第三条
	Title    string `json:"title,omitempty"`    // 起付线
	NumberEn string `json:"numberEn,omitempty"` // Article 3
	TitleEn  string `json:"titleEn,omitempty"`  // Deductible
}
