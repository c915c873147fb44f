package core

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// splitLess is pathLess as it was first written, over strings.Split: the reference.
func splitLess(a, b string) bool {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	for i := 0; i < len(as) && i < len(bs); i++ {
		if as[i] == bs[i] {
			continue
		}
		ai, aok := index(as[i])
		bi, bok := index(bs[i])
		if aok && bok {
			return ai < bi
		}
		return as[i] < bs[i]
	}
	return len(as) < len(bs)
}

// TestPathLess wants the order of the reference on chosen and random pointers, and
// no allocation.
func TestPathLess(t *testing.T) {
	paths := []string{"", "/", "//", "/a", "/a/", "/a/b", "/b", "/items", "/items/9", "/items/10", "/items/10/amount",
		"/items/x", "/rows/0/head", "/rows/0/id", "/rows/1", "/rows/01", "/rows/1000000000", "/rows/999999999", "a", "a/b"}
	segs := []string{"", "0", "1", "2", "10", "01", "a", "b", "id"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		var b strings.Builder
		for range rng.IntN(4) {
			b.WriteString("/" + segs[rng.IntN(len(segs))])
		}
		paths = append(paths, b.String())
	}
	for _, a := range paths {
		for _, b := range paths {
			if got, want := pathLess(a, b), splitLess(a, b); got != want {
				t.Errorf("pathLess(%q, %q) = %v, want %v", a, b, got, want)
			}
		}
	}
	if n := testing.AllocsPerRun(100, func() { pathLess("/rows/12/head", "/rows/12/id") }); n != 0 {
		t.Errorf("pathLess allocates %v times", n)
	}
}
