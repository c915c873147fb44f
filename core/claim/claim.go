// Package claim models one visit's bill as a host submits it for settlement: the
// person with their enrollment history, the visit, the itemised lines and the
// year-to-date totals the ledger keeps.
package claim

//go:generate go run github.com/ruralhealth/ncms/core/wire/wiregen Claim

import (
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/enroll"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
)

// MaxItems bounds the lines of one claim; a real discharge bill has hundreds at most.
const MaxItems = 10000

// MaxList bounds a person's enrollment years and the funds and facility classes of
// the year's totals: a lifetime, and more than any policy defines. Decoders keep
// MaxList+1 entries at most, so a hostile request cannot fill memory with them.
const MaxList = 200

// Claim is one visit to settle or estimate.
type Claim struct {
	// ID is the institution's visit serial number (就诊流水号); optional for estimates.
	ID     string `json:"id,omitempty"`
	Person Person `json:"person"`
	Visit  Visit  `json:"visit"`
	Items  []Item `json:"items" wire:"max=MaxItems,cap=32"`
	Totals Totals `json:"totals"`
}

// Person is the patient as the scheme knows them.
type Person struct {
	// ID is the 18-digit resident ID (身份证号); old 15-digit IDs are accepted.
	ID       string     `json:"id"`
	Name     string     `json:"name,omitempty"`
	Category string     `json:"category"`
	Birth    civil.Date `json:"birthDate"`
	// Enrollment lists the years the person was enrolled, with tier and payment date.
	Enrollment []enroll.Year `json:"enrollment" wire:"max=MaxList"`
	// FamilyPlanning records compliance with family-planning policy, a condition of
	// the maternity subsidy in some schemes.
	FamilyPlanning bool `json:"familyPlanning,omitempty"`
}

// Visit is what happened: where, what kind of care, when.
type Visit struct {
	Type policy.VisitType `json:"type"`
	// Institution is the designated facility's code (定点医疗机构编码).
	Institution string `json:"institution,omitempty"`
	// Class is the facility class code defined by the policy.
	Class    string `json:"class"`
	Referral bool   `json:"referral"`
	// Admission is the admission date, or the visit date for outpatient care.
	Admission civil.Date `json:"admission"`
	Discharge civil.Date `json:"discharge"`
	// Disease is a single-disease code (单病种) from the policy's list.
	Disease  string          `json:"disease,omitempty"`
	Delivery policy.Delivery `json:"delivery,omitempty"`
	// Invoice is the number of the bill's invoice (发票号). The county server refuses a
	// second live settlement of one invoice at one institution (两头报销); the
	// calculation does not read it.
	Invoice string `json:"invoice,omitempty"`
}

// ItemKind is what a bill line is for: its value is the wire value of an item's
// "kind".
type ItemKind string

// Item kinds.
const (
	KindDrug      ItemKind = "drug"
	KindExam      ItemKind = "exam"
	KindTreatment ItemKind = "treatment"
	KindMaterial  ItemKind = "material"
	KindBed       ItemKind = "bed"
	KindService   ItemKind = "service"
	KindOther     ItemKind = "other"
)

// ItemClass is the catalogue class of a bill line: its value is the wire value of
// an item's "class".
type ItemClass string

// Catalogue classes of an item.
const (
	ClassA    ItemClass = "A"    // 甲类: wholly in scope
	ClassB    ItemClass = "B"    // 乙类: in scope after the pre-self-pay share
	ClassSelf ItemClass = "self" // 全自费: outside the catalogue
)

// Item is one line of the bill.
type Item struct {
	Code   string       `json:"code"`
	Name   string       `json:"name,omitempty"`
	Kind   ItemKind     `json:"kind"`
	Class  ItemClass    `json:"class"`
	Amount money.Amount `json:"amount"`
	// OverLimit is the part of Amount above the catalogue's price limit (超限价).
	OverLimit money.Amount `json:"overLimit"`
}

// Totals are the person's year-to-date figures before this claim, as the ledger
// keeps them. A zero Year means nothing has been settled yet this year.
type Totals struct {
	Year       int          `json:"year"`
	Funds      []FundTotal  `json:"funds" wire:"max=MaxList"`
	Admissions []ClassCount `json:"admissions" wire:"max=MaxList"`
	// FamilyAccount is the household account's balance (家庭账户余额).
	FamilyAccount money.Amount `json:"familyAccount"`
}

// FundTotal is what one pool or layer has done for the person this year.
type FundTotal struct {
	Fund string       `json:"fund"`
	Paid money.Amount `json:"paid"`
	// Base is the cumulative base of a layer whose basis is the year.
	Base money.Amount `json:"base"`
	// Deductible is what the person has paid towards a per-year deductible.
	Deductible money.Amount `json:"deductible"`
	Visits     int          `json:"visits"`
}

// ClassCount counts admissions at one facility class this year.
type ClassCount struct {
	Class string `json:"class"`
	Count int    `json:"count"`
}

// NewTotals returns a person's totals for the year before anything is settled in it:
// what the ledger starts a year from, with empty (non-nil) lists.
func NewTotals(year int) Totals {
	return Totals{Year: year, Funds: []FundTotal{}, Admissions: []ClassCount{}}
}

// Carried returns the totals a claim settles on when t is what the ledger keeps for
// the person's year: t's fund and admission figures, carried from claim to claim,
// with balance, the household's family account balance the claim settles on (the
// county server's ledger keeps it for registered persons; a claims file reports it).
// The county server and a simulation replaying a year both carry totals this way.
func (t Totals) Carried(balance money.Amount) Totals {
	t.FamilyAccount = balance
	return t
}

// Fund returns the totals of a fund, zero if it has none yet.
func (t *Totals) Fund(id string) FundTotal {
	for _, f := range t.Funds {
		if f.Fund == id {
			return f
		}
	}
	return FundTotal{Fund: id}
}

// AdmissionsAt counts this year's admissions at the class, or at every class when
// class is "".
func (t *Totals) AdmissionsAt(class string) int {
	n := 0
	for _, c := range t.Admissions {
		if class == "" || c.Class == class {
			n += c.Count
		}
	}
	return n
}

// Date returns the date that decides the year, enrollment and policy for the visit:
// the admission date, or the discharge date where the policy says so and one is given.
func (c *Claim) Date(p *policy.Compiled) civil.Date {
	if p.Policy().VisitDate == policy.VisitDateDischarge && !c.Visit.Discharge.IsZero() {
		return c.Visit.Discharge
	}
	return c.Visit.Admission
}
