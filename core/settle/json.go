package settle

import (
	"strconv"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/trace"
)

// AppendJSON appends the result's JSON encoding to b: the same bytes the codec's
// reflective encoder gives (struct field order, amounts as strings, nil lists as []),
// written directly because every settlement response carries one. It fails, with b
// unusable, only on text that is not valid UTF-8, which the codec refuses as well.
func (r *Result) AppendJSON(b []byte) ([]byte, error) {
	w := jsonWriter{b: b}
	w.raw(`{"schema":`)
	w.int(r.Schema)
	w.raw(`,"claim":`)
	w.str(r.Claim)
	w.raw(`,"policy":{"id":`)
	w.str(r.Policy.ID)
	w.raw(`,"version":`)
	w.str(r.Policy.Version)
	w.raw(`,"hash":`)
	w.str(r.Policy.Hash)
	w.raw(`},"engine":`)
	w.str(r.Engine)
	w.raw(`,"eligible":`)
	w.bool(r.Eligible)
	w.raw(`,"route":`)
	w.str(r.Route)
	w.raw(`,"benefit":`)
	w.str(r.Benefit)
	w.raw(`,"total":`)
	w.amount(r.Total)
	w.raw(`,"selfPaid":`)
	w.amount(r.SelfPaid)
	w.raw(`,"overLimit":`)
	w.amount(r.OverLimit)
	w.raw(`,"preSelfPay":`)
	w.amount(r.PreSelfPay)
	w.raw(`,"scope":`)
	w.amount(r.Scope)
	w.raw(`,"deductible":`)
	w.amount(r.Deductible)
	w.raw(`,"funds":[`)
	for i := range r.Funds {
		f := &r.Funds[i]
		if i > 0 {
			w.raw(",")
		}
		w.raw(`{"fund":`)
		w.str(f.Fund)
		w.raw(`,"name":`)
		w.str(f.Name)
		w.raw(`,"kind":`)
		w.str(f.Kind)
		w.raw(`,"base":`)
		w.amount(f.Base)
		w.raw(`,"available":`)
		w.optAmount(f.Available)
		w.raw(`,"amount":`)
		w.amount(f.Amount)
		w.raw(`,"cap":`)
		w.optAmount(f.Cap)
		w.raw(`,"paidBefore":`)
		w.optAmount(f.PaidBefore)
		w.raw(`,"left":`)
		w.optAmount(f.Left)
		w.raw("}")
	}
	w.raw(`],"fundTotal":`)
	w.amount(r.FundTotal)
	w.raw(`,"familyAccount":`)
	w.amount(r.FamilyAccount)
	w.raw(`,"cash":`)
	w.amount(r.Cash)
	w.raw(`,"personal":`)
	w.amount(r.Personal)
	w.raw(`,"hospital":`)
	w.amount(r.Hospital)
	w.raw(`,"effectiveRatio":`)
	w.rate(r.EffectiveRatio)
	w.raw(`,"totalsAfter":`)
	w.totals(&r.TotalsAfter)
	w.raw(`,"warnings":[`)
	for i, x := range r.Warnings {
		if i > 0 {
			w.raw(",")
		}
		w.raw(`{"code":`)
		w.str(string(x.Code))
		w.raw(`,"message":`)
		w.str(x.Message)
		w.raw(`,"messageZh":`)
		w.str(x.MessageZh)
		w.raw("}")
	}
	w.raw(`],"trace":[`)
	for i := range r.Trace {
		if i > 0 {
			w.raw(",")
		}
		w.step(&r.Trace[i])
	}
	w.raw("]")
	if r.National != nil {
		w.raw(`,"national":`)
		w.national(r.National)
	}
	w.raw("}")
	return w.b, w.err
}

// jsonWriter appends JSON and keeps the first error.
type jsonWriter struct {
	b   []byte
	err error
}

func (w *jsonWriter) raw(s string) { w.b = append(w.b, s...) }

