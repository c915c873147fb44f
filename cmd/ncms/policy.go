package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/ruralhealth/ncms/core"
	codec "github.com/ruralhealth/ncms/core/codec/anycodec"
	"github.com/ruralhealth/ncms/core/policy"
)

const policyUsage = `usage: ncms policy check FILE
       ncms policy fmt [--compact] [-w] FILE
       ncms policy test [-v] FILE|DIR
       ncms policy diff [--lang zh|en] OLD NEW
       ncms policy show [--lang zh|en] FILE
`

// policyCommand is `ncms policy check|fmt|test|diff|show`.
func policyCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, policyUsage)
		return 2
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, policyUsage)
		return 0
	case "check":
		return policyCheck(args[1:], stdout, stderr)
	case "fmt":
		return policyFmt(args[1:], stdout, stderr)
	case "test":
		return policyTest(args[1:], stdout, stderr)
	case "diff":
		return policyDiff(args[1:], stdout, stderr)
	case "show":
		return policyShow(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "ncms policy: unknown command %q\n%s", args[0], policyUsage)
	return 2
}

// compile reads a policy document and decodes, validates and compiles it as the engine
// loads one (load_policy): strictly, with every validation problem at once.
func compile(name string) (*policy.Compiled, error) {
	doc, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var p policy.Policy
	if err := codec.Decode(doc, &p); err != nil {
		return nil, err
	}
	return policy.Compile(p)
}

// printProblems prints each problem of err as the file, its JSON pointer and the
// English message, then the Chinese message and the code on a line of its own.
func printProblems(w io.Writer, name string, err error) {
	for _, e := range core.AsErrors(err) {
		at := name
		if e.Path != "" {
			at += ": " + e.Path
		}
		fmt.Fprintf(w, "%s: %s\n", at, e.Message)
		fmt.Fprintf(w, "%s  %s [%s]\n", strings.Repeat(" ", len(name)), e.MessageZh, e.Code)
	}
}

// policyFile parses the flags of a policy command that takes one FILE and returns
// the FILE; ok is false (exit status 2) when a flag is bad, or, the usage printed,
// when there is not exactly one FILE.
func policyFile(fs *flag.FlagSet, args []string, stderr io.Writer) (name string, ok bool) {
	if err := fs.Parse(args); err != nil {
		return "", false
	}
	if fs.NArg() != 1 {
		fmt.Fprint(stderr, policyUsage)
		return "", false
	}
	return fs.Arg(0), true
}

// policyCheck is `ncms policy check FILE`: it prints every problem of the document
// with its JSON pointer, in English and Chinese, and fails if there is any; a good
// document gets its id, version and content hash.
func policyCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ncms policy check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	name, ok := policyFile(fs, args, stderr)
	if !ok {
		return 2
	}
	c, err := compile(name)
	if err != nil {
		if os.IsNotExist(err) || os.IsPermission(err) {
			fmt.Fprintln(stderr, "ncms policy check:", err)
			return 1
		}
		printProblems(stdout, name, err)
		n := len(core.AsErrors(err))
		fmt.Fprintf(stderr, "ncms policy check: %s: %d problems / %d 处问题\n", name, n, n)
		return 1
	}
	fmt.Fprintf(stdout, "%s: %s %s ok, sha256 %s\n", name, c.ID(), c.Version(), c.Hash())
	return 0
}

// policyFmt is `ncms policy fmt FILE`: it prints the document's canonical form, the
// bytes the engine hashes (fields in their defined order, amounts and rates as the
// engine writes them), indented for people, or exactly with --compact; -w writes it
// back to FILE instead. A document with problems is left alone and they are printed
// as check prints them.
func policyFmt(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ncms policy fmt", flag.ContinueOnError)
	fs.SetOutput(stderr)
	write := fs.Bool("w", false, "write the canonical form to FILE instead of stdout")
	compact := fs.Bool("compact", false, "the canonical bytes exactly, on one line, as the content hash covers them")
	name, ok := policyFile(fs, args, stderr)
	if !ok {
		return 2
	}
	c, err := compile(name)
	if err != nil {
		if os.IsNotExist(err) || os.IsPermission(err) {
			fmt.Fprintln(stderr, "ncms policy fmt:", err)
		} else {
			printProblems(stderr, name, err)
		}
		return 1
	}
	out := append([]byte(nil), c.Canonical()...)
	if !*compact {
		v := jsontext.Value(out)
		if err := v.Indent(jsontext.WithIndent("  ")); err != nil {
			fmt.Fprintln(stderr, "ncms policy fmt: indenting the canonical form:", err)
			return 1
		}
		out = append(v, '\n')
	}
	if !*write {
		stdout.Write(out)
		return 0
	}
	if old, err := os.ReadFile(name); err == nil && bytes.Equal(old, out) {
		return 0
	}
	st, err := os.Stat(name)
	if err != nil {
		fmt.Fprintln(stderr, "ncms policy fmt:", err)
		return 1
	}
	if err := os.WriteFile(name, out, st.Mode().Perm()); err != nil {
		fmt.Fprintln(stderr, "ncms policy fmt:", err)
		return 1
	}
	return 0
}
