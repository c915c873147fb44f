package settle_test

import (
	"bytes"
	"testing"

	"github.com/ruralhealth/ncms/conformance"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/claim"
	"github.com/ruralhealth/ncms/core/codec"
	"github.com/ruralhealth/ncms/core/codec/anycodec"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/core/settle"
	"github.com/ruralhealth/ncms/core/simulate"
	"github.com/ruralhealth/ncms/countyyear"
)

// sameWithoutTrace settles c under p with and without the trace and fails unless the
// two results, traces left out, encode to the same bytes (and the errors match).
func sameWithoutTrace(t *testing.T, name string, p *policy.Compiled, c *claim.Claim) {
	t.Helper()
	full, ferr := settle.Run(p, c)
	quiet, qerr := settle.RunQuiet(p, c)
	if (ferr == nil) != (qerr == nil) {
		t.Fatalf("%s: Run error %v, RunQuiet error %v", name, ferr, qerr)
	}
	if ferr != nil {
		fb, _ := anycodec.Encode(ferr)
		qb, _ := anycodec.Encode(qerr)
		if !bytes.Equal(fb, qb) {
			t.Errorf("%s: errors differ:\n%s\n%s", name, fb, qb)
		}
		return
	}
	if len(quiet.Trace) != 0 {
		t.Errorf("%s: RunQuiet recorded %d trace steps", name, len(quiet.Trace))
	}
	if len(full.Trace) == 0 {
		t.Errorf("%s: Run recorded no trace", name)
	}
	full.Trace, quiet.Trace = nil, nil
	fb, err := codec.Encode(full)
	if err != nil {
		t.Fatal(err)
	}
	qb, err := codec.Encode(quiet)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fb, qb) {
		t.Errorf("%s: results differ without the trace:\nRun:      %s\nRunQuiet: %s", name, fb, qb)
	}
}

// TestRunQuietVectors settles the claim of every conformance vector that settles or
// estimates one both ways: the figures must not depend on whether a trace is kept.
func TestRunQuietVectors(t *testing.T) {
	vectors, err := conformance.Load("../../conformance/vectors")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, v := range vectors {
		if (v.Op != engine.OpSettle && v.Op != engine.OpEstimate) || v.Request == nil {
			continue
		}
		e, err := engine.WithExamples()
		if err != nil {
			t.Fatal(err)
		}
		if v.Policy == conformance.Inline {
			if _, err := e.LoadPolicy(v.PolicyDocument); err != nil {
				continue // a vector about a refused policy
			}
		}
		var req engine.SettleRequest
		if err := codec.Decode(v.Request, &req); err != nil {
			continue // a vector about a malformed request
		}
		p, err := e.FindFor(req.Policy, req.Version, &req.Claim)
		if err != nil {
			continue
		}
		sameWithoutTrace(t, v.ID, p, &req.Claim)
		n++
	}
	t.Logf("%d vectors settled both ways", n)
	if n < 100 {
		t.Errorf("only %d vectors settled both ways; the corpus has more", n)
	}
}

// TestRunQuietGenerated settles a generated county year both ways under each of
// Pingluo's schemes, each person's totals carried from claim to claim, so that caps,
// later admissions and the family account are reached as in a real year.
func TestRunQuietGenerated(t *testing.T) {
	var year bytes.Buffer
	if err := countyyear.Write(&year, countyyear.Options{Claims: 3000, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	e, err := engine.WithExamples()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"pingluo-original", "pingluo-revised", "pingluo-original-excess"} {
		p, err := e.Find(id, "", civil.Date{})
		if err != nil {
			t.Fatal(err)
		}
		totals := map[string]claim.Totals{}
		for rec, err := range simulate.Lines(bytes.NewReader(year.Bytes())) {
			if err != nil {
				t.Fatal(err)
			}
			var l simulate.Line
			if err := simulate.DecodeLine(rec.JSON, &l); err != nil {
				t.Fatal(err)
			}
			c := &l.Claim
			before, ok := totals[c.Person.ID]
			if y := c.Date(p).Year; !ok || before.Year != y {
				before = claim.NewTotals(y)
			}
			c.Totals = before.Carried(c.Totals.FamilyAccount)
			sameWithoutTrace(t, id+"/"+c.ID, p, c)
			r, err := settle.Run(p, c)
			if err != nil {
				t.Fatal(err)
			}
			totals[c.Person.ID] = r.TotalsAfter
		}
	}
}
