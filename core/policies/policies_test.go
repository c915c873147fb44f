package policies_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policies"
	"github.com/ruralhealth/ncms/core/policy"
)

// decode reads a document as Compiled does: unknown fields are errors.
func decode(t *testing.T, d policies.Document) policy.Policy {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(d.JSON))
	dec.DisallowUnknownFields()
	var p policy.Policy
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("%s: %v", d.Name, err)
	}
	return p
}

func compiled(t *testing.T) map[string]*policy.Compiled {
	t.Helper()
	cs, err := policies.Compiled()
	if err != nil {
		for _, e := range core.AsErrors(err) {
			t.Errorf("%s", e)
		}
		t.Fatalf("Compiled: %v", err)
	}
	out := make(map[string]*policy.Compiled, len(cs))
	for _, c := range cs {
		if out[c.ID()] != nil {
			t.Fatalf("policy id %q is used twice", c.ID())
		}
		out[c.ID()] = c
	}
	return out
}

func TestDocuments(t *testing.T) {
	// The file names and the ids they hold; Documents sorts by file name.
	want := []struct{ file, id string }{
		{"city-resident.json", "city-resident"},
		{"hu-county.json", "hu-county"},
		{"kuiwen.json", "kuiwen"},
		{"pingluo-excess.json", "pingluo-original-excess"},
		{"pingluo-original.json", "pingluo-original"},
		{"pingluo-revised.json", "pingluo-revised"},
		{"qinghai.json", "qinghai"},
		{"zhengzhou.json", "zhengzhou"},
	}
	docs := policies.Documents()
	if len(docs) != len(want) {
		t.Fatalf("got %d documents, want %d", len(docs), len(want))
	}
	if !sort.SliceIsSorted(docs, func(i, j int) bool { return docs[i].Name < docs[j].Name }) {
		t.Errorf("documents are not sorted by name")
	}
	for i, w := range want {
		d := docs[i]
		t.Run(w.file, func(t *testing.T) {
			if d.Name != w.file {
				t.Fatalf("document %d is %s, want %s", i, d.Name, w.file)
			}
			p := decode(t, d)
			if p.ID != w.id {
				t.Errorf("id %q, want %q", p.ID, w.id)
			}
			if !strings.HasPrefix(p.Source, "RULES.md §2.") {
				t.Errorf("source %q does not cite a RULES.md §2 section", p.Source)
			}
			if len(p.Notes) == 0 {
				t.Errorf("no notes")
			}
			if p.Illustrative {
				found := false
				for _, n := range p.Notes {
					found = found || strings.HasPrefix(n, "ILLUSTRATIVE")
				}
				if !found {
					t.Errorf("illustrative, but no note starts with ILLUSTRATIVE to say which numbers")
				}
			}
			// Every policy is in force for claims in 2025 and 2026.
			for _, day := range []string{"2025-01-01", "2026-12-31"} {
				if !p.Effective.Contains(civil.MustParse(day)) {
					t.Errorf("not effective on %s", day)
				}
			}
			// Gansu one-card rules (RULES §3) everywhere.
			c := p.Cards
			if len(c.Issuers) != 1 || c.Issuers[0] != "622848" || c.Fee.String() != "5.00" ||
				c.FeeExemptAge != 60 || c.FeeAgeOn != "year_start" || c.Certificate == "" {
				t.Errorf("cards = %+v, want issuer 622848, fee 5.00, exempt from 60 on 1 January, a certificate pattern", c)
			}
		})
	}
}

// TestNoJSONNumbersForMoney walks each document: amounts and rates are strings, so the
// only JSON numbers are the integer settings named here.
func TestNoJSONNumbersForMoney(t *testing.T) {
	integers := map[string]bool{
		"schema": true, "firstWaitMonths": true, "lapseMonths": true, "lapseWaitMonths": true,
		"upgradeWaitMonths": true, "rateAfterYears": true, "years": true, "minYearsPaid": true,
		"scale": true, "feeExemptAge": true,
	}
	var walk func(t *testing.T, v any, key, path string)
	walk = func(t *testing.T, v any, key, path string) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(t, e, k, path+"/"+k)
			}
		case []any:
			for i, e := range x {
				walk(t, e, key, path+"/"+strconv.Itoa(i))
			}
		case json.Number:
			if !integers[key] || strings.ContainsAny(string(x), ".eE-") {
				t.Errorf("%s: JSON number %s; amounts and rates must be strings", path, x)
			}
		}
	}
	for _, d := range policies.Documents() {
		t.Run(d.Name, func(t *testing.T) {
			dec := json.NewDecoder(bytes.NewReader(d.JSON))
			dec.UseNumber()
			var v any
			if err := dec.Decode(&v); err != nil {
				t.Fatal(err)
			}
			walk(t, v, "", "")
		})
	}
}

