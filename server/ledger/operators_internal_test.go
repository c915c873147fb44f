package ledger

import (
	"testing"
	"time"
)

// TestLockFor checks the back-off: nothing before LockAfter failures, LockBase at
// the LockAfter-th, doubling at each further one, never past LockMax.
func TestLockFor(t *testing.T) {
	for _, tc := range []struct {
		failures int
		want     time.Duration
	}{
		{0, 0}, {1, 0}, {LockAfter - 1, 0},
		{LockAfter, 30 * time.Second},
		{LockAfter + 1, time.Minute},
		{LockAfter + 2, 2 * time.Minute},
		{LockAfter + 6, 32 * time.Minute},
		{LockAfter + 7, time.Hour}, // 64 minutes, capped
		{1000, time.Hour},
	} {
		if got := lockFor(tc.failures); got != tc.want {
			t.Errorf("lockFor(%d) = %v, want %v", tc.failures, got, tc.want)
		}
	}
}
