package claim

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"strconv"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/ruralhealth/ncms/core/enroll"
	"github.com/ruralhealth/ncms/core/internal/strict"
)

// UnmarshalJSONFrom decodes a claim token by token. Decoding the request is most of
// the cost of a settlement over JSON, and the reflective decoder spends it finding
// fields and growing slices; this reads the same JSON into the same values and fails
// with the same errors (the same JSON pointers, kinds and Go types, from the same
// decoder calls in the same order). It is used only under the options the codec sets
// (unknown members rejected, names matched exactly); under any others it leaves the
// claim to the reflective decoder.
func (c *Claim) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	if !codecOptions(d.Options()) {
		return errors.ErrUnsupported
	}
	return decodeClaim(d, c)
}

// codecOptions reports whether opts are the codec's, the only ones UnmarshalJSONFrom
// reproduces.
func codecOptions(opts json.Options) bool {
	reject, _ := json.GetOption(opts, json.RejectUnknownMembers)
	fold, _ := json.GetOption(opts, json.MatchCaseInsensitiveNames)
	dup, _ := json.GetOption(opts, jsontext.AllowDuplicateNames)
	invalid, _ := json.GetOption(opts, jsontext.AllowInvalidUTF8)
	funcs, _ := json.GetOption(opts, json.WithUnmarshalers)
	return reject && !fold && !dup && !invalid && funcs == nil
}

// typeError is the error the reflective decoder gives for a JSON value of kind k
// that cannot be decoded into t (named as the reflective decoder names it), right
// after reading it.
func typeError(d *jsontext.Decoder, t reflect.Type, k jsontext.Kind, err error) error {
	return &json.SemanticError{JSONPointer: d.StackPointer(), JSONKind: k, GoType: t, Err: err}
}

func decodeClaim(d *jsontext.Decoder, c *Claim) error {
	return object(d, reflect.TypeFor[Claim](), func() { *c = Claim{} }, func(name []byte) (bool, error) {
		switch string(name) {
		case "id":
			return true, decodeString(d, &c.ID)
		case "person":
			return true, decodePerson(d, &c.Person)
		case "visit":
			return true, decodeVisit(d, &c.Visit)
		case "items":
			// Past MaxItems+1 lines the claim is refused whatever they hold: an 8 MiB
			// request of "{}" would otherwise hold millions of Items in memory.
			return true, decodeSlice(d, &c.Items, reflect.TypeFor[[]Item](), 16, MaxItems, decodeItem)
		case "totals":
			return true, decodeTotals(d, &c.Totals)
		}
		return false, nil
	})
}

func decodePerson(d *jsontext.Decoder, p *Person) error {
	return object(d, reflect.TypeFor[Person](), func() { *p = Person{} }, func(name []byte) (bool, error) {
		switch string(name) {
		case "id":
			return true, decodeString(d, &p.ID)
		case "name":
			return true, decodeString(d, &p.Name)
		case "category":
			return true, decodeString(d, &p.Category)
		case "birthDate":
			return true, p.Birth.UnmarshalJSONFrom(d)
		case "enrollment":
			return true, decodeSlice(d, &p.Enrollment, reflect.TypeFor[[]enroll.Year](), 4, MaxList, decodeYear)
		case "familyPlanning":
			return true, decodeBool(d, &p.FamilyPlanning)
		}
		return false, nil
	})
}

func decodeYear(d *jsontext.Decoder, y *enroll.Year) error {
	return object(d, reflect.TypeFor[enroll.Year](), func() { *y = enroll.Year{} }, func(name []byte) (bool, error) {
		switch string(name) {
		case "year":
			return true, decodeInt(d, &y.Year)
		case "tier":
			return true, decodeString(d, &y.Tier)
		case "paidOn":
			return true, y.PaidOn.UnmarshalJSONFrom(d)
		}
		return false, nil
	})
}

func decodeVisit(d *jsontext.Decoder, v *Visit) error {
	return object(d, reflect.TypeFor[Visit](), func() { *v = Visit{} }, func(name []byte) (bool, error) {
		switch string(name) {
		case "type":
			return true, decodeString(d, &v.Type)
		case "institution":
			return true, decodeString(d, &v.Institution)
		case "class":
			return true, decodeString(d, &v.Class)
		case "referral":
			return true, decodeBool(d, &v.Referral)
		case "admission":
			return true, v.Admission.UnmarshalJSONFrom(d)
		case "discharge":
			return true, v.Discharge.UnmarshalJSONFrom(d)
		case "disease":
			return true, decodeString(d, &v.Disease)
		case "delivery":
			return true, decodeString(d, &v.Delivery)
		case "invoice":
			return true, decodeString(d, &v.Invoice)
		}
		return false, nil
	})
}

