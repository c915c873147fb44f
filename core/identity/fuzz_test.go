package identity_test

import (
	"testing"
	"unicode/utf8"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/identity"
)

func FuzzParseID(f *testing.F) {
	for _, s := range []string{
		"11010519491231002X", "11010519491231002x", "130503670401001", "620102200002290049",
		"620102190002290049", "620102202506020013", "990102199001010011", "", "X",
		"１10105194912310021", "13050367040100X", "\xff\xfe", "000000000000000000",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := identity.ParseID(s, today)
		masked := identity.Mask(s)
		if utf8.RuneCountInString(masked) != utf8.RuneCountInString(s) {
			t.Errorf("Mask(%q) = %q changes the length", s, masked)
		}
		if err != nil {
			if _, ok := err.(*core.Error); !ok {
				t.Fatalf("ParseID(%q) error %T is not *core.Error", s, err)
			}
			if id != (identity.ID{}) {
				t.Errorf("ParseID(%q) returned %+v with an error", s, id)
			}
			return
		}
		if len(id.Number) != 18 {
			t.Fatalf("ParseID(%q).Number = %q", s, id.Number)
		}
		c, err := identity.CheckChar(id.Number[:17])
		if err != nil || c != id.Number[17] {
			t.Errorf("ParseID(%q).Number = %q, check character %q, %v", s, id.Number, c, err)
		}
		again, err := identity.ParseID(id.Number, today)
		if err != nil {
			t.Fatalf("ParseID(%q) accepted, but its Number %q fails: %v", s, id.Number, err)
		}
		if again.Number != id.Number || again.Birth != id.Birth || again.Male != id.Male || again.Upgraded {
			t.Errorf("ParseID(%q) = %+v, reparsed %+v", s, id, again)
		}
		if !id.Birth.Valid() || id.Birth.Year < 1900 || id.Birth.After(today) {
			t.Errorf("ParseID(%q) accepted birth %s", s, id.Birth)
		}
		if id.Upgraded != (len(s) == 15) {
			t.Errorf("ParseID(%q).Upgraded = %v", s, id.Upgraded)
		}
		if !id.Upgraded && id.Number != upperX(s) {
			t.Errorf("ParseID(%q).Number = %q, want the input", s, id.Number)
		}
	})
}

func upperX(s string) string {
	if len(s) == 18 && s[17] == 'x' {
		return s[:17] + "X"
	}
	return s
}

// luhnRef is an independent Luhn: digits at odd positions from the right count twice,
// as the sum of the product's digits.
func luhnRef(s string) bool {
	if len(s) < 2 {
		return false
	}
	sum := 0
	for i := 0; i < len(s); i++ {
		c := s[len(s)-1-i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if i%2 == 1 {
			d = d*2/10 + d*2%10
		}
		sum += d
	}
	return sum%10 == 0
}

func FuzzLuhn(f *testing.F) {
	for _, s := range []string{"4111111111111111", "6228480402564890018", "79927398713", "", "0", "00", "1a", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := identity.Luhn(s)
		if got != luhnRef(s) {
			t.Fatalf("Luhn(%q) = %v, reference %v", s, got, !got)
		}
		// Any digit payload has exactly one check digit.
		if s == "" || !allDigits(s) {
			return
		}
		n := 0
		for d := byte('0'); d <= '9'; d++ {
			if identity.Luhn(s + string(d)) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("payload %q has %d Luhn check digits", s, n)
		}
		// CheckCard never panics and agrees with Luhn on the check digit.
		if err := identity.CheckCard(s, nil); err == nil && !got {
			t.Errorf("CheckCard(%q) accepted a number failing Luhn", s)
		}
	})
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// FuzzValidateRoster checks that no roster row, however malformed, panics, and that a
// row is either clean or has its problems at its own fields.
func FuzzValidateRoster(f *testing.F) {
	f.Add(1, "张三", "620102199001010011", "东岗西路", "620100000001", "13912345678")
	f.Add(0, "", "", "", "", "")
	f.Add(-5, "a b", "130503670401001", "a,b", "x", "0931-")
	f.Fuzz(func(t *testing.T, row int, head, id, address, cert, phone string) {
		r := identity.RosterRow{Row: row, Head: head, ID: id, Address: address, Certificate: cert, Phone: phone}
		for _, e := range identity.ValidateRoster(nil, []identity.RosterRow{r}, civil.MustParse("2025-06-01"), 0).Problems {
			if len(e.Path) < len("/rows/0/") || e.Path[:len("/rows/0/")] != "/rows/0/" {
				t.Errorf("error at %q", e.Path)
			}
		}
	})
}
