package simulate

import (
	"encoding/csv"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// CSVColumns are the columns of a claims file in CSV, one claim a row, named in a
// header row (any order; the optional ones may be left out). A row becomes the Line
// the JSON-lines form would hold, decoded by the same strict reader, so a bad value is
// refused with the path of the claim field it fills (/items/0/amount for
// amount_a):
//
//	policy          the scheme the claim was settled under (the default baseline)
//	claim           the visit id
//	person          the resident ID
//	birth_date      YYYY-MM-DD
//	category        the person category code
//	enrollment      YEAR:PAID_ON pairs separated by ";" (2024:2023-12-10;2025:2024-12-10)
//	township        optional: the township code the report groups by
//	household       optional
//	visit_type      inpatient, outpatient, special_outpatient or maternity
//	class           the facility class code
//	institution     optional: the facility code
//	referral        optional: 1 for a referral
//	admission       YYYY-MM-DD
//	discharge       optional: YYYY-MM-DD
//	disease         optional: a single-disease code
//	amount_a        the bill's class-A (甲类) part, one "treatment" line
//	amount_b        optional: the class-B (乙类) part, one "drug" line
//	amount_self     optional: the wholly self-paid (全自费) part
//	over_limit      optional: the class-A line's part above the price limit
//	family_account  optional: the household account balance before the visit
var CSVColumns = []string{"policy", "claim", "person", "birth_date", "category", "enrollment", "township",
	"household", "visit_type", "class", "institution", "referral", "admission", "discharge", "disease",
	"amount_a", "amount_b", "amount_self", "over_limit", "family_account"}

var csvRequired = []string{"policy", "claim", "person", "birth_date", "category", "enrollment",
	"visit_type", "class", "admission", "amount_a"}

// CSV yields the rows of a claims file in CSV (CSVColumns), numbered by their line,
// the header being line 1.
func CSV(r io.Reader) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		cr := csv.NewReader(r)
		cr.ReuseRecord = true
		header, err := cr.Read()
		if err != nil {
			yield(Record{}, fmt.Errorf("the CSV header: %w", err))
			return
		}
		col := map[string]int{}
		for i, h := range header {
			col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
		}
		for _, name := range csvRequired {
			if _, ok := col[name]; !ok {
				yield(Record{}, fmt.Errorf("the CSV header has no column %q", name))
				return
			}
		}
		for n := int64(2); ; n++ {
			row, err := cr.Read()
			if err == io.EOF {
				return
			}
			if err != nil {
				yield(Record{}, fmt.Errorf("CSV line %d: %w", n, err))
				return
			}
			get := func(name string) string {
				if i, ok := col[name]; ok && i < len(row) {
					return strings.TrimSpace(row[i])
				}
				return ""
			}
			if !yield(Record{Seq: n, JSON: csvLine(get)}, nil) {
				return
			}
		}
	}
}

// csvLine writes a row as a Line's JSON.
func csvLine(get func(string) string) []byte {
	b := []byte(`{"schema":1,"policy":`)
	str := func(s string) { b, _ = jsontext.AppendQuote(b, s) }
	// num writes s as a number when it is one, else as a string for the decoder to
	// refuse with its path.
	num := func(s string) {
		if _, err := strconv.Atoi(s); err == nil {
			b = append(b, s...)
		} else {
			str(s)
		}
	}
	str(get("policy"))
	b = append(b, `,"claim":{"id":`...)
	str(get("claim"))
	b = append(b, `,"person":{"id":`...)
	str(get("person"))
	b = append(b, `,"category":`...)
	str(get("category"))
	b = append(b, `,"birthDate":`...)
	str(get("birth_date"))
	b = append(b, `,"enrollment":[`...)
	for i, y := range strings.Split(get("enrollment"), ";") {
		if i > 0 {
			b = append(b, ',')
		}
		year, paid, _ := strings.Cut(y, ":")
		b = append(b, `{"year":`...)
		num(year)
		b = append(b, `,"paidOn":`...)
		str(paid)
		b = append(b, '}')
	}
	b = append(b, `]},"visit":{"type":`...)
	str(get("visit_type"))
	if v := get("institution"); v != "" {
		b = append(b, `,"institution":`...)
		str(v)
	}
	b = append(b, `,"class":`...)
	str(get("class"))
	b = append(b, `,"referral":`...)
	if get("referral") == "1" {
		b = append(b, "true"...)
	} else {
		b = append(b, "false"...)
	}
	b = append(b, `,"admission":`...)
	str(get("admission"))
	discharge := get("discharge")
	if discharge == "" {
		discharge = get("admission")
	}
	b = append(b, `,"discharge":`...)
	str(discharge)
	if v := get("disease"); v != "" {
		b = append(b, `,"disease":`...)
		str(v)
	}
	b = append(b, `},"items":[`...)
	item := func(code, kind, class, amount, over string) {
		if b[len(b)-1] != '[' {
			b = append(b, ',')
		}
		b = append(b, `{"code":`...)
		str(code)
		b = append(b, `,"kind":"`+kind+`","class":"`+class+`","amount":`...)
		str(amount)
		b = append(b, `,"overLimit":`...)
		str(over)
		b = append(b, '}')
	}
	over := get("over_limit")
	if over == "" {
		over = "0"
	}
	item("A", "treatment", "A", get("amount_a"), over)
	if v := get("amount_b"); v != "" {
		item("B", "drug", "B", v, "0")
	}
	if v := get("amount_self"); v != "" {
		item("SELF", "other", "self", v, "0")
	}
	fa := get("family_account")
	if fa == "" {
		fa = "0"
	}
	b = append(b, `],"totals":{"year":0,"funds":[],"admissions":[],"familyAccount":`...)
	str(fa)
	b = append(b, `}}`...)
	for _, name := range []string{"township", "household"} {
		if v := get(name); v != "" {
			b = append(b, `,"`+name+`":`...)
			str(v)
		}
	}
	return append(b, '}')
}
