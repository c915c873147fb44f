package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/ruralhealth/ncms/core/engine"
)

// eval is `ncms eval OP [FILE|-]`: it runs one engine operation (engine.Handle) on the
// request in FILE, or stdin, under the example policies and those --policy loads, and
// prints the response indented, or with --raw the engine's bytes exactly. It fails
// (status 1) when the response says "ok": false.
func eval(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ncms eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	raw := fs.Bool("raw", false, "print the response's bytes exactly as the engine returns them (no newline added)")
	var extra []string
	fs.Func("policy", "a policy document to load besides the examples (repeat for more)", func(v string) error {
		extra = append(extra, v)
		return nil
	})
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: ncms eval [--policy FILE]… [--raw] OP [FILE|-]\n\nOP is one of %q; the request is read from FILE, or stdin without one or with -.\n\n",
			engine.Operations())
		fs.PrintDefaults()
	}
	// Flags may come before or after the operation and the file.
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var pos []string
	for fs.NArg() > 0 {
		pos = append(pos, fs.Arg(0))
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return 2
		}
	}
	if len(pos) < 1 || len(pos) > 2 {
		fs.Usage()
		return 2
	}
	e, err := engine.WithExamples()
	if err != nil {
		fmt.Fprintln(stderr, "ncms eval: loading the example policies:", err)
		return 1
	}
	for _, name := range extra {
		doc, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintln(stderr, "ncms eval: --policy:", err)
			return 1
		}
		if _, err := e.LoadPolicy(doc); err != nil {
			fmt.Fprintf(stderr, "ncms eval: --policy %s is refused:\n", name)
			printProblems(stderr, name, err)
			return 1
		}
	}
	var req []byte
	if len(pos) == 1 || pos[1] == "-" {
		req, err = io.ReadAll(stdin)
	} else {
		req, err = os.ReadFile(pos[1])
	}
	if err != nil {
		fmt.Fprintln(stderr, "ncms eval: reading the request:", err)
		return 1
	}
	resp := e.Handle(pos[0], req)
	if *raw {
		stdout.Write(resp)
	} else {
		v := jsontext.Value(append([]byte(nil), resp...))
		if err := v.Indent(jsontext.WithIndent("  ")); err != nil {
			// Every engine response is JSON; should one not be, the bytes say why.
			fmt.Fprintln(stderr, "ncms eval: the response is not JSON:", err)
			stdout.Write(resp)
			return 1
		}
		stdout.Write(append(v, '\n'))
	}
	ok, err := responseOK(resp)
	if err != nil {
		fmt.Fprintln(stderr, "ncms eval:", err)
		return 1
	}
	if !ok {
		return 1
	}
	return 0
}

// responseOK reads the envelope's "ok".
func responseOK(resp []byte) (bool, error) {
	var env struct {
		OK *bool `json:"ok"`
	}
	if err := json.Unmarshal(resp, &env); err != nil {
		return false, fmt.Errorf("the response's envelope: %w", err)
	}
	if env.OK == nil {
		return false, errors.New(`the response has no "ok"`)
	}
	return *env.OK, nil
}
