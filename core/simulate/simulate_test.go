package simulate_test

import (
	"testing"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/simulate"
)

// pingluo is the simulation of Pingluo's proposed revision against its original
// scheme.
func pingluo(tb testing.TB) simulate.Options {
	tb.Helper()
	e, err := engine.WithExamples()
	if err != nil {
		tb.Fatal(err)
	}
	var o simulate.Options
	if o.New, err = e.Find("pingluo-revised", "", civil.Date{}); err != nil {
		tb.Fatal(err)
	}
	old, err := e.Find("pingluo-original", "", civil.Date{})
	if err != nil {
		tb.Fatal(err)
	}
	o.Old = simulate.Fixed(old)
	return o
}
