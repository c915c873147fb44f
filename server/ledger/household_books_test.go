package ledger_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/enroll"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/server/apierr"
	"github.com/ruralhealth/ncms/server/ledger"
)

// Members of the test households (valid resident IDs).
const (
	memberA = "640221198001010031"
	memberB = "64022119800101004X"
	memberC = "640221198001010058"
	memberD = "640221198001010066"
)

// outpatient is a Pingluo outpatient visit (RULES.md §2.1: paid from the family
// account, 5元 of each member's 10元) at a village clinic, asserting a balance of
// claimed in the family account, which the ledger must ignore for registered people.
func outpatient(visit, id, amount, claimed string) []byte {
	return fmt.Appendf(nil, `{"schema":1,"policy":"pingluo-original","claim":{"id":%q,
	 "person":{"id":%q,"category":"farmer","birthDate":"1980-01-01","enrollment":[]},
	 "visit":{"type":"outpatient","class":"village","institution":"H001","admission":"2025-03-01","discharge":"2025-03-01"},
	 "items":[{"code":"X1","kind":"treatment","class":"A","amount":%q}],
	 "totals":{"year":0,"funds":[],"admissions":[],"familyAccount":%q}}}`, visit, id, amount, claimed)
}

// household registers a household of the members, each enrolled in the registry
// for the years given (the roster's history before contributions were recorded).
func household(t *testing.T, l *ledger.Ledger, id, category string, members []string, years ...enroll.Year) {
	t.Helper()
	ctx := context.Background()
	must(t, l.PutHousehold(ctx, ledger.Household{ID: id, Township: "640221100", Head: members[0]}))
	for i, m := range members {
		must(t, l.PutPerson(ctx, ledger.Person{ID: m, Name: fmt.Sprintf("成员%d", i), Household: id, Category: category, Enrollment: years}))
	}
}

func pay(ids ...string) []ledger.MemberPayment {
	ten := money.MustAmount("10")
	var ms []ledger.MemberPayment
	for _, id := range ids {
		ms = append(ms, ledger.MemberPayment{Person: id, Amount: &ten})
	}
	return ms
}

func statement(t *testing.T, l *ledger.Ledger, h string) *ledger.AccountStatement {
	t.Helper()
	st, err := l.FamilyAccount(context.Background(), h, 0, ledger.MaxListLimit)
	must(t, err)
	return st
}

// TestHouseholdEnrollment enrolls a household with its members, credits the family
// account by the policy's split, and settles and reverses on the ledger's balance.
func TestHouseholdEnrollment(t *testing.T) {
	forEachStore(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		household(t, l, "H9", "farmer", []string{memberA, memberB})
		enr := ledger.Enrollment{Year: 2025, Policy: "pingluo-original", PaidOn: civil.MustParse("2024-12-01")}

		enr.Members = pay(memberA)
		_, err := l.Enroll(ctx, "k", "H9", enr)
		if code(err) != apierr.HouseholdIncomplete {
			t.Fatalf("one member of two: %v, want household_incomplete", err)
		}
		enr.Members = pay(memberA, memberB)
		got, err := l.Enroll(ctx, "k", "H9", enr)
		must(t, err)
		if len(got.Contributions) != 2 || got.FamilyAccount.String() != "10.00" {
			t.Fatalf("enrolled %+v, want 2 contributions and 10.00 in the account (5 of each 10)", got)
		}
		c := got.Contributions[0]
		if c.FamilyCredit.String() != "5.00" || c.Payer != ledger.PayerSelf || c.BackPay || c.Receipt != ledger.ReceiptNumber(2025, c.Seq) {
			t.Errorf("contribution %+v", c)
		}
		reprint, err := l.ContributionReceipt(ctx, c.Receipt)
		if err != nil || reprint.Person != c.Person || reprint.Amount.String() != "10.00" {
			t.Errorf("reprint of %s: %+v %v", c.Receipt, reprint, err)
		}
		if _, err := l.Enroll(ctx, "k", "H9", enr); code(err) != apierr.ContributionExists {
			t.Errorf("enrolling again: %v, want contribution_exists", err)
		}
		p, err := l.Person(ctx, memberA)
		must(t, err)
		if len(p.Enrollment) != 1 || p.Enrollment[0].Year != 2025 || p.Enrollment[0].PaidOn != civil.MustParse("2024-12-01") {
			t.Errorf("enrollment from the contributions: %+v", p.Enrollment)
		}

		// The claim says 999 in the account; the ledger knows 10.
		s, err := l.Settle(ctx, "k", outpatient("O1", memberA, "30", "999"))
		must(t, err)
		st := statement(t, l, "H9")
		if st.Balance.String() != "0.00" || st.Credits.String() != "10.00" || st.Debits.String() != "10.00" || len(st.Rows) != 3 {
			t.Fatalf("after a 30元 visit: %+v, want the 10 drawn", st)
		}
		if r := decode(t, s.Result); r.Cash.String() != "20.00" {
			t.Errorf("cash %s, want 20.00 (30 less the account's 10)", r.Cash)
		}
		// Nothing left: the next visit is all cash whatever the claim says.
		s2, err := l.Settle(ctx, "k", outpatient("O2", memberB, "8", "50"))
		must(t, err)
		if r := decode(t, s2.Result); r.Cash.String() != "8.00" {
			t.Errorf("cash %s with an empty account, want 8.00", r.Cash)
		}
		if _, err := l.Reverse(ctx, "k", "", s.Seq, "wrong patient"); err != nil {
			t.Fatal(err)
		}
		st = statement(t, l, "H9")
		last := st.Rows[len(st.Rows)-1]
		if st.Balance.String() != "10.00" || last.Kind != ledger.AccountReversal || last.Amount.String() != "10.00" {
			t.Errorf("after the reversal: %+v", st)
		}
		// A reversal of a settlement that drew nothing gives nothing back.
		if _, err := l.Reverse(ctx, "k", "", s2.Seq, "wrong patient"); err != nil {
			t.Fatal(err)
		}
		if st2 := statement(t, l, "H9"); len(st2.Rows) != len(st.Rows) {
			t.Errorf("reversing a settlement that drew nothing added rows: %+v", st2.Rows)
		}
		// The balance rolls over into the next year and takes that year's credits.
		enr.Year, enr.PaidOn = 2026, civil.MustParse("2025-12-01")
		got, err = l.Enroll(ctx, "k", "H9", enr)
		must(t, err)
		if got.FamilyAccount.String() != "20.00" {
			t.Errorf("2026 opens at %s, want 20.00 (10 rolled over, 10 credited)", got.FamilyAccount)
		}
	})
}

