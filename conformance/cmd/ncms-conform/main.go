// Command ncms-conform runs the conformance vectors against one engine and prints one
// line per failing vector, then "N passed, N failed". It exits 1 on any failure and
// 2 on bad usage. Any target but native must also answer every vector with the
// native engine's bytes exactly, the native engine of the same checkout being the
// reference.
//
//	ncms-conform --vectors conformance/vectors --target native
//	ncms-conform --target wasm:ncms.wasm      # the module under wazero
//	ncms-conform --target node:ncms.wasm      # the module through wasm/js/ncms.js under Node
//	ncms-conform --target http://127.0.0.1:8080 --key "$NCMS_KEY"   # a county server
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/ruralhealth/ncms/conformance"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ncms-conform", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("vectors", "conformance/vectors", "directory of vectors (<topic>/<case>.json)")
	spec := fs.String("target", "native", "engine to test: native, wasm:PATH, node:PATH or http://HOST:PORT")
	// No default in the flag itself: -help would print the key.
	key := fs.String("key", "", "county API key an http target sends with load_policy (default $NCMS_KEY)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "ncms-conform: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if *key == "" {
		*key = os.Getenv("NCMS_KEY")
	}
	ctx := context.Background()
	e, err := conformance.Open(ctx, *spec, conformance.Options{Key: *key})
	if err != nil {
		fmt.Fprintln(stderr, "ncms-conform:", err)
		return 2
	}
	if c, ok := e.(interface{ Close(context.Context) error }); ok {
		defer c.Close(ctx)
	}
	vectors, err := conformance.Load(*dir)
	if err != nil {
		fmt.Fprintln(stderr, "ncms-conform:", err)
		return 2
	}
	if len(vectors) == 0 {
		fmt.Fprintf(stderr, "ncms-conform: no vectors in %s\n", *dir)
		return 2
	}
	engines := []conformance.Engine{e}
	if e.Name() != "native" {
		// The reference comes first: CheckOne compares every later engine's bytes with
		// the first's.
		native, err := conformance.NewNative()
		if err != nil {
			fmt.Fprintln(stderr, "ncms-conform:", err)
			return 2
		}
		engines = []conformance.Engine{native, e}
	}
	passed, failed := 0, 0
	for i := range vectors {
		ms := conformance.CheckOne(ctx, &vectors[i], engines...)
		if len(ms) == 0 {
			passed++
			continue
		}
		failed++
		for _, m := range ms {
			if m.Engine != e.Name() {
				m.Diff = "the " + m.Engine + " reference: " + m.Diff
			}
			fmt.Fprintf(stdout, "FAIL %s: %s\n", m.ID, m.Diff)
		}
	}
	fmt.Fprintf(stdout, "%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		return 1
	}
	return 0
}
