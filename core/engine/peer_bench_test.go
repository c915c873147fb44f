package engine_test

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/go-json-experiment/json"
	"github.com/ruralhealth/ncms/core/coretest"
	"github.com/ruralhealth/ncms/core/engine"
)

// The peer-rule benchmark compares the engine with the least a program could do for
// the same rule: the simplified Pingluo scheme (pingluo-revised: a deductible by
// facility level, eight bands on the cost, whole or excess method, a 4000元 annual
// cap) with class-B items 10% self-paid first, half-up to the fen. The floor is that
// rule written once in plain int64 fen, JSON in and JSON out with the standard
// library; the engine settles the same request under the same rule loaded as a
// policy document. Other rule engines were measured against the same floor for the
// issue (CEL-go 4.3×, OPA 63×).

// peerPolicy is pingluo-revised with class-B pre-self-pay 10%, one cap for every
// facility, band method method, under the id peer-method.
func peerPolicy(tb testing.TB, method string) []byte {
	tb.Helper()
	doc, err := os.ReadFile("../policies/pingluo-revised.json")
	if err != nil {
		tb.Fatal(err)
	}
	s := strings.NewReplacer(`"id": "pingluo-revised"`, `"id": "peer-`+method+`"`,
		`"classB": "0"`, `"classB": "0.10"`,
		",\n      \"annualCap\": \"3000\"", "",
		`"method": "whole"`, `"method": "`+method+`"`).Replace(string(doc))
	for _, want := range []string{`"peer-` + method + `"`, `"0.10"`} {
		if !strings.Contains(s, want) {
			tb.Fatalf("could not edit pingluo-revised into the peer policy (%s)", want)
		}
	}
	if strings.Contains(s, `"annualCap":`) {
		tb.Fatal("pingluo-revised's annualCap is still there")
	}
	return []byte(s)
}

// peerEngine is an engine with both peer policies loaded.
func peerEngine(tb testing.TB) *engine.Engine {
	tb.Helper()
	e, err := engine.WithExamples()
	if err != nil {
		tb.Fatal(err)
	}
	for _, m := range []string{"whole", "excess"} {
		if out := e.Handle(engine.OpLoadPolicy, peerPolicy(tb, m)); !strings.HasPrefix(string(out), `{"schema":1,"ok":true`) {
			tb.Fatalf("load peer-%s: %.300s", m, out)
		}
	}
	return e
}

