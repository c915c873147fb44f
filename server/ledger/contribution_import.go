package ledger

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
)

// contributionColumns are the columns of the year's contribution roster (缴费花名册),
// one row per member's payment. 序号 and 姓名 are checked as text and not stored.
var contributionColumns = csvColumns{
	{"household", []string{"户号", "户编号"}, MaxCodeLen, true},
	{"id", []string{"身份证号", "身份证号码"}, MaxCodeLen, true},
	{"year", []string{"参合年度"}, MaxCodeLen, true},
	{"tier", []string{"缴费档次"}, MaxCodeLen, false},
	{"category", []string{"人员类别"}, MaxCodeLen, false},
	{"payer", []string{"缴费方式"}, MaxCodeLen, false},
	{"subsidy", []string{"代缴类别"}, MaxCodeLen, false},
	{"amount", []string{"缴费金额"}, MaxCodeLen, false},
	{"paidOn", []string{"缴费日期"}, MaxCodeLen, true},
	{"row", []string{"序号"}, MaxCodeLen, false},
	{"name", []string{"姓名"}, MaxNameLen, false},
}

// ContributionColumns describes the contribution roster's columns for a usage
// message.
func ContributionColumns() string { return contributionColumns.String() }

// Chinese spellings of payers and subsidies a roster may use.
var (
	payerWords   = map[string]Payer{"个人": PayerSelf, "本人": PayerSelf, "政府代缴": PayerGovernment, "政府": PayerGovernment}
	subsidyWords = map[string]Subsidy{"低保": SubsidyDibao, "五保": SubsidyWubao, "特困": SubsidyTekun, "重度残疾": SubsidyDisabled}
)

// ContributionImport is the report of a contribution roster import: every row or
// none.
type ContributionImport struct {
	Rows          int      `json:"rows"`
	Households    int      `json:"households"`
	Contributions int      `json:"contributions"`
	Imported      bool     `json:"imported"`
	Encoding      Encoding `json:"encoding"`
	// Problems at /header/<column> and /rows/<index>/<column>, as for the roster.
	core.Tally
}

// contributionGroup is one household's enrollment for a year, gathered from its rows.
type contributionGroup struct {
	household string
	enr       Enrollment
	rows      []int // the file row of each member
	pol       *policy.Compiled
}

// errProblems rolls back an import whose rows have problems.
var errProblems = errors.New("ledger: the file has problems")

// ImportContributions reads the year's contribution roster (CSV, GBK or UTF-8 as
// for Import) and records every household's enrollment under the policy (id and
// optional version) in one transaction, each as Enroll would: any problem of any
// row records nothing, and the report lists the problems by row and column, the
// rows' own first (a bad cell), then those of the households' enrollments (a member
// missing, a contribution already recorded), each in file order.
func (l *Ledger) ImportContributions(ctx context.Context, keyID string, r io.Reader, pol, version string, o ImportOptions) (*ContributionImport, error) {
	if pol == "" {
		return nil, core.Errors{core.NewError(core.FieldRequired, "/policy", "")}
	}
	text, err := decodeRoster(r, o.Encoding)
	if err != nil {
		return nil, err
	}
	rep := &ContributionImport{Tally: core.NewTally(o.MaxProblems)}
	groups := map[string]*contributionGroup{}
	// bad holds the households and years with a row in error: their enrollments are
	// not checked further, which would only find the same rows missing.
	bad := map[string]bool{}
	var order []*contributionGroup
	rep.Rows, rep.Encoding, err = readCSV(ctx, text, o, contributionColumns, &rep.Tally, func(row csvRow) core.Errors {
		m, year, es := contributionRow(row)
		key := row.get("household") + "\x1f" + strconv.Itoa(year)
		if len(es) > 0 {
			bad[key] = true
			return es
		}
		g := groups[key]
		if g == nil {
			p, err := l.enrollmentPolicy(ctx, pol, version, year)
			if err != nil {
				es := core.AsErrors(err)
				for _, e := range es {
					e.Path = row.at + "/year"
				}
				bad[key] = true
				return es
			}
			g = &contributionGroup{household: row.get("household"), enr: Enrollment{Year: year, Policy: pol, PaidOn: m.PaidOn}, pol: p}
			groups[key] = g
			order = append(order, g)
		}
		g.enr.Members = append(g.enr.Members, m)
		n, _ := strconv.Atoi(strings.TrimPrefix(row.at, "/rows/"))
		g.rows = append(g.rows, n)
		return nil
	})
	if err != nil {
		return nil, err
	}
	order = slices.DeleteFunc(order, func(g *contributionGroup) bool {
		return bad[g.household+"\x1f"+strconv.Itoa(g.enr.Year)]
	})
	// A year's payments see the years before: a gap or a tier change is read from them.
	slices.SortStableFunc(order, func(a, b *contributionGroup) int { return cmp.Compare(a.enr.Year, b.enr.Year) })
	var problems []rowProblem
	n := 0
	err = l.store.Update(ctx, func(tx Tx) error {
		problems, n = nil, 0
		for _, g := range order {
			if len(g.enr.Members) > MaxMembers {
				problems = append(problems, rowProblem{g.rows[MaxMembers], core.NewErrorText(core.FieldInvalid,
					"/rows/"+strconv.Itoa(g.rows[MaxMembers])+"/household", "at most "+strconv.Itoa(MaxMembers)+" members",
					"每户最多 "+strconv.Itoa(MaxMembers)+" 名成员")})
				continue
			}
			out, es, err := l.enroll(ctx, tx, keyID, g.household, g.enr, g.pol)
			if err != nil {
				return err
			}
			for _, e := range es {
				problems = append(problems, g.locate(e))
			}
			if out != nil {
				n += len(out.Contributions)
			}
		}
		if len(problems) > 0 || rep.ProblemCount > 0 {
			return errProblems
		}
		return nil
	})
	switch {
	case errors.Is(err, errProblems):
		// The rows' own problems are listed first, then the households', each in
		// file order.
		slices.SortStableFunc(problems, func(a, b rowProblem) int { return cmp.Compare(a.row, b.row) })
		for _, p := range problems {
			rep.Add(p.e)
		}
		return rep, nil
	case err != nil:
		return nil, fmt.Errorf("ledger: importing contributions: %w", err)
	}
	rep.Imported, rep.Households, rep.Contributions = true, len(order), n
	return rep, nil
}

