package report_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/server/ledger"
	"github.com/ruralhealth/ncms/server/report"
)

func TestSummaryCSV(t *testing.T) {
	entries := journal{
		settle(1, idA, "2024-03-10", "1000.00", "600.00", funds("basic=500.00", "catastrophic=100.00")),
		settle(2, idB, "2024-03-11", "500.00", "200.00", visitType(string(policy.VisitOutpatient))),
		settle(3, idA, "2024-03-25", "333.00", "111.00"),
	}
	tests := []struct {
		name string
		q    report.SummaryQuery
		lang report.Lang
		want string
	}{
		{
			name: "ten-day by visit type, Chinese",
			q:    report.SummaryQuery{Range: month(2024, time.March), Period: report.TenDay, GroupBy: report.ByVisitType},
			lang: report.Chinese,
			// 上旬: 600 ÷ 1000 = 0.6; 中旬: 200 ÷ 500 = 0.4; 下旬: 111 ÷ 333 = 0.3333….
			// Funds: catastrophic only in 上旬, so 0.00 elsewhere.
			want: "期间,开始日期,结束日期,就诊类型,人次,人数,总费用,基金支付合计,基金支付:basic,基金支付:catastrophic,个人现金支付,人均补偿,实际补偿比\n" +
				"2024年3月上旬,2024-03-01,2024-03-10,住院,1,1,1000.00,600.00,500.00,100.00,400.00,600.00,0.6000\n" +
				"2024年3月中旬,2024-03-11,2024-03-20,普通门诊,1,1,500.00,200.00,200.00,0.00,300.00,200.00,0.4000\n" +
				"2024年3月下旬,2024-03-21,2024-03-31,住院,1,1,333.00,111.00,111.00,0.00,222.00,111.00,0.3333\n",
		},
		{
			name: "ten-day by visit type, English",
			q:    report.SummaryQuery{Range: month(2024, time.March), Period: report.TenDay, GroupBy: report.ByVisitType},
			lang: report.English,
			want: "period,start,end,visit_type,visits,persons,total,fund_total,fund:basic,fund:catastrophic,cash,per_capita,effective_ratio\n" +
				"2024-03-D1,2024-03-01,2024-03-10,inpatient,1,1,1000.00,600.00,500.00,100.00,400.00,600.00,0.6000\n" +
				"2024-03-D2,2024-03-11,2024-03-20,outpatient,1,1,500.00,200.00,200.00,0.00,300.00,200.00,0.4000\n" +
				"2024-03-D3,2024-03-21,2024-03-31,inpatient,1,1,333.00,111.00,111.00,0.00,222.00,111.00,0.3333\n",
		},
		{
			name: "week ungrouped, Chinese",
			q:    report.SummaryQuery{Range: month(2024, time.March), Period: report.Week},
			lang: report.Chinese,
			// 03-10 is the Sunday of W10, 03-11 the Monday of W11, 03-25 the Monday of W13.
			want: "期间,开始日期,结束日期,人次,人数,总费用,基金支付合计,基金支付:basic,基金支付:catastrophic,个人现金支付,人均补偿,实际补偿比\n" +
				"2024年第10周,2024-03-04,2024-03-10,1,1,1000.00,600.00,500.00,100.00,400.00,600.00,0.6000\n" +
				"2024年第11周,2024-03-11,2024-03-17,1,1,500.00,200.00,200.00,0.00,300.00,200.00,0.4000\n" +
				"2024年第13周,2024-03-25,2024-03-31,1,1,333.00,111.00,111.00,0.00,222.00,111.00,0.3333\n",
		},
		{
			name: "month by township, Chinese",
			q:    report.SummaryQuery{Range: month(2024, time.March), Period: report.Month, GroupBy: report.ByTownship},
			lang: "",
			// 2 persons: (600 + 200 + 111) ÷ 2 = 455.50; 911 ÷ 1833 = 0.49699… → 0.4970.
			want: "期间,开始日期,结束日期,乡镇,人次,人数,总费用,基金支付合计,基金支付:basic,基金支付:catastrophic,个人现金支付,人均补偿,实际补偿比\n" +
				"2024年3月,2024-03-01,2024-03-31,T1,3,2,1833.00,911.00,811.00,100.00,922.00,455.50,0.4970\n",
		},
		{
			name: "day, English",
			q:    report.SummaryQuery{Range: span("2024-03-10", "2024-03-10"), Period: report.Day},
			lang: report.English,
			want: "period,start,end,visits,persons,total,fund_total,fund:basic,fund:catastrophic,cash,per_capita,effective_ratio\n" +
				"2024-03-10,2024-03-10,2024-03-10,1,1,1000.00,600.00,500.00,100.00,400.00,600.00,0.6000\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := report.BuildSummary(entries.seq(), tc.q)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			if err := s.WriteCSV(&b, tc.lang); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.want {
				t.Errorf("CSV:\n%s\nwant:\n%s", b.String(), tc.want)
			}
		})
	}
}