// TestContributionRules: tiers, government payment, back-pay after a gap and a tier
// change at payment time, under the city scheme (RULES.md §2.3).
func TestContributionRules(t *testing.T) {
	forEachStore(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		// A was enrolled in 2023 and not in 2024 (a gap); B paid tier 1 in 2024.
		must(t, l.PutHousehold(ctx, ledger.Household{ID: "C1", Township: "t"}))
		must(t, l.PutPerson(ctx, ledger.Person{ID: memberA, Name: "甲", Household: "C1", Category: "general",
			Enrollment: []enroll.Year{{Year: 2023, Tier: "t1", PaidOn: civil.MustParse("2022-12-01")}}}))
		must(t, l.PutPerson(ctx, ledger.Person{ID: memberB, Name: "乙", Household: "C1", Category: "dibao",
			Enrollment: []enroll.Year{{Year: 2024, Tier: "t1", PaidOn: civil.MustParse("2023-12-01")}}}))
		enr := ledger.Enrollment{Year: 2025, Policy: "city-resident", PaidOn: civil.MustParse("2025-03-01"), Members: []ledger.MemberPayment{
			{Person: memberA, Tier: "t1"},
			{Person: memberB, Tier: "t2", Payer: ledger.PayerGovernment},
		}}
		_, err := l.Enroll(ctx, "k", "C1", enr)
		if es := core.AsErrors(err); len(es) != 1 || es[0].Path != "/members/1/subsidy" {
			t.Fatalf("government payment without a subsidy: %v", err)
		}
		enr.Members[1].Subsidy = ledger.SubsidyDibao
		got, err := l.Enroll(ctx, "k", "C1", enr)
		must(t, err)
		a, b := got.Contributions[0], got.Contributions[1]
		if !a.BackPay || a.BenefitsFrom != civil.MustParse("2025-07-01") || a.Amount.String() != "30.00" {
			t.Errorf("back-pay after a gap: %+v, want backPay, benefits from 2025-07-01 (4 months), 30 (tier 1 individual)", a)
		}
		if b.BackPay || b.PreviousTier != "t1" || b.Amount.String() != "240.00" || b.Subsidy != ledger.SubsidyDibao {
			t.Errorf("tier change paid by the government: %+v, want previous t1, 240 (tier 2 in full)", b)
		}
		if !got.FamilyAccount.IsZero() {
			t.Errorf("the city scheme has no family account: %s", got.FamilyAccount)
		}
		for _, tc := range []struct {
			name string
			m    ledger.MemberPayment
			at   string
		}{
			{"no tier", ledger.MemberPayment{Person: memberC}, "/members/0/tier"},
			{"unknown tier", ledger.MemberPayment{Person: memberC, Tier: "t9"}, "/members/0/tier"},
			{"unknown category", ledger.MemberPayment{Person: memberC, Tier: "t1", Category: "x"}, "/members/0/category"},
			{"bad payer", ledger.MemberPayment{Person: memberC, Tier: "t1", Payer: "bank"}, "/members/0/payer"},
			{"subsidy for self", ledger.MemberPayment{Person: memberC, Tier: "t1", Subsidy: ledger.SubsidyWubao}, "/members/0/subsidy"},
			{"not a member", ledger.MemberPayment{Person: memberD, Tier: "t1"}, "/members/0/person"},
		} {
			must(t, l.PutPerson(ctx, ledger.Person{ID: memberC, Name: "丙", Household: "C1", Category: "general"}))
			_, err := l.Enroll(ctx, "k", "C1", ledger.Enrollment{Year: 2025, Policy: "city-resident",
				PaidOn: civil.MustParse("2025-03-01"), Members: []ledger.MemberPayment{tc.m}})
			if es := core.AsErrors(err); len(es) == 0 || es[0].Path != tc.at {
				t.Errorf("%s: %v, want a problem at %s", tc.name, err, tc.at)
			}
		}
	})
}

