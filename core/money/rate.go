package money

import (
	"strings"

	"github.com/shopspring/decimal"

	"github.com/ruralhealth/ncms/core"
)

// RatePlaces is the most decimals a ratio may have: 0.5555 is 55.55 percent.
const RatePlaces = 4

// Rate is an exact ratio such as 0.55 (55%). Adjustments may be negative ("-0.10" is
// ten percentage points less); ratios applied to money are clamped to [0, 1] by the
// caller. The zero value is 0.
type Rate struct {
	d       decimal.Decimal
	problem core.Code
	raw     string
}

// Percent returns n percent as a Rate.
func Percent(n int64) Rate { return Rate{d: decimal.New(n, -2)} }

// One returns 100%.
func One() Rate { return Rate{d: decimal.NewFromInt(1)} }

// ParseRate reads a decimal string with at most four decimals and an optional sign.
func ParseRate(s string) (Rate, error) {
	r := parseRate(s)
	if r.problem != "" {
		return Rate{}, core.NewError(r.problem, "", quote(s))
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
	a := parse(body, RatePlaces)
	if a.problem != "" {
		return Rate{problem: core.RateInvalid, raw: s}
	}
	if len(strings.TrimLeft(strings.SplitN(body, ".", 2)[0], "0")) > 3 {
		return Rate{problem: core.RateInvalid, raw: s}
	}
	d := a.d
	if body != s {
		d = d.Neg()
	}
	return Rate{d: d}
}

// Problem returns the code of what was wrong with the rate's JSON text, or "".
func (r Rate) Problem() core.Code { return r.problem }

// Check returns the rate's decoding problem as an error at path, or nil.
func (r Rate) Check(path string) *core.Error {
	if r.problem == "" {
		return nil
	}
	return core.NewError(r.problem, path, quote(r.raw))
}

// InUnit reports whether 0 ≤ r ≤ 1.
func (r Rate) InUnit() bool { return r.d.Sign() >= 0 && r.d.Cmp(decimal.NewFromInt(1)) <= 0 }

// Add returns r + s.
func (r Rate) Add(s Rate) Rate { return Rate{d: r.d.Add(s.d)} }

// MulRate returns r × s.
func (r Rate) MulRate(s Rate) Rate { return Rate{d: r.d.Mul(s.d)} }

// Unit returns r clamped to [0, 1].
func (r Rate) Unit() Rate {
	if r.d.Sign() < 0 {
		return Rate{}
	}
	if r.d.Cmp(decimal.NewFromInt(1)) > 0 {
		return One()
	}
	return r
}

// Cmp compares r and s.
func (r Rate) Cmp(s Rate) int { return r.d.Cmp(s.d) }

// IsZero reports whether r is 0.
func (r Rate) IsZero() bool { return r.d.IsZero() }

// Scale multiplies n by r: used for whole counts such as continuity years × points.
func (r Rate) Scale(n int64) Rate { return Rate{d: r.d.Mul(decimal.NewFromInt(n))} }

// String returns the shortest exact text, such as "0.55" or "-0.1".
func (r Rate) String() string {
	if r.problem != "" {
		return r.raw
	}
	return r.d.String()
}

// Percent returns the rate as a percentage text such as "55%".
func (r Rate) Percent() string { return r.d.Shift(2).String() + "%" }

// MarshalJSON writes the rate as a JSON string.
func (r Rate) MarshalJSON() ([]byte, error) { return []byte(`"` + r.String() + `"`), nil }

// UnmarshalJSON reads a JSON string; problems are kept for validation, as with Amount.
func (r *Rate) UnmarshalJSON(b []byte) error {
	s, ok := jsonString(b)
	if !ok {
		*r = Rate{problem: core.RateInvalid, raw: string(b)}
		return nil
	}
	*r = parseRate(s)
	return nil
}
