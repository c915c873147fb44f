package identity_test

import (
	"testing"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/core/policy"
)

func TestFee(t *testing.T) {
	yearStart := testPolicy(t, nil)
	onDate := testPolicy(t, func(p *policy.Policy) { p.Cards.FeeAgeOn = "date" })
	noExemption := testPolicy(t, func(p *policy.Policy) { p.Cards.FeeExemptAge = 0 })
	on := civil.MustParse("2025-06-15")
	tests := []struct {
		name  string
		p     *policy.Compiled
		birth string
		want  string
	}{
		// year_start: the age on 2025-01-01 decides for the whole fee year.
		{"year_start: 60 on 1 January", yearStart, "1965-01-01", "0.00"},
		{"year_start: 59 on 1 January, 60 by the charge date", yearStart, "1965-01-02", "5.00"},
		{"year_start: 59 on 1 January, 60 the day before the charge", yearStart, "1965-06-14", "5.00"},
		{"year_start: 61", yearStart, "1964-06-15", "0.00"},
		{"year_start: child", yearStart, "2020-03-01", "5.00"},
		// date: the age on the charge date decides.
		{"date: 60 on the day", onDate, "1965-06-15", "0.00"},
		{"date: 60 tomorrow", onDate, "1965-06-16", "5.00"},
		{"date: 60 since January", onDate, "1965-01-02", "0.00"},
		{"date: 59", onDate, "1966-01-01", "5.00"},
		{"no exemption age", noExemption, "1930-01-01", "5.00"},
		{"unknown birth pays", yearStart, "", "5.00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var birth civil.Date
			if tc.birth != "" {
				birth = civil.MustParse(tc.birth)
			}
			if got := identity.Fee(tc.p, birth, on).String(); got != tc.want {
				t.Errorf("Fee(%s, %s) = %s, want %s", tc.birth, on, got, tc.want)
			}
		})
	}
	if got := identity.Fee(nil, civil.MustParse("1990-01-01"), on); !got.IsZero() {
		t.Errorf("Fee(nil policy) = %s, want 0", got)
	}
}
