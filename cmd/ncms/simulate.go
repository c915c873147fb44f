package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"runtime/debug"
	"strings"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/core/codec"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/core/policy"
	"github.com/ruralhealth/ncms/core/simulate"
	"github.com/ruralhealth/ncms/countyyear"
	"github.com/ruralhealth/ncms/server/replay"
)

const simulateUsage = `usage: ncms simulate --policy NEW [--baseline OLD] (--claims FILE|- | --db DSN --year YYYY)
                     [--lang zh|en] [--json] [--diffs FILE.csv] [--top N] [--growth-limit RATE] [--workers N]
       ncms simulate gen [--claims N] [--seed S] [--year YYYY] [--policy ID] > year.jsonl

NEW and OLD are policy documents (files) or the ids of the example policies. Without
--baseline each claim is settled on the old side under the policy it names.
`

// simulateCommand is `ncms simulate`: flags only; core/simulate replays, server/replay
// reads the journal, countyyear generates a year.
func simulateCommand(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "gen" {
		return simulateGen(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("ncms simulate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), simulateUsage+"\n"); fs.PrintDefaults() }
	newName := fs.String("policy", "", "the draft policy (file or example id)")
	oldName := fs.String("baseline", "", "the baseline policy (file or example id); default: the policy each claim names")
	claims := fs.String("claims", "", "a claims file: JSON lines of settle requests, or CSV when its name ends in .csv; - for stdin (JSON lines)")
	dsn := fs.String("db", "", "the county server's database (SQLite path or postgres:// DSN), read only")
	year := fs.Int("year", 0, "with --db: the year of the journal to replay (admission dates)")
	lang := fs.String("lang", "zh", "the text report's language, zh or en")
	asJSON := fs.Bool("json", false, "write the report as JSON instead of text")
	diffs := fs.String("diffs", "", "write every claim whose payment changes to this CSV file")
	top := fs.Int("top", simulate.DefaultTop, "how many of the largest changes to list")
	growth := fs.String("growth-limit", "", "the fund's growth limit, e.g. 0.085 (RULES §2.4)")
	workers := fs.Int("workers", 0, "settling goroutines (default: one per core)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *newName == "" || (*claims == "") == (*dsn == "") || (*dsn != "" && *year == 0) || (*lang != "zh" && *lang != "en") || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	fail := func(err error) int { fmt.Fprintln(stderr, "ncms simulate:", err); return 1 }
	e, err := engine.WithExamples()
	if err != nil {
		return fail(err)
	}
	o := simulate.Options{Workers: *workers, Top: *top}
	if o.New, err = loadPolicy(e, *newName); err != nil {
		return fail(fmt.Errorf("--policy: %w", err))
	}
	if *oldName != "" {
		old, err := loadPolicy(e, *oldName)
		if err != nil {
			return fail(fmt.Errorf("--baseline: %w", err))
		}
		o.Old = simulate.Fixed(old)
	} else {
		o.Old = func(l *simulate.Line) (*policy.Compiled, error) { return e.FindFor(l.Policy, l.Version, &l.Claim) }
	}
	if *growth != "" {
		r, err := money.ParseRate(*growth)
		if err != nil {
			return fail(fmt.Errorf("--growth-limit: %w", err))
		}
		o.GrowthLimit = &r
	}
	var src iter.Seq2[simulate.Record, error]
	switch {
	case *dsn != "":
		s, err := replay.Open(ctx, *dsn)
		if err != nil {
			return fail(err)
		}
		defer s.Close()
		if err := replay.Policies(ctx, s, e); err != nil {
			return fail(err)
		}
		src = replay.Journal(ctx, s, *year)
	case *claims == "-":
		src = simulate.Lines(stdin)
	default:
		f, err := os.Open(*claims)
		if err != nil {
			return fail(err)
		}
		defer f.Close()
		src = simulate.Lines(f)
		if strings.HasSuffix(strings.ToLower(*claims), ".csv") {
			src = simulate.CSV(f)
		}
	}
	if *diffs != "" {
		f, err := os.Create(*diffs)
		if err != nil {
			return fail(err)
		}
		defer f.Close()
		w := csv.NewWriter(f)
		if err := w.Write(simulate.DiffHeader); err != nil {
			return fail(err)
		}
		o.Diffs = func(d simulate.Diff) error { return w.Write(d.Fields()) }
		defer func() {
			w.Flush()
			if err := w.Error(); err != nil {
				fmt.Fprintln(stderr, "ncms simulate: --diffs:", err)
			}
		}()
	}
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		// The bar counts claims as they are done: how many a file holds is not
		// known before it is read.
		bar := progressbar.NewOptions64(-1, progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription("simulate"),
			progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("claims"), progressbar.OptionClearOnFinish())
		o.Progress = func(done int64) { bar.Set64(done) }
		defer bar.Finish()
	}
	// The live data is the people's running totals (about 100 MB for a county
	// year) and every claim decoded is garbage at once: collecting less often
	// saves a quarter of the CPU time, and the limit keeps the heap within the
	// budget of 500 MB.
	debug.SetGCPercent(400)
	debug.SetMemoryLimit(420 << 20)
	r, err := simulate.Run(ctx, src, o)
	if err != nil {
		return fail(err)
	}
	if *asJSON {
		b, err := codec.Encode(r)
		if err != nil {
			return fail(err)
		}
		_, err = stdout.Write(append(b, '\n'))
		if err != nil {
			return fail(err)
		}
		return 0
	}
	if err := simulate.WriteText(stdout, r, *lang); err != nil {
		return fail(err)
	}
	return 0
}

// loadPolicy compiles a policy file, or finds an example policy by id.
func loadPolicy(e *engine.Engine, name string) (*policy.Compiled, error) {
	p, err := compile(name)
	if errors.Is(err, os.ErrNotExist) {
		if q, ferr := e.Find(name, "", civil.Date{}); ferr == nil {
			return q, nil
		}
	}
	return p, err
}

// simulateGen is `ncms simulate gen`: a generated county year on stdout.
func simulateGen(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ncms simulate gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o countyyear.Options
	fs.IntVar(&o.Claims, "claims", 1000, "how many claims")
	fs.Uint64Var(&o.Seed, "seed", 1, "the seed: the same seed gives the same bytes")
	fs.IntVar(&o.Year, "year", 2025, "the year of the visits")
	fs.StringVar(&o.Policy, "policy", "pingluo-original", "the policy id the claims name")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || o.Claims < 0 {
		return 2
	}
	if err := countyyear.Write(stdout, o); err != nil {
		fmt.Fprintln(stderr, "ncms simulate gen:", err)
		return 1
	}
	return 0
}
