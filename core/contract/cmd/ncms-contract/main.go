// Command ncms-contract writes the files generated from the engine's wire contract
// (core/contract): the JSON Schemas, openapi.json's engine components, ncms.d.ts,
// docs/wire.md and the examples in README.md and wasm/ABI.md. Run it through
// `go generate ./core/contract`.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ruralhealth/ncms/core/contract/internal/gen"
)

func main() {
	root := flag.String("root", ".", "the repository root")
	flag.Parse()
	if err := run(*root); err != nil {
		fmt.Fprintln(os.Stderr, "ncms-contract:", err)
		os.Exit(1)
	}
}

func run(root string) error {
	files, err := gen.Generate(root)
	if err != nil {
		return err
	}
	// Schemas no longer generated are removed.
	old, err := filepath.Glob(filepath.Join(root, gen.SchemaDir, "*.json"))
	if err != nil {
		return err
	}
	for _, p := range old {
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		if _, ok := files[filepath.ToSlash(rel)]; !ok {
			if err := os.Remove(p); err != nil {
				return err
			}
		}
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	changed := 0
	for _, p := range paths {
		full := filepath.Join(root, filepath.FromSlash(p))
		if cur, err := os.ReadFile(full); err == nil && bytes.Equal(cur, files[p]) {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, files[p], 0o644); err != nil {
			return err
		}
		changed++
		if !strings.HasPrefix(p, gen.SchemaDir) {
			fmt.Println("wrote", p)
		}
	}
	fmt.Printf("%d files generated, %d changed\n", len(files), changed)
	return nil
}
