package report

import (
	"errors"
	"io"
)

// WriteCSV writes the audit as CSV with a header row, one row per flag in the
// audit's order: the code, the journal entries (space-separated), the person,
// institution and month concerned, the drug-share figures when the flag is one, and
// the message in the language asked for.
func (a *Audit) WriteCSV(w io.Writer, lang Lang) error {
	if err := lang.check(); err != nil {
		return err
	}
	if a == nil {
		return errors.New("report: writing CSV: nil audit")
	}
	head := []string{
		lang.pick("标记", "code"), lang.pick("结算流水号", "seqs"), lang.pick("身份证号", "person"),
		lang.pick("医疗机构", "institution"), lang.pick("月份", "month"), lang.pick("补偿方案", "policy"),
		lang.pick("药品费用", "drug"), lang.pick("总费用", "total"), lang.pick("药占比", "share"),
		lang.pick("药占比上限", "limit"), lang.pick("说明", "message"),
	}
	return writeCSV(w, head, func(yield func([]string) bool) {
		for _, f := range a.Flags {
			var drug, total, share, limit string
			if f.Code == FlagDrugShare {
				drug, total, share, limit = f.Drug.String(), f.Total.String(), fixed4(f.Share), fixed4(f.Limit)
			}
			rec := []string{string(f.Code), joinSeqs(f.Seqs, " "), f.Person, f.Institution, f.Month, f.PolicyID,
				drug, total, share, limit, lang.pick(f.MessageZh, f.Message)}
			if !yield(rec) {
				return
			}
		}
	})
}
