// Package cli is the county server's command line: serving the API (Serve), importing
// the county roster (Import) and checking stored text (CheckText). The ncms command
// runs them as `ncms serve|import|check-text`, and ncms-server, its older name, with
// serve as the default.
//
//	serve [--addr :8080] [--db ./data/ncms.db | --db postgres://…] [--engine native|wasm]
//	import [--db ./data/ncms.db] [--encoding auto|utf-8|gbk|gb18030] roster.csv
//	check-text [--db ./data/ncms.db]
//
// On its first start against an empty database the server prints the county
// administrator's API key once and writes it to ./data/admin.key (mode 0600), and
// likewise the password of the first operator, a county administrator with the login
// admin, to ./data/admin.password, for the checkout desk. When the context ends
// (SIGINT or SIGTERM in the commands) it shuts down gracefully: /readyz answers 503,
// then requests in flight finish.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/schollz/progressbar/v3"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/money"
	"github.com/ruralhealth/ncms/server/api"
	"github.com/ruralhealth/ncms/server/ledger"
	"github.com/ruralhealth/ncms/server/store"
	"github.com/ruralhealth/ncms/server/web"
	"github.com/ruralhealth/ncms/wasm/host"
	"github.com/ruralhealth/ncms/wasm/js"
)

// Command is one run of the county server's commands, with its outputs.
type Command struct {
	// Name is the program as usage and errors name it ("ncms", "ncms-server").
	Name           string
	Stdout, Stderr io.Writer
	// Listening, if not nil, is told the address the server listens on (tests ask
	// for port 0).
	Listening func(addr string)
}

// Run is ncms-server's command line: import and check-text by name, anything else
// the arguments of Serve.
func (c *Command) Run(ctx context.Context, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "import":
			return c.Import(ctx, args[1:])
		case "check-text":
			return c.CheckText(ctx, args[1:])
		}
	}
	return c.Serve(ctx, args)
}

// sub names a subcommand in usage and errors: "ncms serve", or "ncms-server" alone
// for its default.
func (c *Command) sub(name string) string {
	prog := c.Name
	if prog == "" {
		prog = "ncms-server"
	}
	if prog == "ncms-server" && name == "serve" {
		return prog
	}
	return prog + " " + name
}

// serveFlags are the server's settings.
type serveFlags struct {
	addr, db, engine, wasm, wasmCache, logFormat, adminKey string
	adminPassword                                          string
	requireRegistered, requireFacility                     bool
	drain                                                  time.Duration
	public                                                 api.PublicLimits
	cors                                                   api.CORS
	budgets                                                map[int]money.Amount
}

