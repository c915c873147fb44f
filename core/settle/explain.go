package settle

import (
	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/core/trace"
)

// Explain words a result for people in lang ("zh" or "en"): each trace step gets its
// sentence and the clause of the printed scheme it cites, with the policy's names in
// place of ids, and each fund its name in the language. p and c must be the policy and
// claim r was computed from. Without it a result carries no sentences, and funds keep
// the policy's own (Chinese) names.
func Explain(p *policy.Compiled, c *claim.Claim, r *Result, lang string) {
	trace.Explain(r.Trace, lang, p)
	for i := range r.Funds {
		f := &r.Funds[i]
		if f.Fund == policy.FundSingleDisease {
			// Without a pool the fixed payment is named for the disease.
			f.Name = p.Name(policy.NameDisease, c.Visit.Disease, lang)
			continue
		}
		f.Name = p.Name(policy.NameFund, f.Fund, lang)
	}
}
