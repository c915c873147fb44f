package civil_test

import (
	"testing"

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