// Serve runs the county server until ctx ends.
func (c *Command) Serve(ctx context.Context, args []string) error {
	var f serveFlags
	fs := flag.NewFlagSet(c.sub("serve"), flag.ContinueOnError)
	fs.SetOutput(c.Stderr)
	fs.StringVar(&f.addr, "addr", ":8080", "address to listen on")
	fs.StringVar(&f.db, "db", "./data/ncms.db", "SQLite database file, or a postgres:// connection string")
	fs.StringVar(&f.engine, "engine", "native", "what computes: native (the core linked in) or wasm (the module at --wasm, as the hospitals run it)")
	fs.StringVar(&f.wasm, "wasm", "wasm/js/ncms.wasm", "the WebAssembly module (make wasm builds it), for --engine wasm and the estimator page")
	fs.StringVar(&f.wasmCache, "wasm-cache", "./data/wasm-cache", "directory where the compiled module is kept between starts (\"\" for none)")
	fs.StringVar(&f.logFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&f.adminKey, "admin-key", "./data/admin.key", "where the first start writes the county administrator's key")
	fs.StringVar(&f.adminPassword, "admin-password", "", "where the first start writes the first county administrator operator's password (login admin); \"\" means admin.password beside --admin-key")
	fs.BoolVar(&f.requireRegistered, "require-registered", false, "refuse claims of people missing from the county registry")
	fs.BoolVar(&f.requireFacility, "require-facility", true, "refuse claims of institutions missing from the facility register on the visit date (facility_unknown), so the class always comes from the register; =false only while a county fills its register, when such a claim keeps its own class")
	fs.DurationVar(&f.drain, "drain", 0, "on shutdown, how long /readyz answers 503 before the listener closes (for a load balancer)")
	f.public = api.PublicLimits{BodyLimit: api.DefaultPublicBodyLimit, Budget: api.DefaultPublicBudget, Wait: api.DefaultPublicWait}
	fs.Var((*byteSize)(&f.public.BodyLimit), "public-body-limit", "largest body of a public request (validate_roster: 8MiB whatever this says)")
	fs.Var((*byteSize)(&f.public.Budget), "public-budget", "request bodies public requests may hold at once, each counted as at least 2MiB; those over it wait --public-wait, then get 429 server_busy")
	fs.DurationVar(&f.public.Wait, "public-wait", api.DefaultPublicWait, "how long a public request waits for room in --public-budget (negative: not at all)")
	fs.Float64Var(&f.public.Rate, "public-rate", 0, "public requests a second per client address, 0 for no limit (leave it off behind a reverse proxy: every request comes from the proxy)")
	fs.IntVar(&f.public.Burst, "public-burst", 0, "bursts allowed over --public-rate (0: one second's worth)")
	fs.Func("cors-origin", "an origin (https://county.example) whose pages may call the public routes, or * for any; repeat for more", func(v string) error {
		if v != "*" && !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "http://") {
			return fmt.Errorf("%q is neither * nor an http(s):// origin", v)
		}
		f.cors.Origins = append(f.cors.Origins, strings.TrimSuffix(v, "/"))
		return nil
	})
	fs.Func("budget", "the county's annual budget for the funds as YEAR=AMOUNT (2026=7500000.00), which the console's reports chart the year's spending against; repeat for more years", func(v string) error {
		year, amount, err := parseBudget(v)
		if err != nil {
			return err
		}
		if f.budgets == nil {
			f.budgets = map[int]money.Amount{}
		}
		f.budgets[year] = amount
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (did you mean %s?)", fs.Arg(0), c.sub("import"))
	}
	log, err := newLogger(f.logFormat, c.Stderr)
	if err != nil {
		return err
	}

	s, err := openStore(ctx, f.db)
	if err != nil {
		return err
	}
	defer s.Close()
	e, err := engine.WithExamples()
	if err != nil {
		return fmt.Errorf("loading the example policies: %w", err)
	}
	var calc ledger.Calculator
	module, werr := os.ReadFile(f.wasm)
	switch f.engine {
	case "native":
		calc = ledger.Native(e)
	case "wasm":
		if werr != nil {
			return fmt.Errorf("--engine wasm: %w (make wasm builds it)", werr)
		}
		start := time.Now()
		h, err := host.New(ctx, module, host.Options{CompilationCache: f.wasmCache, Stderr: c.Stderr})
		if err != nil {
			return fmt.Errorf("--engine wasm: %w", err)
		}
		defer h.Close(context.WithoutCancel(ctx))
		log.Info("wasm engine compiled", slog.String("module", f.wasm), slog.Duration("took", time.Since(start)))
		calc = h
	default:
		return fmt.Errorf("--engine %q: want native or wasm", f.engine)
	}
	l, err := ledger.New(ctx, s, e, calc, ledger.Options{RequireRegistered: f.requireRegistered, RequireFacility: f.requireFacility})
	if err != nil {
		return err
	}
	if err := c.adminKey(ctx, l, f.adminKey); err != nil {
		return err
	}
	if f.adminPassword == "" {
		f.adminPassword = filepath.Join(filepath.Dir(f.adminKey), "admin.password")
	}
	if err := c.adminOperator(ctx, l, f.adminPassword); err != nil {
		return err
	}

	var page http.Handler
	if werr == nil {
		page = web.Handler(module, js.Loader())
	} else {
		log.Warn("the estimator page is off: no WebAssembly module (make wasm builds it)", slog.String("err", werr.Error()))
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	srv, err := api.New(l, api.Options{Logger: log, Web: page, Registry: reg, Calculator: calc, Public: f.public, CORS: f.cors, Budgets: f.budgets})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return err
	}
	log.Info("listening", slog.String("addr", ln.Addr().String()), slog.String("engine", f.engine),
		slog.String("db", redactDSN(f.db)))
	if c.Listening != nil {
		c.Listening(ln.Addr().String())
	}
	return srv.Serve(ctx, ln, api.ServeOptions{DrainDelay: f.drain})
}

