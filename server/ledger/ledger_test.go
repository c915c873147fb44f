package ledger_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/enroll"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/server/api/apitest"
	"github.com/ruralhealth/ncms/server/apierr"
	"github.com/ruralhealth/ncms/server/ledger"
	"github.com/ruralhealth/ncms/server/store"
	"github.com/ruralhealth/ncms/server/store/storetest"
)

// stores opens every store the tests can reach: SQLite always, PostgreSQL when
// NCMS_TEST_POSTGRES names a server (CI starts one).
func stores(t *testing.T) map[string]func(t *testing.T) ledger.Store {
	out := map[string]func(t *testing.T) ledger.Store{
		"sqlite": func(t *testing.T) ledger.Store {
			return open(t, filepath.Join(t.TempDir(), "ncms.db"))
		},
	}
	if os.Getenv("NCMS_TEST_POSTGRES") != "" {
		out["postgres"] = func(t *testing.T) ledger.Store { return open(t, storetest.PostgresDSN(t)) }
	}
	return out
}

func open(t testing.TB, dsn string) ledger.Store {
	t.Helper()
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// forEachStore runs f on a fresh ledger over each store.
func forEachStore(t *testing.T, f func(t *testing.T, l *ledger.Ledger)) {
	for name, opener := range stores(t) {
		t.Run(name, func(t *testing.T) {
			f(t, newLedger(t, opener(t)))
		})
	}
}

func newLedger(t testing.TB, s ledger.Store) *ledger.Ledger {
	t.Helper()
	e, err := engine.WithExamples()
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)
	l, err := ledger.New(context.Background(), s, e, nil, ledger.Options{Now: func() time.Time { return clock }})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

const person = "640221198001010015"

// request is a Pingluo inpatient claim (RULES.md §2.1: 300 deductible, whole-amount
// bands, annual cap 4000) at H001 for one line of the given amount.
func request(visit, amount string) []byte {
	return apitest.SettleRequest(visit, person, "H001", amount)
}

// result is the part of a core result the tests read.
type result struct {
	FundTotal money.Amount `json:"fundTotal"`
	Cash      money.Amount `json:"cash"`
	Total     money.Amount `json:"total"`
}

func decode(t *testing.T, raw []byte) result {
	t.Helper()
	var r result
	if err := jsonv2.Unmarshal(raw, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func code(err error) core.Code { return core.ErrorCode(err) }

// paid returns the inpatient pool's year-to-date payment as the ledger holds it.
func paid(t *testing.T, l *ledger.Ledger) money.Amount {
	t.Helper()
	var tot claim.Totals
	err := l.Store().View(context.Background(), func(tx ledger.Tx) error {
		var err error
		tot, err = tx.LockTotals(context.Background(), person, 2025)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tot.Fund("inpatient").Paid
}

func TestSettleIdempotent(t *testing.T) {
	forEachStore(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		first, err := l.Settle(ctx, "k1", request("V1", "1000.00"))
		if err != nil {
			t.Fatal(err)
		}
		want := decode(t, first.Result)
		if first.Replayed || first.Seq != 1 {
			t.Fatalf("first settle: %+v", first.Receipt)
		}
		again, err := l.Settle(ctx, "k1", request("V1", "1000.00"))
		if err != nil {
			t.Fatal(err)
		}
		if !again.Replayed || again.Seq != first.Seq || string(again.Result) != string(first.Result) {
			t.Fatalf("retry: got seq %d replayed %v, want the original %d", again.Seq, again.Replayed, first.Seq)
		}
		if got := paid(t, l); got.Cmp(want.FundTotal) != 0 {
			t.Fatalf("a retry counted twice: year paid %s, want %s", got, want.FundTotal)
		}
		// Asking for the explanation changes no figure: the same bill, replayed.
		explained := strings.Replace(string(request("V1", "1000.00")), `"schema":1,`, `"schema":1,"lang":"en",`, 1)
		if !strings.Contains(explained, `"lang":"en"`) {
			t.Fatal("the request has no schema member to put lang after")
		}
		again, err = l.Settle(ctx, "k1", []byte(explained))
		if err != nil || !again.Replayed || again.Seq != first.Seq {
			t.Fatalf("retry asking for English: %v, %+v; want the original %d replayed", err, again, first.Seq)
		}
		_, err = l.Settle(ctx, "k1", request("V1", "1200.00"))
		if code(err) != apierr.SettlementConflict {
			t.Fatalf("same visit, other bill: got %v, want %s", err, apierr.SettlementConflict)
		}
	})
}

func TestSettleConcurrentCap(t *testing.T) {
	forEachStore(t, func(t *testing.T, l *ledger.Ledger) {
		// Fifty stays of 2000.00 at once. Alone each pays (2000 − 300) × 30% = 510.00 (the
		// 1501–2000 band);
		// the 4000.00 annual cap must stop the sum whatever the order.
		ctx := context.Background()
		var wg sync.WaitGroup
		var mu sync.Mutex
		sum := money.Fen(0)
		errs := make(chan error, 50)
		for i := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := l.Settle(ctx, "k1", request(fmt.Sprintf("C%02d", i), "2000.00"))
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				sum = sum.Add(decode(t, s.Result).FundTotal)
				mu.Unlock()
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if sum.Cmp(money.Yuan(4000)) != 0 {
			t.Fatalf("fifty concurrent claims paid %s in all, want exactly the 4000.00 cap", sum)
		}
		if got := paid(t, l); got.Cmp(money.Yuan(4000)) != 0 {
			t.Fatalf("totals say %s, want 4000.00", got)
		}
	})
}

func TestReverseAndCorrect(t *testing.T) {
	forEachStore(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		a, err := l.Settle(ctx, "k1", request("A", "2000.00"))
		if err != nil {
			t.Fatal(err)
		}
		// (2000 − 300) × 30%, the 1501–2000 band's ratio.
		if got := decode(t, a.Result).FundTotal; got.Cmp(money.Fen(51000)) != 0 {
			t.Fatalf("A paid %s, want 510.00", got)
		}
		b, err := l.Settle(ctx, "k1", request("B", "1000.00")) // second stay
		if err != nil {
			t.Fatal(err)
		}
		paidB := decode(t, b.Result).FundTotal
		r, err := l.Reverse(ctx, "k2", "H001", a.Seq, "wrong patient")
		if err != nil {
			t.Fatal(err)
		}
		if r.Reverses != a.Seq || r.Seq != 3 {
			t.Fatalf("reversal receipt %+v", r)
		}
		if got := paid(t, l); got.Cmp(paidB) != 0 {
			t.Fatalf("after reversing A the year paid %s, want B's %s", got, paidB)
		}
		// The same reversal retried is the first; another one is refused.
		if again, err := l.Reverse(ctx, "k2", "H001", a.Seq, "wrong patient"); err != nil || !again.Replayed ||
			again.Seq != r.Seq || again.Reverses != a.Seq || !again.Recorded.Equal(r.Recorded) {
			t.Fatalf("retried reversal: %+v, %v", again, err)
		}
		if _, err := l.Reverse(ctx, "k2", "H001", a.Seq, "again"); code(err) != apierr.AlreadyReversed {
			t.Fatalf("second reversal: %v", err)
		}
		if _, err := l.Reverse(ctx, "k2", "H999", b.Seq, "not mine"); code(err) != apierr.NotFound {
			t.Fatalf("another institution's settlement: %v", err)
		}
		if got := paid(t, l); got.Cmp(paidB) != 0 {
			t.Fatalf("after the retried reversal the year paid %s, want B's %s", got, paidB)
		}
		// A's request again is taken for a late retry of the reversed settlement; it
		// is settled again only when the request says so, and then once.
		if _, err := l.Settle(ctx, "k1", request("A", "2000.00")); code(err) != apierr.SettlementReversed {
			t.Fatalf("re-posting a reversed settlement's request: %v", err)
		}
		if got := paid(t, l); got.Cmp(paidB) != 0 {
			t.Fatalf("the refused re-post changed the year paid to %s, want %s", got, paidB)
		}
		a2, err := l.Resettle(ctx, "k1", request("A", "2000.00"))
		if err != nil || a2.Replayed || a2.Seq != 4 {
			t.Fatalf("settling a reversed visit again: %+v, %v", a2, err)
		}
		for _, settle := range []func(context.Context, string, []byte) (*ledger.Settled, error){l.Resettle, l.Settle} {
			if s, err := settle(ctx, "k1", request("A", "2000.00")); err != nil || !s.Replayed || s.Seq != a2.Seq {
				t.Fatalf("retried re-settlement: %+v, %v", s, err)
			}
		}
		// Another bill of the reversed visit is a new settlement, not a retry.
		if _, err := l.Reverse(ctx, "k2", "H001", a2.Seq, "wrong bill"); err != nil {
			t.Fatal(err)
		}
		if _, err := l.Settle(ctx, "k1", request("A", "2100.00")); err != nil {
			t.Fatalf("settling another bill of a reversed visit: %v", err)
		}

		// B's bill was short 500.00: the correction reverses B and settles 1500.00.
		before := decode(t, b.Result)
		c, err := l.Correct(ctx, "k1", "H001", b.Seq, request("B", "1500.00"))
		if err != nil {
			t.Fatal(err)
		}
		after := decode(t, c.Result)
		if c.Corrects != b.Seq || c.Refund == nil || c.Refund.Cmp(before.Cash.Sub(after.Cash)) != 0 {
			t.Fatalf("correction receipt %+v (cash before %s, after %s)", c.Receipt, before.Cash, after.Cash)
		}
		again, err := l.Correct(ctx, "k1", "H001", b.Seq, request("B", "1500.00"))
		if err != nil || !again.Replayed || again.Seq != c.Seq {
			t.Fatalf("retried correction: %+v, %v", again, err)
		}
		if _, err := l.Correct(ctx, "k1", "H001", c.Seq, request("Z", "1500.00")); code(err) != core.FieldInvalid {
			t.Fatalf("correction changing the visit id: %v", err)
		}
		// The correction reversed B with the reason "correction"; a reversal request
		// giving that reason is not its retry.
		if _, err := l.Reverse(ctx, "k1", "H001", b.Seq, "correction"); code(err) != apierr.AlreadyReversed {
			t.Fatalf("reversing a corrected settlement: %v", err)
		}
		// The journal holds every step; the totals equal its sum.
		var kinds []string
		err = l.Store().View(ctx, func(tx ledger.Tx) error {
			for e, err := range tx.Entries(ctx, ledger.Filter{}) {
				if err != nil {
					return err
				}
				kinds = append(kinds, e.Kind)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := "settlement settlement reversal settlement reversal settlement reversal settlement"
		if got := strings.Join(kinds, " "); got != want {
			t.Fatalf("journal %q, want %q", got, want)
		}
	})
}

func TestPresettleRecordsNothing(t *testing.T) {
	forEachStore(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		if _, err := l.Settle(ctx, "k1", request("A", "8432.00")); err != nil {
			t.Fatal(err)
		}
		// The first stay used the whole 4000.00 cap (RULES.md §2.1), so a
		// pre-settlement of a second stay pays nothing, and records nothing.
		raw, err := l.Presettle(ctx, request("B", "2000.00"))
		if err != nil {
			t.Fatal(err)
		}
		if r := decode(t, raw); !r.FundTotal.IsZero() {
			t.Fatalf("presettle after the cap paid %s", r.FundTotal)
		}
		if _, err := l.Entry(ctx, "", 2); code(err) != apierr.NotFound {
			t.Fatalf("presettle recorded an entry: %v", err)
		}
	})
}

func TestSettleBadInput(t *testing.T) {
	forEachStore(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		tests := []struct {
			name string
			req  string
			code core.Code
			path string
		}{
			{"not json", `{`, core.RequestMalformed, ""},
			{"no visit id", strings.Replace(string(request("V", "1.00")), `"id":"V",`, "", 1), core.FieldRequired, "/claim/id"},
			{"no institution", strings.Replace(string(request("V", "1.00")), `"institution":"H001",`, "", 1), core.FieldRequired, "/claim/visit/institution"},
			{"bad id", strings.Replace(string(request("V", "1.00")), person, "640221198001010016", 1), core.IDChecksum, "/claim/person/id"},
			{"unknown policy", strings.Replace(string(request("V", "1.00")), "pingluo-original", "nowhere", 1), core.PolicyNotFound, "/policy"},
			{"bad amount", strings.Replace(string(request("V", "1.00")), `"1.00"`, `"1.001"`, 1), core.AmountPrecision, "/claim/items/0/amount"},
			{"amount as a number", strings.Replace(string(request("V", "1.00")), `"1.00"`, `8432`, 1), core.AmountInvalid, "/claim/items/0/amount"},
			{"family account as a number", strings.Replace(string(request("V", "1.00")), `"familyAccount":"0"`, `"familyAccount":5`, 1), core.AmountInvalid, "/claim/totals/familyAccount"},
		}
		for _, tt := range tests {
			_, err := l.Settle(ctx, "k", []byte(tt.req))
			es := core.AsErrors(err)
			if len(es) == 0 || es[0].Code != tt.code || es[0].Path != tt.path {
				t.Errorf("%s: got %v, want %s at %q", tt.name, err, tt.code, tt.path)
			}
		}
		if _, err := l.Entry(ctx, "", 1); code(err) != apierr.NotFound {
			t.Fatalf("a refused claim left an entry: %v", err)
		}
	})
}

func TestRegistryImport(t *testing.T) {
	forEachStore(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		good := "household,township,village,address,relation,id,name,category,birthDate,year,tier,paidOn\n" +
			"H1,640221100,V01,一队,head,640221198001010015,王大,farmer,1980-01-01,2024,,2023-12-01\n" +
			"H1,640221100,V01,一队,head,640221198001010015,王大,farmer,1980-01-01,2025,,2024-12-01\n" +
			"H1,640221100,V01,一队,,640221198001010023,李二,farmer,,2025,,2024-12-01\n"
		bad := strings.Replace(good, "640221198001010023", "640221198001010024", 1) + "H2,,V02,,,640221198001010015,王大,farmer,,2025,,2024-13-01\n"
		rep, err := l.Import(ctx, strings.NewReader(bad), ledger.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var paths []string
		for _, p := range rep.Problems {
			paths = append(paths, p.Path+" "+string(p.Code))
		}
		want := "/rows/2/id id_checksum,/rows/3/paidOn date_invalid,/rows/3/township field_required"
		if rep.Imported || strings.Join(paths, ",") != want {
			t.Fatalf("bad roster: imported %v, problems %q, want %q", rep.Imported, strings.Join(paths, ","), want)
		}
		if _, err := l.Person(ctx, person); code(err) != apierr.NotFound {
			t.Fatalf("a bad roster imported some rows: %v", err)
		}
		var progress []int
		rep, err = l.Import(ctx, strings.NewReader(good), ledger.ImportOptions{Progress: func(n int) { progress = append(progress, n) }})
		if err != nil || !rep.Imported || rep.Households != 1 || rep.Persons != 2 || len(progress) != 3 {
			t.Fatalf("good roster: %+v %v, progress %v", rep, err, progress)
		}
		p, err := l.Person(ctx, person)
		if err != nil || len(p.Enrollment) != 2 || p.Household != "H1" {
			t.Fatalf("imported person %+v, %v", p, err)
		}
		// A settlement of a registered person uses the registry's enrollment, not the
		// claim's, and records the township.
		req := strings.Replace(string(request("R1", "1000.00")), `{"year":2025,"paidOn":"2024-12-01"}`, "", 1)
		req = strings.Replace(req, `"2023-12-01"},]`, `"2023-12-01"}]`, 1)
		s, err := l.Settle(ctx, "k", []byte(req))
		if err != nil {
			t.Fatal(err)
		}
		e, err := l.Entry(ctx, "H001", s.Seq)
		if err != nil || !e.Eligible || e.Township != "640221100" || e.Household != "H1" {
			t.Fatalf("entry of a registered person: %+v, %v", e, err)
		}
	})
}

func TestCards(t *testing.T) {
	forEachStore(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		must(t, l.PutHousehold(ctx, ledger.Household{ID: "H1", Township: "640221100"}))
		must(t, l.PutPerson(ctx, ledger.Person{ID: person, Name: "王大", Household: "H1", Category: "farmer",
			Enrollment: []enroll.Year{{Year: 2025, PaidOn: civil.MustParse("2024-12-01")}}}))
		number := apitest.Card("622848000000001")
		day := civil.MustParse("2025-03-01")
		steps := []struct {
			ev   identity.Event
			want identity.Status
			code core.Code
		}{
			{identity.ReportLost, "", core.CardTransition}, // not issued yet
			{identity.Issue, identity.Active, ""},
			{identity.ReportLost, identity.Lost, ""},
			{identity.ReverseLoss, identity.Active, ""},
			{identity.Restore, identity.Active, core.CardTransition},
		}
		for _, s := range steps {
			rec, err := l.CardEvent(ctx, "k", ledger.CardEvent{Number: number, Owner: person, Event: s.ev, Date: day})
			if code(err) != s.code || (err == nil && rec.Status != s.want) {
				t.Fatalf("%s: got %+v, %v; want %s %s", s.ev, rec, err, s.want, s.code)
			}
		}
		verify := func(presenter string) (valid bool, problems string) {
			raw, err := l.VerifyCard(ctx, ledger.VerifyRequest{Policy: "pingluo-original", Number: number, Presenter: presenter, Date: day})
			if err != nil {
				t.Fatal(err)
			}
			var r engine.VerifyCardResult
			if err := jsonv2.Unmarshal(raw, &r); err != nil {
				t.Fatal(err)
			}
			var cs []string
			for _, p := range r.Problems {
				cs = append(cs, string(p.Code))
			}
			return r.Valid, strings.Join(cs, ",")
		}
		if ok, p := verify(person); !ok {
			t.Fatalf("owner presenting an active card: %s", p)
		}
		if ok, p := verify("640221198001010023"); ok || p != string(core.CardOwnerMismatch) {
			t.Fatalf("impersonation: valid %v, problems %q", ok, p)
		}
		if _, err := l.VerifyCard(ctx, ledger.VerifyRequest{Policy: "pingluo-original", Number: apitest.Card("622848000000002"), Presenter: person, Date: day}); code(err) != apierr.NotFound {
			t.Fatalf("unknown card: %v", err)
		}
	})
}

func TestKeys(t *testing.T) {
	forEachStore(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		secret, created, err := l.EnsureAdminKey(ctx)
		if err != nil || !created || secret == "" {
			t.Fatalf("first admin key: %q %v %v", secret, created, err)
		}
		if _, again, _ := l.EnsureAdminKey(ctx); again {
			t.Fatal("a second admin key was made")
		}
		k, err := l.Authenticate(ctx, secret)
		if err != nil || k.Role != ledger.RoleCounty {
			t.Fatalf("authenticate: %+v %v", k, err)
		}
		if _, err := l.Authenticate(ctx, secret+"x"); code(err) != apierr.Unauthorized {
			t.Fatalf("wrong secret: %v", err)
		}
		if _, _, err := l.CreateKey(ctx, ledger.RoleInstitution, "", "h"); code(err) != core.FieldRequired {
			t.Fatalf("institution key without institution: %v", err)
		}
		must(t, l.RevokeKey(ctx, k.ID))
		if _, err := l.Authenticate(ctx, secret); code(err) != apierr.Unauthorized {
			t.Fatalf("revoked key: %v", err)
		}
	})
}

func TestRestartKeepsSettlements(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ncms.db")
	s, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	l := newLedger(t, s)
	var acked []*ledger.Settled
	for i := range 20 {
		r, err := l.Settle(ctx, "k", request(fmt.Sprintf("R%d", i), "500.00"))
		if err != nil {
			t.Fatal(err)
		}
		acked = append(acked, r)
	}
	must(t, s.Close())
	l = newLedger(t, open(t, path))
	for _, a := range acked {
		e, err := l.Entry(ctx, "", a.Seq)
		if err != nil || string(e.Result) != string(a.Result) {
			t.Fatalf("settlement %d after restart: %v", a.Seq, err)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestSameVisitRace sends first settlements of one visit naming different people at
// once: they lock different totals, so only the visit's own lock can keep the rule of
// one settlement per visit.
func TestSameVisitRace(t *testing.T) {
	forEachStore(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		others := []string{person, "640221198001010023", "640221198502020035"}
		var wg sync.WaitGroup
		results := make(chan error, len(others)*4)
		for i := range len(others) * 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req := strings.Replace(string(request("SAME", "1000.00")), person, others[i%len(others)], 1)
				if i%len(others) == 2 {
					req = strings.Replace(req, "1980-01-01", "1985-02-02", 1)
				}
				_, err := l.Settle(ctx, "k", []byte(req))
				results <- err
			}()
		}
		wg.Wait()
		close(results)
		settled, conflicts := 0, 0
		for err := range results {
			switch code(err) {
			case "":
				settled++ // the first, or a replay of the same person's bill
			case apierr.SettlementConflict:
				conflicts++
			default:
				t.Fatal(err)
			}
		}
		n := 0
		err := l.Store().View(ctx, func(tx ledger.Tx) error {
			for _, err := range tx.Entries(ctx, ledger.Filter{}) {
				if err != nil {
					return err
				}
				n++
			}
			return nil
		})
		if err != nil || n != 1 || conflicts != 8 || settled != 4 {
			t.Fatalf("%d entries, %d settled, %d conflicts (%v); want 1 entry, 4 answers of it, 8 conflicts", n, settled, conflicts, err)
		}
	})
}

// TestReplicasSeePublishedPolicies runs two ledgers on one store, as two server
// replicas on one database: a version published through one applies at once on the
// other, and a publication that fails is used by neither.
func TestReplicasSeePublishedPolicies(t *testing.T) {
	for name, opener := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := opener(t)
			a, b := newLedger(t, s), newLedger(t, s)
			doc := newVersion(t, a, "2026.2", `"from": "1000.00", "rate": "0.25"`, `"from": "1000.00", "rate": "0.9"`)
			cancelled, cancel := context.WithCancel(ctx)
			cancel()
			if _, err := a.LoadPolicy(cancelled, doc); err == nil {
				t.Fatal("publishing with a cancelled context succeeded")
			}
			if _, err := a.Engine().Find("pingluo-original", "2026.2", civil.Date{}); err == nil {
				t.Fatal("a policy whose publication failed is in use")
			}
			if _, err := a.LoadPolicy(ctx, doc); err != nil {
				t.Fatal(err)
			}
			s1, err := b.Settle(ctx, "k", request("P1", "1200.00"))
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				Policy struct {
					Version string `json:"version"`
				} `json:"policy"`
			}
			if err := jsonv2.Unmarshal(s1.Result, &got); err != nil || got.Policy.Version != "2026.2" {
				t.Fatalf("the other replica settled under version %q (%v), want 2026.2", got.Policy.Version, err)
			}
		})
	}
}

