package replay_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/codec"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/core/simulate"
	"github.com/ruralhealth/ncms/countyyear"
	"github.com/ruralhealth/ncms/server/ledger"
	"github.com/ruralhealth/ncms/server/replay"
	"github.com/ruralhealth/ncms/server/store"
	"github.com/ruralhealth/ncms/server/store/storetest"
)

// TestJournal settles part of a generated year through the ledger, reverses one
// settlement, and replays the journal under the policy each claim names: the replay
// must count exactly the standing settlements and find the fund paid what the
// ledger recorded, fen for fen, on both sides — the totals carried as the ledger
// carries them.
func TestJournal(t *testing.T) {
	dsns := map[string]func(t *testing.T) string{
		"sqlite": func(t *testing.T) string { return filepath.Join(t.TempDir(), "ncms.db") },
	}
	if os.Getenv("NCMS_TEST_POSTGRES") != "" {
		dsns["postgres"] = func(t *testing.T) string { return storetest.PostgresDSN(t) }
	}
	var year bytes.Buffer
	if err := countyyear.Write(&year, countyyear.Options{Claims: 400, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	for name, dsn := range dsns {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			s, err := store.Open(ctx, dsn(t))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			e, err := engine.WithExamples()
			if err != nil {
				t.Fatal(err)
			}
			clock := time.Date(2026, 1, 10, 8, 0, 0, 0, time.UTC)
			l, err := ledger.New(ctx, s, e, nil, ledger.Options{Now: func() time.Time { return clock }})
			if err != nil {
				t.Fatal(err)
			}
			paid := map[int64]money.Amount{}
			for rec, err := range simulate.Lines(bytes.NewReader(year.Bytes())) {
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
				st, err := l.Settle(ctx, "his", req)
				if err != nil {
					t.Fatalf("line %d: %v", rec.Seq, err)
				}
				var r struct {
					FundTotal money.Amount `json:"fundTotal"`
				}
				if err := jsonv2.Unmarshal(st.Result, &r); err != nil {
					t.Fatal(err)
				}
				paid[st.Seq] = r.FundTotal
			}
			// Reverse the last settlement the fund paid anything for: no later claim
			// of its person was settled on totals that counted it.
			var reversed int64
			for seq := int64(len(paid)); reversed == 0; seq-- {
				if paid[seq].Sign() > 0 {
					reversed = seq
				}
			}
			if _, err := l.Reverse(ctx, "his", "", reversed, "wrong patient"); err != nil {
				t.Fatalf("reversing %d: %v", reversed, err)
			}
			var recorded money.Amount
			for seq, a := range paid {
				if seq != reversed {
					recorded = recorded.Add(a)
				}
			}

			e2, err := engine.WithExamples()
			if err != nil {
				t.Fatal(err)
			}
			if err := replay.Policies(ctx, s, e2); err != nil {
				t.Fatal(err)
			}
			o := simulate.Options{Old: func(l *simulate.Line) (*policy.Compiled, error) { return e2.FindFor(l.Policy, l.Version, &l.Claim) }}
			if o.New, err = e2.Find("pingluo-original", "", civil.Date{}); err != nil {
				t.Fatal(err)
			}
			r, err := simulate.Run(ctx, replay.Journal(ctx, s, 2025), o)
			if err != nil {
				t.Fatal(err)
			}
			if r.Claims != len(paid)-1 || r.Refused != (simulate.Pair{}) {
				t.Errorf("replayed %d claims (refused %+v), want the %d standing", r.Claims, r.Refused, len(paid)-1)
			}
			if r.Fund.Old.Cmp(recorded) != 0 || r.Fund.New.Cmp(recorded) != 0 {
				t.Errorf("fund %s (old) / %s (new), the ledger recorded %s", r.Fund.Old, r.Fund.New, recorded)
			}
		})
	}
}
