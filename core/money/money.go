// Package money provides exact yuan amounts and ratios for the engine. Amounts are
// decimal values, never floats; they travel as JSON strings such as "12.30" and are
// rounded only where a policy says, with an explicit scale and mode.
package money

import (
	"encoding/json"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/ruralhealth/ncms/core"
)

// MaxIntegerDigits bounds the yuan part of any amount read from input: a trillion
// yuan is beyond any claim or fund, and the bound keeps arithmetic cheap.
const MaxIntegerDigits = 12

// Amount is an exact sum of money in yuan (元). The zero value is 0.00.
//
// An Amount decoded from JSON remembers a problem with its text (a number instead of
// a string, too many decimals, a negative sign) instead of failing the whole decode;
// validation reports it with the field's path through Problem.
type Amount struct {
	d       decimal.Decimal
	problem core.Code
	raw     string
}

// Yuan returns a whole number of yuan.
func Yuan(n int64) Amount { return Amount{d: decimal.NewFromInt(n)} }

// Fen returns n fen (分), a hundredth of a yuan.
func Fen(n int64) Amount { return Amount{d: decimal.New(n, -2)} }

// ParseAmount reads a non-negative decimal string with at most two decimal places,
// such as "8432" or "12.30", as amounts arrive in claims and policies.
func ParseAmount(s string) (Amount, error) {
	a := parse(s, 2)
	if a.problem != "" {
		return Amount{}, core.NewError(a.problem, "", quote(s))
	}
	return a, nil
}

// MustAmount is ParseAmount for literals in tests and examples; it panics on bad input.
func MustAmount(s string) Amount {
	a, err := ParseAmount(s)
	if err != nil {
		panic(err)
	}
	return a
}

// parse reads s allowing at most places decimals and records any problem.
func parse(s string, places int) Amount {
	a := Amount{raw: s}
	if strings.HasPrefix(s, "-") {
		a.problem = core.AmountNegative
		return a
	}
	intPart, frac, dot := strings.Cut(s, ".")
	if intPart == "" || (dot && frac == "") || !digits(intPart) || !digits(frac) {
		a.problem = core.AmountInvalid
		return a
	}
	if len(strings.TrimLeft(intPart, "0")) > MaxIntegerDigits {
		a.problem = core.AmountTooLarge
		return a
	}
	if len(frac) > places {
		a.problem = core.AmountPrecision
		return a
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		a.problem = core.AmountInvalid
		return a
	}
	return Amount{d: d}
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return `"` + s + `"`
}

// Problem returns the code of what was wrong with the amount's JSON text, or "".
func (a Amount) Problem() core.Code { return a.problem }

// Check returns the amount's decoding problem as an error at path, or nil.
func (a Amount) Check(path string) *core.Error {
	if a.problem == "" {
		return nil
	}
	return core.NewError(a.problem, path, quote(a.raw))
}

// Add returns a + b.
func (a Amount) Add(b Amount) Amount { return Amount{d: a.d.Add(b.d)} }

// Sub returns a − b, which may be negative; callers clamp where a share cannot be.
func (a Amount) Sub(b Amount) Amount { return Amount{d: a.d.Sub(b.d)} }

// Mul returns the exact product a × r, unrounded.
func (a Amount) Mul(r Rate) Amount { return Amount{d: a.d.Mul(r.d)} }

// Cmp compares a and b: -1, 0 or +1.
func (a Amount) Cmp(b Amount) int { return a.d.Cmp(b.d) }

// Sign returns -1, 0 or +1.
func (a Amount) Sign() int { return a.d.Sign() }

// IsZero reports whether a is 0.
func (a Amount) IsZero() bool { return a.d.IsZero() }

// Min returns the smaller of a and b.
func Min(a, b Amount) Amount {
	if a.d.Cmp(b.d) <= 0 {
		return a
	}
	return b
}

// Max returns the larger of a and b.
func Max(a, b Amount) Amount {
	if a.d.Cmp(b.d) >= 0 {
		return a
	}
	return b
}

