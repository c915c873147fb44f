package js_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"slices"
	"testing"
)

// TestPack runs `npm pack --dry-run` on the package as a release would: its prepack
// builds the module (make wasm, so go and make must be on PATH) and copies the
// repository's LICENSE in; both are removed first (they are git-ignored build output)
// so that the package is seen to get them from prepack. The package must hold exactly the loader, its types, the
// module, the README, the LICENSE and package.json: no tests, no Go, no lock file,
// no node_modules, no stray build output.
func TestPack(t *testing.T) {
	npm := need(t, "npm", "apt-get install npm")
	for _, f := range []string{"ncms.wasm", "LICENSE"} {
		if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(npm, "pack", "--dry-run", "--json")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("npm pack --dry-run: %v\n%s", err, stderr.Bytes())
	}
	var packs []struct {
		Name  string `json:"name"`
		Files []struct {
			Path string `json:"path"`
			Size int    `json:"size"`
		} `json:"files"`
	}
	if err := json.Unmarshal(out, &packs); err != nil || len(packs) != 1 {
		t.Fatalf("npm pack --json: %v (want one package)\n%s", err, out)
	}
	var got []string
	size := map[string]int{}
	for _, f := range packs[0].Files {
		got = append(got, f.Path)
		size[f.Path] = f.Size
	}
	slices.Sort(got)
	want := []string{"LICENSE", "README.md", "ncms.d.ts", "ncms.js", "ncms.wasm", "package.json"}
	if !slices.Equal(got, want) {
		t.Errorf("npm pack of %s holds %q, want %q", packs[0].Name, got, want)
	}
	for _, f := range []struct{ pack, repo string }{{"LICENSE", "../../LICENSE"}, {"ncms.wasm", "ncms.wasm"}} {
		b, err := os.ReadFile(f.repo)
		if err != nil {
			t.Fatal(err)
		}
		if size[f.pack] != len(b) || len(b) == 0 {
			t.Errorf("%s in the package is %d bytes, %s %d", f.pack, size[f.pack], f.repo, len(b))
		}
	}
	if b, _ := os.ReadFile("ncms.wasm"); !bytes.HasPrefix(b, []byte("\x00asm")) {
		t.Error("ncms.wasm is not a WebAssembly module")
	}
}
