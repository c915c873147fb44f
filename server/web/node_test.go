package web_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ruralhealth/ncms/server/web"
)

// need returns the path of a tool a test cannot run without: missing, the test is
// skipped loudly, and under CI (env CI set) it fails.
func need(t *testing.T, path, what string) string {
	t.Helper()
	if p, err := exec.LookPath(path); err == nil {
		return p
	}
	msg := fmt.Sprintf("%s not found: %s were NOT checked", path, what)
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	fmt.Fprintln(os.Stderr, "!!! "+msg+" !!!")
	t.Skip(msg)
	return ""
}

// TestNodeUnits runs the page's JavaScript unit tests (jstest/, `node --test`), so that
// `go test ./server/web` also proves how the page reads typed amounts. Without node the
// test is skipped loudly, and under CI (env CI set) it fails: the page's own logic is
// never silently untested.
func TestNodeUnits(t *testing.T) {
	node := need(t, "node", "the estimator's JavaScript units (server/web/jstest)")
	cmd := exec.Command(node, "--test", "--test-reporter=tap", "jstest/")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %v\n%s", cmd.Args, err, out)
	}
	// A folder with no tests passes under node: insist that some ran and none failed.
	if m := regexp.MustCompile(`(?m)^# pass (\d+)$`).FindSubmatch(out); m == nil || string(m[1]) == "0" {
		t.Fatalf("node ran no passing tests:\n%s", out)
	}
	if !regexp.MustCompile(`(?m)^# fail 0$`).Match(out) {
		t.Fatalf("node reports failures:\n%s", out)
	}
	t.Logf("%s", out)
}

// TestCheckedModules type-checks the estimator's modules that say `// @ts-check` (their
// JSDoc types) with the TypeScript compiler wasm/js installs (`npm ci` in wasm/js), under
// strict options.
func TestCheckedModules(t *testing.T) {
	node := need(t, "node", "the estimator's checked modules")
	compiler, err := filepath.Abs(filepath.Join("..", "..", "wasm", "js", "node_modules", "typescript", "bin", "tsc"))
	if err != nil {
		t.Fatal(err)
	}
	need(t, compiler, "the estimator's checked modules (run `npm ci` in wasm/js)")
	var files []string
	err = fs.WalkDir(web.Files(), ".", func(name string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && (name == "desk" || name == "console") {
			return fs.SkipDir // the desk's and the console's modules use the DOM: TestDeskTypes checks them with its lib
		}
		if err != nil || d.IsDir() || filepath.Ext(name) != ".js" {
			return err
		}
		b, err := fs.ReadFile(web.Files(), name)
		if err != nil {
			return err
		}
		if bytes.HasPrefix(b, []byte("// @ts-check")) {
			abs, err := filepath.Abs(filepath.Join("static", name))
			if err != nil {
				return err
			}
			files = append(files, strconv.Quote(abs))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no module of the page says // @ts-check; amount.js did")
	}
	dir := t.TempDir()
	config := `{"compilerOptions": {"strict": true, "noEmit": true, "target": "es2022", "allowJs": true, "checkJs": true,
  "module": "nodenext", "moduleResolution": "nodenext", "lib": ["es2022"], "types": [],
  "exactOptionalPropertyTypes": true, "noUncheckedIndexedAccess": true},
 "files": [` + strings.Join(files, ", ") + `]}`
	if err := os.WriteFile(filepath.Join(dir, "tsconfig.json"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, compiler, "-p", dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tsc on %s: %v\n%s", strings.Join(files, ", "), err, out)
	}
}
