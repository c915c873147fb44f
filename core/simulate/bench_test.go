package simulate_test

import (
	"bytes"
	"os"
	"strconv"
	"testing"

	"github.com/ruralhealth/ncms/core/simulate"
	"github.com/ruralhealth/ncms/countyyear"
)

// benchClaims is the size of the year BenchmarkSimulate replays; NCMS_SIM_CLAIMS
// sets another (1000000 for the county year the README quotes).
func benchClaims(b *testing.B) int {
	if s := os.Getenv("NCMS_SIM_CLAIMS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		return n
	}
	return 100000
}

// BenchmarkSimulate replays a generated county year (pingluo-original →
// pingluo-revised) from JSON lines in memory: decoding, two settlements a claim,
// the tallies and the per-claim differences. claims/s is the figure to watch.
func BenchmarkSimulate(b *testing.B) {
	n := benchClaims(b)
	var year bytes.Buffer
	if err := countyyear.Write(&year, countyyear.Options{Claims: n, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	o := pingluo(b)
	o.Diffs = func(simulate.Diff) error { return nil }
	b.SetBytes(int64(year.Len()))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r, err := simulate.Run(b.Context(), simulate.Lines(bytes.NewReader(year.Bytes())), o)
		if err != nil {
			b.Fatal(err)
		}
		if r.Claims != n {
			b.Fatalf("%d claims replayed, want %d", r.Claims, n)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "claims/s")
}