// Clamp returns a limited to the range [0, hi].
func Clamp(a, hi Amount) Amount {
	if a.Sign() < 0 {
		return Amount{}
	}
	return Min(a, hi)
}

// NonNegative returns a, or 0 when a is negative.
func NonNegative(a Amount) Amount {
	if a.Sign() < 0 {
		return Amount{}
	}
	return a
}

// Ratio returns a ÷ b rounded half-up to places decimals, or 0 when b is 0.
func Ratio(a, b Amount, places int32) Rate {
	if b.IsZero() {
		return Rate{}
	}
	return Rate{d: a.d.DivRound(b.d, places)}
}

// Round returns a rounded to scale decimal places with mode.
func (a Amount) Round(scale int32, mode Mode) Amount {
	switch mode {
	case HalfEven:
		return Amount{d: a.d.RoundBank(scale)}
	case Down:
		return Amount{d: a.d.RoundDown(scale)}
	case Up:
		return Amount{d: a.d.RoundUp(scale)}
	default:
		return Amount{d: a.d.Round(scale)}
	}
}

// Decimal returns the value as a decimal for callers that need arithmetic not offered here.
func (a Amount) Decimal() decimal.Decimal { return a.d }

// String returns the canonical text: two decimals ("12.30") unless the exact value has
// more, in which case all its significant decimals ("123.455").
func (a Amount) String() string {
	if a.problem != "" {
		return a.raw
	}
	if exp := a.d.Exponent(); exp >= -2 && exp <= 0 && a.d.NumDigits() <= 18 {
		return fenString(a.d.CoefficientInt64(), exp)
	}
	if a.d.Exponent() >= -2 {
		return a.d.StringFixed(2)
	}
	s := a.d.String()
	if i := strings.IndexByte(s, '.'); i < 0 || len(s)-i-1 < 2 {
		return a.d.StringFixed(2)
	}
	return s
}

// MarshalJSON writes the canonical text as a JSON string.
func (a Amount) MarshalJSON() ([]byte, error) {
	s := a.String()
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"'), nil
}

// UnmarshalJSON reads a JSON string. Anything else, or bad text inside the string, is
// kept as a Problem for validation to report with the field's path.
func (a *Amount) UnmarshalJSON(b []byte) error {
	s, ok := jsonString(b)
	if !ok {
		*a = Amount{problem: core.AmountInvalid, raw: string(b)}
		return nil
	}
	*a = parse(s, 2)
	return nil
}

// jsonString unquotes a JSON string token without escapes; amounts never need them.
func jsonString(b []byte) (string, bool) {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return "", false
	}
	s := b[1 : len(b)-1]
	for _, c := range s {
		if c == '\\' || c == '"' || c < 0x20 {
			var out string
			if json.Unmarshal(b, &out) != nil {
				return "", false
			}
			return out, true
		}
	}
	return string(s), true
}

// MulDiv returns a × num ÷ den rounded to scale decimals with mode, or 0 when den is
// 0. The quotient is carried to ten more decimals than scale before the final rounding,
// which is exact for the fen amounts the engine divides.
func MulDiv(a, num, den Amount, scale int32, mode Mode) Amount {
	if den.IsZero() {
		return Amount{}
	}
	q := Amount{d: a.d.Mul(num.d).DivRound(den.d, scale+10)}
	return q.Round(scale, mode)
}

// fenString formats coef × 10^exp (exp in −2…0) with two decimals without big-number
// arithmetic: amounts are formatted for every trace step and every response.
func fenString(coef int64, exp int32) string {
	fen := coef
	switch exp {
	case 0:
		fen *= 100
	case -1:
		fen *= 10
	}
	neg := fen < 0
	if neg {
		fen = -fen
	}
	var buf [24]byte
	i := len(buf)
	for n := 0; n < 2; n++ {
		i--
		buf[i] = byte('0' + fen%10)
		fen /= 10
	}
	i--
	buf[i] = '.'
	for {
		i--
		buf[i] = byte('0' + fen%10)
		fen /= 10
		if fen == 0 {
			break
		}
	}
	if neg {
		i--
		buf[i] = '-'
	}
	return string(buf[i:])
}
