package report

import (
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/ruralhealth/ncms/server/ledger"
)

// WriteBankCSV writes a payment batch as the bank's transfer list: a header row, one
// row per institution (its statements' approved amounts summed), then the control
// line the bank checks the file against before paying: the label, the number of
// transfers and their total, in the amount column. name gives an institution's name
// from the facility register ("" when unknown).
func WriteBankCSV(w io.Writer, b *ledger.Batch, name func(institution string) string, lang Lang) error {
	if err := lang.check(); err != nil {
		return err
	}
	if b == nil {
		return errors.New("report: writing the bank CSV: nil batch")
	}
	head := []string{lang.pick("序号", "no"), lang.pick("收款单位编码", "institution"),
		lang.pick("收款单位名称", "name"), lang.pick("金额", "amount"), lang.pick("摘要", "memo")}
	transfers := b.Transfers()
	rows := func(yield func([]string) bool) {
		for i, t := range transfers {
			var ids []string
			for _, it := range b.Items {
				if it.Institution == t.Institution {
					ids = append(ids, strconv.FormatInt(it.Statement, 10))
				}
			}
			memo := lang.pick("新农合拨付 批次"+strconv.FormatInt(b.ID, 10)+" 结算单"+strings.Join(ids, "、"),
				"NCMS batch "+strconv.FormatInt(b.ID, 10)+" statements "+strings.Join(ids, " "))
			if !yield([]string{strconv.Itoa(i + 1), t.Institution, name(t.Institution), t.Amount.String(), memo}) {
				return
			}
		}
		yield([]string{lang.pick("合计", "total"), strconv.Itoa(len(transfers)), "", b.Total.String(), ""})
	}
	return writeCSV(w, head, rows)
}