func TestNoticeCSV(t *testing.T) {
	n, err := report.BuildNotice(noticeJournal().seq(), month(2024, time.March), county)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang report.Lang
		want string
	}{
		{report.Chinese, "乡镇,村,姓名,身份证号,就诊类型,医疗机构,入院日期,出院日期,总费用,补偿金额\n" +
			"城关镇,,,640221********0047,普通门诊,V2,2024-03-15,2024-03-15,120.00,60.00\n" +
			"城关镇,东风村,李秀英,640221********0023,普通门诊,V2,2024-03-03,2024-03-03,80.00,40.00\n" +
			"城关镇,红星村,王大山,640221********0015,普通门诊,V1,2024-03-01,2024-03-01,50.00,25.00\n" +
			"城关镇,红星村,王大山,640221********0015,住院,H1,2024-03-05,2024-03-12,3000.00,1800.00\n" +
			"李庄乡,,赵小红,640221********0058,普通门诊,V3,2024-03-09,2024-03-09,60.00,30.00\n" +
			"李庄乡,新庄村,张建国,640221********0031,住院,H2,2024-03-20,2024-03-25,5000.00,3500.00\n"},
		{report.English, "township,village,name,id_number,visit_type,institution,admission,discharge,total,fund_paid\n" +
			"城关镇,,,640221********0047,outpatient,V2,2024-03-15,2024-03-15,120.00,60.00\n" +
			"城关镇,东风村,李秀英,640221********0023,outpatient,V2,2024-03-03,2024-03-03,80.00,40.00\n" +
			"城关镇,红星村,王大山,640221********0015,outpatient,V1,2024-03-01,2024-03-01,50.00,25.00\n" +
			"城关镇,红星村,王大山,640221********0015,inpatient,H1,2024-03-05,2024-03-12,3000.00,1800.00\n" +
			"李庄乡,,赵小红,640221********0058,outpatient,V3,2024-03-09,2024-03-09,60.00,30.00\n" +
			"李庄乡,新庄村,张建国,640221********0031,inpatient,H2,2024-03-20,2024-03-25,5000.00,3500.00\n"},
	}
	for _, tc := range tests {
		t.Run(string(tc.lang), func(t *testing.T) {
			var b strings.Builder
			if err := n.WriteCSV(&b, tc.lang); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.want {
				t.Errorf("CSV:\n%s\nwant:\n%s", b.String(), tc.want)
			}
		})
	}
}

// TestCSVQuoting checks that a name with a comma or quote survives a round trip
// through encoding/csv.
func TestCSVQuoting(t *testing.T) {
	reg := registry{persons: map[string]ledger.Person{idA: {ID: idA, Name: `王"大山", 二`}}}
	n, err := report.BuildNotice(journal{settle(1, idA, "2024-03-01", "1.00", "0.00")}.seq(), month(2024, time.March), reg)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := n.WriteCSV(&b, report.English); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[1][2] != `王"大山", 二` {
		t.Errorf("records %q", recs)
	}
}

type brokenWriter struct{}

var errDiskFull = errors.New("disk full")

func (brokenWriter) Write([]byte) (int, error) { return 0, errDiskFull }

func TestCSVErrors(t *testing.T) {
	s, err := report.BuildSummary(journal{settle(1, idA, "2024-03-01", "1.00", "0.00")}.seq(),
		report.SummaryQuery{Range: month(2024, time.March), Period: report.Month})
	if err != nil {
		t.Fatal(err)
	}
	n, err := report.BuildNotice(journal{settle(1, idA, "2024-03-01", "1.00", "0.00")}.seq(), month(2024, time.March), registry{})
	if err != nil {
		t.Fatal(err)
	}
	for name, write := range map[string]func() error{
		"summary": func() error { return s.WriteCSV(brokenWriter{}, report.Chinese) },
		"notice":  func() error { return n.WriteCSV(brokenWriter{}, report.Chinese) },
		"audit":   func() error { return (&report.Audit{}).WriteCSV(brokenWriter{}, report.Chinese) },
	} {
		err := write()
		if !errors.Is(err, errDiskFull) || !strings.HasPrefix(err.Error(), "report: writing CSV: ") {
			t.Errorf("%s: error %v, want %v wrapped as report: writing CSV", name, err, errDiskFull)
		}
	}
	if err := s.WriteCSV(&strings.Builder{}, "fr"); err == nil {
		t.Error("summary: no error for an unknown language")
	}
	if err := n.WriteCSV(&strings.Builder{}, "fr"); err == nil {
		t.Error("notice: no error for an unknown language")
	}
	var nilSummary *report.Summary
	var nilNotice *report.Notice
	if err := nilSummary.WriteCSV(&strings.Builder{}, report.Chinese); err == nil {
		t.Error("nil summary: no error")
	}
	if err := nilNotice.WriteCSV(&strings.Builder{}, report.Chinese); err == nil {
		t.Error("nil notice: no error")
	}
}
