package engine_test

import (
	"errors"
	"testing"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/settle"
)

// TestOpen opens what the engine answers and refuses what is not an envelope.
func TestOpen(t *testing.T) {
	e := newEngine(t)
	for _, tc := range []struct {
		name   string
		resp   []byte
		ok     bool
		code   core.Code // the first error's, when not ok
		refuse bool      // not an envelope
	}{
		{"settle", e.Handle(engine.OpSettle, []byte(pingluoClaim)), true, "", false},
		{"get_policy", e.Handle(engine.OpGetPolicy, []byte(`{"schema":1,"policy":"test-pingluo"}`)), true, "", false},
		{"version", e.Handle(engine.OpVersion, nil), true, "", false},
		{"refusal", e.Handle(engine.OpSettle, []byte(`{"schema":1,`)), false, core.RequestMalformed, false},
		{"unknown op", e.Handle("nope", []byte(`{}`)), false, core.RequestUnknownOp, false},
		{"failure", engine.Failure(core.Errors{core.NewError(core.EngineInternal, "", "x")}), false, core.EngineInternal, false},
		{"no schema", []byte(`{"ok":true}`), false, "", true},
		{"schema 2", []byte(`{"schema":2,"ok":true,"result":{}}`), false, "", true},
		{"no ok", []byte(`{"schema":1,"result":{}}`), false, "", true},
		{"unknown member", []byte(`{"schema":1,"ok":true,"result":{},"extra":1}`), false, "", true},
		{"duplicate ok", []byte(`{"schema":1,"ok":true,"ok":false,"result":{}}`), false, "", true},
		{"failure without errors", []byte(`{"schema":1,"ok":false}`), false, "", true},
		{"failure with a result", []byte(`{"schema":1,"ok":false,"result":{},"errors":[{"code":"x","path":"","message":"m","messageZh":"m"}]}`), false, "", true},
		{"success with errors", []byte(`{"schema":1,"ok":true,"result":{},"errors":[]}`), false, "", true},
		{"error with unknown member", []byte(`{"schema":1,"ok":false,"errors":[{"code":"x","path":"","message":"m","messageZh":"m","hint":"h"}]}`), false, "", true},
		{"proxy page", []byte(`<html>bad gateway</html>`), false, "", true},
		{"empty", nil, false, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := engine.Open(tc.resp)
			if tc.refuse {
				if !errors.Is(err, engine.ErrNotEnvelope) {
					t.Fatalf("Open(%s) = %+v, %v; want ErrNotEnvelope", tc.resp, r, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open(%.200s): %v", tc.resp, err)
			}
			if r.OK != tc.ok || r.Schema != engine.Schema {
				t.Fatalf("ok %v schema %d, want ok %v schema 1", r.OK, r.Schema, tc.ok)
			}
			if got := engine.Succeeded(tc.resp); got != r.OK {
				t.Errorf("Succeeded = %v, Open says ok %v", got, r.OK)
			}
			if tc.ok {
				if len(r.Result) == 0 || r.Err() != nil {
					t.Errorf("success with result %q, err %v", r.Result, r.Err())
				}
				return
			}
			if core.ErrorCode(r.Err()) != tc.code {
				t.Errorf("error %v, want %s", r.Err(), tc.code)
			}
		})
	}
}

// TestOpenAs decodes a result into its type, and gives a failure's errors typed.
func TestOpenAs(t *testing.T) {
	e := newEngine(t)
	res, err := engine.OpenAs[settle.Result](e.Handle(engine.OpSettle, []byte(pingluoClaim)))
	if err != nil {
		t.Fatal(err)
	}
	if got := res.FundTotal.String(); got != "4000.00" {
		t.Errorf("fund = %s, want 4000.00", got)
	}
	_, err = engine.OpenAs[settle.Result](e.Handle(engine.OpSettle, []byte(`{"schema":1,"policy":"nowhere","claim":{}}`)))
	var es core.Errors
	if !errors.As(err, &es) || core.ErrorCode(err) != core.PolicyNotFound {
		t.Errorf("err = %v, want core.Errors with policy_not_found", err)
	}
	// A result that is not the type asked for is the host's mistake, not a request's.
	_, err = engine.OpenAs[engine.VersionInfo](e.Handle(engine.OpSettle, []byte(pingluoClaim)))
	if err == nil || errors.As(err, &es) {
		t.Errorf("err = %v, want a decoding error", err)
	}
}
