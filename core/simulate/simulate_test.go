package simulate_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/core/codec"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/core/settle"
	"github.com/ruralhealth/ncms/countyyear"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/simulate"
)

// pingluo is the simulation of Pingluo's proposed revision against its original
// scheme.
func pingluo(tb testing.TB) simulate.Options {
	tb.Helper()
	e, err := engine.WithExamples()
	if err != nil {
		tb.Fatal(err)
	}
	var o simulate.Options
	if o.New, err = e.Find("pingluo-revised", "", civil.Date{}); err != nil {
		tb.Fatal(err)
	}
	old, err := e.Find("pingluo-original", "", civil.Date{})
	if err != nil {
		tb.Fatal(err)
	}
	o.Old = simulate.Fixed(old)
	return o
}

// year generates a small county year as JSON lines.
func year(tb testing.TB, n int) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := countyyear.Write(&b, countyyear.Options{Claims: n, Seed: 7}); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// outputs runs a simulation and returns its JSON report, text reports and CSV.
func outputs(t *testing.T, lines []byte, o simulate.Options) (js, zh, en, diffs []byte) {
	t.Helper()
	var csvOut bytes.Buffer
	w := csv.NewWriter(&csvOut)
	o.Diffs = func(d simulate.Diff) error { return w.Write(d.Fields()) }
	r, err := simulate.Run(t.Context(), simulate.Lines(bytes.NewReader(lines)), o)
	if err != nil {
		t.Fatal(err)
	}
	w.Flush()
	if js, err = codec.Encode(r); err != nil {
		t.Fatal(err)
	}
	var z, e bytes.Buffer
	if err := simulate.WriteText(&z, r, "zh"); err != nil {
		t.Fatal(err)
	}
	if err := simulate.WriteText(&e, r, "en"); err != nil {
		t.Fatal(err)
	}
	return js, z.Bytes(), e.Bytes(), csvOut.Bytes()
}

// TestRunDeterministic: the same claims and policies give the same report, text and
// per-claim CSV, byte for byte, however many workers share the people.
func TestRunDeterministic(t *testing.T) {
	lines := year(t, 6000)
	var first [4][]byte
	for i, workers := range []int{1, 2, 3, 5} {
		o := pingluo(t)
		o.Workers = workers
		js, zh, en, diffs := outputs(t, lines, o)
		got := [4][]byte{js, zh, en, diffs}
		if i == 0 {
			first = got
			if len(diffs) == 0 || !bytes.Contains(zh, []byte("基金支出")) || !bytes.Contains(en, []byte("Fund spending")) {
				t.Fatalf("empty outputs:\n%s\n%s", zh, en)
			}
			continue
		}
		for k, name := range []string{"json", "zh", "en", "csv"} {
			if !bytes.Equal(first[k], got[k]) {
				t.Errorf("%d workers: the %s output differs from 1 worker's", workers, name)
			}
		}
	}
}

// TestRunCarriesTotals settles the year one claim at a time, each person's totals
// carried in file order as the ledger carries them, and requires the simulation's
// figures: the partitioning and the pipeline must not change a fen.
func TestRunCarriesTotals(t *testing.T) {
	lines := year(t, 4000)
	o := pingluo(t)
	r, err := simulate.Run(t.Context(), simulate.Lines(bytes.NewReader(lines)), o)
	if err != nil {
		t.Fatal(err)
	}
	oldP, _ := o.Old(nil)
	var fundOld, fundNew money.Amount
	capped := [2]map[string]bool{{}, {}}
	totals := [2]map[string]claim.Totals{{}, {}}
	for rec, err := range simulate.Lines(bytes.NewReader(lines)) {
		if err != nil {
			t.Fatal(err)
		}
		var l simulate.Line
		if err := simulate.DecodeLine(rec.JSON, &l); err != nil {
			t.Fatal(err)
		}
		for i, p := range []*policy.Compiled{oldP, o.New} {
			c := l.Claim
			y := c.Date(p).Year
			before, ok := totals[i][c.Person.ID]
			if !ok || before.Year != y {
				before = claim.NewTotals(y)
			}
			c.Totals = before.Carried(l.Claim.Totals.FamilyAccount)
			res, err := settle.Run(p, &c)
			if err != nil {
				t.Fatalf("record %d: %v", rec.Seq, err)
			}
			totals[i][c.Person.ID] = res.TotalsAfter
			for _, w := range res.Warnings {
				if w.Code == core.WarnCapReached {
					capped[i][c.Person.ID] = true
				}
			}
			if i == 0 {
				fundOld = fundOld.Add(res.FundTotal)
			} else {
				fundNew = fundNew.Add(res.FundTotal)
			}
		}
	}
	if r.Fund.Old.Cmp(fundOld) != 0 || r.Fund.New.Cmp(fundNew) != 0 {
		t.Errorf("fund %s → %s, settled one by one %s → %s", r.Fund.Old, r.Fund.New, fundOld, fundNew)
	}
	if r.CapReached.Old != len(capped[0]) || r.CapReached.New != len(capped[1]) || len(capped[0]) == 0 {
		t.Errorf("cap reached by %d / %d people, settled one by one %d / %d", r.CapReached.Old, r.CapReached.New, len(capped[0]), len(capped[1]))
	}
	if r.Claims != 4000 || r.Persons != len(totals[1]) || r.Refused != (simulate.Pair{}) {
		t.Errorf("claims %d, persons %d (want %d), refused %+v", r.Claims, r.Persons, len(totals[1]), r.Refused)
	}
	var sum money.Amount
	for _, g := range r.Groups {
		sum = money.Amount{}
		for _, row := range g.Rows {
			sum = sum.Add(row.New)
		}
		if sum.Cmp(r.Fund.New) != 0 {
			t.Errorf("the rows by %s add up to %s, not %s", g.By, sum, r.Fund.New)
		}
	}
}

