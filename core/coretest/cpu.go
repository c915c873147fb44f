package coretest

import "testing"

// CPUPerOp runs a benchmark's loop, body once per b.Loop iteration, and reports the
// process's CPU time per operation as cpu-ns/op besides the wall-clock ns/op. On a
// shared, loaded machine CPU time is the steadier figure: time the benchmark waits
// for a core is not counted (the garbage collector's work on other threads is). Where
// the platform has no CPU clock it reports nothing extra.
func CPUPerOp(b *testing.B, body func()) {
	b.Helper()
	start, ok := cpuTime()
	for b.Loop() {
		body()
	}
	if end, ok2 := cpuTime(); ok && ok2 && b.N > 0 {
		b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
	}
}
