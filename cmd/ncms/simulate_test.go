package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ruralhealth/ncms/core/codec"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/simulate"
	"github.com/ruralhealth/ncms/countyyear"
	"github.com/ruralhealth/ncms/server/ledger"
	"github.com/ruralhealth/ncms/server/store"
)

// TestSimulate generates a year, replays it under Pingluo's revision twice and
// requires the same report bytes, a report in each language and a per-claim CSV.
func TestSimulate(t *testing.T) {
	code, year, stderr := ncms(t, "", "simulate", "gen", "--claims", "2000", "--seed", "2")
	if code != 0 || strings.Count(year, "\n") != 2000 {
		t.Fatalf("gen: exit %d, %d lines, %s", code, strings.Count(year, "\n"), stderr)
	}
	file := write(t, "year.jsonl", []byte(year))
	diffs := filepath.Join(t.TempDir(), "diffs.csv")
	args := []string{"simulate", "--policy", "pingluo-revised", "--baseline", "pingluo-original", "--claims", file}
	code, first, stderr := ncms(t, "", append(args, "--json", "--diffs", diffs)...)
	if code != 0 || !strings.Contains(first, `"new":{"id":"pingluo-revised"`) {
		t.Fatalf("exit %d: %s %s", code, first, stderr)
	}
	if _, again, _ := ncms(t, "", append(args, "--json")...); again != first {
		t.Error("the same inputs gave another report")
	}
	f, err := os.Open(diffs)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) < 10 || rows[0][0] != "seq" {
		t.Fatalf("diffs: %d rows, %v", len(rows), err)
	}
	for lang, want := range map[string]string{"zh": "基金支出", "en": "Fund spending"} {
		code, out, _ := ncms(t, "", append(args, "--lang", lang)...)
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("--lang %s: exit %d:\n%s", lang, code, out)
		}
	}
	// Without a baseline each claim settles under the policy it names.
	if code, out, stderr := ncms(t, "", "simulate", "--policy", "pingluo-original", "--claims", file, "--json"); code != 0 ||
		!strings.Contains(out, `"old":[{"id":"pingluo-original"`) {
		t.Errorf("named baseline: exit %d %s %s", code, out[:min(len(out), 300)], stderr)
	}
	if code, _, _ := ncms(t, "", "simulate", "--claims", file); code != 2 {
		t.Errorf("no --policy: exit %d, want 2", code)
	}
}

// TestSimulateJournal replays a ledger's journal from its SQLite file: the claims
// the ledger settled, each under the policy that settled it on the old side. A
// database that does not exist is an error, not a new empty ledger.
func TestSimulateJournal(t *testing.T) {
	ctx := t.Context()
	db := filepath.Join(t.TempDir(), "ncms.db")
	s, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	e, err := engine.WithExamples()
	if err != nil {
		t.Fatal(err)
	}
	l, err := ledger.New(ctx, s, e, nil, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var year bytes.Buffer
	if err := countyyear.Write(&year, countyyear.Options{Claims: 60, Seed: 9}); err != nil {
		t.Fatal(err)
	}
	for rec, err := range simulate.Lines(&year) {
		if err != nil {
			t.Fatal(err)
		}
		var line simulate.Line
		if err := simulate.DecodeLine(rec.JSON, &line); err != nil {
			t.Fatal(err)
		}
		req, err := codec.Encode(&engine.SettleRequest{Schema: 1, Policy: line.Policy, Claim: line.Claim})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.Settle(ctx, "his", req); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	code, out, stderr := ncms(t, "", "simulate", "--policy", "pingluo-revised", "--db", db, "--year", "2025", "--json")
	if code != 0 || !strings.Contains(out, `"claims":60,`) || !strings.Contains(out, `"old":[{"id":"pingluo-original"`) {
		t.Fatalf("exit %d: %s %s", code, out, stderr)
	}
	missing := filepath.Join(t.TempDir(), "none.db")
	if code, _, _ := ncms(t, "", "simulate", "--policy", "pingluo-revised", "--db", missing, "--year", "2025"); code != 1 {
		t.Errorf("a missing database: exit %d, want 1", code)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("a missing database was created")
	}
}