func decodeItem(d *jsontext.Decoder, it *Item) error {
	return object(d, reflect.TypeFor[Item](), func() { *it = Item{} }, func(name []byte) (bool, error) {
		switch string(name) {
		case "code":
			return true, decodeString(d, &it.Code)
		case "name":
			return true, decodeString(d, &it.Name)
		case "kind":
			return true, decodeString(d, &it.Kind)
		case "class":
			return true, decodeString(d, &it.Class)
		case "amount":
			return true, it.Amount.UnmarshalJSONFrom(d)
		case "overLimit":
			return true, it.OverLimit.UnmarshalJSONFrom(d)
		}
		return false, nil
	})
}

func decodeTotals(d *jsontext.Decoder, t *Totals) error {
	return object(d, reflect.TypeFor[Totals](), func() { *t = Totals{} }, func(name []byte) (bool, error) {
		switch string(name) {
		case "year":
			return true, decodeInt(d, &t.Year)
		case "funds":
			return true, decodeSlice(d, &t.Funds, reflect.TypeFor[[]FundTotal](), 4, MaxList, decodeFundTotal)
		case "admissions":
			return true, decodeSlice(d, &t.Admissions, reflect.TypeFor[[]ClassCount](), 4, MaxList, decodeClassCount)
		case "familyAccount":
			return true, t.FamilyAccount.UnmarshalJSONFrom(d)
		}
		return false, nil
	})
}

func decodeFundTotal(d *jsontext.Decoder, f *FundTotal) error {
	return object(d, reflect.TypeFor[FundTotal](), func() { *f = FundTotal{} }, func(name []byte) (bool, error) {
		switch string(name) {
		case "fund":
			return true, decodeString(d, &f.Fund)
		case "paid":
			return true, f.Paid.UnmarshalJSONFrom(d)
		case "base":
			return true, f.Base.UnmarshalJSONFrom(d)
		case "deductible":
			return true, f.Deductible.UnmarshalJSONFrom(d)
		case "visits":
			return true, decodeInt(d, &f.Visits)
		}
		return false, nil
	})
}

func decodeClassCount(d *jsontext.Decoder, c *ClassCount) error {
	return object(d, reflect.TypeFor[ClassCount](), func() { *c = ClassCount{} }, func(name []byte) (bool, error) {
		switch string(name) {
		case "class":
			return true, decodeString(d, &c.Class)
		case "count":
			return true, decodeInt(d, &c.Count)
		}
		return false, nil
	})
}

// object decodes a JSON object into a struct of type t as the reflective decoder
// does: null sets the zero value, members present overwrite their fields and others
// keep theirs, and the first unknown name is an error. member decodes the value of a
// known name and reports whether it knew the name; the decoder itself rejects a name
// given twice, with the error the reflective decoder gives.
func object(d *jsontext.Decoder, t reflect.Type, zero func(), member func(name []byte) (bool, error)) error {
	tok, err := d.ReadToken()
	if err != nil {
		return err
	}
	switch k := tok.Kind(); k {
	case 'n':
		zero()
		return nil
	case '{':
	default:
		return typeError(d, t, k, nil)
	}
	for d.PeekKind() != '}' {
		name, err := d.ReadValue()
		if err != nil {
			return err
		}
		known, err := member(unquote(name))
		if err != nil {
			return err
		}
		if !known {
			return typeError(d, t, '"', json.ErrUnknownName)
		}
	}
	_, err = d.ReadToken()
	return err
}

// decodeSlice decodes a JSON array as the reflective decoder does: null is a nil
// slice, [] an empty one, and elements are zeroed before they are decoded. A slice
// with no room yet starts with room for n elements rather than growing from one.
// Past max+1 elements the array is too long to be valid whatever it holds, and the
// rest are only checked as JSON, not kept.
func decodeSlice[T any](d *jsontext.Decoder, s *[]T, t reflect.Type, n, max int, elem func(*jsontext.Decoder, *T) error) error {
	tok, err := d.ReadToken()
	if err != nil {
		return err
	}
	switch k := tok.Kind(); k {
	case 'n':
		*s = nil
		return nil
	case '[':
	default:
		return typeError(d, t, k, nil)
	}
	out := (*s)[:0]
	for d.PeekKind() != ']' {
		if len(out) > max {
			if err := d.SkipValue(); err != nil {
				*s = out
				return err
			}
			continue
		}
		if cap(out) == 0 {
			out = make([]T, 0, n)
		}
		var zero T
		out = append(out, zero)
		if err := elem(d, &out[len(out)-1]); err != nil {
			*s = out
			return err
		}
	}
	if len(out) == 0 {
		out = []T{}
	}
	*s = out
	_, err = d.ReadToken()
	return err
}

