//go:build unix

package conformance_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/ruralhealth/ncms/conformance"
)

// fakeNode writes a shell script that stands in for node and returns its path.
func fakeNode(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "node")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestNodeFailures: whatever the process does wrong, OpenNode or Call returns an
// error that says what happened, and a call after a dead process fails at once.
func TestNodeFailures(t *testing.T) {
	const ready = `echo '{"ready":true}'; `
	for _, tc := range []struct {
		name    string
		script  string
		openErr string // OpenNode's error contains it; "" when OpenNode succeeds
		callErr string // every Call's error contains it
	}{
		{name: "exits at start", script: `echo "cannot load the module" >&2; exit 3`, openErr: "cannot load the module"},
		{name: "exit status at start", script: `exit 3`, openErr: "exit status 3"},
		{name: "not the protocol", script: `echo hello; exec sleep 600`, openErr: "not protocol JSON"},
		{name: "not ready", script: `echo '{"error":"no module"}'; exec sleep 600`, openErr: "want ready"},
		{name: "dies in a call", script: ready + `read line; echo "out of memory" >&2; exit 4`, callErr: "exit status 4"},
		{name: "garbage reply", script: ready + `read line; echo '<html>'; exec sleep 600`, callErr: "not protocol JSON"},
		{name: "empty reply", script: ready + `while read line; do echo '{}'; done`, callErr: "neither response nor error"},
		{name: "the loader throws", script: ready + `while read line; do echo '{"error":"RuntimeError: unreachable"}'; done`, callErr: "unreachable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			bin := fakeNode(t, tc.script)
			n, err := conformance.OpenNode(ctx, bin, conformance.NodeOptions{Node: bin})
			if tc.openErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.openErr) {
					t.Fatalf("OpenNode: %v, want an error containing %q", err, tc.openErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer n.Close(ctx)
			for i := range 2 {
				if _, err := n.Call(ctx, "version", []byte(`{"schema":1}`)); err == nil || !strings.Contains(err.Error(), tc.callErr) {
					t.Errorf("call %d: %v, want an error containing %q", i, err, tc.callErr)
				}
			}
		})
	}
}

// TestNodeContext: a ctx that ends while node is busy ends the call and the process;
// one that is done before OpenNode's wait ends OpenNode. The script tells the test
// through a FIFO that it holds the request, so the cancellation lands mid-call.
func TestNodeContext(t *testing.T) {
	t.Run("during a call", func(t *testing.T) {
		fifo := filepath.Join(t.TempDir(), "got-request")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Fatal(err)
		}
		bin := fakeNode(t, `echo '{"ready":true}'; read line; echo got > '`+fifo+`'; exec sleep 600`)
		n, err := conformance.OpenNode(context.Background(), bin, conformance.NodeOptions{Node: bin})
		if err != nil {
			t.Fatal(err)
		}
		defer n.Close(context.Background())

		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		called := make(chan error, 1)
		go func() {
			_, err := n.Call(ctx, "version", []byte(`{"schema":1}`))
			called <- err
		}()
		received := make(chan error, 1)
		go func() {
			_, err := os.ReadFile(fifo) // returns once the script has written and closed it
			received <- err
		}()
		select {
		case err := <-called:
			t.Fatalf("the call returned before the script had the request: %v", err)
		case err := <-received:
			if err != nil {
				t.Fatal(err)
			}
		}
		cancel()
		if err := <-called; !errors.Is(err, context.Canceled) {
			t.Errorf("call: %v, want context.Canceled", err)
		}
		if _, err := n.Call(context.Background(), "version", nil); err == nil {
			t.Error("a call after the process was killed succeeded")
		}
	})
	t.Run("before ready", func(t *testing.T) {
		bin := fakeNode(t, `exec sleep 600`)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := conformance.OpenNode(ctx, bin, conformance.NodeOptions{Node: bin}); !errors.Is(err, context.Canceled) {
			t.Errorf("OpenNode: %v, want context.Canceled", err)
		}
	})
}
