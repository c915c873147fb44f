package conformance

import (
	"context"

	"github.com/ruralhealth/ncms/core/engine"
)

// Native is the Go engine of core/engine, called in process, with the example
// policies loaded.
type Native struct {
	e *engine.Engine
}

// NewNative returns a native engine with the embedded example policies.
func NewNative() (*Native, error) {
	e, err := engine.WithExamples()
	if err != nil {
		return nil, err
	}
	return &Native{e: e}, nil
}

// Name implements Engine.
func (n *Native) Name() string { return "native" }

// Call implements Engine.
func (n *Native) Call(_ context.Context, op string, req []byte) ([]byte, error) {
	return n.e.Handle(op, req), nil
}

// Load implements Engine.
func (n *Native) Load(ctx context.Context, doc []byte) error { return loadPolicy(ctx, n, doc) }