// TestFamilyAccountInvariants settles random outpatient visits of the members of a
// few households concurrently, with enrollments and reversals between, and checks
// on every store: no balance is ever negative, each household's credits less its
// debits is its balance, and each row's balance follows from the one before.
func TestFamilyAccountInvariants(t *testing.T) {
	forEachStore(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		homes := map[string][]string{"F1": {memberA, memberB}, "F2": {memberC, memberD}}
		for h, ms := range homes {
			household(t, l, h, "farmer", ms)
			// Ten years paid ahead: 100元 in the account, rolled over.
			for y := 2025; y < 2035; y++ {
				_, err := l.Enroll(ctx, "k", h, ledger.Enrollment{Year: y, Policy: "pingluo-original",
					PaidOn: civil.New(y-1, 12, 1), Members: pay(ms...)})
				must(t, err)
			}
		}
		// Members of one household draw on its account at once, 40 visits of 1 to
		// 10元 on 200元 in all: the account lock lets only what is there be drawn.
		rng := rand.New(rand.NewPCG(1, 2))
		type visit struct{ id, person, amount string }
		var visits []visit
		for i := range 80 {
			ms := homes[[]string{"F1", "F2"}[i%2]]
			visits = append(visits, visit{fmt.Sprintf("R%d", i), ms[rng.IntN(2)], fmt.Sprintf("%d.%02d", 1+rng.IntN(9), rng.IntN(100))})
		}
		var wg sync.WaitGroup
		seqs := make(chan int64, len(visits))
		start := make(chan struct{})
		for _, v := range visits {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				s, err := l.Settle(ctx, "k", outpatient(v.id, v.person, v.amount, "1000"))
				if err != nil {
					t.Error(err)
					return
				}
				seqs <- s.Seq
			}()
		}
		close(start)
		wg.Wait()
		close(seqs)
		// Reverse some, concurrently, and check again.
		var n int
		for seq := range seqs {
			if n++; n%3 != 0 {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := l.Reverse(ctx, "k", "", seq, "test"); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		for h := range homes {
			st := statement(t, l, h)
			var credits, debits, bal money.Amount
			for i, r := range st.Rows {
				if r.Kind.Credit() {
					credits, bal = credits.Add(r.Amount), bal.Add(r.Amount)
				} else {
					debits, bal = debits.Add(r.Amount), bal.Sub(r.Amount)
				}
				if r.Balance.Sign() < 0 || r.Balance.Cmp(bal) != 0 {
					t.Errorf("%s row %d: balance %s, the rows before make %s", h, i, r.Balance, bal)
				}
			}
			if credits.Sub(debits).Cmp(st.Balance) != 0 || st.Credits.Cmp(credits) != 0 || st.Debits.Cmp(debits) != 0 {
				t.Errorf("%s: credits %s − debits %s ≠ balance %s (statement %s, %s)", h, credits, debits, st.Balance, st.Credits, st.Debits)
			}
			if debits.IsZero() {
				t.Errorf("%s: nothing drawn in %d rows", h, len(st.Rows))
			}
		}
	})
}