// newVersion returns the canonical document of pingluo-original as a new version,
// with one text replaced.
func newVersion(t *testing.T, l *ledger.Ledger, version, old, new string) []byte {
	t.Helper()
	p, err := l.Engine().Find("pingluo-original", "", civil.Date{})
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(string(p.Canonical()), `"version":"`+p.Version()+`"`, `"version":"`+version+`"`, 1)
	old, new = strings.ReplaceAll(old, " ", ""), strings.ReplaceAll(new, " ", "")
	if !strings.Contains(doc, old) {
		t.Fatalf("the policy has no %s", old)
	}
	return []byte(strings.Replace(doc, old, new, 1))
}

// TestConcurrentCardEvents issues one card number to two people at once: one issue
// wins, the other is an invalid transition.
func TestConcurrentCardEvents(t *testing.T) {
	forEachStore(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		must(t, l.PutHousehold(ctx, ledger.Household{ID: "H1", Township: "640221100"}))
		owners := []string{person, "640221198001010023"}
		for _, id := range owners {
			must(t, l.PutPerson(ctx, ledger.Person{ID: id, Name: "某", Household: "H1", Category: "farmer"}))
		}
		number := apitest.Card("622848000000009")
		var wg sync.WaitGroup
		errs := make([]error, 24)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = l.CardEvent(ctx, "k", ledger.CardEvent{Number: number, Owner: owners[i%2],
					Event: identity.Issue, Date: civil.MustParse("2025-03-01")})
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch code(err) {
			case "":
				ok++
			case core.CardTransition:
			default:
				t.Fatal(err)
			}
		}
		_, evs, err := l.Card(ctx, number)
		if err != nil || ok != 1 || len(evs) != 1 {
			t.Fatalf("%d issues succeeded, %d events (%v); want exactly one", ok, len(evs), err)
		}
	})
}

// TestConcurrentCorrections sends one correction twice at once: both get the one
// corrected settlement, one of them as a replay.
func TestConcurrentCorrections(t *testing.T) {
	forEachStore(t, func(t *testing.T, l *ledger.Ledger) {
		ctx := context.Background()
		s, err := l.Settle(ctx, "k", request("C1", "1000.00"))
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		out := make([]*ledger.Settled, 2)
		errs := make([]error, 2)
		for i := range out {
			wg.Add(1)
			go func() {
				defer wg.Done()
				out[i], errs[i] = l.Correct(ctx, "k", "H001", s.Seq, request("C1", "1500.00"))
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if out[0].Seq != out[1].Seq || out[0].Replayed == out[1].Replayed {
			t.Fatalf("corrections %+v and %+v: want one settlement, one replay", out[0].Receipt, out[1].Receipt)
		}
	})
}