// rowProblem is a problem and the file row it belongs to.
type rowProblem struct {
	row int
	e   *core.Error
}

// locate moves a problem of the group's enrollment to its row and column: a
// member's to the member's row, the household's to its first row.
func (g *contributionGroup) locate(e *core.Error) rowProblem {
	row, field := g.rows[0], "household"
	if rest, ok := strings.CutPrefix(e.Path, "/members/"); ok {
		i, f, _ := strings.Cut(rest, "/")
		if k, err := strconv.Atoi(i); err == nil && k < len(g.rows) {
			row, field = g.rows[k], f
		}
	} else if e.Path == "/paidOn" {
		field = "paidOn"
	}
	if field == "person" {
		field = "id"
	}
	moved := *e
	moved.Path = "/rows/" + strconv.Itoa(row) + "/" + field
	return rowProblem{row, &moved}
}

// contributionRow reads one row into a member's payment and its year.
func contributionRow(row csvRow) (MemberPayment, int, core.Errors) {
	var es core.Errors
	get, at := row.get, row.at
	m := MemberPayment{Person: get("id"), Tier: get("tier"), Category: get("category")}
	if m.Person == "" {
		es.Add(core.FieldRequired, at+"/id", "")
	}
	if get("household") == "" {
		es.Add(core.FieldRequired, at+"/household", "")
	}
	year, err := strconv.Atoi(get("year"))
	if err != nil || year < 1900 || year > 9999 {
		es.Add(core.FieldInvalid, at+"/year", strconv.Quote(get("year")))
	}
	if m.PaidOn, err = civil.Parse(get("paidOn")); err != nil {
		es = append(es, core.AsErrors(core.Prefix(err, at+"/paidOn"))...)
	}
	if p := get("payer"); p != "" {
		if w, ok := payerWords[p]; ok {
			m.Payer = w
		} else {
			m.Payer = Payer(p)
		}
	}
	if s := get("subsidy"); s != "" {
		if w, ok := subsidyWords[s]; ok {
			m.Subsidy = w
		} else {
			m.Subsidy = Subsidy(s)
		}
	}
	if a := get("amount"); a != "" {
		amt, err := money.ParseAmount(a)
		if err == nil {
			if e := amt.Check(at + "/amount"); e != nil {
				es = append(es, e)
			}
		} else {
			es = append(es, core.AsErrors(core.Prefix(err, at+"/amount"))...)
		}
		m.Amount = &amt
	}
	return m, year, es
}
