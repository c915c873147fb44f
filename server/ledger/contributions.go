package ledger

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/enroll"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/server/apierr"
)

// Payer says who paid a member's contribution.
type Payer string

// Payers of a contribution (RULES.md §2.3: the government pays for 低保 and severely
// disabled people; 五保 and 特困 are paid for likewise).
const (
	PayerSelf       Payer = "self"
	PayerGovernment Payer = "government"
)

// Subsidy is why the government paid a member's contribution (代缴类别).
type Subsidy string

// The groups the government pays for.
const (
	SubsidyDibao    Subsidy = "dibao"    // 低保, subsistence allowance
	SubsidyWubao    Subsidy = "wubao"    // 五保, five guarantees
	SubsidyTekun    Subsidy = "tekun"    // 特困, extreme hardship
	SubsidyDisabled Subsidy = "disabled" // 重度残疾, severely disabled
)

var subsidies = []string{string(SubsidyDibao), string(SubsidyWubao), string(SubsidyTekun), string(SubsidyDisabled)}

// MaxMembers bounds the members of one household enrollment.
const MaxMembers = 100

// Contribution is one member's payment for a year (参合缴费), as recorded: rows are
// never changed. Its receipt number is ReceiptNumber(Year, Seq).
type Contribution struct {
	Seq           int64  `json:"seq"`
	Receipt       string `json:"receipt"`
	Household     string `json:"household"`
	Person        string `json:"person"`
	Year          int    `json:"year"`
	Policy        string `json:"policy"`
	PolicyVersion string `json:"policyVersion"`
	Tier          string `json:"tier"`
	// PreviousTier is last year's tier when this payment changed it (a tier changes
	// only when paying), "" otherwise.
	PreviousTier string       `json:"previousTier"`
	Category     string       `json:"category"`
	Payer        Payer        `json:"payer"`
	Subsidy      Subsidy      `json:"subsidy"`
	Amount       money.Amount `json:"amount"`
	// FamilyCredit is the share credited to the household's family account (the
	// policy's familyAccount.perPerson).
	FamilyCredit money.Amount `json:"familyCredit"`
	PaidOn       civil.Date   `json:"paidOn"`
	// BackPay marks a payment after a gap (断保补缴): the year before was not paid,
	// or this one was paid the policy's lapseMonths or more into the year.
	BackPay bool `json:"backPay"`
	// BenefitsFrom is when the year's benefits start, waiting periods counted.
	BenefitsFrom civil.Date `json:"benefitsFrom"`
	Recorded     time.Time  `json:"recorded"`
	Key          string     `json:"key"`
}

// ReceiptNumber is a contribution's receipt number (缴费收据号): JF, the year and the
// sequence number, e.g. JF2025-00000012.
func ReceiptNumber(year int, seq int64) string {
	return fmt.Sprintf("JF%04d-%08d", year, seq)
}

// parseReceipt reads a receipt number back into its year and sequence number.
func parseReceipt(s string) (int, int64, bool) {
	rest, ok := strings.CutPrefix(strings.ToUpper(s), "JF")
	y, n, ok2 := strings.Cut(rest, "-")
	year, err1 := strconv.Atoi(y)
	seq, err2 := strconv.ParseInt(n, 10, 64)
	return year, seq, ok && ok2 && err1 == nil && err2 == nil && seq > 0
}

// ContributionQuery selects contributions: a person's or a household's, of one year
// or (Year 0) every year.
type ContributionQuery struct {
	Person    string
	Household string
	Year      int
}

