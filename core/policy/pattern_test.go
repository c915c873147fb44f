package policy

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// TestPatternMatchesRegexp holds certificate patterns to package regexp, which read
// them before: every pattern compilePattern accepts must accept exactly the texts the
// anchored regular expression matches. Patterns and texts are random over the
// characters certificate numbers use, with the counties' real patterns among them.
func TestPatternMatchesRegexp(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	atoms := []string{"6", "2", "0", "a", "B", "-", ".", "[0-9]", "[^0-9]", "[A-Z0-9]", "[-a]", "\\d", "\\.", "\\-", "医", "[医保]"}
	quants := []string{"", "", "", "?", "*", "+", "{2}", "{0,3}", "{1,}", "{10}"}
	texts := []string{"", "6207", "62070000000000", "620700000000001", "a-B", "医保", "..", "12345678901234", "6", "0a", "\n", "--"}
	patterns := []string{"6207[0-9]{10}", "610125[0-9]{8}", "63[0-9]{12}", "^4101[0-9]{10}$", "[A-Z]{2}\\d{6}"}
	for n := 0; n < 3000; n++ {
		var b strings.Builder
		for k := r.IntN(5); k >= 0; k-- {
			b.WriteString(atoms[r.IntN(len(atoms))])
			b.WriteString(quants[r.IntN(len(quants))])
		}
		patterns = append(patterns, b.String())
	}
	for _, p := range patterns {
		ours, err := compilePattern(p)
		if err != nil {
			t.Fatalf("%q refused: %v", p, err)
		}
		re := regexp.MustCompile("^(?:" + p + ")$")
		cands := append([]string(nil), texts...)
		for k := 0; k < 20; k++ {
			var b strings.Builder
			for j := r.IntN(16); j > 0; j-- {
				b.WriteString([]string{"6", "2", "0", "7", "a", "B", "-", ".", "医", "保", "9"}[r.IntN(11)])
			}
			cands = append(cands, b.String())
		}
		for _, s := range cands {
			if got, want := ours.MatchString(s), re.MatchString(s); got != want {
				t.Fatalf("pattern %q on %q: %v, regexp says %v", p, s, got, want)
			}
		}
	}
}

// TestPatternRefusesTheRest: what the subset leaves out is refused with its offset,
// never read as something else.
func TestPatternRefusesTheRest(t *testing.T) {
	for _, p := range []string{"(62|63)[0-9]", "a|b", "[0-9", "a{1", "a{3,2}", "\\w+", "a**", "[[:digit:]]", "a{1001}", "^^a", "x\\"} {
		if _, err := compilePattern(p); err == nil {
			t.Errorf("%q accepted", p)
		}
	}
}
