package ledger_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/server/api/apitest"
	"github.com/ruralhealth/ncms/server/apierr"
	"github.com/ruralhealth/ncms/server/ledger"
)

// clockedLedger is a ledger over s whose clock the test moves.
func clockedLedger(t testing.TB, s ledger.Store, at time.Time) (*ledger.Ledger, *apitest.Clock) {
	t.Helper()
	e, err := engine.WithExamples()
	if err != nil {
		t.Fatal(err)
	}
	clock := apitest.NewClock(at)
	l, err := ledger.New(context.Background(), s, e, nil, ledger.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return l, clock
}

// forEachClockedStore runs f on a fresh clocked ledger over each store.
func forEachClockedStore(t *testing.T, at time.Time, f func(t *testing.T, l *ledger.Ledger, clock *apitest.Clock)) {
	for name, opener := range stores(t) {
		t.Run(name, func(t *testing.T) {
			l, clock := clockedLedger(t, opener(t), at)
			f(t, l, clock)
		})
	}
}

// cst is 10:00 on day d in China Standard Time, plus some minutes.
func cst(d civil.Date, minutes int) time.Time {
	return ledger.DayStart(d).Add(10*time.Hour + time.Duration(minutes)*time.Minute)
}

// owedByMonth sums the journal independently of the books: what each institution's
// entries recorded in each month owe (fund + family account, reversals negative).
func owedByMonth(t *testing.T, l *ledger.Ledger) map[[2]string]money.Amount {
	t.Helper()
	out := map[[2]string]money.Amount{}
	err := l.Store().View(t.Context(), func(tx ledger.Tx) error {
		for e, err := range tx.Entries(t.Context(), ledger.Filter{}) {
			if err != nil {
				return err
			}
			owed := e.FundTotal.Add(e.Delta.FamilyAccount)
			if e.Kind == ledger.KindReversal {
				owed = money.Amount{}.Sub(owed)
			}
			k := [2]string{e.Institution, e.Recorded.In(ledger.CST).Format("2006-01")}
			out[k] = out[k].Add(owed)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestBooksInvariants runs a random month of settlements, reversals and corrections
// at three institutions, each day's at once, states it in two parts (an on-demand
// half month, issued while the next day's settlements are recorded, then the rest),
// deducts, approves and pays at random, and checks on both stores: the
// journal = the statements = approved payments + deductions (+ pending) per
// institution and month, the reconciliation balanced, a batch run twice posted once,
// and no statement in two batches.
func TestBooksInvariants(t *testing.T) {
	june := civil.New(2025, time.June, 1)
	forEachClockedStore(t, cst(june, 0), func(t *testing.T, l *ledger.Ledger, clock *apitest.Clock) {
		ctx := t.Context()
		seed := uint64(time.Now().UnixNano())
		t.Logf("seed %d", seed)
		rng := rand.New(rand.NewPCG(seed, 14))
		insts := []string{"H001", "H002", "H003"}
		type visit struct{ inst, id, person string }
		live := map[int64]visit{} // settlement seq → its visit
		var seqs []int64
		n := 0
		// Each day's operations run at once; on the 16th the first half month is
		// stated (on demand) while the day's settlements are being recorded.
		var mu sync.Mutex // over rng, n, live and seqs
		for day := 1; day <= 30; day++ {
			d := civil.New(2025, time.June, day)
			clock.Set(cst(d, 0))
			var wg sync.WaitGroup
			if day == 16 {
				wg.Go(func() {
					if _, err := l.IssueStatements(ctx, "k", "", june, d.AddDays(-1)); err != nil {
						t.Error(err)
					}
				})
			}
			for range 4 {
				mu.Lock()
				switch k := rng.IntN(10); {
				case k < 6 || len(seqs) == 0:
					n++
					v := visit{insts[rng.IntN(3)], fmt.Sprintf("V%d", n), apitest.PersonID(1 + rng.IntN(40))}
					amount := fmt.Sprintf("%d.%02d", 300+rng.IntN(6000), rng.IntN(100))
					wg.Go(func() {
						s, err := l.Settle(ctx, "k", apitest.SettleRequest(v.id, v.person, v.inst, amount))
						if err != nil {
							t.Error(err)
							return
						}
						mu.Lock()
						defer mu.Unlock()
						live[s.Seq], seqs = v, append(seqs, s.Seq)
					})
				case k < 8:
					i := rng.IntN(len(seqs))
					seq := seqs[i]
					delete(live, seq)
					seqs = append(seqs[:i], seqs[i+1:]...)
					wg.Go(func() {
						if _, err := l.Reverse(ctx, "k", "", seq, "录入错误"); err != nil {
							t.Error(err)
						}
					})
				default:
					i := rng.IntN(len(seqs))
					seq := seqs[i]
					v := live[seq]
					delete(live, seq)
					seqs = append(seqs[:i], seqs[i+1:]...)
					amount := fmt.Sprintf("%d.00", 300+rng.IntN(6000))
					wg.Go(func() {
						s, err := l.Correct(ctx, "k", "", seq, "amount corrected", apitest.SettleRequest(v.id, v.person, v.inst, amount))
						if err != nil {
							t.Error(err)
							return
						}
						mu.Lock()
						defer mu.Unlock()
						live[s.Seq], seqs = v, append(seqs, s.Seq)
					})
				}
				mu.Unlock()
			}
			wg.Wait()
			if t.Failed() {
				t.FailNow()
			}
		}
		clock.Set(cst(civil.New(2025, time.July, 2), 0))
		if _, err := l.IssueStatements(ctx, "k", "", june, june.AddMonths(1).AddDays(-1)); err == nil {
			t.Fatal("a month overlapping the half month's statements was issued")
		}
		ss, err := l.IssueStatements(ctx, "k", "", civil.New(2025, time.June, 16), civil.New(2025, time.June, 30))
		if err != nil {
			t.Fatal(err)
		}
		all, err := l.Statements(ctx, ledger.StatementQuery{}, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(all) < len(ss) || len(all) > 6 {
			t.Fatalf("%d statements", len(all))
		}
		// Random deductions, each on an entry of its statement, and approvals.
		for _, s := range all {
			var entries []int64
			err := l.Store().View(ctx, func(tx ledger.Tx) error {
				f := ledger.Filter{Institution: s.Institution, RecordedFrom: ledger.DayStart(s.From), RecordedTo: ledger.DayStart(s.To.AddDays(1))}
				for e, err := range tx.Entries(ctx, f) {
					if err != nil {
						return err
					}
					entries = append(entries, e.Seq)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			left := s.Figures.Owed
			for i := range rng.IntN(3) {
				if left.Sign() <= 0 || len(entries) == 0 {
					break
				}
				amount := money.MulDiv(left, money.Fen(int64(1+rng.IntN(40))), money.Fen(100), 2, money.Down)
				if amount.Sign() <= 0 {
					break
				}
				_, err := l.Deduct(ctx, "op_auditor", s.ID, ledger.DeductionRequest{Amount: amount,
					Reason: fmt.Sprintf("违规 %d", i), Entries: []int64{entries[rng.IntN(len(entries))]}})
				if err != nil {
					t.Fatal(err)
				}
				left = left.Sub(amount)
			}
			if rng.IntN(4) > 0 {
				if _, err := l.Approve(ctx, "k_county", s.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		// A batch run twice posts once.
		b1, err := l.CreateBatch(ctx, "k_county", ledger.BatchRequest{Key: "june"})
		if err != nil && code(err) != apierr.BatchEmpty {
			t.Fatal(err)
		}
		if err == nil {
			b2, err := l.CreateBatch(ctx, "k_county", ledger.BatchRequest{Key: "june"})
			if err != nil || b2.ID != b1.ID || !b2.Replayed || b2.Total.Cmp(b1.Total) != 0 {
				t.Fatalf("again: %+v %v, first %+v", b2, err, b1)
			}
			if _, err := l.MarkPaid(ctx, "k_county", b1.ID, ledger.PaymentRequest{PaidOn: civil.New(2025, time.July, 2), Reference: "ABC"}); err != nil {
				t.Fatal(err)
			}
		}
		checkBooks(t, l, owedByMonth(t, l))
	})
}

// checkBooks checks the books against the journal's sums.
func checkBooks(t *testing.T, l *ledger.Ledger, journal map[[2]string]money.Amount) {
	t.Helper()
	ctx := t.Context()
	all, err := l.Statements(ctx, ledger.StatementQuery{}, "")
	if err != nil {
		t.Fatal(err)
	}
	stated := map[[2]string]money.Amount{}
	batched := map[int64]money.Amount{}
	for _, s := range all {
		k := [2]string{s.Institution, s.From.String()[:7]}
		stated[k] = stated[k].Add(s.Figures.Owed)
		if s.Approval == nil {
			continue
		}
		if sum := s.Approval.Amount.Add(s.Deducted()); sum.Cmp(s.Figures.Owed) != 0 || s.Approval.Deducted.Cmp(s.Deducted()) != 0 {
			t.Errorf("statement %d: approved %s + deducted %s ≠ owed %s", s.ID, s.Approval.Amount, s.Deducted(), s.Figures.Owed)
		}
		if s.Batch != 0 {
			batched[s.Batch] = batched[s.Batch].Add(s.Approval.Amount)
		}
	}
	for k, want := range journal {
		if got := stated[k]; got.Cmp(want) != 0 {
			t.Errorf("%s %s: statements %s, journal %s", k[0], k[1], got, want)
		}
	}
	for id, sum := range batched {
		b, err := l.Batch(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if b.Total.Cmp(sum) != 0 {
			t.Errorf("batch %d: total %s, its statements' approved amounts %s", id, b.Total, sum)
		}
	}
	rep, err := l.Reconcile(ctx, civil.New(2025, time.June, 1), civil.New(2025, time.June, 30))
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Balanced {
		t.Errorf("reconciliation not balanced: %+v", rep.Rows)
	}
	for _, r := range rep.Rows {
		if !r.Unstated.IsZero() || r.Journal.Cmp(r.Stated) != 0 || r.Stated.Cmp(r.Approved.Add(r.Deducted).Add(r.Pending)) != 0 {
			t.Errorf("row %+v does not add up", r)
		}
	}
}

// TestBooksConcurrent checks the books' promises under concurrency on both stores:
// one idempotency key run by eight callers at once is one batch; concurrent
// deductions never exceed the statement; and settlements racing the year's close
// either are in the close's figures or are refused with year_closed, never after it.
func TestBooksConcurrent(t *testing.T) {
	forEachClockedStore(t, cst(civil.New(2025, time.June, 1), 0), func(t *testing.T, l *ledger.Ledger, clock *apitest.Clock) {
		ctx := t.Context()
		for i := range 6 {
			req := apitest.SettleRequest(fmt.Sprintf("P%d", i), apitest.PersonID(100+i), "H001", "3000.00")
			if _, err := l.Settle(ctx, "k", req); err != nil {
				t.Fatal(err)
			}
		}
		clock.Set(cst(civil.New(2025, time.June, 2), 0))
		ss, err := l.IssueStatements(ctx, "k", "H001", civil.New(2025, time.June, 1), civil.New(2025, time.June, 1))
		if err != nil {
			t.Fatal(err)
		}
		s := ss[0]
		share := money.MulDiv(s.Figures.Owed, money.Fen(3), money.Fen(10), 2, money.Down) // three fit, a fourth does not
		var wg sync.WaitGroup
		var mu sync.Mutex
		deducted := 0
		for i := range 6 {
			wg.Go(func() {
				_, err := l.Deduct(ctx, "op_a", s.ID, ledger.DeductionRequest{Amount: share, Reason: fmt.Sprintf("第 %d 项", i), Entries: []int64{1}})
				mu.Lock()
				defer mu.Unlock()
				switch code(err) {
				case "":
					deducted++
				case apierr.DeductionExceeds:
				default:
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if deducted != 3 {
			t.Errorf("%d deductions of 30%% recorded", deducted)
		}
		if _, err := l.Approve(ctx, "k", s.ID); err != nil {
			t.Fatal(err)
		}
		ids := make([]int64, 8)
		for i := range ids {
			wg.Go(func() {
				b, err := l.CreateBatch(ctx, "k", ledger.BatchRequest{Key: "once"})
				if err != nil {
					t.Error(err)
					return
				}
				ids[i] = b.ID
			})
		}
		wg.Wait()
		for _, id := range ids {
			if id != ids[0] {
				t.Fatalf("one key made batches %v", ids)
			}
		}
		if _, err := l.Batch(ctx, ids[0]+1); code(err) != apierr.NotFound {
			t.Fatalf("a second batch exists: %v", err)
		}

		// Eight callers with their own keys race for four statements, two for each:
		// every statement goes into one batch, and the batches pay what was approved.
		for i, inst := range []string{"H002", "H003", "H004", "H005"} {
			req := apitest.SettleRequest(fmt.Sprintf("Q%d", i), apitest.PersonID(150+i), inst, "2000.00")
			if _, err := l.Settle(ctx, "k", req); err != nil {
				t.Fatal(err)
			}
		}
		clock.Set(cst(civil.New(2025, time.June, 3), 0))
		four, err := l.IssueStatements(ctx, "k", "", civil.New(2025, time.June, 2), civil.New(2025, time.June, 2))
		if err != nil || len(four) != 4 {
			t.Fatalf("%d statements, %v", len(four), err)
		}
		var approved money.Amount
		for _, s := range four {
			a, err := l.Approve(ctx, "k", s.ID)
			if err != nil {
				t.Fatal(err)
			}
			approved = approved.Add(a.Approval.Amount)
		}
		won := make([]*ledger.Batch, 8)
		for i := range won {
			wg.Go(func() {
				b, err := l.CreateBatch(ctx, "k", ledger.BatchRequest{Key: fmt.Sprintf("k%d", i), Statements: []int64{four[i%4].ID}})
				switch code(err) {
				case "":
					won[i] = b
				case apierr.StatementBatched:
				default:
					t.Error(err)
				}
			})
		}
		wg.Wait()
		var paid money.Amount
		for i := range 4 {
			if (won[i] == nil) == (won[i+4] == nil) {
				t.Errorf("statement %d: batched by %v and %v", four[i].ID, won[i], won[i+4])
			}
		}
		for _, b := range won {
			if b != nil {
				paid = paid.Add(b.Total)
			}
		}
		if paid.Cmp(approved) != 0 {
			t.Errorf("batches pay %s, approved %s", paid, approved)
		}

		// Settlements of 2025 racing its close.
		clock.Set(cst(civil.New(2026, time.January, 5), 0))
		const callers = 24
		settled := make([]bool, callers)
		var closed *ledger.YearClose
		for i := range callers {
			wg.Go(func() {
				if i == callers/2 {
					c, err := l.CloseYear(ctx, "k_county", 2025)
					if err != nil {
						t.Error(err)
					}
					closed = c
				}
				req := apitest.SettleRequest(fmt.Sprintf("R%d", i), apitest.PersonID(200+i), "H002", "1000.00")
				_, err := l.Settle(ctx, "k", req)
				switch code(err) {
				case "":
					settled[i] = true
				case apierr.YearClosed:
				default:
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if closed == nil {
			t.Fatal("no close")
		}
		n := 10 // P0–P5 and Q0–Q3 above
		for _, ok := range settled {
			if ok {
				n++
			}
		}
		y, err := l.Year(ctx, 2025)
		if err != nil {
			t.Fatal(err)
		}
		if closed.Figures.Settlements != n || y.Journal.Settlements != n || y.Journal.Owed.Cmp(closed.Figures.Owed) != 0 {
			t.Errorf("close counts %d settlements, the journal %d, %d succeeded", closed.Figures.Settlements, y.Journal.Settlements, n)
		}
		if _, err := l.Settle(ctx, "k", apitest.SettleRequest("late", apitest.PersonID(300), "H002", "1000.00")); code(err) != apierr.YearClosed {
			t.Errorf("a settlement after the close: %v", err)
		}
		again, err := l.CloseYear(ctx, "k_county", 2025)
		if err != nil || !again.Replayed || !again.Recorded.Equal(closed.Recorded) {
			t.Errorf("closing twice: %+v %v", again, err)
		}
	})
}

// TestReconcileFlags writes books that do not match the journal straight into the
// store, as a faulty replica or a hand-edited import might, and checks that the
// reconciliation flags each difference on both stores.
func TestReconcileFlags(t *testing.T) {
	june := civil.New(2025, time.June, 1)
	forEachClockedStore(t, cst(june, 0), func(t *testing.T, l *ledger.Ledger, clock *apitest.Clock) {
		ctx := t.Context()
		if _, err := l.Settle(ctx, "k", apitest.SettleRequest("F1", apitest.PersonID(1), "H001", "3000.00")); err != nil {
			t.Fatal(err)
		}
		clock.Set(cst(june.AddDays(1), 0))
		ss, err := l.IssueStatements(ctx, "k", "H001", june, june)
		if err != nil {
			t.Fatal(err)
		}
		good := ss[0]
		wrong := money.MustAmount("1.00")
		err = l.Store().Update(ctx, func(tx ledger.Tx) error {
			// Statement of June 2 claiming an amount the journal does not have, and
			// an approval of the good one that loses a yuan.
			f := ledger.NewFigures()
			f.Owed = wrong
			bad := &ledger.Statement{Institution: "H001", From: june.AddDays(1), To: june.AddDays(1), Figures: f, Recorded: clock.Now(), Actor: "k"}
			if _, err := tx.AppendStatement(ctx, bad); err != nil {
				return err
			}
			return tx.AppendApproval(ctx, ledger.Approval{Statement: good.ID, Amount: good.Figures.Owed.Sub(wrong), Recorded: clock.Now(), Actor: "k"})
		})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := l.Reconcile(ctx, june, june)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Balanced || len(rep.Rows) != 1 {
			t.Fatalf("%+v", rep)
		}
		var codes []ledger.DifferenceCode
		for _, d := range rep.Rows[0].Differences {
			codes = append(codes, d.Code)
		}
		if want := []ledger.DifferenceCode{ledger.DiffApproval, ledger.DiffStatementJournal}; fmt.Sprint(codes) != fmt.Sprint(want) {
			t.Errorf("differences %v, want %v", codes, want)
		}
	})
}
