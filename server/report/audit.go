package report

import (
	"cmp"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/server/ledger"
)

// FlagCode names what an audit flag found; the values are the wire values and never
// change once released.
type FlagCode string

// Audit flags (RULES §4: drug share, duplicate invoices, overlapping stays, claims
// before enrollment or in a waiting period).
const (
	// A facility's inpatient drug cost in a month is above the policy's share.
	FlagDrugShare FlagCode = "audit_drug_share"
	// Standing settlements of one person share a bill hash: one bill paid twice.
	FlagDuplicateBill FlagCode = "audit_duplicate_bill"
	// Two inpatient stays of one person overlap in time.
	FlagOverlappingStay FlagCode = "audit_overlapping_stay"
	// A settlement carries warn_waiting_period.
	FlagWaitingPeriod FlagCode = "audit_waiting_period"
	// A settlement carries warn_not_enrolled.
	FlagNotEnrolled FlagCode = "audit_not_enrolled"
)

// StayLookback is how many days before an audit's range a caller should read the
// journal from, so that a stay admitted in the range is compared with longer stays
// admitted before it: Journal(ctx, tx, q.From.AddDays(-StayLookback), q.To).
const StayLookback = 366

// AuditQuery selects an audit.
type AuditQuery struct {
	Range // admission dates
	// DrugShare returns the drug-share limit of a policy id (policy.Audit.DrugShare);
	// zero, or a nil func, means no drug-share check.
	DrugShare func(policyID string) money.Rate
}

// Audit is the flags raised for a range.
type Audit struct {
	From  civil.Date `json:"from"`
	To    civil.Date `json:"to"`
	Flags []Flag     `json:"flags"`
}

// Flag is one finding: a stable code, the journal entries involved (in sequence
// order) and a message in English and Chinese. Messages are for people; match on
// Code. The drug-share fields are set for FlagDrugShare only.
type Flag struct {
	Code        FlagCode `json:"code"`
	Seqs        []int64  `json:"seqs"`
	Person      string   `json:"person,omitempty"`
	Institution string   `json:"institution,omitempty"`

	Month    string       `json:"month,omitempty"` // "2024-03"
	PolicyID string       `json:"policyId,omitempty"`
	Drug     money.Amount `json:"drug,omitzero"`
	Total    money.Amount `json:"total,omitzero"`
	Share    money.Rate   `json:"share,omitzero"` // Drug ÷ Total, half-up to four decimals
	Limit    money.Rate   `json:"limit,omitzero"`

	Message   string `json:"message"`
	MessageZh string `json:"messageZh"`
}

// BuildAudit raises the flags for the standing settlements admitted in q's range,
// ordered by code and then by the entries involved.
//
// Inpatient means the inpatient and maternity (住院分娩) visit types: both are
// hospital stays. The drug share is checked per facility, calendar month of
// admission and policy id, each against its policy's limit; a share exactly at the
// limit passes, and a month the range cuts counts only its days inside the range.
//
// A stay occupies the days from admission up to, not including, discharge (a
// same-day stay its one day), so a transfer discharged from one hospital and
// admitted to another on the same day is not an overlap. An overlap is reported in
// the range that holds the later admission, so consecutive monthly audits report it
// once; stays admitted before the range are read only as the earlier half (see
// StayLookback). Duplicate bills are looked for among the settlements admitted in
// the range: the admission date is part of the bill.
func BuildAudit(entries iter.Seq2[*ledger.Entry, error], q AuditQuery) (*Audit, error) {
	var es core.Errors
	q.Range.check("", &es)
	if err := es.Err(); err != nil {
		return nil, err
	}
	// Before the range only stays matter, as the earlier half of an overlap.
	settled, err := standing(entries, func(e *ledger.Entry) bool {
		return q.Contains(e.Admission) || e.Admission.Before(q.From) && isStay(e)
	})
	if err != nil {
		return nil, err
	}
	a := &Audit{From: q.From, To: q.To, Flags: []Flag{}}
	a.Flags = append(a.Flags, drugShares(settled, q)...)
	a.Flags = append(a.Flags, duplicateBills(settled, q.Range)...)
	a.Flags = append(a.Flags, overlappingStays(settled, q.Range)...)
	a.Flags = append(a.Flags, enrollmentWarnings(settled, q.Range)...)
	slices.SortFunc(a.Flags, func(x, y Flag) int {
		return cmp.Or(cmp.Compare(x.Code, y.Code), slices.Compare(x.Seqs, y.Seqs))
	})
	return a, nil
}

func isStay(e *ledger.Entry) bool {
	t := policy.VisitType(e.VisitType)
	return t == policy.VisitInpatient || t == policy.VisitMaternity
}

func drugShares(settled []*ledger.Entry, q AuditQuery) []Flag {
	if q.DrugShare == nil {
		return nil
	}
	type key struct{ institution, month, policy string }
	groups := make(map[key]*Flag)
	for _, e := range settled {
		if !isStay(e) || !q.Contains(e.Admission) {
			continue
		}
		k := key{e.Institution, monthKey(e.Admission), e.PolicyID}
		g := groups[k]
		if g == nil {
			g = &Flag{Code: FlagDrugShare, Institution: k.institution, Month: k.month, PolicyID: k.policy}
			groups[k] = g
		}
		g.Seqs = append(g.Seqs, e.Seq)
		g.Drug = g.Drug.Add(e.Drug)
		g.Total = g.Total.Add(e.Total)
	}
	var flags []Flag
	for _, g := range groups {
		g.Limit = q.DrugShare(g.PolicyID)
		// Compare exactly (drug > total × limit): the rounded share could hide a
		// fraction of a fen above the limit.
		if g.Limit.Cmp(money.Rate{}) <= 0 || g.Total.Sign() <= 0 || g.Drug.Cmp(g.Total.Mul(g.Limit)) <= 0 {
			continue
		}
		g.Share = money.Ratio(g.Drug, g.Total)
		g.Message = fmt.Sprintf("inpatient drug share at %s in %s is %s, above the limit of %s (drug %s of %s yuan)",
			g.Institution, g.Month, g.Share.Percent(), g.Limit.Percent(), g.Drug, g.Total)
		g.MessageZh = fmt.Sprintf("%s 医疗机构 %s 住院药品费用占比 %s，超过 %s 的限额（药品费 %s 元，总费用 %s 元）",
			g.Month, g.Institution, g.Share.Percent(), g.Limit.Percent(), g.Drug, g.Total)
		flags = append(flags, *g)
	}
	return flags
}