// peerClaim is the 20-line bill of twenty-lines.json under peer-method at a facility
// of class class, its amounts multiplied by scale percent, paid before this year.
func peerClaim(tb testing.TB, method, class string, scale int64, paid string) []byte {
	tb.Helper()
	var req map[string]any
	if err := json.Unmarshal(twentyLines(tb), &req); err != nil {
		tb.Fatal(err)
	}
	req["policy"] = "peer-" + method
	c := req["claim"].(map[string]any)
	c["visit"].(map[string]any)["class"] = class
	for _, it := range c["items"].([]any) {
		m := it.(map[string]any)
		f, err := parseFen(m["amount"].(string))
		if err != nil {
			tb.Fatal(err)
		}
		m["amount"] = formatFen(f * scale / 100)
	}
	c["totals"].(map[string]any)["funds"].([]any)[0].(map[string]any)["paid"] = paid
	c["totals"].(map[string]any)["admissions"] = []any{}
	b, err := json.Marshal(req)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// floorRequest is what the floor reads of a settle request.
type floorRequest struct {
	Policy string `json:"policy"`
	Claim  struct {
		Visit struct {
			Class string `json:"class"`
		} `json:"visit"`
		Items []struct {
			Class     string `json:"class"`
			Amount    string `json:"amount"`
			OverLimit string `json:"overLimit"`
		} `json:"items"`
		Totals struct {
			Funds []struct {
				Fund string `json:"fund"`
				Paid string `json:"paid"`
			} `json:"funds"`
		} `json:"totals"`
	} `json:"claim"`
}

// floorAnswer is what the floor writes: the figures of a settlement.
type floorAnswer struct {
	Total      string `json:"total"`
	SelfPaid   string `json:"selfPaid"`
	OverLimit  string `json:"overLimit"`
	PreSelfPay string `json:"preSelfPay"`
	Scope      string `json:"scope"`
	Deductible string `json:"deductible"`
	Fund       string `json:"fund"`
	Cash       string `json:"cash"`
}

// floorRates are the bands' lower edges in fen and rates in basis points, county and
// non-designated; the township's first band is 25%.
var (
	floorFrom  = [8]int64{0, 100000, 150000, 200000, 250000, 300000, 350000, 400000}
	floorRates = [8]int64{2000, 2500, 3000, 3500, 4000, 4500, 5000, 5500}
)

// floorSettle is the peer rule in int64 fen, JSON in and JSON out.
func floorSettle(in []byte) ([]byte, error) {
	var req floorRequest
	if err := json.Unmarshal(in, &req); err != nil {
		return nil, err
	}
	excess := req.Policy == "peer-excess"
	if !excess && req.Policy != "peer-whole" {
		return nil, fmt.Errorf("unknown policy %q", req.Policy)
	}
	var total, self, over, pre int64
	for _, it := range req.Claim.Items {
		amount, err := parseFen(it.Amount)
		if err != nil {
			return nil, err
		}
		ol := int64(0)
		if it.OverLimit != "" {
			if ol, err = parseFen(it.OverLimit); err != nil {
				return nil, err
			}
		}
		total += amount
		switch it.Class {
		case "self":
			self += amount
		case "A":
			over += ol
		case "B":
			over += ol
			pre += halfUp((amount-ol)*1000, 10000) // 10%, rounded per line
		default:
			return nil, fmt.Errorf("unknown class %q", it.Class)
		}
	}
	scope := total - self - over - pre
	rates := floorRates
	var ded int64
	switch req.Claim.Visit.Class {
	case "township":
		ded, rates[0] = 15000, 2500
	case "county":
		ded = 30000
	case "nondesignated":
		ded = 50000
	default:
		return nil, fmt.Errorf("unknown class %q", req.Claim.Visit.Class)
	}
	var exact int64 // fen × basis points
	if scope > ded {
		if excess {
			for i := range floorFrom {
				from, to := max(ded, floorFrom[i]), scope
				if i+1 < len(floorFrom) {
					to = min(scope, floorFrom[i+1])
				}
				if to > from {
					exact += (to - from) * rates[i]
				}
			}
		} else {
			i := 0
			for j := range floorFrom {
				if floorFrom[j] < scope {
					i = j
				}
			}
			exact = (scope - ded) * rates[i]
		}
	}
	var paid int64
	for _, f := range req.Claim.Totals.Funds {
		if f.Fund == "inpatient" {
			p, err := parseFen(f.Paid)
			if err != nil {
				return nil, err
			}
			paid += p
		}
	}
	fund := min(halfUp(exact, 10000), max(400000-paid, 0))
	return json.Marshal(floorAnswer{
		Total: formatFen(total), SelfPaid: formatFen(self), OverLimit: formatFen(over), PreSelfPay: formatFen(pre),
		Scope: formatFen(scope), Deductible: formatFen(min(ded, scope)), Fund: formatFen(fund), Cash: formatFen(total - fund),
	})
}

// halfUp is n/d rounded half up, for n ≥ 0 and d > 0.
func halfUp(n, d int64) int64 { return (n + d/2) / d }

// parseFen reads a non-negative decimal of yuan with at most two decimals as fen.
func parseFen(s string) (int64, error) {
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 {
		return 0, fmt.Errorf("bad amount %q", s)
	}
	y, err := strconv.ParseUint(whole, 10, 40)
	if err != nil {
		return 0, err
	}
	frac += "00"[len(frac):]
	f, err := strconv.ParseUint(frac, 10, 8)
	if err != nil {
		return 0, errors.New("bad amount " + strconv.Quote(s))
	}
	return int64(y*100 + f), nil
}

// formatFen writes fen as yuan with two decimals.
func formatFen(f int64) string {
	return strconv.FormatInt(f/100, 10) + "." + strconv.FormatInt(100+f%100, 10)[1:]
}

// TestPeerFloorMatchesEngine wants the floor's figures to be the engine's, over both
// methods, three facility levels and bills from below the deductible to over the cap,
// so that the benchmark compares two programs for the same rule.
func TestPeerFloorMatchesEngine(t *testing.T) {
	e := peerEngine(t)
	n := 0
	for _, method := range []string{"whole", "excess"} {
		for _, class := range []string{"township", "county", "nondesignated"} {
			for _, scale := range []int64{1, 3, 7, 13, 17, 21, 37, 43, 60, 100, 250} {
				for _, paid := range []string{"0", "3900"} {
					req := peerClaim(t, method, class, scale, paid)
					name := fmt.Sprintf("%s/%s/%d%%/paid %s", method, class, scale, paid)
					floor, err := floorSettle(req)
					if err != nil {
						t.Fatalf("%s: floor: %v", name, err)
					}
					var f floorAnswer
					if err := json.Unmarshal(floor, &f); err != nil {
						t.Fatal(err)
					}
					var got struct {
						OK     bool `json:"ok"`
						Result struct {
							floorAnswer
							Funds []struct {
								Amount string `json:"amount"`
							} `json:"funds"`
						} `json:"result"`
					}
					out := e.Handle(engine.OpSettle, req)
					if err := json.Unmarshal(out, &got); err != nil || !got.OK {
						t.Fatalf("%s: %v %.300s", name, err, out)
					}
					r := got.Result
					r.Fund = "0.00"
					if len(r.Funds) > 0 {
						r.Fund = r.Funds[0].Amount
					}
					if r.floorAnswer != f {
						t.Errorf("%s:\nengine %+v\n floor %+v", name, r.floorAnswer, f)
					}
					n++
				}
			}
		}
	}
	t.Logf("%d claims agree", n)
}

// BenchmarkPeerRule settles the 20-line bill at the county hospital, nothing paid
// before, under each method: the floor and the engine in the same run, JSON in and
// JSON out. The ratio of their medians is the figure the README quotes.
func BenchmarkPeerRule(b *testing.B) {
	e := peerEngine(b)
	for _, method := range []string{"whole", "excess"} {
		req := peerClaim(b, method, "county", 100, "0")
		b.Run(method+"/floor", func(b *testing.B) {
			if _, err := floorSettle(req); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			coretest.CPUPerOp(b, func() { floorSettle(req) })
		})
		b.Run(method+"/engine", func(b *testing.B) {
			if out := e.Handle(engine.OpSettle, req); !strings.Contains(string(out), `"ok":true`) {
				b.Fatalf("%.300s", out)
			}
			b.ReportAllocs()
			coretest.CPUPerOp(b, func() { e.Handle(engine.OpSettle, req) })
		})
	}
}
