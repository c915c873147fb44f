package store

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/money"
)

// Columns hold amounts, dates and instants as text, and nested values as JSON text,
// so both databases keep them exactly and a person can read them with any SQL
// client. The store never writes a value it could not read back: an amount or date
// that carries a decoding problem, or an instant outside years 0–9999, is an error.

// timeLayout writes instants in UTC with all nine fraction digits: exact to the
// nanosecond and, being fixed-width, sorted as text in time order.
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

func formatTime(t time.Time) (string, error) {
	if y := t.Year(); y < 0 || y > 9999 {
		return "", fmt.Errorf("time %v is outside years 0–9999", t)
	}
	return t.UTC().Format(timeLayout), nil
}

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t, nil
}

func formatDate(d civil.Date) (string, error) {
	if p := d.Problem(); p != "" {
		return "", fmt.Errorf("date %q: %s", d.String(), p)
	}
	return d.String(), nil
}

func parseDate(s string) (civil.Date, error) {
	if s == "" {
		return civil.Date{}, nil
	}
	d, err := civil.Parse(s)
	if err != nil {
		return civil.Date{}, fmt.Errorf("stored date %q: %w", s, err)
	}
	return d, nil
}

// formatAmount returns the canonical text of a, checking that parseAmount reads the
// same value back.
func formatAmount(a money.Amount) (string, error) {
	if p := a.Problem(); p != "" {
		return "", fmt.Errorf("amount %q: %s", a.String(), p)
	}
	s := a.String()
	b, err := parseAmount(s)
	if err != nil {
		return "", err
	}
	if b.Cmp(a) != 0 {
		return "", fmt.Errorf("amount %s does not survive storage", s)
	}
	return s, nil
}

// maxDigits bounds the digits of a stored amount, and of its fen, so that its value
// fits an int64 without scaling.
const maxDigits = 18

// parseAmount reads an amount as formatAmount writes it. Unlike money.ParseAmount it
// accepts a sign, more than two decimals and more than twelve digits of yuan: a
// reversal's delta is negative, a ratio's product can be finer than a fen, and a
// county's sums can grow past what one claim may say.
func parseAmount(s string) (money.Amount, error) {
	abs, neg := strings.CutPrefix(s, "-")
	whole, frac, dot := strings.Cut(abs, ".")
	if whole == "" || (dot && frac == "") || !digits(whole) || !digits(frac) {
		return money.Amount{}, fmt.Errorf("stored amount %q is not a decimal", s)
	}
	places := max(len(frac), 2)
	n := strings.TrimLeft(whole+frac+strings.Repeat("0", places-len(frac)), "0")
	if len(n) > maxDigits || places > maxDigits {
		return money.Amount{}, fmt.Errorf("stored amount %q has more than %d digits", s, maxDigits)
	}
	v, _ := strconv.ParseInt("0"+n, 10, 64) // at most 18 digits
	a := money.Fen(v)
	if places > 2 {
		// v × 10^-places, exact: the quotient has places decimals and is rounded there.
		a = money.MulDiv(a, money.Fen(1), money.Fen(pow10(places-2)), int32(places), money.Down)
	}
	if neg {
		a = money.Amount{}.Sub(a)
	}
	return a, nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// Nested values are JSON through the codec's library with the codec's canonical
// settings. Amounts and dates have their own hooks rather than codec.Decode because
// the codec reads claims: it keeps a negative amount as a validation problem, where
// the journal holds negative deltas as values.
var (
	marshalers = json.JoinMarshalers(
		json.MarshalToFunc(func(e *jsontext.Encoder, a money.Amount) error {
			s, err := formatAmount(a)
			if err != nil {
				return err
			}
			return e.WriteToken(jsontext.String(s))
		}),
		json.MarshalToFunc(func(e *jsontext.Encoder, d civil.Date) error {
			s, err := formatDate(d)
			if err != nil {
				return err
			}
			return e.WriteToken(jsontext.String(s))
		}),
	)
	unmarshalers = json.JoinUnmarshalers(
		json.UnmarshalFromFunc(func(d *jsontext.Decoder, a *money.Amount) error {
			s, err := readString(d)
			if err != nil {
				return err
			}
			*a, err = parseAmount(s)
			return err
		}),
		json.UnmarshalFromFunc(func(d *jsontext.Decoder, v *civil.Date) error {
			s, err := readString(d)
			if err != nil {
				return err
			}
			*v, err = parseDate(s)
			return err
		}),
	)
)

func readString(d *jsontext.Decoder) (string, error) {
	tok, err := d.ReadToken()
	if err != nil {
		return "", err
	}
	if tok.Kind() != '"' {
		return "", errors.New("want a JSON string")
	}
	return tok.String(), nil
}

// encodeJSON returns the canonical JSON text of v.
func encodeJSON(v any) (string, error) {
	b, err := json.Marshal(v, json.Deterministic(true), json.WithMarshalers(marshalers))
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// decodeJSON reads JSON text written by encodeJSON into v, strictly. Lists come back
// non-nil, empty when there were none.
func decodeJSON(s string, v any) error {
	return json.Unmarshal([]byte(s), v, json.RejectUnknownMembers(true), json.WithUnmarshalers(unmarshalers))
}
