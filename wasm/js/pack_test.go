package js_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// TestPack packs the package as a release would (npm pack): its prepack builds the
// module (make wasm, so go and make must be on PATH) and copies the repository's
// LICENSE in; both are removed first (they are git-ignored build output) so that the
// package is seen to get them from prepack. The package must hold exactly the loader,
// its types, the module, the README, the LICENSE and package.json: no tests, no Go,
// no lock file, no node_modules, no stray build output. Then it is installed from the
// tarball into an empty project, where load() with no argument must find the module
// and settle the Pingluo example.
func TestPack(t *testing.T) {
	npm := need(t, "npm", "apt-get install npm")
	for _, f := range []string{"ncms.wasm", "LICENSE"} {
		if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	dist := t.TempDir()
	cmd := exec.Command(npm, "pack", "--json", "--pack-destination", dist)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("npm pack: %v\n%s", err, stderr.Bytes())
	}
	var packs []struct {
		Name     string `json:"name"`
		Filename string `json:"filename"`
		Files    []struct {
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
	if t.Failed() {
		return
	}

	// Installed as a user installs it: from the tarball, with nothing from the registry
	// (the package has no dependencies), then imported by name.
	project := t.TempDir()
	write(t, filepath.Join(project, "package.json"), []byte(`{"name": "consumer", "private": true, "type": "module"}`))
	install := exec.Command(npm, "install", "--offline", "--no-audit", "--no-fund", filepath.Join(dist, packs[0].Filename))
	install.Dir = project
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("npm install of the tarball: %v\n%s", err, out)
	}
	write(t, filepath.Join(project, "main.js"), []byte(`import { load } from '@ncms/engine';
const engine = await load();
const env = engine.settle({ schema: 1, policy: 'pingluo-original', claim: {
  id: 'V1',
  person: { id: '640221198001010015', category: 'farmer', birthDate: '1980-01-01', enrollment: [{ year: 2025, paidOn: '2024-12-01' }] },
  visit: { type: 'inpatient', class: 'county', referral: false, admission: '2025-03-01', discharge: '2025-03-10' },
  items: [{ code: 'X1', kind: 'treatment', class: 'A', amount: '8432' }],
  totals: { year: 0, funds: [], admissions: [], familyAccount: '0' },
} });
console.log(JSON.stringify([env.result.fundTotal, env.result.cash]));
`))
	run := exec.Command(need(t, "node", "apt-get install nodejs"), "main.js")
	run.Dir = project
	out, err = run.CombinedOutput()
	if err != nil {
		t.Fatalf("node main.js in a project with the package installed: %v\n%s", err, out)
	}
	// (8432 − 300) × 55% = 4472.60, capped at 4000: the Pingluo county report's worked example.
	if got, want := string(bytes.TrimSpace(out)), `["4000.00","4432.00"]`; got != want {
		t.Errorf("the installed package settles the Pingluo example as %s, want %s", got, want)
	}
}