// HouseholdBooksTx is what the households' books read and write in a transaction
// (contributions.go, family_account.go).
type HouseholdBooksTx interface {
	// AppendContribution records a contribution and returns its sequence number. A
	// second contribution of a person for a year is refused by the database.
	AppendContribution(ctx context.Context, c *Contribution) (int64, error)
	// Contribution returns the contribution seq, or ErrNotFound.
	Contribution(ctx context.Context, seq int64) (*Contribution, error)
	// Contributions returns the contributions q selects, by year then seq.
	Contributions(ctx context.Context, q ContributionQuery) ([]Contribution, error)

	// AppendAccountRow adds a row to a household's family account and returns its
	// sequence number. The caller holds the account's lock (AccountLock).
	AppendAccountRow(ctx context.Context, r *AccountRow) (int64, error)
	// LastAccountRow returns the household's newest row, or ErrNotFound.
	LastAccountRow(ctx context.Context, household string) (*AccountRow, error)
	// AccountRows returns up to limit rows of the household's account after seq,
	// oldest first.
	AccountRows(ctx context.Context, household string, after int64, limit int) ([]AccountRow, error)
	// AccountRowOf returns the row of the kind that journal entry seq made, or
	// ErrNotFound.
	AccountRowOf(ctx context.Context, entry int64, kind AccountKind) (*AccountRow, error)
}

// MemberPayment is one member's line of a household's enrollment.
type MemberPayment struct {
	Person string `json:"person"`
	// Tier is required when the policy has tiers, and must be empty otherwise.
	Tier string `json:"tier,omitzero"`
	// Category defaults to the registry's.
	Category string `json:"category,omitzero"`
	// Payer defaults to self; government needs a Subsidy.
	Payer   Payer   `json:"payer,omitzero"`
	Subsidy Subsidy `json:"subsidy,omitzero"`
	// Amount defaults to the tier's individual share (self) or its whole
	// contribution (government); a policy without tiers needs it.
	Amount *money.Amount `json:"amount,omitzero"`
	// PaidOn defaults to the enrollment's.
	PaidOn civil.Date `json:"paidOn,omitzero"`
}

// Enrollment is a household's enrollment for a year (以户参合): a payment for every
// member not yet enrolled that year.
type Enrollment struct {
	Year    int             `json:"year"`
	Policy  string          `json:"policy"`
	Version string          `json:"version,omitzero"`
	PaidOn  civil.Date      `json:"paidOn"`
	Members []MemberPayment `json:"members"`
}

// Enrolled is a recorded household enrollment: each member's contribution and the
// family account's balance after the credits.
type Enrolled struct {
	Household     string         `json:"household"`
	Year          int            `json:"year"`
	Contributions []Contribution `json:"contributions"`
	FamilyAccount money.Amount   `json:"familyAccount"`
}

// enrollmentPolicy resolves the policy an enrollment pays under: the version named,
// or the one in effect on the year's first day.
func (l *Ledger) enrollmentPolicy(ctx context.Context, id, version string, year int) (*policy.Compiled, error) {
	if id == "" {
		return nil, core.Errors{core.NewError(core.FieldRequired, "/policy", "")}
	}
	if err := l.fresh(ctx); err != nil {
		return nil, err
	}
	p, err := l.eng.Find(id, version, civil.New(year, 1, 1))
	if core.ErrorCode(err) == core.PolicyNotEffective {
		return nil, core.Errors{core.NewErrorText(core.PolicyNotEffective, "/year", core.Quote(id)+" in "+strconv.Itoa(year), core.Quote(id)+"，"+strconv.Itoa(year)+" 年")}
	}
	return p, err
}

