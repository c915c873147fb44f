// Package countyyear generates a plausible county year of claims for simulations and
// benchmarks (ncms simulate gen): a population of households in townships, each
// person enrolled, and a year of outpatient and inpatient visits in date order, with
// bills whose sizes follow a log-normal law by facility class. The same options give
// the same bytes. The figures are illustrative, shaped after RULES §2 (Pingluo county:
// 13 townships, village clinics, township health centres, the county hospital and
// out-of-county care), not taken from a real county's books.
package countyyear

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/core/codec"
	"github.com/ruralhealth/ncms/core/enroll"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/core/simulate"
)

// Options shape a generated year.
type Options struct {
	// Claims is the number of claims to write.
	Claims int
	// Seed makes the year: the same seed, the same bytes.
	Seed uint64
	// Year is the calendar year of the visits; 0 means 2025.
	Year int
	// Policy is the scheme the claims name (the baseline a simulation uses when none
	// is given); "" means pingluo-original.
	Policy string
}

// Townships are Pingluo county's townships (乡镇), the ones the generated households
// live in, with their share of the population in percent.
var Townships = []struct {
	Code, Name string
	Share      int
}{
	{"640221100", "城关镇", 14}, {"640221101", "黄渠桥镇", 8}, {"640221102", "宝丰镇", 8},
	{"640221103", "头闸镇", 8}, {"640221104", "姚伏镇", 10}, {"640221105", "崇岗镇", 7},
	{"640221106", "陶乐镇", 7}, {"640221200", "高庄乡", 7}, {"640221201", "灵沙乡", 6},
	{"640221202", "渠口乡", 6}, {"640221203", "通伏乡", 7}, {"640221204", "高仁乡", 6},
	{"640221205", "红崖子乡", 6},
}

// visit kinds: the share of claims, the facility class and the median bill in yuan.
var kinds = []struct {
	share  int // per mille
	typ    policy.VisitType
	class  string
	median float64
	sigma  float64
	days   int
}{
	{560, "outpatient", "village", 45, 0.7, 0},
	{240, "outpatient", "township", 90, 0.8, 0},
	{40, "outpatient", "county", 220, 0.9, 0},
	{70, "inpatient", "township", 1400, 0.6, 6},
	{70, "inpatient", "county", 4200, 0.7, 9},
	{20, "inpatient", "nondesignated", 9000, 0.8, 12},
}

type person struct {
	id, household, township string
	birth                   civil.Date
}

type visit struct {
	date   civil.Date
	person int32
	kind   int8
	n      int32 // the order it was drawn in, for ties
}

