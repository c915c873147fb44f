// Package money provides exact yuan amounts and ratios for the engine. Amounts are
// decimal values, never floats; they travel as JSON strings such as "12.30" and are
// rounded only where a policy says, with an explicit scale and mode.
//
// Nearly every amount in a settlement is a whole number of fen, so an Amount keeps
// whole fen in an int64 and switches to an arbitrary-precision decimal only for values
// finer than a fen (a ratio's product before rounding) or too large for int64. The
// arithmetic is exact either way; the fast path only avoids allocation.
package money

import (
	"bytes"
	"math"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/wire"
)

// MaxIntegerDigits bounds the yuan part of any amount read from input: a trillion
// yuan is beyond any claim or fund, and the bound keeps arithmetic in int64.
const MaxIntegerDigits = 12

// fenLimit keeps sums of fen amounts far from int64 overflow.
const fenLimit = 1 << 60

// Amount is an exact sum of money in yuan (元). The zero value is 0.00.
//
// An Amount decoded from JSON remembers a problem with its text (a number instead of
// a string, too many decimals, a negative sign) instead of failing the whole decode;
// validation reports it with the field's path through Problem.
type Amount struct {
	fen   int64            // the value in fen, or in millionths of a yuan when micro
	micro bool             // fen counts 10^-6 yuan: a fen amount times a Rate
	big   *decimal.Decimal // the value, when it fits neither int64 form
	bad   *badText         // what was wrong with the JSON text, if anything
}

// badText keeps a decoding problem with the text that caused it. The rare states of
// an Amount sit behind pointers so the common one stays small to copy.
type badText struct {
	problem core.Code
	raw     string
}

// Yuan returns a whole number of yuan.
func Yuan(n int64) Amount { return fromDecimal(decimal.NewFromInt(n)) }

// Fen returns n fen (分), a hundredth of a yuan.
func Fen(n int64) Amount { return Amount{fen: n} }

// fromDecimal returns d as an Amount, on the fen fast path when d is whole fen.
func fromDecimal(d decimal.Decimal) Amount {
	if d.Exponent() >= -2 && d.NumDigits() <= 17 {
		f := d.Shift(2)
		if f.IsInteger() {
			n := f.IntPart()
			if n > -fenLimit && n < fenLimit {
				return Amount{fen: n}
			}
		}
	}
	return Amount{big: &d}
}

// dec returns a as a decimal.
func (a Amount) dec() decimal.Decimal {
	switch {
	case a.big != nil:
		return *a.big
	case a.micro:
		return decimal.New(a.fen, -6)
	}
	return decimal.New(a.fen, -2)
}

// microUnit is how many millionths of a yuan make a fen.
const microUnit = 10000

// microLimit bounds the magnitude of amounts held in millionths.
const microLimit = 1 << 58

// asMicro returns a in millionths of a yuan, if it fits.
func (a Amount) asMicro() (int64, bool) {
	switch {
	case a.big != nil:
		return 0, false
	case a.micro:
		return a.fen, true
	case a.fen > -microLimit/microUnit && a.fen < microLimit/microUnit:
		return a.fen * microUnit, true
	}
	return 0, false
}

// fromMicro returns n millionths of a yuan, as whole fen where it is.
func fromMicro(n int64) Amount {
	if n%microUnit == 0 {
		return Amount{fen: n / microUnit}
	}
	return Amount{fen: n, micro: true}
}

// combine applies op to a and b on the int64 paths when both allow it.
func combine(a, b Amount, op func(x, y int64) int64, slow func(x, y decimal.Decimal) decimal.Decimal) Amount {
	if a.big == nil && b.big == nil {
		if !a.micro && !b.micro {
			if s := op(a.fen, b.fen); s > -fenLimit && s < fenLimit {
				return Amount{fen: s}
			}
		} else if x, ok := a.asMicro(); ok {
			if y, ok := b.asMicro(); ok {
				if s := op(x, y); s > -microLimit && s < microLimit {
					return fromMicro(s)
				}
			}
		}
	}
	return fromDecimal(slow(a.dec(), b.dec()))
}