// Enroll records a household's enrollment for a year in one transaction: every
// member's contribution and the family account's credits, or nothing.
func (l *Ledger) Enroll(ctx context.Context, keyID, household string, req Enrollment) (*Enrolled, error) {
	if req.Year < 1900 || req.Year > 9999 {
		return nil, core.Errors{core.NewError(core.FieldInvalid, "/year", strconv.Itoa(req.Year))}
	}
	pol, err := l.enrollmentPolicy(ctx, req.Policy, req.Version, req.Year)
	if err != nil {
		return nil, err
	}
	var out *Enrolled
	err = l.store.Update(ctx, func(tx Tx) error {
		var es core.Errors
		out, es, err = l.enroll(ctx, tx, keyID, household, req, pol)
		if err != nil {
			return err
		}
		return es.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// enroll checks and records one household enrollment inside tx. Problems of the
// request come back as es (paths /household, /paidOn, /members/<i>/<field>), and
// nothing is written then.
func (l *Ledger) enroll(ctx context.Context, tx Tx, keyID, household string, req Enrollment, pol *policy.Compiled) (*Enrolled, core.Errors, error) {
	var es core.Errors
	if e := req.PaidOn.Check("/paidOn"); e != nil {
		es = append(es, e)
	} else if req.PaidOn.IsZero() {
		es.Add(core.FieldRequired, "/paidOn", "")
	}
	switch {
	case len(req.Members) == 0:
		es.AddText(core.FieldRequired, "/members", "a household enrolls with its members", "以户参合，须列出家庭成员")
	case len(req.Members) > MaxMembers:
		es.AddText(core.FieldInvalid, "/members", "at most "+strconv.Itoa(MaxMembers)+" members", "最多 "+strconv.Itoa(MaxMembers)+" 名成员")
	}
	if len(es) > 0 {
		return nil, es, nil
	}
	// The account's lock serializes everything that moves the household's money,
	// and two enrollments of the household.
	if err := lockAccount(ctx, tx, household); err != nil {
		return nil, nil, err
	}
	if _, err := tx.Household(ctx, household); errors.Is(err, ErrNotFound) {
		return nil, core.Errors{apierr.NewError(apierr.NotFound, "/household", core.Quote(household))}, nil
	} else if err != nil {
		return nil, nil, err
	}
	members := map[string]*Person{}
	for p, err := range tx.Persons(ctx, household) {
		if err != nil {
			return nil, nil, err
		}
		members[p.ID] = p
	}
	paid, err := tx.Contributions(ctx, ContributionQuery{Household: household, Year: req.Year})
	if err != nil {
		return nil, nil, err
	}
	done := map[string]bool{}
	for _, c := range paid {
		done[c.Person] = true
	}
	var credit money.Amount
	if fa := pol.Policy().FamilyAccount; fa != nil {
		credit = fa.PerPerson
	}
	seen := map[string]bool{}
	var cs []Contribution
	for i, m := range req.Members {
		at := "/members/" + strconv.Itoa(i)
		c, mes, err := l.memberContribution(ctx, tx, m, at, req, pol, members, done)
		if err != nil {
			return nil, nil, err
		}
		if len(mes) > 0 {
			es = append(es, mes...)
			continue
		}
		if seen[c.Person] {
			es.AddText(core.FieldInvalid, at+"/person", "listed twice", "重复列出")
			continue
		}
		seen[c.Person] = true
		c.Household, c.FamilyCredit, c.Key, c.Recorded = household, credit, keyID, l.opts.Now().UTC()
		cs = append(cs, c)
	}
	var missing []string
	for id := range members {
		if !done[id] && !seen[id] {
			missing = append(missing, identity.Mask(id))
		}
	}
	if len(missing) > 0 && len(es) == 0 {
		slices.Sort(missing)
		es = append(es, apierr.NewError(apierr.HouseholdIncomplete, "/members", strings.Join(missing, ", ")))
	}
	if len(es) > 0 {
		return nil, es, nil
	}
	bal, err := accountBalance(ctx, tx, household)
	if err != nil {
		return nil, nil, err
	}
	for i := range cs {
		c := &cs[i]
		if c.Seq, err = tx.AppendContribution(ctx, c); err != nil {
			return nil, nil, err
		}
		c.Receipt = ReceiptNumber(c.Year, c.Seq)
		if c.FamilyCredit.IsZero() {
			continue
		}
		bal = bal.Add(c.FamilyCredit)
		row := AccountRow{Household: household, Kind: AccountContribution, Amount: c.FamilyCredit, Balance: bal,
			Person: c.Person, Year: c.Year, Contribution: c.Seq, Recorded: c.Recorded}
		if _, err := tx.AppendAccountRow(ctx, &row); err != nil {
			return nil, nil, err
		}
	}
	return &Enrolled{Household: household, Year: req.Year, Contributions: cs, FamilyAccount: bal}, nil, nil
}

// memberContribution checks one member's payment and builds its contribution
// (without the household's fields). done marks members who paid for the year
// already.
func (l *Ledger) memberContribution(ctx context.Context, tx Tx, m MemberPayment, at string, req Enrollment,
	pol *policy.Compiled, members map[string]*Person, done map[string]bool) (Contribution, core.Errors, error) {
	var es core.Errors
	c := Contribution{Year: req.Year, Policy: pol.ID(), PolicyVersion: pol.Version(), Tier: m.Tier,
		Category: m.Category, Payer: m.Payer, Subsidy: m.Subsidy, PaidOn: m.PaidOn}
	id, err := identity.ParseID(m.Person, l.today())
	if err != nil {
		return c, core.AsErrors(core.Prefix(err, at+"/person")), nil
	}
	c.Person = id.Number
	p := members[c.Person]
	switch {
	case p == nil:
		return c, core.Errors{core.NewErrorText(core.FieldInvalid, at+"/person", identity.Mask(c.Person)+" is not a registered member of the household",
			identity.Mask(c.Person)+" 不是本户登记的成员")}, nil
	case done[c.Person]:
		return c, core.Errors{apierr.NewError(apierr.ContributionExists, at+"/person", identity.Mask(c.Person)+" "+strconv.Itoa(req.Year))}, nil
	}
	if c.PaidOn.IsZero() {
		c.PaidOn = req.PaidOn
	} else if e := c.PaidOn.Check(at + "/paidOn"); e != nil {
		es = append(es, e)
	}
	if c.Category == "" {
		c.Category = p.Category
	}
	checkText(&es, at+"/category", c.Category, MaxCodeLen)
	checkText(&es, at+"/tier", c.Tier, MaxCodeLen)
	if _, ok := pol.Category(c.Category); !ok && len(es) == 0 {
		es.AddText(core.FieldInvalid, at+"/category", core.Quote(c.Category)+" is not a category of "+pol.ID(), core.Quote(c.Category)+" 不是本方案的人员类别")
	}
	var tier *policy.Tier
	switch {
	case len(pol.Policy().Tiers) == 0 && c.Tier != "":
		es.AddText(core.FieldInvalid, at+"/tier", pol.ID()+" has no contribution tiers", "本方案不分缴费档次")
	case len(pol.Policy().Tiers) > 0 && c.Tier == "":
		es.Add(core.FieldRequired, at+"/tier", "")
	case c.Tier != "":
		var ok bool
		if tier, ok = pol.Tier(c.Tier); !ok {
			es.AddText(core.FieldInvalid, at+"/tier", core.Quote(c.Tier)+" is not a tier of "+pol.ID(), core.Quote(c.Tier)+" 不是本方案的缴费档次")
		}
	}
	if c.Payer == "" {
		c.Payer = PayerSelf
	}
	switch c.Payer {
	case PayerSelf:
		if c.Subsidy != "" {
			es.AddText(core.FieldInvalid, at+"/subsidy", "only for a contribution the government pays", "仅适用于政府代缴")
		}
	case PayerGovernment:
		if c.Subsidy == "" {
			es.AddText(core.FieldRequired, at+"/subsidy", "whom the government pays for: "+strings.Join(subsidies, ", "), "政府代缴须注明代缴类别")
		} else if !slices.Contains(subsidies, string(c.Subsidy)) {
			es = append(es, core.NotOneOf(at+"/subsidy", string(c.Subsidy), subsidies...))
		}
	default:
		es = append(es, core.NotOneOf(at+"/payer", string(c.Payer), string(PayerSelf), string(PayerGovernment)))
	}
	switch {
	case m.Amount != nil:
		c.Amount = *m.Amount
		if e := c.Amount.Check(at + "/amount"); e != nil {
			es = append(es, e)
		} else if c.Amount.IsZero() {
			es.AddText(core.FieldInvalid, at+"/amount", "a contribution is more than 0", "缴费金额须大于 0")
		}
	case tier != nil && c.Payer == PayerGovernment:
		c.Amount = tier.Contribution
	case tier != nil:
		c.Amount = tier.Individual
	case len(es) == 0:
		es.AddText(core.FieldRequired, at+"/amount", "the policy has no tiers to take it from", "本方案不分缴费档次，须填写缴费金额")
	}
	if len(es) > 0 {
		return c, es, nil
	}
	// The enrollment the engine will see, with this year: the gap, the wait and a
	// tier change are the core's reading of it.
	hist, err := enrollmentOf(ctx, tx, p)
	if err != nil {
		return c, nil, err
	}
	for _, y := range hist {
		if y.Year == c.Year-1 && y.Tier != "" && y.Tier != c.Tier {
			c.PreviousTier = y.Tier
		}
	}
	hist = slices.DeleteFunc(hist, func(y enroll.Year) bool { return y.Year == c.Year })
	hist = append(hist, enroll.Year{Year: c.Year, Tier: c.Tier, PaidOn: c.PaidOn})
	on := civil.New(c.Year, 1, 1)
	if c.PaidOn.After(on) {
		on = c.PaidOn
	}
	st := enroll.Check(pol, c.Category, hist, on)
	c.BackPay, c.BenefitsFrom = st.Lapsed, st.BenefitsFrom
	if c.BenefitsFrom.IsZero() {
		c.BenefitsFrom = civil.New(c.Year, 1, 1)
	}
	return c, nil, nil
}

// enrollmentOf is the enrollment history the engine sees for a registered person:
// the registry's years, each replaced by the year's contribution where one is
// recorded, in year order.
func enrollmentOf(ctx context.Context, tx Tx, p *Person) ([]enroll.Year, error) {
	cs, err := tx.Contributions(ctx, ContributionQuery{Person: p.ID})
	if err != nil {
		return nil, err
	}
	return mergeEnrollment(p.Enrollment, cs), nil
}

// mergeEnrollment gives precedence to contributions: a year with a contribution
// is the contribution's (tier and payment date), other years the registry's.
func mergeEnrollment(reg []enroll.Year, cs []Contribution) []enroll.Year {
	out := make([]enroll.Year, 0, len(reg)+len(cs))
	paid := map[int]bool{}
	for _, c := range cs {
		paid[c.Year] = true
		out = append(out, enroll.Year{Year: c.Year, Tier: c.Tier, PaidOn: c.PaidOn})
	}
	for _, y := range reg {
		if !paid[y.Year] {
			out = append(out, y)
		}
	}
	slices.SortFunc(out, func(a, b enroll.Year) int { return cmp.Compare(a.Year, b.Year) })
	return out
}

// withContributions fills a registered person's enrollment from their contributions
// (mergeEnrollment) and returns the year's contribution's category, "" if none.
func withContributions(ctx context.Context, tx Tx, p *Person, year int) (string, error) {
	cs, err := tx.Contributions(ctx, ContributionQuery{Person: p.ID})
	if err != nil {
		return "", err
	}
	p.Enrollment = mergeEnrollment(p.Enrollment, cs)
	for _, c := range cs {
		if c.Year == year {
			return c.Category, nil
		}
	}
	return "", nil
}

// ContributionReceipt returns a contribution by its receipt number (for a reprint).
func (l *Ledger) ContributionReceipt(ctx context.Context, number string) (*Contribution, error) {
	year, seq, ok := parseReceipt(number)
	notFound := core.Errors{apierr.NewError(apierr.NotFound, "/receipt", core.Quote(number))}
	if !ok {
		return nil, notFound
	}
	var c *Contribution
	err := l.store.View(ctx, func(tx Tx) error {
		var err error
		c, err = tx.Contribution(ctx, seq)
		if errors.Is(err, ErrNotFound) || (err == nil && c.Year != year) {
			return notFound
		}
		return err
	})
	return c, err
}

// Contributions returns the contributions of a registered household, of one year or
// (year 0) every year.
func (l *Ledger) Contributions(ctx context.Context, household string, year int) ([]Contribution, error) {
	var cs []Contribution
	err := l.store.View(ctx, func(tx Tx) error {
		if _, err := tx.Household(ctx, household); errors.Is(err, ErrNotFound) {
			return core.Errors{apierr.NewError(apierr.NotFound, "/id", core.Quote(household))}
		} else if err != nil {
			return err
		}
		var err error
		cs, err = tx.Contributions(ctx, ContributionQuery{Household: household, Year: year})
		return err
	})
	if cs == nil {
		cs = []Contribution{}
	}
	return cs, err
}
