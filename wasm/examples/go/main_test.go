package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Test_main builds the module, unless NCMS_WASM names one, and checks the example's
// output.
func Test_main(t *testing.T) {
	path := os.Getenv("NCMS_WASM")
	if path == "" {
		path = filepath.Join(t.TempDir(), "ncms.wasm")
		cmd := exec.Command("go", "build", "-buildmode=c-shared", "-trimpath", "-ldflags=-s -w -buildid=", "-o", path,
			"github.com/ruralhealth/ncms/wasm/module")
		cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", cmd.Args, err, out)
		}
	}
	var out strings.Builder
	if err := run(context.Background(), path, &out); err != nil {
		t.Fatal(err)
	}
	if want := "total 8432.00, fund 4000.00, cash 4432.00 (pingluo-original)\n"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}
