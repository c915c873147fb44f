package report

import (
	"fmt"
	"time"

	"github.com/ruralhealth/ncms/core/civil"
)

// Period is the length of a summary's reporting period; the values are the wire
// values.
type Period string

// Reporting periods (日上报、周汇总、旬调度、月通报).
const (
	Day    Period = "day"
	Week   Period = "week"    // ISO 8601 week, Monday to Sunday
	TenDay Period = "ten_day" // 旬: days 1–10, 11–20 and 21 to the end of the month
	Month  Period = "month"
)

// Valid reports whether p is one of the defined periods.
func (p Period) Valid() bool {
	switch p {
	case Day, Week, TenDay, Month:
		return true
	}
	return false
}

// span is one period: its first and last day and its key.
type span struct {
	start, end civil.Date
	key        string
}

// spanOf returns the period of kind p that contains d, a valid date.
//
// Keys sort in time order within one kind and read as dates: "2024-03-05",
// "2024-W09" (ISO week-year and week), "2024-03-D1" (the first 旬, a dekad),
// "2024-03".
func spanOf(p Period, d civil.Date) span {
	switch p {
	case Day:
		return span{d, d, d.String()}
	case Week:
		t := time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)
		back := (int(t.Weekday()) + 6) % 7 // days since Monday
		y, w := t.ISOWeek()
		start := d.AddDays(-back)
		return span{start, start.AddDays(6), fmt.Sprintf("%04d-W%02d", y, w)}
	case TenDay:
		first := civil.New(d.Year, d.Month, 1)
		switch {
		case d.Day <= 10:
			return span{first, first.AddDays(9), monthKey(d) + "-D1"}
		case d.Day <= 20:
			return span{first.AddDays(10), first.AddDays(19), monthKey(d) + "-D2"}
		}
		return span{first.AddDays(20), first.AddMonths(1).AddDays(-1), monthKey(d) + "-D3"}
	}
	first := civil.New(d.Year, d.Month, 1)
	return span{first, first.AddMonths(1).AddDays(-1), monthKey(d)}
}

func monthKey(d civil.Date) string { return fmt.Sprintf("%04d-%02d", d.Year, int(d.Month)) }

// labelZh renders the period of kind p that starts on start for a Chinese reader:
// 2024-03-05, 2024年第9周, 2024年3月上旬, 2024年3月.
func labelZh(p Period, start civil.Date) string {
	switch p {
	case Week:
		t := time.Date(start.Year, start.Month, start.Day, 12, 0, 0, 0, time.UTC)
		y, w := t.ISOWeek()
		return fmt.Sprintf("%d年第%d周", y, w)
	case TenDay:
		part := "上"
		switch {
		case start.Day > 20:
			part = "下"
		case start.Day > 10:
			part = "中"
		}
		return fmt.Sprintf("%d年%d月%s旬", start.Year, int(start.Month), part)
	case Month:
		return fmt.Sprintf("%d年%d月", start.Year, int(start.Month))
	}
	return start.String()
}
