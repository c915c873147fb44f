package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/server/ledger"
	"github.com/ruralhealth/ncms/server/store/storetest"
)

func openTestSQLite(t *testing.T) *sqliteStore {
	t.Helper()
	s, err := openSQLite(t.Context(), filepath.Join(t.TempDir(), "ncms.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// holdWriter runs an Update whose fn waits for release, so that later Updates queue
// up behind it; it returns once the fn runs, and a channel with its result.
func holdWriter(t *testing.T, s *sqliteStore) (release func(), done <-chan error) {
	running, hold := make(chan struct{}), make(chan struct{})
	out := make(chan error, 1)
	go func() {
		out <- s.Update(context.Background(), func(ledger.Tx) error {
			close(running)
			<-hold
			return nil
		})
	}()
	<-running
	return func() { close(hold) }, out
}

// waitQueued waits until n Updates are queued for the writer.
func waitQueued(s *sqliteStore, n int) {
	for len(s.queue) < n {
		runtime.Gosched()
	}
}

// TestGroupCommit queues Updates behind a held writer, so they run as one group,
// and checks that the group is one transaction in which a failing fn takes back
// only its own writes.
func TestGroupCommit(t *testing.T) {
	s := openTestSQLite(t)
	release, first := holdWriter(t, s)
	before := s.groups.Load()

	const n = 9
	errFail := errors.New("refused")
	results := make(chan error, n)
	for i := range n {
		go func() {
			results <- s.Update(context.Background(), func(tx ledger.Tx) error {
				ctx := context.Background()
				person := fmt.Sprintf("P%d", i)
				if err := tx.PutTotals(ctx, person, 2024, claim.Totals{Year: 2024}); err != nil {
					return err
				}
				if _, err := tx.Append(ctx, storetest.Settlement("H001", person, person, "2024-03-01")); err != nil {
					return err
				}
				if i%3 == 1 {
					return errFail
				}
				return nil
			})
		}()
	}
	waitQueued(s, n)
	release()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	failed := 0
	for range n {
		switch err := <-results; {
		case errors.Is(err, errFail):
			failed++
		case err != nil:
			t.Errorf("Update: %v", err)
		}
	}
	if failed != n/3 {
		t.Errorf("%d Updates failed, want %d", failed, n/3)
	}
	if g := s.groups.Load() - before; g != 1 {
		t.Errorf("the %d queued Updates took %d transactions, want 1", n, g)
	}
	err := s.View(context.Background(), func(tx ledger.Tx) error {
		for i := range n {
			person := fmt.Sprintf("P%d", i)
			_, err := tx.Current(context.Background(), "H001", person)
			switch {
			case i%3 == 1 && !errors.Is(err, ledger.ErrNotFound):
				t.Errorf("%s failed, but Current: %v", person, err)
			case i%3 != 1 && err != nil:
				t.Errorf("%s succeeded, but Current: %v", person, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCancelledWhileQueued checks that an Update whose context ends while it waits
// for the writer returns at once and its fn never runs.
func TestCancelledWhileQueued(t *testing.T) {
	s := openTestSQLite(t)
	release, first := holdWriter(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan struct{}, 1)
	second := make(chan error, 1)
	go func() {
		second <- s.Update(ctx, func(ledger.Tx) error {
			ran <- struct{}{}
			return nil
		})
	}()
	waitQueued(s, 1)
	cancel()
	if err := <-second; !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	release()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	// The writer has dropped the abandoned request by the time a later Update runs.
	if err := s.Update(context.Background(), func(ledger.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ran:
		t.Error("the cancelled Update's fn ran")
	default:
	}
}

// TestCloseDrainsQueue checks that Close commits what is queued before it returns.
func TestCloseDrainsQueue(t *testing.T) {
	s := openTestSQLite(t)
	release, first := holdWriter(t, s)
	const n = 5
	results := make(chan error, n)
	for i := range n {
		go func() {
			results <- s.Update(context.Background(), func(tx ledger.Tx) error {
				return tx.PutTotals(context.Background(), fmt.Sprint("P", i), 2024, claim.Totals{Year: 2024})
			})
		}()
	}
	waitQueued(s, n)
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	release()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	for range n {
		if err := <-results; err != nil {
			t.Errorf("queued Update: %v", err)
		}
	}
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
}

// TestCancelledInGroup checks that a caller can give up while an earlier fn of its
// own group runs: it returns at once, and its fn never runs.
func TestCancelledInGroup(t *testing.T) {
	s := openTestSQLite(t)
	release, first := holdWriter(t, s)

	aRunning, aHold := make(chan struct{}), make(chan struct{})
	a := make(chan error, 1)
	go func() {
		a <- s.Update(context.Background(), func(ledger.Tx) error {
			close(aRunning)
			<-aHold
			return nil
		})
	}()
	waitQueued(s, 1)
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan struct{}, 1)
	b := make(chan error, 1)
	go func() {
		b <- s.Update(ctx, func(ledger.Tx) error {
			ran <- struct{}{}
			return nil
		})
	}()
	waitQueued(s, 2)
	release()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	<-aRunning // a and b are one group now, and a is running
	cancel()
	if err := <-b; !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	close(aHold)
	if err := <-a; err != nil {
		t.Fatal(err)
	}
	select {
	case <-ran:
		t.Error("the cancelled Update's fn ran")
	default:
	}
}
