// Package build compiles the WebAssembly module the way `make wasm` does, for tests
// and tools that need the module without a prior make step.
package build

import (
	"context"
	"fmt"
	"os"
	"os/exec"
)

// Package is the module's import path; building by path works from any directory.
const Package = "github.com/ruralhealth/ncms/wasm/module"

// Module builds the module into out with the flags of the Makefile's wasm target, so
// the bytes equal a `make wasm` build. A non-empty gocache builds with that Go build
// cache instead of the user's (to prove a build reproducible from cold).
func Module(ctx context.Context, out, gocache string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-buildmode=c-shared", "-trimpath",
		"-ldflags=-s -w -buildid=", "-o", out, Package)
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
	if gocache != "" {
		cmd.Env = append(cmd.Env, "GOCACHE="+gocache)
	}
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building the wasm module: %v\n%s", err, b)
	}
	return nil
}

// Path returns the module NCMS_WASM names (a module built some other way, such as
// wasm-opt's output), or builds one into dir and returns its path.
func Path(ctx context.Context, dir string) (string, error) {
	if p := os.Getenv("NCMS_WASM"); p != "" {
		return p, nil
	}
	out := dir + string(os.PathSeparator) + "ncms.wasm"
	return out, Module(ctx, out, "")
}