// Write writes opts.Claims claims as JSON lines (simulate.Line), in admission date order.
func Write(w io.Writer, o Options) error {
	if o.Year == 0 {
		o.Year = 2025
	}
	if o.Policy == "" {
		o.Policy = "pingluo-original"
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x636f756e7479))
	// About three claims a person a year, most of them at the village clinic.
	people := make([]person, max(1, o.Claims/3))
	household, left, township := 0, 0, 0
	for i := range people {
		if left == 0 {
			household++
			left = 1 + rng.IntN(6)
			township = pick(rng, len(Townships), func(i int) int { return Townships[i].Share })
		}
		left--
		born := civil.New(1935+rng.IntN(85), time.Month(1+rng.IntN(12)), 1+rng.IntN(28))
		body := "640221" + fmt.Sprintf("%04d%02d%02d", born.Year, born.Month, born.Day) + fmt.Sprintf("%03d", rng.IntN(1000))
		check, err := identity.CheckChar(body)
		if err != nil {
			return fmt.Errorf("countyyear: resident id: %w", err)
		}
		people[i] = person{id: body + string(check), birth: born,
			household: Townships[township].Code + fmt.Sprintf("%05d", household), township: Townships[township].Code}
	}
	visits := make([]visit, o.Claims)
	first := civil.New(o.Year, time.January, 1)
	days := 365
	if civil.New(o.Year, time.February, 29).Valid() {
		days = 366
	}
	for i := range visits {
		// A few people are ill often: the square skews the draw towards the first.
		u := rng.Float64()
		visits[i] = visit{date: first.AddDays(rng.IntN(days)), person: int32(u * u * float64(len(people))),
			kind: int8(pick(rng, len(kinds), func(i int) int { return kinds[i].share })), n: int32(i)}
	}
	slices.SortFunc(visits, func(a, b visit) int { return cmp.Or(a.date.Compare(b.date), cmp.Compare(a.n, b.n)) })
	bw := bufio.NewWriterSize(w, 1<<20)
	for i, v := range visits {
		l := line(rng, o, people, v, i+1)
		b, err := codec.Encode(&l)
		if err != nil {
			return fmt.Errorf("countyyear: encoding claim %d: %w", i+1, err)
		}
		bw.Write(b)
		if err := bw.WriteByte('\n'); err != nil {
			return fmt.Errorf("countyyear: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("countyyear: %w", err)
	}
	return nil
}

// pick draws an index with the weights weight(i).
func pick(rng *rand.Rand, n int, weight func(int) int) int {
	total := 0
	for i := range n {
		total += weight(i)
	}
	x := rng.IntN(total)
	for i := range n {
		if x -= weight(i); x < 0 {
			return i
		}
	}
	return n - 1
}

func line(rng *rand.Rand, o Options, people []person, v visit, n int) simulate.Line {
	p := people[v.person]
	k := kinds[v.kind]
	bill := k.median * math.Exp(k.sigma*rng.NormFloat64())
	fen := max(int64(math.Round(bill*100)), 100)
	c := claim.Claim{
		ID: "V" + strconv.Itoa(o.Year) + fmt.Sprintf("%07d", n),
		Person: claim.Person{ID: p.id, Category: "farmer", Birth: p.birth, Enrollment: []enroll.Year{
			{Year: o.Year - 1, PaidOn: civil.New(o.Year-2, time.December, 10)},
			{Year: o.Year, PaidOn: civil.New(o.Year-1, time.December, 10)}}},
		Visit: claim.Visit{Type: k.typ, Class: k.class, Institution: institution(k.class, p.township), Admission: v.date,
			Referral: k.class == "nondesignated" && rng.IntN(2) == 0},
		Totals: claim.Totals{FamilyAccount: money.Fen(int64(rng.IntN(9)) * 500)},
	}
	if k.days > 0 {
		c.Visit.Discharge = v.date.AddDays(1 + rng.IntN(2*k.days))
	} else {
		c.Visit.Discharge = v.date
	}
	// Drugs about half, a tenth wholly self-paid, the rest exams and treatment; an
	// inpatient bill has beds too.
	self := fen * int64(rng.IntN(15)) / 100
	drug := (fen - self) * int64(40+rng.IntN(25)) / 100
	exam := (fen - self - drug) / 2
	rest := fen - self - drug - exam
	add := func(code string, kind claim.ItemKind, class claim.ItemClass, f int64) {
		if f > 0 {
			c.Items = append(c.Items, claim.Item{Code: code, Kind: kind, Class: class, Amount: money.Fen(f)})
		}
	}
	add("DRUG", claim.KindDrug, claim.ClassA, drug)
	add("EXAM", claim.KindExam, claim.ClassA, exam)
	if k.days > 0 {
		bed := rest / 3
		add("BED", claim.KindBed, claim.ClassA, bed)
		rest -= bed
	}
	add("TREAT", claim.KindTreatment, claim.ClassA, rest)
	add("SELF", claim.KindDrug, claim.ClassSelf, self)
	return simulate.Line{Schema: 1, Policy: o.Policy, Claim: c, Township: p.township, Household: p.household}
}

// institution is a facility code: one clinic or centre per township, one county
// hospital, one hospital out of the county.
func institution(class, township string) string {
	switch class {
	case "village":
		return "VC" + township
	case "township":
		return "TH" + township
	case "county":
		return "H640221001"
	}
	return "H640100001"
}
