package conformance_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/ruralhealth/ncms/conformance"
	"github.com/ruralhealth/ncms/core/engine"
)

// nodeMissing returns why the Node engine cannot run here, or "" when it can or must:
// with CI set a missing node is an error, never a skip.
func nodeMissing() string {
	if _, err := exec.LookPath("node"); err == nil || os.Getenv("CI") != "" {
		return ""
	}
	return "!!! node is not on PATH: the module was NOT played through wasm/js/ncms.js (CI=1 makes this an error) !!!"
}

// needNode skips t, loudly, when nodeMissing says so.
func needNode(t *testing.T) {
	t.Helper()
	if msg := nodeMissing(); msg != "" {
		fmt.Fprintln(os.Stderr, msg)
		t.Skip(msg)
	}
}

// TestNodeBytes: requests no vector can hold (a JSON file cannot carry invalid UTF-8)
// cross the line protocol intact and come back as the native engine's bytes.
func TestNodeBytes(t *testing.T) {
	needNode(t)
	ctx := context.Background()
	n, err := conformance.OpenNode(ctx, wasmModule(t), conformance.NodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close(ctx)
	native, err := engine.WithExamples()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		op   string
		req  []byte
	}{
		{"invalid UTF-8", "check_id", []byte("{\"schema\":1,\"id\":\"\xff\xfe\",\"today\":\"2025-01-01\"}")},
		{"NUL and a newline", "check_id", []byte("{\"schema\":1,\n\"id\":\"\x00\"}")},
		{"empty request", "settle", nil},
		{"empty operation", "", []byte(`{"schema":1}`)},
		{"unknown operation", "settle\n", []byte(`{"schema":1}`)},
		{"over the size limit", "settle", bytes.Repeat([]byte(" "), 9<<20)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := n.Call(ctx, tc.op, tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if want := native.Handle(tc.op, tc.req); !bytes.Equal(got, want) {
				t.Errorf("got %.200q\nwant %.200q", got, want)
			}
		})
	}
}

// TestNodeLifecycle: a refused policy is an error, a done ctx fails a call without
// spoiling the engine, and after Close every call fails.
func TestNodeLifecycle(t *testing.T) {
	needNode(t)
	ctx := context.Background()
	n, err := conformance.OpenNode(ctx, wasmModule(t), conformance.NodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close(ctx)

	if err := n.Load(ctx, []byte(`{"schema":1}`)); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("loading a non-policy: %v, want refused", err)
	}
	if err := n.Load(ctx, mutant(t, "pingluo-copy", func(map[string]any) {})); err != nil {
		t.Errorf("loading a copy of pingluo-original: %v", err)
	}

	done, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := n.Call(done, "version", []byte(`{"schema":1}`)); !errors.Is(err, context.Canceled) {
		t.Errorf("call with a done ctx: %v, want context.Canceled", err)
	}
	resp, err := n.Call(ctx, "list_policies", []byte(`{"schema":1}`))
	if err != nil {
		t.Fatalf("a call after a done ctx: %v", err)
	}
	if !bytes.Contains(resp, []byte(`"pingluo-copy"`)) {
		t.Errorf("list_policies lacks the loaded copy: %.300s", resp)
	}

	if err := n.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Call(ctx, "version", []byte(`{"schema":1}`)); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("call after Close: %v, want closed", err)
	}
	if err := n.Close(ctx); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