// TestImportContributions imports a year's contribution roster in GBK: all rows or
// none, every problem at its row and column.
func TestImportContributions(t *testing.T) {
	forEachStore(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		household(t, l, "G1", "farmer", []string{memberA, memberB})
		household(t, l, "G2", "farmer", []string{memberC})
		household(t, l, "G3", "farmer", []string{memberD})
		gbk := func(s string) io.Reader {
			b, err := simplifiedchinese.GBK.NewEncoder().String(s)
			must(t, err)
			return strings.NewReader(b)
		}
		const header = "户号,身份证号,姓名,参合年度,缴费方式,代缴类别,缴费金额,缴费日期\n"
		bad := header +
			"G1," + memberA + ",甲,2025,个人,,10,2024-12-01\n" +
			"G1," + memberB + ",乙,2025,政府代缴,,10,2024-12-01\n" + // no subsidy
			"G2," + memberD + ",丁,2025,个人,,10,2024-12-01\n" + // not of G2
			"G3," + memberD + ",丁,2025,个人,,10.001,2024-12-01\n" // a fraction of a fen
		rep, err := l.ImportContributions(ctx, "k", gbk(bad), "pingluo-original", "", ledger.ImportOptions{})
		must(t, err)
		var at []string
		for _, p := range rep.Problems {
			at = append(at, p.Path)
		}
		// A bad cell first, then the households' problems, each in file order.
		want := []string{"/rows/3/amount", "/rows/1/subsidy", "/rows/2/id"}
		if rep.Imported || rep.Encoding != ledger.EncodingGB18030 || !slices.Equal(at, want) {
			t.Fatalf("bad roster: imported %v in %s, problems at %v, want %v", rep.Imported, rep.Encoding, at, want)
		}
		if cs, _ := l.Contributions(ctx, "G1", 0); len(cs) != 0 {
			t.Fatalf("a roster with problems recorded %d contributions", len(cs))
		}
		good := header +
			"G1," + memberA + ",甲,2025,个人,,10,2024-12-01\n" +
			"G1," + memberB + ",乙,2025,政府代缴,低保,10,2024-12-02\n" +
			"G2," + memberC + ",丙,2025,本人,,10,2024-12-01\n" +
			"G3," + memberD + ",丁,2025,个人,,10,2024-12-01\n"
		rep, err = l.ImportContributions(ctx, "k", gbk(good), "pingluo-original", "", ledger.ImportOptions{})
		must(t, err)
		if !rep.Imported || rep.Households != 3 || rep.Contributions != 4 || rep.ProblemCount != 0 {
			t.Fatalf("good roster: %+v", rep)
		}
		cs, err := l.Contributions(ctx, "G1", 2025)
		must(t, err)
		if len(cs) != 2 || cs[1].Payer != ledger.PayerGovernment || cs[1].Subsidy != ledger.SubsidyDibao || cs[1].PaidOn != civil.MustParse("2024-12-02") {
			t.Errorf("G1's contributions: %+v", cs)
		}
		if st := statement(t, l, "G1"); st.Balance.String() != "10.00" {
			t.Errorf("G1's account after the import: %s, want 10.00", st.Balance)
		}
		// The same roster again: every row is a contribution already recorded.
		rep, err = l.ImportContributions(ctx, "k", gbk(good), "pingluo-original", "", ledger.ImportOptions{})
		must(t, err)
		if rep.Imported || rep.ProblemCount != 4 || rep.Problems[0].Code != apierr.ContributionExists {
			t.Errorf("the roster twice: %+v", rep)
		}
	})
}

// BenchmarkSettleFamilyAccount settles outpatient visits of a registered member on
// SQLite, each drawing on the household's account: the registry, contributions,
// account lock and debit row a settlement now reads and writes.
func BenchmarkSettleFamilyAccount(b *testing.B) {
	l := newLedger(b, open(b, b.TempDir()+"/ncms.db"))
	ctx := context.Background()
	if err := l.PutHousehold(ctx, ledger.Household{ID: "B1", Township: "t"}); err != nil {
		b.Fatal(err)
	}
	if err := l.PutPerson(ctx, ledger.Person{ID: memberA, Name: "甲", Household: "B1", Category: "farmer"}); err != nil {
		b.Fatal(err)
	}
	for y := 2025; y < 2125; y++ { // 500元 in the account
		if _, err := l.Enroll(ctx, "k", "B1", ledger.Enrollment{Year: y, Policy: "pingluo-original",
			PaidOn: civil.New(y-1, 12, 1), Members: pay(memberA)}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := range b.N {
		if _, err := l.Settle(ctx, "k", outpatient(fmt.Sprintf("B%d", i), memberA, "0.01", "0")); err != nil {
			b.Fatal(err)
		}
	}
}
