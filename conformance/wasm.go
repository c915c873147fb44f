package conformance

import (
	"context"
	"fmt"
	"os"

	"github.com/ruralhealth/ncms/wasm/host"
)

// Wasm is the WebAssembly module run by the Go host over wazero: the bytes a county
// ships to hospitals.
type Wasm struct {
	path string
	h    *host.Host
}

// OpenWasm compiles the module at path. The caller closes it with Close.
func OpenWasm(ctx context.Context, path string) (*Wasm, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("wasm target: %w", err)
	}
	h, err := host.New(ctx, b, host.Options{PoolSize: 1})
	if err != nil {
		return nil, fmt.Errorf("wasm target %s: %w", path, err)
	}
	return &Wasm{path: path, h: h}, nil
}

// Name implements Engine.
func (w *Wasm) Name() string { return "wasm" }

// Call implements Engine.
func (w *Wasm) Call(ctx context.Context, op string, req []byte) ([]byte, error) {
	return w.h.Call(ctx, op, req)
}

// Load implements Engine.
func (w *Wasm) Load(ctx context.Context, doc []byte) error { return loadPolicy(ctx, w, doc) }

// Close releases the module.
func (w *Wasm) Close(ctx context.Context) error { return w.h.Close(ctx) }
