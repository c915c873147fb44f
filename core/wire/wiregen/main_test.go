package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// directive begins the go:generate line of every package with wire types.
const directive = "//go:generate go run github.com/ruralhealth/ncms/core/wire/wiregen "

// generated finds the packages under root that run wiregen, with their root types.
func generated(t *testing.T, root string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, line := range strings.Split(string(b), "\n") {
			if args, ok := strings.CutPrefix(line, directive); ok {
				out[filepath.Dir(path)] = strings.Fields(args)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestGeneratedUpToDate fails when a package's wire_gen.go is not what wiregen
// writes from its Go types today: a field added, renamed or retagged without running
// go generate ./core/... .
func TestGeneratedUpToDate(t *testing.T) {
	pkgs := generated(t, "../..")
	for _, want := range []string{"claim", "engine", "policy", "settle"} {
		if _, ok := pkgs[filepath.Join("../..", want)]; !ok {
			t.Errorf("package %s runs no wiregen", want)
		}
	}
	for dir, roots := range pkgs {
		src, err := Generate(dir, "wire_gen.go", roots)
		if err != nil {
			t.Errorf("%s: %v", dir, err)
			continue
		}
		old, err := os.ReadFile(filepath.Join(dir, "wire_gen.go"))
		if err != nil || !bytes.Equal(old, src) {
			t.Errorf("%s/wire_gen.go is stale: run go generate ./core/...", dir)
		}
	}
}
