package conformance

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
)

// Main is the conformance command line (`ncms conform`, ncms-conform): it plays the
// vectors in --vectors against the engine --target names and prints one line per
// failing vector, then "N passed, N failed". It returns the exit status: 0 when all
// pass, 1 on any failure, 2 on bad usage. Any target but native must also answer
// every vector with the native engine's bytes exactly. prog names the command in
// usage and errors.
func Main(ctx context.Context, prog string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet(prog, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("vectors", "conformance/vectors", "directory of vectors (<topic>/<case>.json)")
	spec := fs.String("target", "native", "engine to test: native, wasm:PATH, node:PATH or http://HOST:PORT")
	// No default in the flag itself: -help would print the key.
	key := fs.String("key", "", "county API key an http target sends with load_policy (default $NCMS_KEY)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected arguments %q\n", prog, fs.Args())
		return 2
	}
	if *key == "" {
		*key = os.Getenv("NCMS_KEY")
	}
	e, err := Open(ctx, *spec, Options{Key: *key})
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 2
	}
	if c, ok := e.(interface{ Close(context.Context) error }); ok {
		defer c.Close(ctx)
	}
	vectors, err := Load(*dir)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prog, err)
		return 2
	}
	if len(vectors) == 0 {
		fmt.Fprintf(stderr, "%s: no vectors in %s\n", prog, *dir)
		return 2
	}
	engines := []Engine{e}
	if e.Name() != "native" {
		// The reference comes first: CheckOne compares every later engine's bytes with
		// the first's.
		native, err := NewNative()
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", prog, err)
			return 2
		}
		engines = []Engine{native, e}
	}
	passed, failed := 0, 0
	for i := range vectors {
		ms := CheckOne(ctx, &vectors[i], engines...)
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