func decodeString(d *jsontext.Decoder, s *string) error {
	v, err := d.ReadValue()
	if err != nil {
		return err
	}
	switch k := v.Kind(); k {
	case 'n':
		*s = ""
		return nil
	case '"':
		*s = known(unquote(v))
		return nil
	default:
		return typeError(d, reflect.TypeFor[string](), k, nil)
	}
}

func decodeBool(d *jsontext.Decoder, b *bool) error {
	tok, err := d.ReadToken()
	if err != nil {
		return err
	}
	switch k := tok.Kind(); k {
	case 'n':
		*b = false
		return nil
	case 't', 'f':
		*b = tok.Bool()
		return nil
	default:
		return typeError(d, reflect.TypeFor[bool](), k, nil)
	}
}

// decodeInt reads an int as the reflective decoder does: an integer in JSON number
// syntax without fraction or exponent, within range; null is 0.
func decodeInt(d *jsontext.Decoder, n *int) error {
	v, err := d.ReadValue()
	if err != nil {
		return err
	}
	switch k := v.Kind(); k {
	case 'n':
		*n = 0
		return nil
	case '0':
		neg := v[0] == '-'
		digits := v
		if neg {
			digits = v[1:]
		}
		u, ok := parseUint(digits)
		limit := uint64(1) << (strconv.IntSize - 1)
		overflow := (neg && u > limit) || (!neg && u > limit-1)
		if !ok {
			if u != math.MaxUint64 {
				return valueError(d, v, strconv.ErrSyntax)
			}
			overflow = true
		}
		if overflow {
			return valueError(d, v, strconv.ErrRange)
		}
		if neg {
			*n = int(-u)
		} else {
			*n = int(u)
		}
		return nil
	default:
		return typeError(d, reflect.TypeFor[int](), k, nil)
	}
}

// valueError is typeError for a number that is not an int, with the number kept.
func valueError(d *jsontext.Decoder, v jsontext.Value, err error) error {
	e := typeError(d, reflect.TypeFor[int](), '0', err).(*json.SemanticError)
	e.JSONValue = v.Clone()
	return e
}

// parseUint reads decimal digits without a leading zero, as JSON integers are
// written. It returns (0, false) for anything else and (math.MaxUint64, false) when
// the value does not fit in a uint64.
func parseUint(b []byte) (uint64, bool) {
	const maxDigits = 20 // len("18446744073709551615")
	var v uint64
	n := 0
	for ; n < len(b) && '0' <= b[n] && b[n] <= '9'; n++ {
		v = 10*v + uint64(b[n]-'0')
	}
	switch {
	case n == 0 || len(b) != n || (b[0] == '0' && len(b) != 1):
		return 0, false
	case n >= maxDigits && (b[0] != '1' || v < 1e19 || n > maxDigits):
		return math.MaxUint64, false
	}
	return v, true
}

// unquote returns the text of a JSON string the decoder has validated, copying only
// when it has escapes.
func unquote(v []byte) []byte {
	s := v[1 : len(v)-1]
	if bytes.IndexByte(s, '\\') < 0 {
		return s
	}
	out, err := jsontext.AppendUnquote(nil, v)
	if err != nil {
		return s // unreachable: the decoder has read a valid string
	}
	return out
}

// known returns the constant for a value claims repeat on every line (an item's kind
// or class, a visit type), so that decoding them allocates nothing; other text is
// copied.
func known(b []byte) string {
	switch string(b) {
	case ClassA:
		return ClassA
	case ClassB:
		return ClassB
	case ClassSelf:
		return ClassSelf
	case KindDrug:
		return KindDrug
	case KindExam:
		return KindExam
	case KindTreatment:
		return KindTreatment
	case KindMaterial:
		return KindMaterial
	case KindBed:
		return KindBed
	case KindService:
		return KindService
	case KindOther:
		return KindOther
	}
	return string(b)
}

// ScanJSON reads a claim on the strict fast path (see package strict) into c, which
// must be zero. It gives the values the codec gives for every input the reader
// accepts; callers hand any other input to the codec.
func ScanJSON(r *strict.Reader, c *Claim) {
	r.Object(func(name []byte) int {
		switch string(name) {
		case "id":
			c.ID = r.String()
			return 0
		case "person":
			scanPerson(r, &c.Person)
			return 1
		case "visit":
			scanVisit(r, &c.Visit)
			return 2
		case "items":
			c.Items = []Item{}
			r.Array(func() {
				if len(c.Items) == 0 {
					c.Items = make([]Item, 0, 16)
				}
				if len(c.Items) > MaxItems {
					r.Fail() // the token decoder stops keeping lines here
					return
				}
				c.Items = append(c.Items, Item{})
				scanItem(r, &c.Items[len(c.Items)-1])
			})
			return 3
		case "totals":
			scanTotals(r, &c.Totals)
			return 4
		}
		return -1
	})
}