// ParseAmount reads a non-negative decimal string with at most two decimal places,
// such as "8432" or "12.30", as amounts arrive in claims and policies.
func ParseAmount(s string) (Amount, error) {
	a := parse(s, 2)
	if a.bad != nil {
		return Amount{}, core.NewError(a.bad.problem, "", core.Quote(s))
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

// parse reads s allowing at most places (≤ 4) decimals and records any problem. The
// value is returned as a count of 10^-places units in Amount.fen for the caller to
// scale; callers with places == 2 get fen directly. It reads bytes as well as strings
// so that decoding JSON copies the text only when it is bad.
func parse[T string | []byte](s T, places int) Amount {
	fail := func(c core.Code) Amount { return Amount{bad: &badText{problem: c, raw: string(s)}} }
	if len(s) > 0 && s[0] == '-' {
		return fail(core.AmountNegative)
	}
	intPart, frac, dot := s, s[len(s):], false
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			intPart, frac, dot = s[:i], s[i+1:], true
			break
		}
	}
	if len(intPart) == 0 || (dot && len(frac) == 0) || !digits(intPart) || !digits(frac) {
		return fail(core.AmountInvalid)
	}
	for len(intPart) > 0 && intPart[0] == '0' {
		intPart = intPart[1:]
	}
	if len(intPart) > MaxIntegerDigits {
		return fail(core.AmountTooLarge)
	}
	if len(frac) > places {
		return fail(core.AmountPrecision)
	}
	var n int64
	for i := 0; i < len(intPart); i++ {
		n = n*10 + int64(intPart[i]-'0')
	}
	for i := 0; i < places; i++ {
		n *= 10
		if i < len(frac) {
			n += int64(frac[i] - '0')
		}
	}
	return Amount{fen: n}
}

func digits[T string | []byte](s T) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Problem returns the code of what was wrong with the amount's JSON text, or "".
func (a Amount) Problem() core.Code {
	if a.bad == nil {
		return ""
	}
	return a.bad.problem
}

// Check returns what is wrong with the amount as an input — bad JSON text, or, for an
// amount built in Go, a negative value, a fraction of a fen or too many digits — as an
// error at path, or nil.
func (a Amount) Check(path string) *core.Error {
	if a.plain() && a.fen >= 0 {
		return nil // whole fen, not negative: every amount a valid claim holds
	}
	switch {
	case a.bad != nil:
		return core.NewError(a.bad.problem, path, core.Quote(a.bad.raw))
	case a.Sign() < 0:
		return core.NewError(core.AmountNegative, path, a.String())
	case a.micro || (a.big != nil && a.big.Exponent() < -2):
		return core.NewError(core.AmountPrecision, path, a.String())
	case a.big != nil:
		return core.NewError(core.AmountTooLarge, path, a.String())
	}
	return nil
}

// Add returns a + b.
func (a Amount) Add(b Amount) Amount {
	if a.plain() && b.plain() {
		if s := a.fen + b.fen; s > -fenLimit && s < fenLimit {
			return Amount{fen: s}
		}
	}
	return combine(a, b, func(x, y int64) int64 { return x + y }, decimal.Decimal.Add)
}

// plain reports whether a is whole fen held in int64, the case worth inlining.
func (a Amount) plain() bool { return a.big == nil && !a.micro && a.bad == nil }

// Sub returns a − b, which may be negative; callers clamp where a share cannot be.
func (a Amount) Sub(b Amount) Amount {
	if a.plain() && b.plain() {
		if s := a.fen - b.fen; s > -fenLimit && s < fenLimit {
			return Amount{fen: s}
		}
	}
	return combine(a, b, func(x, y int64) int64 { return x - y }, decimal.Decimal.Sub)
}

