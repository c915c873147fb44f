// Package civil provides a calendar date without time of day or zone, as visit,
// birth and payment dates are written on Chinese medical and enrollment records.
package civil

import (
	"strconv"
	"time"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/wire"
)

// Date is a calendar date. The zero value is "no date".
//
// A Date decoded from JSON remembers a problem with its text instead of failing the
// whole decode, so validation can report it with the field's path.
type Date struct {
	Year  int
	Month time.Month
	Day   int
	// bad holds the JSON text of a date that is not a date; the problem is always
	// date_invalid. A pointer keeps the common case small to copy.
	bad *string
}

// New returns the date; it does not normalise (use Valid to check).
func New(year int, month time.Month, day int) Date { return Date{Year: year, Month: month, Day: day} }

// Parse reads "YYYY-MM-DD" and rejects dates that do not exist, such as 2023-02-29.
func Parse(s string) (Date, error) {
	d := parse(s)
	if d.bad != nil {
		return Date{}, core.NewError(core.DateInvalid, "", core.Quote(s))
	}
	return d, nil
}

// MustParse is Parse for literals; it panics on bad input.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// parse reads "YYYY-MM-DD" from a string or from JSON bytes; the text is copied only
// when it is not a date.
func parse[T string | []byte](s T) Date {
	bad := func() Date { raw := string(s); return Date{bad: &raw} }
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return bad()
	}
	y, ok1 := atoi(s[0:4])
	m, ok2 := atoi(s[5:7])
	d, ok3 := atoi(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return bad()
	}
	out := Date{Year: y, Month: time.Month(m), Day: d}
	if y < 1800 || !out.Valid() {
		return bad()
	}
	return out
}

func atoi[T string | []byte](s T) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// Valid reports whether the date exists in the calendar.
func (d Date) Valid() bool {
	if d.bad != nil || d.Month < 1 || d.Month > 12 || d.Day < 1 {
		return false
	}
	return d.Day <= daysIn(d.Year, d.Month)
}

func daysIn(year int, m time.Month) int {
	switch m {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// IsZero reports whether d is the zero "no date" value (and had no bad text).
func (d Date) IsZero() bool { return d.Year == 0 && d.Month == 0 && d.Day == 0 && d.bad == nil }

// Problem returns the code of what was wrong with the date's JSON text, or "".
func (d Date) Problem() core.Code {
	if d.bad == nil {
		return ""
	}
	return core.DateInvalid
}

// Check returns what is wrong with the date as an input — bad JSON text, or, for a
// date built in Go, a day that does not exist — as an error at path, or nil. The zero
// date is not an error here; callers decide whether a date is required.
func (d Date) Check(path string) *core.Error {
	switch {
	case d.bad != nil:
		return core.NewError(core.DateInvalid, path, core.Quote(*d.bad))
	case !d.IsZero() && (!d.Valid() || d.Year < 1800):
		return core.NewError(core.DateInvalid, path, d.String())
	}
	return nil
}

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is later than e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Compare returns -1, 0 or +1.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return sign(d.Year - e.Year)
	case d.Month != e.Month:
		return sign(int(d.Month) - int(e.Month))
	default:
		return sign(d.Day - e.Day)
	}
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// AddMonths returns the date n months later; a day past the end of the target month
// becomes that month's last day (2024-01-31 + 1 month = 2024-02-29), as waiting
// periods are counted on the calendar.
func (d Date) AddMonths(n int) Date {
	total := d.Year*12 + int(d.Month) - 1 + n
	y, m := total/12, time.Month(total%12+1)
	day := d.Day
	if last := daysIn(y, m); day > last {
		day = last
	}
	return Date{Year: y, Month: m, Day: day}
}

// AddDays returns the date n days later.
func (d Date) AddDays(n int) Date {
	return fromDays(days(d.Year, int(d.Month), d.Day) + n)
}

// DaysUntil returns the number of days from d to e (negative when e is earlier).
func (d Date) DaysUntil(e Date) int {
	return days(e.Year, int(e.Month), e.Day) - days(d.Year, int(d.Month), d.Day)
}

// days numbers the day y-m-d of the proleptic Gregorian calendar from 1970-01-01,
// normalizing a month or day out of range as time.Date does (2025-02-30 is March 2).
// It is the days_from_civil algorithm (H. Hinnant, "chrono-compatible low-level date
// algorithms"), here so that the engine needs none of package time's code.
func days(y, m, d int) int {
	m--
	y += floorDiv(m, 12)
	m -= floorDiv(m, 12) * 12
	m++
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	doy := (153*((m+9)%12)+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// fromDays is the date of day n as days numbers it (civil_from_days).
func fromDays(n int) Date {
	z := n + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	y := yoe + era*400
	if m <= 2 {
		y++
	}
	return Date{Year: y, Month: time.Month(m), Day: d}
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// YearsUntil returns the whole years from d to e: a person born on d is that old on e.
func (d Date) YearsUntil(e Date) int {
	years := e.Year - d.Year
	if e.Month < d.Month || (e.Month == d.Month && e.Day < d.Day) {
		years--
	}
	return years
}

// String returns "YYYY-MM-DD", or "" for the zero date.
func (d Date) String() string {
	if d.bad != nil {
		return *d.bad
	}
	if d.IsZero() {
		return ""
	}
	b := make([]byte, 0, 10)
	b = pad(b, d.Year, 4)
	b = append(b, '-')
	b = pad(b, int(d.Month), 2)
	b = append(b, '-')
	return string(pad(b, d.Day, 2))
}

func pad(b []byte, n, width int) []byte {
	s := strconv.Itoa(n)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// MarshalJSON writes the date as a JSON string, as WriteJSON does.
func (d Date) MarshalJSON() ([]byte, error) {
	w := wire.NewWriter(nil)
	d.WriteJSON(w)
	return w.Bytes()
}

// UnmarshalJSON reads "YYYY-MM-DD"; an empty string is the zero date. Problems are
// kept for validation.
func (d *Date) UnmarshalJSON(b []byte) error {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		raw := string(b)
		*d = Date{bad: &raw}
		return nil
	}
	s := b[1 : len(b)-1]
	if len(s) == 0 {
		*d = Date{}
		return nil
	}
	*d = parse(s)
	return nil
}