// parseBudget reads a --budget value, YEAR=AMOUNT in yuan.
func parseBudget(v string) (int, money.Amount, error) {
	y, a, ok := strings.Cut(v, "=")
	year, err := strconv.Atoi(y)
	if !ok || err != nil || len(y) != 4 {
		return 0, money.Amount{}, fmt.Errorf("%q: want YEAR=AMOUNT, as 2026=7500000.00", v)
	}
	amount, err := money.ParseAmount(a)
	if err != nil {
		return 0, money.Amount{}, fmt.Errorf("%q: %w", v, err)
	}
	return year, amount, nil
}

// adminKey makes the county administrator's key on a database without one, prints
// it once and writes it to path, readable by the owner only.
func (c *Command) adminKey(ctx context.Context, l *ledger.Ledger, path string) error {
	secret, created, err := l.EnsureAdminKey(ctx)
	if err != nil || !created {
		return err
	}
	fmt.Fprintf(c.Stdout, "County administrator key (shown once; also written to %s):\n\n    %s\n\n", path, secret)
	if err := writeSecret(path, secret); err != nil {
		return fmt.Errorf("writing the admin key: %w", err)
	}
	return nil
}

// adminOperator makes the first operator, a county administrator with the login
// admin, on a database without operators, prints the password once and writes it to
// path, readable by the owner only, so the checkout desk can be signed into.
func (c *Command) adminOperator(ctx context.Context, l *ledger.Ledger, path string) error {
	login, password, created, err := l.EnsureAdminOperator(ctx)
	if err != nil || !created {
		return err
	}
	fmt.Fprintf(c.Stdout, "County administrator operator (login %s; password shown once, also written to %s):\n\n    %s\n\n",
		login, path, password)
	if err := writeSecret(path, password); err != nil {
		return fmt.Errorf("writing the admin password: %w", err)
	}
	return nil
}

// writeSecret writes a secret to path with mode 0600, its directory 0700.
func writeSecret(path, secret string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		return err
	}
	// WriteFile keeps the mode of a file that exists already.
	return os.Chmod(path, 0o600)
}

func newLogger(format string, w io.Writer) (*slog.Logger, error) {
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, fmt.Errorf("--log-format %q: want text or json", format)
}

func openStore(ctx context.Context, dsn string) (ledger.Store, error) {
	s, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("opening the database %s: %w", redactDSN(dsn), err)
	}
	return s, nil
}

// redactDSN hides a connection string's passwords from logs: the user:password@
// form, and the password and sslpassword parameters pgx also reads from the query.
func redactDSN(dsn string) string {
	scheme, rest, ok := strings.Cut(dsn, "://")
	if !ok {
		return dsn
	}
	rest, query, hasQuery := strings.Cut(rest, "?")
	// The last '@' ends the user information, as url.Parse reads it: a password
	// with an unescaped '@' is hidden whole.
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		if user, _, ok := strings.Cut(rest[:i], ":"); ok {
			rest = user + ":xxxxx" + rest[i:]
		}
	}
	if !hasQuery {
		return scheme + "://" + rest
	}
	params := strings.Split(query, "&")
	for i, p := range params {
		k, _, _ := strings.Cut(p, "=")
		if name, err := url.QueryUnescape(k); err == nil && (name == "password" || name == "sslpassword") {
			params[i] = k + "=xxxxx"
		}
	}
	return scheme + "://" + rest + "?" + strings.Join(params, "&")
}