// TestRunOutOfOrder: a person's claim dated before their previous one stops the run,
// since carrying totals out of date order would not be what the ledger does.
func TestRunOutOfOrder(t *testing.T) {
	lines := bytes.Split(bytes.TrimSpace(year(t, 50)), []byte("\n"))
	var l simulate.Line
	if err := simulate.DecodeLine(lines[len(lines)-1], &l); err != nil {
		t.Fatal(err)
	}
	l.Claim.Visit.Admission = l.Claim.Visit.Admission.AddDays(-400)
	l.Claim.Visit.Discharge = l.Claim.Visit.Admission
	early, err := codec.Encode(&l)
	if err != nil {
		t.Fatal(err)
	}
	in := append(append(bytes.Join(lines, []byte("\n")), '\n'), early...)
	_, err = simulate.Run(t.Context(), simulate.Lines(bytes.NewReader(in)), pingluo(t))
	if core.ErrorCode(err) != core.FieldInvalid {
		t.Fatalf("got %v, want field_invalid for the claim out of date order", err)
	}
}

// TestRunRefused: lines that cannot be read or settled are counted and listed with
// their typed errors; the rest of the year is replayed.
func TestRunRefused(t *testing.T) {
	lines := year(t, 30)
	in := append([]byte("{\"schema\":1,\"bogus\":true}\n"), lines...)
	r, err := simulate.Run(t.Context(), simulate.Lines(bytes.NewReader(in)), pingluo(t))
	if err != nil {
		t.Fatal(err)
	}
	if r.Claims != 31 || r.Refused != (simulate.Pair{Old: 1, New: 1}) || len(r.Problems) != 1 {
		t.Fatalf("claims %d, refused %+v, problems %+v", r.Claims, r.Refused, r.Problems)
	}
	if p := r.Problems[0]; p.Seq != 1 || p.Error.Code != core.RequestUnknownField {
		t.Errorf("problem %+v, want line 1 %s", p, core.RequestUnknownField)
	}
}

// TestCSV reads claims from CSV: each row is the Line the JSON form would hold, so it
// settles the same, and a bad value is refused with the path of what it fills.
func TestCSV(t *testing.T) {
	in := "\ufeffpolicy,claim,person,birth_date,category,enrollment,township,visit_type,class,admission,discharge,amount_a,amount_self,family_account\n" +
		"pingluo-original,V1,640221198001010015,1980-01-01,farmer,2024:2023-12-01;2025:2024-12-01,640221100,inpatient,county,2025-03-02,2025-03-09,2800.00,100,0\n" +
		"pingluo-original,V2,640221198001010015,1980-01-01,farmer,2025:2024-12-01,640221100,inpatient,county,2025-05-02,,3000.5x,,\n" +
		"pingluo-original,V3,640221198001010015,1980-01-01,farmer,2025:2024-12-01,640221100,inpatient,township,2025-06-02,2025-06-05,2000,,\n"
	r, err := simulate.Run(t.Context(), simulate.CSV(strings.NewReader(in)), pingluo(t))
	if err != nil {
		t.Fatal(err)
	}
	if r.Claims != 3 || r.Refused != (simulate.Pair{Old: 1, New: 1}) || len(r.Problems) != 1 ||
		r.Problems[0].Seq != 3 || r.Problems[0].Error.Path != "/items/0/amount" {
		t.Fatalf("claims %d, refused %+v, problems %+v", r.Claims, r.Refused, r.Problems)
	}
	// Under the original scheme's whole-amount bands on the cost: V1's scope of
	// 2800 (100 wholly self-paid) is on the 40% band (2500–3000), (2800 − 300) × 40%
	// = 1000.00; V3's 2000 stays on the 30% band (1500–2000), (2000 − 300) × 30% =
	// 510.00.
	if r.Fund.Old.String() != "1510.00" || r.Cost.String() != "4900.00" {
		t.Errorf("fund %s, cost %s; want 1510.00 and 4900.00", r.Fund.Old, r.Cost)
	}
}
