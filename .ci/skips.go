// Command skips ends `make test`: it reads the `go test -json` streams of the run and
// prints every skipped test with the reason it gave, then one closing line with the
// totals ("N passed, N failed, N skipped").
//
// A skipped test asserts nothing while the run still looks green, so under CI (the
// CI environment variable set, as .ci/run has it) any skip fails the run: CI installs
// every browser, database and emulator the suite needs, and a skip there means an
// install step is missing. A developer without Chromium or PostgreSQL still gets a
// green run, with the list saying what was not tested.
//
//	go run .ci/skips.go .test/*.json
//
// It is a file run by `go run` rather than a package so that `./...` (vet, test) does
// not include it; it uses only the standard library.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

type key struct{ pkg, test string }

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "skips:", err)
		os.Exit(1)
	}
}

func run(files []string) error {
	if len(files) == 0 {
		return fmt.Errorf("usage: go run .ci/skips.go FILE.json… (go test -json output; *.skip files hold whole steps that were skipped, one reason a line)")
	}
	var passed, failed int
	var skipped []key
	var steps []string // whole steps skipped, from *.skip files
	output := map[key][]string{}
	for _, name := range files {
		if strings.HasSuffix(name, ".skip") {
			b, err := os.ReadFile(name)
			if err != nil {
				return err
			}
			for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
				if line != "" {
					steps = append(steps, line)
				}
			}
			continue
		}
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for sc.Scan() {
			line := sc.Bytes()
			if len(line) == 0 || line[0] != '{' {
				continue // the build's own output, interleaved by go test
			}
			var e event
			if err := json.Unmarshal(line, &e); err != nil {
				continue
			}
			if e.Test == "" {
				continue // package-level events: "no test files" is a package skip, not a test's
			}
			k := key{e.Package, e.Test}
			switch e.Action {
			case "output":
				output[k] = append(output[k], e.Output)
			case "pass":
				passed++
			case "fail":
				failed++
			case "skip":
				skipped = append(skipped, k)
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	sort.Slice(skipped, func(i, j int) bool {
		if skipped[i].pkg != skipped[j].pkg {
			return skipped[i].pkg < skipped[j].pkg
		}
		return skipped[i].test < skipped[j].test
	})
	if n := len(skipped) + len(steps); n > 0 {
		fmt.Printf("\n!!! %d skipped: these were NOT tested !!!\n", n)
		for _, s := range steps {
			fmt.Printf("  step: %s\n", s)
		}
		for _, k := range skipped {
			fmt.Printf("  %s %s: %s\n", filepath.Base(k.pkg), k.test, reason(output[k]))
		}
	} else {
		fmt.Println("\nNothing skipped.")
	}
	fmt.Printf("%d passed, %d failed, %d skipped\n", passed, failed, len(skipped)+len(steps))
	if ci := os.Getenv("CI"); ci != "" && ci != "false" && len(skipped)+len(steps) > 0 {
		return fmt.Errorf("CI is set and something was skipped: CI must install what every test needs (.ci/run)")
	}
	if failed > 0 {
		return fmt.Errorf("%d tests failed", failed)
	}
	return nil
}

// reason returns what a skipped test printed, without go test's own framing lines.
func reason(lines []string) string {
	var out []string
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- SKIP") {
			continue
		}
		out = append(out, t)
	}
	if len(out) == 0 {
		return "(no reason given)"
	}
	return strings.Join(out, " / ")
}
