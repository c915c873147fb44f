// Package identity checks what identifies a farmer at the counter: the resident ID
// number (居民身份证号码, GB 11643-1999), the one-card (一卡通) bank card number, the
// card record's lifecycle, the card fee and the bank's batch card-opening roster.
//
// Nothing here reads a clock: every check that depends on the date takes "today" as a
// parameter, so a result can be reproduced later.
package identity

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
)

// ID is a parsed resident ID number (居民身份证号码).
type ID struct {
	// Number is the 18-character form with an upper-case X, also for an upgraded
	// 15-digit number, so that two spellings of one person compare equal.
	Number string `json:"number"`
	// Region is the 6-digit administrative code of the place of first registration.
	Region string     `json:"region"`
	Birth  civil.Date `json:"birth"`
	// Sequence is the 3-digit order code (顺序码); odd for men, even for women.
	Sequence string `json:"sequence"`
	Male     bool   `json:"male"`
	// Upgraded is true when the input was an old 15-digit number (一代证).
	Upgraded bool `json:"upgraded"`
}

// checkChars maps the weighted sum mod 11 to the check character.
const checkChars = "10X98765432"

// ParseID reads an 18-character resident ID (a final x is accepted) or an old 15-digit
// one, which it upgrades. It returns the first problem in the order length, characters,
// region, birth date, birth after today, check character, as a *core.Error whose empty
// path the caller sets.
func ParseID(s string, today civil.Date) (ID, error) {
	id, e := parseID(s, today)
	if e != nil {
		return ID{}, e
	}
	return id, nil
}

func parseID(s string, today civil.Date) (ID, *core.Error) {
	n := utf8.RuneCountInString(s)
	if n != 18 && n != 15 {
		return ID{}, core.NewErrorText(core.IDLength, "", strconv.Itoa(n)+" characters", strconv.Itoa(n)+" 位")
	}
	// Counting runes first means a full-width digit or X is a character problem, not
	// a length problem, which is what the clerk needs to hear.
	if len(s) != n || !digits(s[:n-1]) || !(isDigit(s[n-1]) || (n == 18 && (s[n-1] == 'X' || s[n-1] == 'x'))) {
		return ID{}, core.NewError(core.IDCharset, "", Mask(s))
	}
	var body string
	if n == 18 {
		body = s[:17]
	} else {
		// Old numbers carry a 2-digit year; every one was issued to someone born in
		// the 1900s, and GB 11643 upgrades them by inserting "19".
		body = s[:6] + "19" + s[6:]
	}
	if !province(body[:2]) {
		return ID{}, core.NewError(core.IDRegion, "", body[:6])
	}
	y, m, d := atoi(body[6:10]), atoi(body[10:12]), atoi(body[12:14])
	birth := civil.New(y, time.Month(m), d)
	if y < 1900 || !birth.Valid() {
		return ID{}, core.NewError(core.IDBirthDate, "", body[6:14])
	}
	// An invalid (say zero) today skips this check rather than rejecting every ID:
	// callers pass a visit date that their own validation reports on, and the
	// operations that take "today" (check_id, validate_roster) require it.
	if today.Valid() && birth.After(today) {
		return ID{}, core.NewErrorText(core.IDBirthFuture, "",
			birth.String()+" is after "+today.String(), "出生于 "+birth.String()+"，晚于 "+today.String())
	}
	check := checkChar(body)
	if n == 18 && upper(s[17]) != check {
		return ID{}, core.NewError(core.IDChecksum, "", Mask(s))
	}
	number := s // already the 18-character form, unless upgraded or with a lower-case x
	if n != 18 || s[17] != check {
		number = body + string(check)
	}
	return ID{
		Number:   number,
		Region:   body[:6],
		Birth:    birth,
		Sequence: body[14:17],
		Male:     (body[16]-'0')%2 == 1,
		Upgraded: n == 15,
	}, nil
}

// CheckChar returns the ISO 7064 MOD 11-2 check character ('0'-'9' or 'X') of the
// first 17 digits of a resident ID, as needed to upgrade or to issue a number.
func CheckChar(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, core.NewErrorText(core.IDLength, "", strconv.Itoa(len(first17))+" bytes, want 17 digits",
			strconv.Itoa(len(first17))+" 字节，应为 17 位数字")
	}
	if !digits(first17) {
		return 0, core.NewError(core.IDCharset, "", "")
	}
	return checkChar(first17), nil
}

// checkChar assumes 17 ASCII digits. The weight of the digit at position i is
// 2^(17-i) mod 11 (7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2), generated from the right so
// that no mutable table is needed.
func checkChar(first17 string) byte {
	sum, w := 0, 1
	for i := 16; i >= 0; i-- {
		w = w * 2 % 11
		sum += int(first17[i]-'0') * w
	}
	return checkChars[sum%11]
}

// province reports whether the first two digits begin an issued resident ID number:
// a province-level division of GB/T 2260, or Hong Kong (81) or Macao (82).
//
// Taiwan (71) is a GB/T 2260 code, but no resident ID has ever been issued with it,
// so a number starting 71 is a typing error or a forgery. 81 and 82 stay accepted as
// the project has always documented: they are GB/T 2260 codes, and the residence
// permits of Hong Kong and Macao residents (港澳居民居住证, from 2018) carry them in
// the GB 11643 format. 83 is refused: it is no GB/T 2260 code, only the prefix of the
// Taiwan residents' permit (台湾居民居住证), and accepting that permit as an ID for
// the scheme, which enrolls by rural household registration, is the county's
// decision, not a check digit's.
func province(p string) bool {
	switch n := atoi(p); {
	case n >= 11 && n <= 15, n >= 21 && n <= 23, n >= 31 && n <= 37, n >= 41 && n <= 46,
		n >= 50 && n <= 54, n >= 61 && n <= 65, n == 81, n == 82:
		return true
	}
	return false
}

// Mask hides the middle of an ID or card number for logs and public notices (公示),
// keeping the first 6 and last 4 characters: enough to tell records apart without
// exposing a birth date. Anything shorter than 10 characters is masked entirely.
func Mask(id string) string {
	r := []rune(id)
	for i := range r {
		if len(r) < 10 || (i >= 6 && i < len(r)-4) {
			r[i] = '*'
		}
	}
	return string(r)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// atoi assumes ASCII digits, which every caller has checked.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func upper(c byte) byte {
	if c == 'x' {
		return 'X'
	}
	return c
}