// Import is `ncms import`: it registers the county roster from a CSV
// file, all rows or none, with a progress bar on stderr and every problem on stdout.
func (c *Command) Import(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet(c.sub("import"), flag.ContinueOnError)
	fs.SetOutput(c.Stderr)
	db := fs.String("db", "./data/ncms.db", "SQLite database file, or a postgres:// connection string")
	encoding := fs.String("encoding", "auto", "the file's encoding: utf-8, gbk, gb18030 or auto (a byte-order mark or valid UTF-8 is UTF-8, anything else GB18030)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: %s [--db DSN] [--encoding auto] roster.csv\n\n"+
			"The roster's header names its columns in English or Chinese, in any order (* required):\n%s.\n\n",
			c.sub("import"), ledger.RosterColumns())
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("import needs one roster file")
	}
	enc, ok := ledger.ParseEncoding(*encoding)
	if !ok {
		return fmt.Errorf("--encoding %q: want utf-8, gbk, gb18030 or auto", *encoding)
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	s, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	e, err := engine.WithExamples()
	if err != nil {
		return err
	}
	l, err := ledger.New(ctx, s, e, nil, ledger.Options{})
	if err != nil {
		return err
	}
	bar := progressbar.NewOptions64(st.Size(),
		progressbar.OptionSetWriter(c.Stderr),
		progressbar.OptionSetDescription("reading roster"),
		progressbar.OptionShowBytes(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetWidth(30),
	)
	rows := 0
	rep, err := l.Import(ctx, io.TeeReader(f, bar), ledger.ImportOptions{Encoding: enc, Progress: func(done int) {
		rows = done
		if done%1000 == 0 {
			bar.Describe(fmt.Sprintf("%d rows", done))
		}
	}})
	// The file is read ahead of the rows, so the bar is full before the last of
	// them; the final count is drawn once all are done.
	bar.Describe(fmt.Sprintf("%d rows", rows))
	bar.Finish()
	fmt.Fprintln(c.Stderr)
	if err != nil {
		return err
	}
	return report(c.Stdout, fs.Arg(0), rep)
}

// report prints what an import did; a roster with problems is an error after every
// problem is listed by line and column.
func report(w io.Writer, name string, rep *ledger.ImportReport) error {
	if rep.Imported {
		fmt.Fprintf(w, "%s: imported %d rows: %d households, %d persons\n", name, rep.Rows, rep.Households, rep.Persons)
		return nil
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(w, "%s: %s\n", where(name, p), p.Message)
		fmt.Fprintf(w, "%s  %s [%s]\n", strings.Repeat(" ", len(name)), p.MessageZh, p.Code)
	}
	if more := rep.ProblemCount - len(rep.Problems); more > 0 {
		fmt.Fprintf(w, "%s: … and %d more problems\n", name, more)
	}
	for _, c := range rep.ProblemCodes {
		fmt.Fprintf(w, "%s: %d × %s\n", name, c.Count, c.Code)
	}
	return fmt.Errorf("%s (read as %s): %d problems in %d rows; nothing was imported", name, rep.Encoding, rep.ProblemCount, rep.Rows)
}

// where turns a problem's path (/rows/<i>/<column>, /header/<column>) into the
// file's line and column: row i is line i+2, after the header.
func where(name string, e *core.Error) string {
	parts := strings.SplitN(strings.TrimPrefix(e.Path, "/"), "/", 3)
	switch {
	case len(parts) >= 2 && parts[0] == "rows":
		i, err := strconv.Atoi(parts[1])
		if err != nil {
			break
		}
		loc := fmt.Sprintf("%s:%d", name, i+2)
		if len(parts) == 3 {
			loc += ": " + parts[2]
		}
		return loc
	case len(parts) == 2 && parts[0] == "header":
		// A header cell that is not text is named by its place.
		if i, err := strconv.Atoi(parts[1]); err == nil {
			return fmt.Sprintf("%s:1: column %d", name, i+1)
		}
		return fmt.Sprintf("%s:1: %s", name, parts[1])
	}
	if e.Path == "" {
		return name
	}
	return name + ": " + e.Path
}

// byteSize is a flag of a number of bytes, written 4194304, 4MiB or 4MB.
type byteSize int64

func (b *byteSize) String() string { return humanize.IBytes(uint64(*b)) }

func (b *byteSize) Set(s string) error {
	n, err := humanize.ParseBytes(s)
	if err != nil || n == 0 || n > 1<<40 {
		return fmt.Errorf("want a size such as 4MiB, got %q", s)
	}
	*b = byteSize(n)
	return nil
}

// CheckText is `ncms check-text`: it lists every stored text value that the
// boundaries would refuse today (not UTF-8, a control character, too long), one line
// each with its table, column and row (resident IDs masked), and fails if any.
func (c *Command) CheckText(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet(c.sub("check-text"), flag.ContinueOnError)
	fs.SetOutput(c.Stderr)
	db := fs.String("db", "./data/ncms.db", "SQLite database file, or a postgres:// connection string")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("check-text: unexpected argument %q", fs.Arg(0))
	}
	s, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	n := 0
	for bad, err := range ledger.CheckStoredText(ctx, s) {
		if err != nil {
			return err
		}
		n++
		at := bad.Table + "." + bad.Column + " " + strconv.QuoteToASCII(bad.Key)
		if bad.Problem.Path != "" {
			at += " " + bad.Problem.Path
		}
		fmt.Fprintf(c.Stdout, "%s: %s [%s]\n", at, bad.Problem.Message, bad.Problem.Code)
	}
	if n > 0 {
		return fmt.Errorf("check-text: %d stored text values fail the check", n)
	}
	fmt.Fprintln(c.Stdout, "check-text: every stored text value passes")
	return nil
}