func TestCompiledHashStable(t *testing.T) {
	first := compiled(t)
	second := compiled(t)
	for _, d := range policies.Documents() {
		t.Run(d.Name, func(t *testing.T) {
			p := decode(t, d)
			a, err := policy.Compile(p)
			if err != nil {
				t.Fatalf("compile: %v", err)
			}
			b, err := policy.Compile(p)
			if err != nil {
				t.Fatalf("compile again: %v", err)
			}
			if a.Hash() != b.Hash() {
				t.Errorf("hash differs between two Compile calls: %s vs %s", a.Hash(), b.Hash())
			}
			if len(a.Hash()) != 64 {
				t.Errorf("hash %q is not a hex SHA-256", a.Hash())
			}
			sum := sha256.Sum256(a.Canonical())
			if got := hex.EncodeToString(sum[:]); got != a.Hash() {
				t.Errorf("hash %s is not the SHA-256 of the canonical form (%s)", a.Hash(), got)
			}
			if first[p.ID].Hash() != a.Hash() || second[p.ID].Hash() != a.Hash() {
				t.Errorf("Compiled() hash %s / %s differs from Compile's %s", first[p.ID].Hash(), second[p.ID].Hash(), a.Hash())
			}
			// The canonical form compiles to itself.
			var again policy.Policy
			if err := json.Unmarshal(a.Canonical(), &again); err != nil {
				t.Fatalf("canonical form: %v", err)
			}
			c, err := policy.Compile(again)
			if err != nil {
				t.Fatalf("compile canonical form: %v", err)
			}
			if c.Hash() != a.Hash() {
				t.Errorf("canonical form hashes to %s, want %s", c.Hash(), a.Hash())
			}
		})
	}
}

