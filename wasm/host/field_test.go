package host

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestAddedFieldReachesEveryHost is what adding a field to a wire type takes: in a
// copy of the project's core and module, a field is added to claim.Visit. Until
// go generate runs, the staleness check fails and every engine refuses the member;
// after it, the native engine, the module under wazero and the module under Node (when
// node is on PATH) all accept it and answer the same bytes. Nothing but the Go type
// was edited by hand.
func TestAddedFieldReachesEveryHost(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	for _, dir := range []string{"core", "wasm/module", "wasm/js"} {
		copyTree(t, filepath.Join(root, dir), filepath.Join(tmp, dir))
	}
	for _, f := range []string{"go.mod", "go.sum"} {
		copyFile(t, filepath.Join(root, f), filepath.Join(tmp, f))
	}

	// The one edit a person makes: a field of the Go type, with its wire name.
	claimGo := filepath.Join(tmp, "core/claim/claim.go")
	src, err := os.ReadFile(claimGo)
	if err != nil {
		t.Fatal(err)
	}
	anchor := "\tInvoice string `json:\"invoice,omitempty\"`\n"
	if !bytes.Contains(src, []byte(anchor)) {
		t.Fatalf("claim.Visit has no Invoice field to add a field after")
	}
	src = bytes.Replace(src, []byte(anchor), []byte(anchor+"\t// Ward is the hospital ward (病区).\n\tWard string `json:\"ward,omitempty\"`\n"), 1)
	if err := os.WriteFile(claimGo, src, 0o644); err != nil {
		t.Fatal(err)
	}
	req, err := os.ReadFile(filepath.Join(root, "core/engine/testdata/twenty-lines.json"))
	if err != nil {
		t.Fatal(err)
	}
	req = bytes.Replace(req, []byte(`"visit":{`), []byte(`"visit":{"ward":"三病区",`), 1)
	if !bytes.Contains(req, []byte(`"ward"`)) {
		t.Fatal("the request has no visit to add the ward to")
	}
	reqFile := filepath.Join(tmp, "request.json")
	if err := os.WriteFile(reqFile, req, 0o644); err != nil {
		t.Fatal(err)
	}
	// A native host: the engine on stdin's request.
	mainDir := filepath.Join(tmp, "cmd/settle")
	if err := os.MkdirAll(mainDir, 0o755); err != nil {
		t.Fatal(err)
	}
	prog := `package main

import (
	"io"
	"os"

	"github.com/ruralhealth/ncms/core/engine"
)

func main() {
	req, _ := io.ReadAll(os.Stdin)
	e, err := engine.WithExamples()
	if err != nil {
		panic(err)
	}
	os.Stdout.Write(e.Handle(engine.OpSettle, req))
}
`
	if err := os.WriteFile(filepath.Join(mainDir, "main.go"), []byte(prog), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(dir string, stdin []byte, env []string, args ...string) ([]byte, error) {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		cmd.Stdin = bytes.NewReader(stdin)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Logf("%s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
		}
		return out, err
	}

	// Before go generate: the check fails, and the engine refuses the member.
	if _, err := run(filepath.Join(tmp, "core/claim"), nil, nil, "go", "run", "github.com/ruralhealth/ncms/core/wire/wiregen", "-check", "Claim"); err == nil {
		t.Error("wiregen -check passed with the field not generated")
	}
	stale, err := run(tmp, req, nil, "go", "run", "./cmd/settle")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(stale, []byte(`"code":"request_unknown_field","path":"/claim/visit/ward"`)) {
		t.Fatalf("before go generate the ward was not refused: %s", stale)
	}

	if _, err := run(tmp, nil, nil, "go", "generate", "./core/claim"); err != nil {
		t.Fatal("go generate failed")
	}
	native, err := run(tmp, req, nil, "go", "run", "./cmd/settle")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(native, []byte(`{"schema":1,"ok":true`)) {
		t.Fatalf("native engine refused the new field: %s", native)
	}

	wasm := filepath.Join(tmp, "ncms.wasm")
	if _, err := run(tmp, nil, []string{"GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0"},
		"go", "build", "-buildmode=c-shared", "-trimpath", "-ldflags=-s -w -buildid=", "-o", wasm, "./wasm/module"); err != nil {
		t.Fatal("building the module failed")
	}
	module, err := os.ReadFile(wasm)
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(context.Background(), module, Options{CompilationCache: filepath.Join(tmp, "wazero")})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(context.Background())
	got, err := h.Call(context.Background(), "settle", req)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, native) {
		t.Fatalf("wazero and native differ:\n wasm   %s\n native %s", got, native)
	}

	node, err := exec.LookPath("node")
	if err != nil {
		msg := "!!! node is not on PATH: the added field was NOT tried under Node !!!"
		fmt.Fprintln(os.Stderr, msg)
		t.Skip(msg)
	}
	script := `import { load } from './wasm/js/ncms.js';
import { readFileSync } from 'node:fs';
const engine = await load(process.argv[2]);
process.stdout.write(engine.call('settle', readFileSync(process.argv[3])));
`
	if err := os.WriteFile(filepath.Join(tmp, "settle.mjs"), []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	viaNode, err := run(tmp, nil, nil, node, "settle.mjs", wasm, reqFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(viaNode, native) {
		t.Fatalf("Node and native differ:\n node   %s\n native %s", viaNode, native)
	}
}

// copyTree copies the files under src to dst, leaving out tests and test data, which
// the build does not need.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			if d.Name() == "testdata" || d.Name() == "node_modules" || d.Name() == "test" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if strings.HasSuffix(path, "_test.go") || strings.HasSuffix(path, ".wasm") {
			return nil
		}
		copyFile(t, path, filepath.Join(dst, rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
