package money

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// TestAppendAgreesWithStrings checks the append formatters, which traces and responses
// use, against plain string arithmetic and the decimal package.
func TestAppendAgreesWithStrings(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	ns := []int64{0, 1, -1, 5, -5, 9, 10, 99, 100, 101, 1000, 10001, 123456, -123456, 1 << 40,
		microLimit - 1, -(microLimit - 1), math.MaxInt64, math.MinInt64 + 1, math.MinInt64}
	for i := 0; i < 20000; i++ {
		n := r.Int64N(1 << uint(r.IntN(62)+1))
		if r.IntN(2) == 0 {
			n = -n
		}
		ns = append(ns, n)
	}
	for _, n := range ns {
		for _, places := range []int{2, 4, 6} {
			if got, want := string(appendTrimmed([]byte("x"), n, places)), "x"+trimmed(n, places); got != want && n != math.MinInt64 {
				t.Fatalf("appendTrimmed(%d, %d) = %q, want %q", n, places, got, want)
			}
		}
		if got, want := string(appendFen(nil, n)), decimal.New(n, -2).StringFixed(2); got != want && n != math.MinInt64 {
			t.Fatalf("appendFen(%d) = %q, want %q", n, got, want)
		}
		if n > -microLimit && n < microLimit && n%microUnit != 0 {
			a := fromMicro(n)
			want := decimal.New(n, -6).String()
			if i := strings.IndexByte(want, '.'); i < 0 || len(want)-i-1 < 2 {
				want = decimal.New(n, -6).StringFixed(2)
			}
			if got := a.String(); got != want {
				t.Fatalf("micro %d = %q, want %q", n, got, want)
			}
		}
		rate := Rate{n: n}
		if got, want := rate.Percent(), trimmed(n, 2)+"%"; got != want {
			t.Fatalf("Percent(%d) = %q, want %q", n, got, want)
		}
		if got, want := rate.String(), trimmed(n, 4); got != want {
			t.Fatalf("Rate(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestZeroText checks that every zero amount, however it was computed, reads "0.00":
// the trace writes that literal for zero without formatting.
func TestZeroText(t *testing.T) {
	zeros := []Amount{{}, Fen(0), Yuan(0), MustAmount("0"), MustAmount("000.00"),
		MustAmount("1.05").Sub(MustAmount("1.05")), Fen(0).Mul(MustRate("0.3333")),
		fromMicro(0), fromDecimal(decimal.New(0, -9)), fromDecimal(decimal.New(0, 3)),
		MulDiv(Fen(0), Fen(7), Fen(3), 6, HalfUp), Fen(5).Mul(MustRate("0.0001")).Round(2, Down)}
	for i, a := range zeros {
		if !a.IsZero() || a.String() != "0.00" {
			t.Errorf("zero %d: IsZero %v, String %q", i, a.IsZero(), a.String())
		}
	}
}
