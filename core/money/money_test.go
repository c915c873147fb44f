package money_test

import (
	"encoding/json"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/money"
)

func TestParseAmount(t *testing.T) {
	cases := []struct {
		in, want string
		code     core.Code
	}{
		{"0", "0.00", ""},
		{"8432", "8432.00", ""},
		{"12.3", "12.30", ""},
		{"0.01", "0.01", ""},
		{"007.50", "7.50", ""},
		{"999999999999.99", "999999999999.99", ""},
		{"1000000000000", "", core.AmountTooLarge},
		{"1.005", "", core.AmountPrecision},
		{"-1", "", core.AmountNegative},
		{"", "", core.AmountInvalid},
		{"1.", "", core.AmountInvalid},
		{".5", "", core.AmountInvalid},
		{"1e3", "", core.AmountInvalid},
		{"１２", "", core.AmountInvalid},
		{"+1", "", core.AmountInvalid},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			a, err := money.ParseAmount(tc.in)
			if got := core.ErrorCode(err); got != tc.code {
				t.Fatalf("code = %q, want %q", got, tc.code)
			}
			if err == nil && a.String() != tc.want {
				t.Errorf("String() = %q, want %q", a.String(), tc.want)
			}
		})
	}
}

func TestArithmeticAndString(t *testing.T) {
	a := money.MustAmount
	r := money.MustRate
	cases := []struct {
		name string
		got  money.Amount
		want string
	}{
		{"add", a("0.10").Add(a("0.20")), "0.30"},
		{"sub negative", a("1").Sub(a("1.05")), "-0.05"},
		{"sub to minus one yuan", a("1").Sub(a("2.5")), "-1.50"},
		{"mul exact", a("8132").Mul(r("0.55")), "4472.60"},
		{"mul fraction of fen", a("0.01").Mul(r("0.5")), "0.005"},
		{"mul four decimals", a("123.45").Mul(r("0.1234")), "15.23373"},
		{"zero", money.Amount{}, "0.00"},
		{"yuan", money.Yuan(300), "300.00"},
		{"fen", money.Fen(-7), "-0.07"},
		{"min", money.Min(a("3"), a("2.99")), "2.99"},
		{"max", money.Max(a("3"), a("2.99")), "3.00"},
		{"clamp low", money.Clamp(a("1").Sub(a("2")), a("5")), "0.00"},
		{"clamp high", money.Clamp(a("7"), a("5")), "5.00"},
		{"muldiv", money.MulDiv(a("1000"), a("2"), a("3"), 2, money.HalfUp), "666.67"},
		{"muldiv by zero", money.MulDiv(a("1000"), a("2"), money.Amount{}, 2, money.HalfUp), "0.00"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.got.String(); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// Half a fen under each mode: the rounding every policy must name.
func TestRound(t *testing.T) {
	cases := []struct {
		in   string // exact amount as a product, to reach three decimals
		mode money.Mode
		want string
	}{
		{"0.125", money.HalfUp, "0.13"},
		{"0.125", money.HalfEven, "0.12"},
		{"0.135", money.HalfEven, "0.14"},
		{"0.125", money.Down, "0.12"},
		{"0.121", money.Up, "0.13"},
		{"0.124", money.HalfUp, "0.12"},
		{"433.528", money.Down, "433.52"},
	}
	for _, tc := range cases {
		t.Run(tc.in+"/"+string(tc.mode), func(t *testing.T) {
			// Inputs stop at the fen, so build the third decimal as a fraction of a fen:
			// "0.125" is 0.12 + 0.01 × 0.5.
			fen, third := tc.in[:len(tc.in)-1], tc.in[len(tc.in)-1:]
			x := money.MustAmount(fen).Add(money.Fen(1).Mul(money.MustRate("0." + third)))
			if got := x.Round(2, tc.mode).String(); got != tc.want {
				t.Errorf("%s rounded %s = %s, want %s (exact %s)", tc.in, tc.mode, got, tc.want, x)
			}
		})
	}
}

func TestJSON(t *testing.T) {
	var v struct {
		A, B, C, D money.Amount
		R          money.Rate
	}
	if err := json.Unmarshal([]byte(`{"A":"12.30","B":12.3,"C":"1.234","D":"-1","R":"0.55"}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A.Problem() != "" || v.A.String() != "12.30" {
		t.Errorf("A = %v (%s)", v.A, v.A.Problem())
	}
	for name, c := range map[string]core.Code{"B": v.B.Problem(), "C": v.C.Problem(), "D": v.D.Problem()} {
		if c == "" {
			t.Errorf("%s decoded without a problem", name)
		}
	}
	if e := v.B.Check("/b"); e == nil || e.Code != core.AmountInvalid || e.Path != "/b" {
		t.Errorf("B check = %v", e)
	}
	out, _ := json.Marshal(struct {
		A money.Amount
		R money.Rate
	}{money.MustAmount("300"), money.MustRate("0.20")})
	if string(out) != `{"A":"300.00","R":"0.2"}` {
		t.Errorf("marshal = %s", out)
	}
}

func TestRate(t *testing.T) {
	for _, s := range []string{"0", "1", "0.55", "-0.1", "0.1234"} {
		if _, err := money.ParseRate(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	for _, s := range []string{"", "0.12345", "abc", "1e-2", "10000"} {
		if _, err := money.ParseRate(s); core.ErrorCode(err) != core.RateInvalid {
			t.Errorf("%q: got %v, want rate_invalid", s, err)
		}
	}
	if !money.MustRate("0.55").Add(money.MustRate("0.6")).Unit().InUnit() {
		t.Error("Unit did not clamp")
	}
	if got := money.MustRate("0.055").Percent(); got != "5.5%" {
		t.Errorf("Percent = %s", got)
	}
}

func BenchmarkAddString(b *testing.B) {
	x, y := money.MustAmount("1234.56"), money.MustAmount("0.07")
	b.ReportAllocs()
	for b.Loop() {
		_ = x.Add(y).String()
	}
}

// The int64 fast paths must agree with plain decimal arithmetic on every mode and sign.
func TestFastPathsAgreeWithDecimal(t *testing.T) {
	rates := []string{"0", "0.1", "0.2", "0.55", "0.5", "0.0001", "0.9999", "1", "-0.1", "0.125"}
	amounts := []string{"0", "0.01", "0.05", "1.25", "8432", "999.99", "100000", "123456789.12"}
	modes := []money.Mode{money.HalfUp, money.HalfEven, money.Down, money.Up}
	for _, as := range amounts {
		for _, rs := range rates {
			a, r := money.MustAmount(as), money.MustRate(rs)
			p := a.Mul(r)
			exact := a.Decimal().Mul(decimal.RequireFromString(rs))
			if !p.Decimal().Equal(exact) {
				t.Fatalf("%s × %s = %s, want %s", as, rs, p, exact)
			}
			for _, m := range modes {
				var want decimal.Decimal
				switch m {
				case money.HalfUp:
					want = exact.Round(2)
				case money.HalfEven:
					want = exact.RoundBank(2)
				case money.Down:
					want = exact.RoundDown(2)
				case money.Up:
					want = exact.RoundUp(2)
				}
				if got := p.Round(2, m); !got.Decimal().Equal(want) {
					t.Errorf("round(%s × %s, %s) = %s, want %s", as, rs, m, got, want)
				}
				if got := p.Add(money.Fen(1)).Sub(p); got.String() != "0.01" {
					t.Errorf("(%s + 0.01) − %s = %s", p, p, got)
				}
			}
			neg := money.Amount{}.Sub(p)
			if !neg.Decimal().Equal(exact.Neg()) || neg.Cmp(p) > 0 && !exact.IsZero() && exact.Sign() > 0 {
				t.Errorf("−(%s) = %s", p, neg)
			}
			if neg.Round(2, money.HalfUp).Decimal().Cmp(exact.Neg().Round(2)) != 0 {
				t.Errorf("round(−%s) = %s, want %s", p, neg.Round(2, money.HalfUp), exact.Neg().Round(2))
			}
			if got, want := p.String(), exact.String(); !decimal.RequireFromString(got).Equal(exact) {
				t.Errorf("String(%s) = %s", want, got)
			}
		}
	}
}

func TestRatio(t *testing.T) {
	a := money.MustAmount
	cases := []struct{ num, den, want string }{
		{"4000", "8432", "0.4744"},
		{"1", "3", "0.3333"},
		{"2", "3", "0.6667"},
		{"1", "8", "0.125"},
		{"0.01", "0.16", "0.0625"},
		{"0.01", "0.32", "0.0313"}, // 0.03125 rounds half up
		{"5", "0", "0"},
	}
	for _, tc := range cases {
		if got := money.Ratio(a(tc.num), a(tc.den)).String(); got != tc.want {
			t.Errorf("%s ÷ %s = %s, want %s", tc.num, tc.den, got, tc.want)
		}
	}
}
