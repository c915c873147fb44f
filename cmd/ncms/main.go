// Command ncms is the project's one command, as OPA has `opa run|eval|test`:
//
//	ncms serve [--addr :8080] [--db ./data/ncms.db | postgres://…] [--engine native|wasm]
//	ncms import [--db DSN] [--encoding auto|utf-8|gbk|gb18030] roster.csv
//	ncms check-text [--db DSN]
//	ncms eval [--policy FILE]… [--raw] OP [FILE|-]
//	ncms conform [--vectors conformance/vectors] [--target native|wasm:PATH|node:PATH|http://HOST:PORT]
//	ncms policy check FILE
//	ncms policy fmt [--compact] [-w] FILE
//	ncms policy test [-v] FILE|DIR
//	ncms policy diff [--lang zh|en] OLD NEW
//	ncms policy show [--lang zh|en] FILE
//	ncms simulate --policy NEW [--baseline OLD] (--claims FILE | --db DSN --year YYYY) [--json] [--diffs FILE]
//
// serve, import and check-text are the county server's commands (server/cli, also
// built as ncms-server); conform is the conformance runner (conformance.Main, also
// ncms-conform). It exits 0 on success, 1 on a failure (a refused request, a policy
// with problems, a failing vector) and 2 on bad usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/ruralhealth/ncms/conformance"
	"github.com/ruralhealth/ncms/server/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `usage: ncms <command> [arguments]

  serve       the county server (the API, the ledger, the estimator page)
  import      register the county roster from a CSV file
  check-text  list stored text the server would refuse today
  eval        run one engine operation on a request from a file or stdin
  conform     play the conformance vectors against an engine
  policy      write policies: check, fmt, test, diff, show (policy -h)
  simulate    replay a year of claims under a draft policy (simulate gen: a generated year)

"ncms <command> -h" describes each command's flags.
`

// run is the program with its inputs and outputs; it returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	server := &cli.Command{Name: "ncms", Stdout: stdout, Stderr: stderr}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		return status(stderr, "ncms serve", server.Serve(ctx, rest))
	case "import":
		return status(stderr, "ncms import", server.Import(ctx, rest))
	case "check-text":
		return status(stderr, "ncms check-text", server.CheckText(ctx, rest))
	case "conform":
		return conformance.Main(ctx, "ncms conform", rest, stdout, stderr)
	case "eval":
		return eval(rest, stdin, stdout, stderr)
	case "policy":
		return policyCommand(rest, stdout, stderr)
	case "simulate":
		return simulateCommand(ctx, rest, stdin, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "ncms: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
}

// status turns a command's error into an exit status, printing it unless it is the
// flag package's answer to -h, which has printed the usage already.
func status(stderr io.Writer, prog string, err error) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 2
	}
	fmt.Fprintf(stderr, "%s: %v\n", prog, err)
	return 1
}