// Mul returns the exact product a × r, unrounded.
func (a Amount) Mul(r Rate) Amount {
	if a.big == nil && !a.micro && a.fen > -1<<40 && a.fen < 1<<40 && r.n > -1<<16 && r.n < 1<<16 {
		return fromMicro(a.fen * r.n) // fen × ten-thousandths = millionths of a yuan
	}
	return fromDecimal(a.dec().Mul(r.dec()))
}

// Cmp compares a and b: -1, 0 or +1.
func (a Amount) Cmp(b Amount) int {
	x, y := a.fen, b.fen
	if a.micro != b.micro {
		var ok1, ok2 bool
		x, ok1 = a.asMicro()
		y, ok2 = b.asMicro()
		if !ok1 || !ok2 {
			return a.dec().Cmp(b.dec())
		}
	}
	if a.big != nil || b.big != nil {
		return a.dec().Cmp(b.dec())
	}
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// Sign returns -1, 0 or +1.
func (a Amount) Sign() int {
	if a.big != nil {
		return a.big.Sign()
	}
	switch {
	case a.fen < 0:
		return -1
	case a.fen > 0:
		return 1
	}
	return 0
}

// IsZero reports whether a is 0.
func (a Amount) IsZero() bool { return a.Sign() == 0 }

// Min returns the smaller of a and b.
func Min(a, b Amount) Amount {
	if a.Cmp(b) <= 0 {
		return a
	}
	return b
}

// Max returns the larger of a and b.
func Max(a, b Amount) Amount {
	if a.Cmp(b) >= 0 {
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

// Ratio returns a ÷ b rounded half-up to four decimals, or 0 when b is 0.
func Ratio(a, b Amount) Rate {
	if b.IsZero() {
		return Rate{}
	}
	if a.big == nil && !a.micro && b.big == nil && !b.micro && b.fen > 0 && a.fen > -1<<49 && a.fen < 1<<49 {
		return Rate{n: roundDiv(a.fen*rateUnit, b.fen, HalfUp)}
	}
	q := a.dec().DivRound(b.dec(), RatePlaces).Shift(RatePlaces)
	return Rate{n: q.IntPart()}
}

// Round returns a rounded to scale decimal places with mode.
func (a Amount) Round(scale int32, mode Mode) Amount {
	if a.big == nil && !a.micro && scale >= 2 {
		return a
	}
	if a.micro && scale == 2 {
		return Amount{fen: roundDiv(a.fen, microUnit, mode)}
	}
	d := a.dec()
	switch mode {
	case HalfEven:
		d = d.RoundBank(scale)
	case Down:
		d = d.RoundDown(scale)
	case Up:
		d = d.RoundUp(scale)
	default:
		d = d.Round(scale)
	}
	return fromDecimal(d)
}

// roundDiv returns n ÷ unit rounded to an integer with mode.
func roundDiv(n, unit int64, mode Mode) int64 {
	q, r := n/unit, n%unit
	if r == 0 {
		return q
	}
	away := q + 1 // the neighbour away from zero
	if n < 0 {
		away, r = q-1, -r
	}
	switch mode {
	case Down:
		return q
	case Up:
		return away
	case HalfEven:
		if 2*r > unit || (2*r == unit && q%2 != 0) {
			return away
		}
		return q
	default:
		if 2*r >= unit {
			return away
		}
		return q
	}
}

// MulDiv returns a × num ÷ den rounded to scale decimals with mode, or 0 when den is
// 0. The quotient is carried to ten more decimals than scale before the final rounding,
// which is exact for the fen amounts the engine divides.
func MulDiv(a, num, den Amount, scale int32, mode Mode) Amount {
	if den.IsZero() {
		return Amount{}
	}
	q := fromDecimal(a.dec().Mul(num.dec()).DivRound(den.dec(), scale+10))
	return q.Round(scale, mode)
}

// Decimal returns the value as a decimal for callers that need arithmetic not offered here.
func (a Amount) Decimal() decimal.Decimal { return a.dec() }

// String returns the canonical text: two decimals ("12.30") unless the exact value has
// more, in which case all its significant decimals ("123.455").
func (a Amount) String() string {
	switch {
	case a.bad != nil:
		return a.bad.raw
	case a.big == nil:
		var buf [32]byte
		return string(a.Append(buf[:0]))
	}
	return a.bigString()
}

// Append appends the canonical text of a, as String returns it, to dst. Traces and
// responses format every amount; appending to a shared buffer saves a string each.
func (a Amount) Append(dst []byte) []byte {
	switch {
	case a.bad != nil:
		return append(dst, a.bad.raw...)
	case a.micro:
		return appendMicro(dst, a.fen)
	case a.big == nil:
		return appendFen(dst, a.fen)
	}
	return append(dst, a.bigString()...)
}

func (a Amount) bigString() string {
	s := a.big.String()
	if i := strings.IndexByte(s, '.'); i < 0 || len(s)-i-1 < 2 {
		return a.big.StringFixed(2)
	}
	return s
}

// digitPairs lists "00" to "99", so that formatting writes two digits per division.
const digitPairs = "00010203040506070809" + "10111213141516171819" + "20212223242526272829" +
	"30313233343536373839" + "40414243444546474849" + "50515253545556575859" + "60616263646566676869" +
	"70717273747576777879" + "80818283848586878889" + "90919293949596979899"

// appendFen formats fen with two decimals without big-number arithmetic.
func appendFen(dst []byte, fen int64) []byte {
	neg := fen < 0
	u := uint64(fen)
	if neg {
		u = uint64(-fen)
		if fen == math.MinInt64 {
			u = 1 << 63
		}
	}
	var buf [24]byte
	i := len(buf) - 3
	d := u % 100
	u /= 100
	buf[i], buf[i+1], buf[i+2] = '.', digitPairs[2*d], digitPairs[2*d+1]
	for u >= 100 {
		d = u % 100
		u /= 100
		i -= 2
		buf[i], buf[i+1] = digitPairs[2*d], digitPairs[2*d+1]
	}
	if u >= 10 {
		i -= 2
		buf[i], buf[i+1] = digitPairs[2*u], digitPairs[2*u+1]
	} else {
		i--
		buf[i] = byte('0' + u)
	}
	if neg {
		i--
		buf[i] = '-'
	}
	return append(dst, buf[i:]...)
}

// appendMicro formats millionths of a yuan with every significant decimal, and at
// least two.
func appendMicro(dst []byte, n int64) []byte {
	start := len(dst)
	dst = appendTrimmed(dst, n, 6)
	s := dst[start:]
	if i := bytes.IndexByte(s, '.'); i < 0 || len(s)-i-1 < 2 {
		return appendFen(dst[:start], n/microUnit)
	}
	return dst
}

// MarshalJSON writes the canonical text as a JSON string, as WriteJSON does.
func (a Amount) MarshalJSON() ([]byte, error) {
	w := wire.NewWriter(nil)
	a.WriteJSON(w)
	return w.Bytes()
}

// UnmarshalJSON reads a JSON string. Anything else, or bad text inside the string, is
// kept as a Problem for validation to report with the field's path.
func (a *Amount) UnmarshalJSON(b []byte) error {
	s, ok := jsonString(b)
	if !ok {
		*a = Amount{bad: &badText{problem: core.AmountInvalid, raw: string(b)}}
		return nil
	}
	*a = parse(s, 2)
	return nil
}

// jsonString unquotes a JSON string token. Amounts never need escapes, so the common
// case returns the bytes between the quotes without copying.
func jsonString(b []byte) ([]byte, bool) {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return nil, false
	}
	s := b[1 : len(b)-1]
	for _, c := range s {
		if c == '\\' || c == '"' || c < 0x20 {
			return wire.Unquote(b)
		}
	}
	return s, true
}
