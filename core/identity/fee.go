package identity

import (
	"time"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
)

// Fee returns the yearly card fee (卡费) charged on date on to a holder born on birth:
// the policy's Cards.Fee, or zero from FeeExemptAge (if not 0) on 1 January of on's
// year ("year_start") or on on itself ("date").
func Fee(p *policy.Compiled, birth civil.Date, on civil.Date) money.Amount {
	// An unknown or invalid birth date pays, since the exemption needs a proven age;
	// without a policy there is no fee to charge.
	if p == nil {
		return money.Amount{}
	}
	cards := p.Policy().Cards
	if cards.FeeExemptAge <= 0 || !birth.Valid() {
		return cards.Fee
	}
	ref := on
	if cards.FeeAgeOn != policy.AgeOnDate {
		ref = civil.New(on.Year, time.January, 1)
	}
	if birth.YearsUntil(ref) >= cards.FeeExemptAge {
		return money.Amount{}
	}
	return cards.Fee
}