func scanPerson(r *strict.Reader, p *Person) {
	r.Object(func(name []byte) int {
		switch string(name) {
		case "id":
			p.ID = r.String()
			return 0
		case "name":
			p.Name = r.String()
			return 1
		case "category":
			p.Category = r.String()
			return 2
		case "birthDate":
			scanJSON(r, &p.Birth)
			return 3
		case "enrollment":
			p.Enrollment = []enroll.Year{}
			r.Array(func() {
				if len(p.Enrollment) > MaxList {
					r.Fail()
					return
				}
				p.Enrollment = append(p.Enrollment, enroll.Year{})
				y := &p.Enrollment[len(p.Enrollment)-1]
				r.Object(func(name []byte) int {
					switch string(name) {
					case "year":
						y.Year = r.Int()
						return 0
					case "tier":
						y.Tier = r.String()
						return 1
					case "paidOn":
						scanJSON(r, &y.PaidOn)
						return 2
					}
					return -1
				})
			})
			return 4
		case "familyPlanning":
			p.FamilyPlanning = r.Bool()
			return 5
		}
		return -1
	})
}

func scanVisit(r *strict.Reader, v *Visit) {
	r.Object(func(name []byte) int {
		switch string(name) {
		case "type":
			v.Type = r.String()
			return 0
		case "institution":
			v.Institution = r.String()
			return 1
		case "class":
			v.Class = r.String()
			return 2
		case "referral":
			v.Referral = r.Bool()
			return 3
		case "admission":
			scanJSON(r, &v.Admission)
			return 4
		case "discharge":
			scanJSON(r, &v.Discharge)
			return 5
		case "disease":
			v.Disease = r.String()
			return 6
		case "delivery":
			v.Delivery = r.String()
			return 7
		case "invoice":
			v.Invoice = r.String()
			return 8
		}
		return -1
	})
}

func scanItem(r *strict.Reader, it *Item) {
	r.Object(func(name []byte) int {
		switch string(name) {
		case "code":
			it.Code = r.String()
			return 0
		case "name":
			it.Name = r.String()
			return 1
		case "kind":
			it.Kind = known(r.Text())
			return 2
		case "class":
			it.Class = known(r.Text())
			return 3
		case "amount":
			scanJSON(r, &it.Amount)
			return 4
		case "overLimit":
			scanJSON(r, &it.OverLimit)
			return 5
		}
		return -1
	})
}

func scanTotals(r *strict.Reader, t *Totals) {
	r.Object(func(name []byte) int {
		switch string(name) {
		case "year":
			t.Year = r.Int()
			return 0
		case "funds":
			t.Funds = []FundTotal{}
			r.Array(func() {
				if len(t.Funds) > MaxList {
					r.Fail()
					return
				}
				t.Funds = append(t.Funds, FundTotal{})
				f := &t.Funds[len(t.Funds)-1]
				r.Object(func(name []byte) int {
					switch string(name) {
					case "fund":
						f.Fund = r.String()
						return 0
					case "paid":
						scanJSON(r, &f.Paid)
						return 1
					case "base":
						scanJSON(r, &f.Base)
						return 2
					case "deductible":
						scanJSON(r, &f.Deductible)
						return 3
					case "visits":
						f.Visits = r.Int()
						return 4
					}
					return -1
				})
			})
			return 1
		case "admissions":
			t.Admissions = []ClassCount{}
			r.Array(func() {
				if len(t.Admissions) > MaxList {
					r.Fail()
					return
				}
				t.Admissions = append(t.Admissions, ClassCount{})
				a := &t.Admissions[len(t.Admissions)-1]
				r.Object(func(name []byte) int {
					switch string(name) {
					case "class":
						a.Class = r.String()
						return 0
					case "count":
						a.Count = r.Int()
						return 1
					}
					return -1
				})
			})
			return 2
		case "familyAccount":
			scanJSON(r, &t.FamilyAccount)
			return 3
		}
		return -1
	})
}

// scanJSON reads a string value for an amount or a date, which decode it from the
// quoted text as they do under the codec. Their other forms (numbers, null) the codec
// decodes.
func scanJSON(r *strict.Reader, v interface{ UnmarshalJSON([]byte) error }) {
	if q := r.Quoted(); q != nil {
		if v.UnmarshalJSON(q) != nil {
			r.Fail()
		}
	}
}