func (w *jsonWriter) int(n int) { w.b = strconv.AppendInt(w.b, int64(n), 10) }

func (w *jsonWriter) bool(v bool) { w.b = strconv.AppendBool(w.b, v) }

// str appends s quoted as the codec's encoder quotes it (minimal escaping, no HTML
// escaping). Printable ASCII other than '"' and '\\' is written as it is, which is
// what the encoder does with it; anything else goes through the encoder's quoting.
func (w *jsonWriter) str(s string) {
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			plain = false
			break
		}
	}
	if plain {
		w.b = append(w.b, '"')
		w.b = append(w.b, s...)
		w.b = append(w.b, '"')
		return
	}
	var err error
	w.b, err = jsontext.AppendQuote(w.b, s)
	if err != nil && w.err == nil {
		w.err = err
	}
}

// amount appends a's canonical text as a string. Computed amounts are digits, a
// point and a sign, which need no escaping; text kept from bad input is quoted.
func (w *jsonWriter) amount(a money.Amount) {
	if a.Problem() != "" {
		w.str(a.String())
		return
	}
	w.b = append(w.b, '"')
	w.b = a.Append(w.b)
	w.b = append(w.b, '"')
}

// optAmount appends *a as amount does, or null.
func (w *jsonWriter) optAmount(a *money.Amount) {
	if a == nil {
		w.raw("null")
		return
	}
	w.amount(*a)
}

// rate appends r's text as a string, as amount does.
func (w *jsonWriter) rate(r money.Rate) {
	if r.Problem() != "" {
		w.str(r.String())
		return
	}
	w.b = append(w.b, '"')
	w.b = r.Append(w.b)
	w.b = append(w.b, '"')
}

func (w *jsonWriter) totals(t *claim.Totals) {
	w.raw(`{"year":`)
	w.int(t.Year)
	w.raw(`,"funds":[`)
	for i := range t.Funds {
		f := &t.Funds[i]
		if i > 0 {
			w.raw(",")
		}
		w.raw(`{"fund":`)
		w.str(f.Fund)
		w.raw(`,"paid":`)
		w.amount(f.Paid)
		w.raw(`,"base":`)
		w.amount(f.Base)
		w.raw(`,"deductible":`)
		w.amount(f.Deductible)
		w.raw(`,"visits":`)
		w.int(f.Visits)
		w.raw("}")
	}
	w.raw(`],"admissions":[`)
	for i, a := range t.Admissions {
		if i > 0 {
			w.raw(",")
		}
		w.raw(`{"class":`)
		w.str(a.Class)
		w.raw(`,"count":`)
		w.int(a.Count)
		w.raw("}")
	}
	w.raw(`],"familyAccount":`)
	w.amount(t.FamilyAccount)
	w.raw("}")
}

func (w *jsonWriter) step(s *trace.Step) {
	w.raw(`{"seq":`)
	w.int(s.Seq)
	w.raw(`,"stage":`)
	w.str(string(s.Stage))
	w.raw(`,"rule":`)
	w.str(s.Rule)
	w.raw(`,"note":`)
	w.str(s.Note)
	w.raw(`,"in":`)
	w.values(s.In)
	w.raw(`,"out":`)
	w.values(s.Out)
	// Text and Clause are omitted when empty, as their omitempty tags say.
	if s.Text != "" {
		w.raw(`,"text":`)
		w.str(s.Text)
	}
	if s.Clause != "" {
		w.raw(`,"clause":`)
		w.str(s.Clause)
	}
	w.raw("}")
}

func (w *jsonWriter) values(vs []trace.Value) {
	w.raw("[")
	for i, v := range vs {
		if i > 0 {
			w.raw(",")
		}
		w.raw(`{"name":`)
		w.str(v.Name)
		w.raw(`,"value":`)
		w.str(v.Value)
		w.raw("}")
	}
	w.raw("]")
}