// TestSettings checks the choices the notes describe, read back from the compiled
// policies, so a document edit that contradicts its notes fails here.
func TestSettings(t *testing.T) {
	ps := compiled(t)
	tests := []struct {
		name string
		id   string
		got  func(p *policy.Policy) string
		want string
	}{
		{"pingluo whole reading", "pingluo-original", func(p *policy.Policy) string { return string(p.Benefits[0].Ratio.Method) }, string(policy.Whole)},
		{"pingluo excess variant", "pingluo-original-excess", func(p *policy.Policy) string { return string(p.Benefits[0].Ratio.Method) }, string(policy.Excess)},
		{"pingluo axis cost", "pingluo-original", func(p *policy.Policy) string { return string(p.Benefits[0].Ratio.Axis) }, string(policy.AxisCost)},
		{"pingluo cap 4000", "pingluo-original", func(p *policy.Policy) string { return p.Pools[0].Cap.String() }, "4000.00"},
		{"pingluo family account 5", "pingluo-original", func(p *policy.Policy) string { return p.FamilyAccount.PerPerson.String() }, "5.00"},
		{"pingluo top band 55% from 4000", "pingluo-original", func(p *policy.Policy) string {
			b := p.Benefits[0].Ratio.Bands[7]
			return b.From.String() + "@" + b.Rate.String()
		}, "4000.00@0.55"},
		{"revised township deductible", "pingluo-revised", func(p *policy.Policy) string { return p.Benefits[0].Deductible.First.String() }, "150.00"},
		{"revised township first band", "pingluo-revised", func(p *policy.Policy) string { return p.Benefits[0].Ratio.Bands[0].Rate.String() }, "0.25"},
		{"revised non-designated cap", "pingluo-revised", func(p *policy.Policy) string { return p.Benefits[2].AnnualCap.String() }, "3000.00"},
		{"revised family account 8", "pingluo-revised", func(p *policy.Policy) string { return p.FamilyAccount.PerPerson.String() }, "8.00"},
		{"hu cap", "hu-county", func(p *policy.Policy) string { return p.Pools[0].Cap.String() }, "15000.00"},
		{"hu class B", "hu-county", func(p *policy.Policy) string { return p.Catalogue.ClassB.String() }, "0"},
		{"hu drug share", "hu-county", func(p *policy.Policy) string { return p.Audit.DrugShare.String() }, "0.45"},
		{"hu referral", "hu-county", func(p *policy.Policy) string { return string(p.Benefits[2].Referral.Missing) }, string(policy.ReferralRefuse)},
		{"hu report rounding", "hu-county", func(p *policy.Policy) string { return string(p.Reports.PerCapita.Mode) }, string(money.Down)},
		{"city level-2 later", "city-resident", func(p *policy.Policy) string {
			d := p.Benefits[4].Deductible
			return d.First.String() + "/" + d.Later.String() + "/" + string(d.Count)
		}, "350.00/250.00/all"},
		{"city level-3 later", "city-resident", func(p *policy.Policy) string {
			d := p.Benefits[7].Deductible
			return d.First.String() + "/" + d.Later.String() + "/" + string(d.Count)
		}, "600.00/500.00/all"},
		{"city minor tier", "city-resident", func(p *policy.Policy) string { return p.Categories[1].BenefitTier }, "t2"},
		{"city continuity max", "city-resident", func(p *policy.Policy) string { return p.Continuity.RateMax.String() }, "0.1"},
		{"kuiwen", "kuiwen", func(p *policy.Policy) string {
			b := p.Benefits[0]
			return b.Deductible.First.String() + "@" + b.Ratio.Bands[0].Rate.String() + " cap " + p.Pools[0].Cap.String()
		}, "700.00@0.55 cap 180000.00"},
		{"zhengzhou supplementary", "zhengzhou", func(p *policy.Policy) string {
			l := p.Layers[0]
			return string(l.Kind) + " " + string(l.Mode) + " " + string(l.Base) + " " + string(l.Basis) + " " + l.Cap.String()
		}, "supplementary ratio scope_personal year 120000.00"},
		{"qinghai layers", "qinghai", func(p *policy.Policy) string {
			return p.Layers[0].Target.String() + " " + p.Layers[1].Target.String()
		}, "0.7 0.9"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, ok := ps[tc.id]
			if !ok {
				t.Fatalf("no policy %q", tc.id)
			}
			if got := tc.got(c.Policy()); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestHuPerCapita applies Hu county's report rounding to the report's own figures
// (RULES §2.2): 6483845.44元 for 14956 inpatients is 433.528…, reported as 433.52.
func TestHuPerCapita(t *testing.T) {
	hu := compiled(t)["hu-county"]
	r := hu.Policy().Reports.PerCapita
	tests := []struct {
		name         string
		amount       string
		people       int64
		mode         money.Mode
		want         string
		wantOrdinary string
	}{
		// 14956 × 433 = 6475948; 6483845.44 − 6475948 = 7897.44; 7897.44 ÷ 14956 =
		// 0.52804…: 433.528 truncates to 433.52 and would round half-up to 433.53.
		{"inpatients", "6483845.44", 14956, r.Mode, "433.52", "433.53"},
		// 67088 × 111 = 7446768; 25705.66 ÷ 67088 = 0.38316…: 111.38 either way.
		{"all reimbursed", "7472473.66", 67088, r.Mode, "111.38", "111.38"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := money.MulDiv(money.MustAmount(tc.amount), money.Yuan(1), money.Yuan(tc.people), r.Scale, tc.mode)
			if got.String() != tc.want {
				t.Errorf("per capita %s, want %s", got, tc.want)
			}
			half := money.MulDiv(money.MustAmount(tc.amount), money.Yuan(1), money.Yuan(tc.people), r.Scale, money.HalfUp)
			if half.String() != tc.wantOrdinary {
				t.Errorf("half-up per capita %s, want %s", half, tc.wantOrdinary)
			}
		})
	}
}

// TestCardRules applies the Gansu card rules (RULES §3) as the policies carry them.
func TestCardRules(t *testing.T) {
	p := compiled(t)["pingluo-original"]
	tests := []struct {
		name, birth, on, want string
	}{
		// Age on 1 January 2025: born 1965-01-01 → 60 → exempt.
		{"sixty on 1 January", "1965-01-01", "2025-06-01", "0.00"},
		// Born 1965-01-02 → 59 on 1 January 2025 (60 the next day) → pays 5.
		{"sixty on 2 January", "1965-01-02", "2025-06-01", "5.00"},
		{"working age", "1980-01-01", "2025-06-01", "5.00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := identity.Fee(p, civil.MustParse(tc.birth), civil.MustParse(tc.on))
			if got.String() != tc.want {
				t.Errorf("fee %s, want %s", got, tc.want)
			}
		})
	}
	if !p.Certificate("64022100012345") {
		t.Errorf("a 14-digit Pingluo certificate number is rejected")
	}
	if p.Certificate("6402210001234") {
		t.Errorf("a 13-digit certificate number is accepted")
	}
}

// TestEveryFileEmbedded: Documents holds every JSON file of the directory, sorted by
// name.
func TestEveryFileEmbedded(t *testing.T) {
	files, err := filepath.Glob("*.json")
	if err != nil {
		t.Fatal(err)
	}
	// A policy's example claims (NAME.test.json, ncms policy test) are not policies and
	// stay out of the module.
	files = slices.DeleteFunc(files, func(f string) bool { return strings.HasSuffix(f, ".test.json") })
	sort.Strings(files)
	docs := policies.Documents()
	var names []string
	for _, d := range docs {
		names = append(names, d.Name)
		b, err := os.ReadFile(d.Name)
		if err != nil || !bytes.Equal(b, d.JSON) {
			t.Errorf("%s: embedded text differs from the file (%v)", d.Name, err)
		}
	}
	if strings.Join(names, " ") != strings.Join(files, " ") {
		t.Errorf("Documents = %v, files = %v", names, files)
	}
}