func duplicateBills(settled []*ledger.Entry, r Range) []Flag {
	type key struct{ person, bill string }
	groups := make(map[key][]*ledger.Entry)
	for _, e := range settled {
		if e.BillHash != "" {
			k := key{e.Person, e.BillHash}
			groups[k] = append(groups[k], e)
		}
	}
	var flags []Flag
	for k, g := range groups {
		if len(g) < 2 || !r.Contains(latest(g).Admission) {
			continue
		}
		seqs := seqsOf(g)
		var places []string
		for _, e := range g {
			places = append(places, e.Institution+"/"+e.Visit)
		}
		flags = append(flags, Flag{
			Code:   FlagDuplicateBill,
			Seqs:   seqs,
			Person: k.person,
			Message: fmt.Sprintf("the same bill was settled %d times (entries %s; visits %s)",
				len(g), joinSeqs(seqs, ", "), strings.Join(places, ", ")),
			MessageZh: fmt.Sprintf("同一票据重复结算 %d 次（结算序号 %s；就诊 %s）",
				len(g), joinSeqs(seqs, "、"), strings.Join(places, "、")),
		})
	}
	return flags
}

// latest returns the entry of g admitted last (the highest sequence among equals).
func latest(g []*ledger.Entry) *ledger.Entry {
	l := g[0]
	for _, e := range g[1:] {
		if c := e.Admission.Compare(l.Admission); c > 0 || c == 0 && e.Seq > l.Seq {
			l = e
		}
	}
	return l
}

func overlappingStays(settled []*ledger.Entry, r Range) []Flag {
	byPerson := make(map[string][]*ledger.Entry)
	for _, e := range settled {
		if isStay(e) {
			byPerson[e.Person] = append(byPerson[e.Person], e)
		}
	}
	var flags []Flag
	for person, stays := range byPerson {
		slices.SortFunc(stays, func(a, b *ledger.Entry) int {
			return cmp.Or(a.Admission.Compare(b.Admission), cmp.Compare(a.Seq, b.Seq))
		})
		// Sorted by admission, stay j overlaps an earlier stay i exactly when it is
		// admitted before i ends; i's end bounds the scan.
		for i, a := range stays {
			end := stayEnd(a)
			for _, b := range stays[i+1:] {
				if !b.Admission.Before(end) {
					break
				}
				if !r.Contains(b.Admission) {
					continue
				}
				flags = append(flags, Flag{
					Code:   FlagOverlappingStay,
					Seqs:   []int64{min(a.Seq, b.Seq), max(a.Seq, b.Seq)},
					Person: person,
					Message: fmt.Sprintf("inpatient stays overlap: entry %d at %s %s to %s and entry %d at %s %s to %s",
						a.Seq, a.Institution, a.Admission, a.Discharge, b.Seq, b.Institution, b.Admission, b.Discharge),
					MessageZh: fmt.Sprintf("住院时间重叠：结算 %d（%s，%s 至 %s）与结算 %d（%s，%s 至 %s）",
						a.Seq, a.Institution, a.Admission, a.Discharge, b.Seq, b.Institution, b.Admission, b.Discharge),
				})
			}
		}
	}
	return flags
}

// stayEnd returns the first day after a stay: its discharge date, or the day after
// admission for a same-day stay or a missing or earlier discharge date.
func stayEnd(e *ledger.Entry) civil.Date {
	if e.Discharge.Valid() && e.Discharge.After(e.Admission) {
		return e.Discharge
	}
	return e.Admission.AddDays(1)
}

func enrollmentWarnings(settled []*ledger.Entry, r Range) []Flag {
	var flags []Flag
	for _, e := range settled {
		if !r.Contains(e.Admission) {
			continue
		}
		for _, c := range []struct {
			warn core.Code
			flag FlagCode
		}{{core.WarnWaitingPeriod, FlagWaitingPeriod}, {core.WarnNotEnrolled, FlagNotEnrolled}} {
			if !slices.Contains(e.Warnings, string(c.warn)) {
				continue
			}
			en, zh := c.warn.Text()
			flags = append(flags, Flag{
				Code:        c.flag,
				Seqs:        []int64{e.Seq},
				Person:      e.Person,
				Institution: e.Institution,
				Message:     fmt.Sprintf("entry %d (%s, admitted %s): %s", e.Seq, e.Institution, e.Admission, en),
				MessageZh:   fmt.Sprintf("结算 %d（%s，%s 入院）：%s", e.Seq, e.Institution, e.Admission, zh),
			})
		}
	}
	return flags
}

func seqsOf(g []*ledger.Entry) []int64 {
	seqs := make([]int64, len(g))
	for i, e := range g {
		seqs[i] = e.Seq
	}
	slices.Sort(seqs)
	return seqs
}

func joinSeqs(seqs []int64, sep string) string {
	s := make([]string, len(seqs))
	for i, n := range seqs {
		s[i] = strconv.FormatInt(n, 10)
	}
	return strings.Join(s, sep)
}
