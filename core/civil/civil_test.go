package civil_test

import (
	"testing"
	"time"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
)

func TestParse(t *testing.T) {
	cases := []struct {
		in string
		ok bool
	}{
		{"2025-03-01", true},
		{"2024-02-29", true},
		{"2023-02-29", false},
		{"1900-02-29", false},
		{"2025-13-01", false},
		{"2025-04-31", false},
		{"2025-4-1", false},
		{"20250401", false},
		{"", false},
		{"1799-12-31", false},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			d, err := civil.Parse(tc.in)
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok=%v", err, tc.ok)
			}
			if err != nil && core.ErrorCode(err) != core.DateInvalid {
				t.Errorf("code = %s", core.ErrorCode(err))
			}
			if tc.ok && d.String() != tc.in {
				t.Errorf("String() = %s", d)
			}
		})
	}
}

func TestArithmetic(t *testing.T) {
	d := civil.MustParse
	cases := []struct {
		name string
		got  civil.Date
		want string
	}{
		{"add months", d("2025-03-10").AddMonths(3), "2025-06-10"},
		{"month end clamps", d("2024-01-31").AddMonths(1), "2024-02-29"},
		{"across year", d("2025-11-15").AddMonths(4), "2026-03-15"},
		{"add days", d("2024-02-28").AddDays(2), "2024-03-01"},
	}
	for _, tc := range cases {
		if tc.got.String() != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, tc.got, tc.want)
		}
	}
	if n := d("1965-01-02").YearsUntil(d("2025-01-01")); n != 59 {
		t.Errorf("age the day before the birthday = %d, want 59", n)
	}
	if n := d("1965-01-01").YearsUntil(d("2025-01-01")); n != 60 {
		t.Errorf("age on the birthday = %d, want 60", n)
	}
	if n := d("2025-01-01").DaysUntil(d("2025-03-01")); n != 59 {
		t.Errorf("days = %d, want 59", n)
	}
	if !d("2025-01-01").Before(d("2025-01-02")) || d("2025-01-02").Before(d("2025-01-01")) {
		t.Error("Before is wrong")
	}
}

// TestDayArithmeticMatchesTime holds AddDays and DaysUntil, which do without package
// time, to time.Date over four centuries and out-of-range days and months.
func TestDayArithmeticMatchesTime(t *testing.T) {
	base := time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC)
	ref := civil.New(1800, time.January, 1)
	for n := 0; n < 400*366; n += 7 {
		want := base.AddDate(0, 0, n)
		got := ref.AddDays(n)
		if got.Year != want.Year() || got.Month != want.Month() || got.Day != want.Day() {
			t.Fatalf("%v + %d days = %v, want %v", ref, n, got, want.Format("2006-01-02"))
		}
		if d := ref.DaysUntil(got); d != n {
			t.Fatalf("DaysUntil(%v) = %d, want %d", got, d, n)
		}
	}
	for _, d := range []civil.Date{{Year: 2025, Month: 2, Day: 30}, {Year: 2024, Month: 13, Day: 1}, {Year: 2024, Month: 0, Day: 0}, {Year: 2000, Month: 3, Day: -40}} {
		want := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
		got := d.AddDays(0)
		if got.Year != want.Year() || got.Month != want.Month() || got.Day != want.Day() {
			t.Errorf("%d-%d-%d normalizes to %v, want %v", d.Year, d.Month, d.Day, got, want.Format("2006-01-02"))
		}
	}
}
