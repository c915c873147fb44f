package money

import (
	"math"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/wire"
)

// RatePlaces is the most decimals a ratio may have: 0.5555 is 55.55 percent.
const RatePlaces = 4

// rateUnit is 10^RatePlaces: a Rate counts ten-thousandths.
const rateUnit = 10000

// Rate is an exact ratio such as 0.55 (55%), held as a count of ten-thousandths.
// Adjustments may be negative ("-0.10" is ten percentage points less); ratios applied
// to money are clamped to [0, 1] by the caller. The zero value is 0.
type Rate struct {
	n   int64
	bad *badText // what was wrong with the JSON text, if anything
}

// Percent returns n percent as a Rate.
func Percent(n int64) Rate { return Rate{n: n * 100} }

// One returns 100%.
func One() Rate { return Rate{n: rateUnit} }

// ParseRate reads a decimal string with at most four decimals and an optional sign.
func ParseRate(s string) (Rate, error) {
	r := parseRate(s)
	if r.bad != nil {
		return Rate{}, core.NewError(r.bad.problem, "", core.Quote(s))
	}
	return r, nil
}

// MustRate is ParseRate for literals; it panics on bad input.
func MustRate(s string) Rate {
	r, err := ParseRate(s)
	if err != nil {
		panic(err)
	}
	return r
}

func parseRate(s string) Rate {
	body := strings.TrimPrefix(s, "-")
	intPart, _, _ := strings.Cut(body, ".")
	a := parse(body, RatePlaces)
	if a.bad != nil || len(strings.TrimLeft(intPart, "0")) > 3 {
		return Rate{bad: &badText{problem: core.RateInvalid, raw: s}}
	}
	if body != s {
		a.fen = -a.fen
	}
	return Rate{n: a.fen}
}

func (r Rate) dec() decimal.Decimal { return decimal.New(r.n, -RatePlaces) }

// Problem returns the code of what was wrong with the rate's JSON text, or "".
func (r Rate) Problem() core.Code {
	if r.bad == nil {
		return ""
	}
	return r.bad.problem
}

// Check returns the rate's decoding problem as an error at path, or nil.
func (r Rate) Check(path string) *core.Error {
	if r.bad == nil {
		return nil
	}
	return core.NewError(r.bad.problem, path, core.Quote(r.bad.raw))
}

// InUnit reports whether 0 ≤ r ≤ 1.
func (r Rate) InUnit() bool { return r.n >= 0 && r.n <= rateUnit }

// Add returns r + s.
func (r Rate) Add(s Rate) Rate { return Rate{n: r.n + s.n} }

// Neg returns −r.
func (r Rate) Neg() Rate { return Rate{n: -r.n} }

// Unit returns r clamped to [0, 1].
func (r Rate) Unit() Rate {
	switch {
	case r.n < 0:
		return Rate{}
	case r.n > rateUnit:
		return One()
	}
	return r
}

// Cmp compares r and s.
func (r Rate) Cmp(s Rate) int {
	switch {
	case r.n < s.n:
		return -1
	case r.n > s.n:
		return 1
	}
	return 0
}

// IsZero reports whether r is 0.
func (r Rate) IsZero() bool { return r.n == 0 }

// Scale multiplies r by a whole count, such as continuity years × points per year.
func (r Rate) Scale(n int64) Rate { return Rate{n: r.n * n} }

// String returns the shortest exact text, such as "0.55" or "-0.1".
func (r Rate) String() string {
	if r.bad != nil {
		return r.bad.raw
	}
	var buf [24]byte
	return string(appendTrimmed(buf[:0], r.n, RatePlaces))
}

// Append appends the text String returns to dst.
func (r Rate) Append(dst []byte) []byte {
	if r.bad != nil {
		return append(dst, r.bad.raw...)
	}
	return appendTrimmed(dst, r.n, RatePlaces)
}

// Percent returns the rate as a percentage text such as "55%" or "5.5%".
func (r Rate) Percent() string {
	var buf [24]byte
	return string(r.AppendPercent(buf[:0]))
}

// AppendPercent appends the text Percent returns to dst.
func (r Rate) AppendPercent(dst []byte) []byte {
	return append(appendTrimmed(dst, r.n, RatePlaces-2), '%')
}

// appendTrimmed appends n × 10^-places without trailing zeros.
func appendTrimmed(dst []byte, n int64, places int) []byte {
	if n == math.MinInt64 {
		// −n does not exist; no amount or rate comes near, but keep the text defined.
		return append(dst, trimmed(n, places)...)
	}
	if n < 0 {
		dst = append(dst, '-')
		n = -n
	}
	unit := int64(1)
	for i := 0; i < places; i++ {
		unit *= 10
	}
	dst = strconv.AppendInt(dst, n/unit, 10)
	frac := n % unit
	if frac == 0 {
		return dst
	}
	dst = append(dst, '.')
	for unit /= 10; frac > 0; unit /= 10 {
		dst = append(dst, byte('0'+frac/unit))
		frac %= unit
	}
	return dst
}

// trimmed is appendTrimmed by string arithmetic, for math.MinInt64 alone.
func trimmed(n int64, places int) string {
	neg := n < 0
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	for len(s) <= places {
		s = "0" + s
	}
	whole, frac := s[:len(s)-places], strings.TrimRight(s[len(s)-places:], "0")
	if frac != "" {
		whole += "." + frac
	}
	if neg && n != 0 {
		whole = "-" + whole
	}
	return whole
}

// MarshalJSON writes the rate as a JSON string, as WriteJSON does.
func (r Rate) MarshalJSON() ([]byte, error) {
	w := wire.NewWriter(nil)
	r.WriteJSON(w)
	return w.Bytes()
}

// UnmarshalJSON reads a JSON string; problems are kept for validation, as with Amount.
func (r *Rate) UnmarshalJSON(b []byte) error {
	s, ok := jsonString(b)
	if !ok {
		*r = Rate{bad: &badText{problem: core.RateInvalid, raw: string(b)}}
		return nil
	}
	*r = parseRate(string(s))
	return nil
}
