package sha256

import (
	"crypto/sha256"
	"math/rand/v2"
	"testing"
)

// TestMatchesCrypto compares Sum256 with crypto/sha256 on every length around the
// block and padding boundaries and on random data.
func TestMatchesCrypto(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 300; n++ {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(r.Uint32())
		}
		if got, want := Sum256(data), sha256.Sum256(data); got != want {
			t.Fatalf("length %d: %x, want %x", n, got, want)
		}
	}
	big := make([]byte, 1<<20+13)
	for i := range big {
		big[i] = byte(i * 7)
	}
	if Sum256(big) != sha256.Sum256(big) {
		t.Fatal("1 MiB: digests differ")
	}
}
