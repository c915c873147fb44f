package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/policydoc"
	"github.com/ruralhealth/ncms/policytest"
)

// policyTest is `ncms policy test FILE|DIR`: it settles the example claims of each
// policy's test file (policytest) and prints a line for each failed case (each case
// with -v) with a table of the figures and sentences that differ. It fails when any
// case fails or a policy or test file cannot be read.
func policyTest(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ncms policy test", flag.ContinueOnError)
	fs.SetOutput(stderr)
	verbose := fs.Bool("v", false, "list the cases that pass too")
	arg, ok := policyFile(fs, args, stderr)
	if !ok {
		return 2
	}
	pairs, err := policytest.Find(arg)
	if err != nil {
		fmt.Fprintln(stderr, "ncms policy test:", err)
		return 1
	}
	cases, failed, broken := 0, 0, 0
	for _, p := range pairs {
		r, err := policytest.RunPair(p)
		if err != nil {
			broken++
			var fe *policytest.FileError
			var es core.Errors
			if errors.As(err, &fe) && errors.As(fe.Err, &es) {
				// The policy or the test file has problems, each at its pointer.
				fmt.Fprintf(stdout, "FAIL  %s\n", p.Test)
				printProblems(stdout, fe.Name, fe.Err)
			} else {
				fmt.Fprintf(stdout, "FAIL  %s: %v\n", p.Test, err)
			}
			continue
		}
		cases += len(r.Cases)
		w := io.Writer(stdout)
		if !*verbose {
			w = onlyFailures{stdout}
		}
		failed += r.Write(w)
	}
	if broken > 0 {
		fmt.Fprintf(stdout, "%d files, %d could not run, %d cases, %d failed\n", len(pairs), broken, cases, failed)
	} else {
		fmt.Fprintf(stdout, "%d files, %d cases, %d failed\n", len(pairs), cases, failed)
	}
	if failed > 0 || broken > 0 {
		return 1
	}
	return 0
}

// onlyFailures drops the report's "ok" lines.
type onlyFailures struct{ w io.Writer }

func (o onlyFailures) Write(p []byte) (int, error) {
	if len(p) >= 4 && string(p[:4]) == "ok  " {
		return len(p), nil
	}
	return o.w.Write(p)
}

// langFlag adds --lang to a command: the language of the words, zh (default) or en.
func langFlag(fs *flag.FlagSet) *string {
	return fs.String("lang", "zh", "the language of the words: zh or en")
}

// policyDiff is `ncms policy diff OLD NEW`: what changed, rule by rule, in words
// (policydoc.Diff). Both documents must pass check. It prints nothing and succeeds
// when the rules are the same.
func policyDiff(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ncms policy diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	lang := langFlag(fs)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 2 || !validLang(*lang) {
		fmt.Fprint(stderr, policyUsage)
		return 2
	}
	old, err := compile(fs.Arg(0))
	if err != nil {
		return refused(stderr, "ncms policy diff", fs.Arg(0), err)
	}
	new, err := compile(fs.Arg(1))
	if err != nil {
		return refused(stderr, "ncms policy diff", fs.Arg(1), err)
	}
	fmt.Fprint(stdout, policydoc.Lines(policydoc.Diff(old, new, *lang)))
	return 0
}

// policyShow is `ncms policy show FILE`: the scheme as the county prints it
// (policydoc.Render), the same words the county server's /policies/{id} page shows.
func policyShow(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ncms policy show", flag.ContinueOnError)
	fs.SetOutput(stderr)
	lang := langFlag(fs)
	name, ok := policyFile(fs, args, stderr)
	if !ok || !validLang(*lang) {
		if ok {
			fmt.Fprint(stderr, policyUsage)
		}
		return 2
	}
	c, err := compile(name)
	if err != nil {
		return refused(stderr, "ncms policy show", name, err)
	}
	doc := policydoc.Render(c, *lang)
	fmt.Fprint(stdout, doc.Text())
	return 0
}

func validLang(l string) bool { return l == policydoc.Chinese || l == policydoc.English }

// refused prints why a document could not be read or compiled, as check does.
func refused(stderr io.Writer, prog, name string, err error) int {
	if os.IsNotExist(err) || os.IsPermission(err) {
		fmt.Fprintln(stderr, prog+":", err)
	} else {
		printProblems(stderr, name, err)
	}
	return 1
}
