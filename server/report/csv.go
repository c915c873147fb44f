package report

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"

	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
)

// Lang is the language of a CSV file's header and labels; the values are the wire
// values.
type Lang string

// CSV languages. Chinese is the default: the files go to county and village staff.
const (
	Chinese Lang = "zh"
	English Lang = "en"
)

func (l Lang) check() error {
	switch l {
	case "", Chinese, English:
		return nil
	}
	return fmt.Errorf("report: unknown CSV language %q", l)
}

// pick returns the text for l.
func (l Lang) pick(zh, en string) string {
	if l == English {
		return en
	}
	return zh
}

// WriteCSV writes the summary as CSV with a header row: one column per fund that
// appears in any row, ordered by fund code, and a group column unless ungrouped.
// Chinese labels periods as 2024年3月上旬 and visit types as 住院; English keeps the
// period keys and codes. Amounts are decimal text, the effective ratio has four
// decimals.
func (s *Summary) WriteCSV(w io.Writer, lang Lang) error {
	if err := lang.check(); err != nil {
		return err
	}
	if s == nil {
		return errors.New("report: writing CSV: nil summary")
	}
	var funds []string
	for _, r := range s.Rows {
		for _, f := range r.Funds {
			if !slices.Contains(funds, f.Fund) {
				funds = append(funds, f.Fund)
			}
		}
	}
	slices.Sort(funds)
	grouped := s.GroupBy != "" && s.GroupBy != Ungrouped

	head := []string{lang.pick("期间", "period"), lang.pick("开始日期", "start"), lang.pick("结束日期", "end")}
	if grouped {
		head = append(head, groupHeader(s.GroupBy, lang))
	}
	head = append(head, lang.pick("人次", "visits"), lang.pick("人数", "persons"),
		lang.pick("总费用", "total"), lang.pick("基金支付合计", "fund_total"))
	for _, f := range funds {
		head = append(head, lang.pick("基金支付:", "fund:")+f)
	}
	head = append(head, lang.pick("个人现金支付", "cash"), lang.pick("人均补偿", "per_capita"),
		lang.pick("实际补偿比", "effective_ratio"))

	return writeCSV(w, head, func(yield func([]string) bool) {
		for _, r := range s.Rows {
			period := r.Period
			if lang != English {
				period = labelZh(s.Period, r.Start)
			}
			rec := []string{period, r.Start.String(), r.End.String()}
			if grouped {
				g := r.Group
				if s.GroupBy == ByVisitType {
					g = visitTypeName(g, lang)
				}
				rec = append(rec, g)
			}
			rec = append(rec, strconv.Itoa(r.Visits), strconv.Itoa(r.Persons), r.Total.String(), r.FundTotal.String())
			for _, code := range funds {
				var sum money.Amount
				for _, f := range r.Funds {
					if f.Fund == code {
						sum = sum.Add(f.Amount)
					}
				}
				rec = append(rec, sum.String())
			}
			rec = append(rec, r.Cash.String(), r.PerCapita.String(), fixed4(r.EffectiveRatio))
			if !yield(rec) {
				return
			}
		}
	})
}

// WriteCSV writes the notice as CSV with a header row, one row per settlement in
// the notice's order; the village's township and name lead each row.
func (n *Notice) WriteCSV(w io.Writer, lang Lang) error {
	if err := lang.check(); err != nil {
		return err
	}
	if n == nil {
		return errors.New("report: writing CSV: nil notice")
	}
	head := []string{
		lang.pick("乡镇", "township"), lang.pick("村", "village"), lang.pick("姓名", "name"),
		lang.pick("身份证号", "id_number"), lang.pick("就诊类型", "visit_type"),
		lang.pick("医疗机构", "institution"), lang.pick("入院日期", "admission"),
		lang.pick("出院日期", "discharge"), lang.pick("总费用", "total"), lang.pick("补偿金额", "fund_paid"),
	}
	return writeCSV(w, head, func(yield func([]string) bool) {
		for _, v := range n.Villages {
			for _, r := range v.Rows {
				rec := []string{v.Township, v.Village, r.Name, r.ID, visitTypeName(r.VisitType, lang),
					r.Institution, r.Admission.String(), r.Discharge.String(), r.Total.String(), r.FundTotal.String()}
				if !yield(rec) {
					return
				}
			}
		}
	})
}

// writeCSV writes head and then the records rows yields as CSV to w. The writers
// stream their rows through it rather than building them all first; an error of any
// write stops the rows and is returned wrapped.
func writeCSV(w io.Writer, head []string, rows iter.Seq[[]string]) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(head); err != nil {
		return fmt.Errorf("report: writing CSV: %w", err)
	}
	for rec := range rows {
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("report: writing CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("report: writing CSV: %w", err)
	}
	return nil
}

func groupHeader(g GroupBy, lang Lang) string {
	switch g {
	case ByClass:
		return lang.pick("机构类别", "class")
	case ByTownship:
		return lang.pick("乡镇", "township")
	case ByInstitution:
		return lang.pick("医疗机构", "institution")
	case ByVisitType:
		return lang.pick("就诊类型", "visit_type")
	}
	return lang.pick("分组", "group")
}

// visitTypeName names a visit type in Chinese; English and unknown codes stay codes.
func visitTypeName(code string, lang Lang) string {
	if lang == English {
		return code
	}
	switch policy.VisitType(code) {
	case policy.VisitInpatient:
		return "住院"
	case policy.VisitOutpatient:
		return "普通门诊"
	case policy.VisitSpecialOutpatient:
		return "慢性病/特殊大病门诊"
	case policy.VisitMaternity:
		return "住院分娩"
	}
	return code
}

// fixed4 writes a ratio with exactly four decimals ("0.5500"), as ratios are read
// in a column.
func fixed4(r money.Rate) string {
	s := r.String()
	if r.Problem() != "" {
		return s
	}
	i := strings.IndexByte(s, '.')
	if i < 0 {
		return s + ".0000"
	}
	return s + strings.Repeat("0", max(0, money.RatePlaces-(len(s)-i-1)))
}
