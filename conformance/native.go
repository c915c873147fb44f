package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

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
func (n *Native) Load(ctx context.Context, doc []byte) error {
	resp, err := n.Call(ctx, engine.OpLoadPolicy, doc)
	if err != nil {
		return err
	}
	return loadResult(resp)
}

// loadResult turns a load_policy response into an error when it is not ok; engines
// other than Native can use it too.
func loadResult(resp []byte) error {
	var r response
	dec := json.NewDecoder(bytes.NewReader(resp))
	dec.UseNumber()
	if err := dec.Decode(&r); err != nil {
		return fmt.Errorf("load_policy: response is not JSON: %w", err)
	}
	if r.OK == nil || !*r.OK {
		return fmt.Errorf("load_policy refused the policy: %s", resp)
	}
	return nil
}
