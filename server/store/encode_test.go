package store

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/money"
)

func TestAmountText(t *testing.T) {
	neg := func(a money.Amount) money.Amount { return money.Amount{}.Sub(a) }
	tests := []struct {
		name string
		a    money.Amount
		text string
	}{
		{"zero", money.Amount{}, "0.00"},
		{"fen", money.Fen(1), "0.01"},
		{"yuan", money.MustAmount("8432.10"), "8432.10"},
		{"largest input", money.MustAmount("999999999999.99"), "999999999999.99"},
		{"negative", neg(money.MustAmount("4800.05")), "-4800.05"},
		{"finer than a fen", money.MustAmount("1000.00").Mul(money.MustRate("0.3333")), "333.30"},
		{"micro", money.MustAmount("0.07").Mul(money.MustRate("0.3333")), "0.023331"},
		{"negative micro", neg(money.MustAmount("0.07").Mul(money.MustRate("0.3333"))), "-0.023331"},
		{"beyond int64 fen", money.MustAmount("999999999999.99").Add(money.MustAmount("999999999999.99")).
			Add(money.MustAmount("999999999999.99")), "2999999999999.97"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text, err := formatAmount(tc.a)
			if err != nil || text != tc.text {
				t.Fatalf("formatAmount = %q, %v; want %q", text, err, tc.text)
			}
			back, err := parseAmount(text)
			if err != nil {
				t.Fatalf("parseAmount(%q): %v", text, err)
			}
			if back.Cmp(tc.a) != 0 || back.String() != tc.a.String() || back.Problem() != "" {
				t.Errorf("parseAmount(%q) = %s, want %s", text, back, tc.a)
			}
		})
	}
}

func TestParseAmountRejects(t *testing.T) {
	for _, s := range []string{"", "-", ".5", "5.", "1e3", "+1.00", "1,00", "--1", "0x10", "1.2.3", " 1",
		"12345678901234567.001", "10000000000000000.00", "0.0000000000000000001"} {
		if a, err := parseAmount(s); err == nil {
			t.Errorf("parseAmount(%q) = %s, want an error", s, a)
		}
	}
}

func TestTimeText(t *testing.T) {
	tests := []struct {
		in   time.Time
		text string
	}{
		{time.Time{}, "0001-01-01T00:00:00.000000000Z"},
		{time.Date(2024, 3, 5, 1, 30, 15, 0, time.UTC), "2024-03-05T01:30:15.000000000Z"},
		{time.Date(2024, 3, 5, 9, 30, 15, 123456789, time.FixedZone("CST", 8*3600)), "2024-03-05T01:30:15.123456789Z"},
		{time.Date(2024, 3, 5, 1, 30, 16, 5, time.UTC), "2024-03-05T01:30:16.000000005Z"},
	}
	var texts []string
	for _, tc := range tests {
		text, err := formatTime(tc.in)
		if err != nil || text != tc.text {
			t.Errorf("formatTime(%v) = %q, %v; want %q", tc.in, text, err, tc.text)
			continue
		}
		back, err := parseTime(text)
		if err != nil || !back.Equal(tc.in) {
			t.Errorf("parseTime(%q) = %v, %v; want %v", text, back, err, tc.in)
		}
		texts = append(texts, text)
	}
	// Fixed width: text order is time order.
	if !slices.IsSorted(texts) {
		t.Errorf("times do not sort as text: %q", texts)
	}
	if _, err := formatTime(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)); err == nil {
		t.Error("formatTime accepted year 10000")
	}
}

func TestJSONAmounts(t *testing.T) {
	type v struct {
		A money.Amount `json:"a"`
		D civil.Date   `json:"d"`
		L []string     `json:"l"`
	}
	in := v{A: money.Amount{}.Sub(money.MustAmount("12.30")), D: civil.MustParse("2024-02-29")}
	text, err := encodeJSON(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"a":"-12.30","d":"2024-02-29","l":[]}`; text != want {
		t.Errorf("encodeJSON = %s, want %s", text, want)
	}
	var out v
	if err := decodeJSON(text, &out); err != nil {
		t.Fatal(err)
	}
	if out.A.Cmp(in.A) != 0 || out.A.Sign() != -1 || out.D != in.D || out.L == nil {
		t.Errorf("decodeJSON = %+v, want %+v with an empty list", out, in)
	}
	for _, bad := range []string{`{"a":12.3}`, `{"a":"x"}`, `{"d":"2023-02-29"}`, `{"z":1}`, `{"a":"1.00"} x`} {
		if err := decodeJSON(bad, &out); err == nil {
			t.Errorf("decodeJSON(%s) succeeded", bad)
		}
	}
}

func FuzzAmountText(f *testing.F) {
	for _, s := range []string{"0.00", "-12.30", "0.023331", "999999999999.99", "1.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := parseAmount(s)
		if err != nil {
			return
		}
		text, err := formatAmount(a)
		if err != nil {
			t.Fatalf("parseAmount(%q) = %s, which formatAmount refuses: %v", s, a, err)
		}
		b, err := parseAmount(text)
		if err != nil || b.Cmp(a) != 0 {
			t.Fatalf("%q → %s → %q → %s, %v", s, a, text, b, err)
		}
	})
}

func TestMigrationsMatch(t *testing.T) {
	names := func(dialect string) []string {
		ms, err := migrations(dialect)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range ms {
			out = append(out, fmt.Sprintf("%04d_%s", m.version, m.name))
		}
		return out
	}
	if s, p := names("sqlite"), names("postgres"); !slices.Equal(s, p) {
		t.Errorf("SQLite migrations %q, PostgreSQL %q: want the same changes", s, p)
	}
}

func TestNumbered(t *testing.T) {
	got := numbered(`SELECT a FROM t WHERE b = ? AND c IN (?, ?)`)
	if want := `SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)`; got != want {
		t.Errorf("numbered = %s, want %s", got, want)
	}
}
