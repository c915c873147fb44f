package engine

import (
	"bytes"
	"errors"
	"strconv"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/codec"
	"github.com/ruralhealth/ncms/core/wire"
)

// Response is an engine response envelope opened: {"schema":1,"ok":true,"result":…}
// or {"schema":1,"ok":false,"errors":[…]}. Every host that reads what an engine
// answered — the ledger, the wasm host, the conformance suite, the county server —
// opens it with Open, so that they agree on what a response is.
type Response struct {
	Schema int
	OK     bool
	Result []byte      // the result's bytes as the engine wrote them
	Errors core.Errors // every problem, when not ok
}

// envelopeIn is a response envelope as read, before Open checks it: members absent
// are nil.
type envelopeIn struct {
	Schema *int        `json:"schema"`
	OK     *bool       `json:"ok"`
	Result wire.Raw    `json:"result"`
	Errors core.Errors `json:"errors"`
}

// ErrNotEnvelope is wrapped by Open's error for bytes that are not a response
// envelope: a fault of the engine or of what carried its answer, never of a request.
var ErrNotEnvelope = errors.New("not an envelope")

// notEnvelope is the error of Open for bytes that are not an envelope, wrapping
// ErrNotEnvelope.
type notEnvelope string

func (e notEnvelope) Error() string { return "engine response: not an envelope: " + string(e) }
func (e notEnvelope) Unwrap() error { return ErrNotEnvelope }

// Open decodes a response envelope strictly with the codec: schema 1, ok present, a
// success with no errors and a failure with at least one error and no result.
func Open(resp []byte) (Response, error) {
	var env envelopeIn
	if err := codec.Decode(resp, &env); err != nil {
		return Response{}, notEnvelope(err.Error())
	}
	switch {
	case env.Schema == nil || *env.Schema != Schema:
		return Response{}, notEnvelope("schema is not " + strconv.Itoa(Schema))
	case env.OK == nil:
		return Response{}, notEnvelope("no ok member")
	case *env.OK && env.Errors != nil:
		return Response{}, notEnvelope("ok with errors")
	case !*env.OK && (len(env.Errors) == 0 || env.Result != nil):
		return Response{}, notEnvelope("not ok without errors, or with a result")
	}
	return Response{Schema: *env.Schema, OK: *env.OK, Result: env.Result, Errors: env.Errors}, nil
}

// Err is nil for a success and the response's errors otherwise.
func (r Response) Err() error {
	if r.OK {
		return nil
	}
	return r.Errors
}

// OpenAs opens a response envelope and decodes its result into a T strictly: a
// failure's errors come back as core.Errors, anything that is not an envelope or a
// result that is not a T as a wrapped error.
func OpenAs[T any, P interface {
	*T
	wire.Decoder
}](resp []byte) (T, error) {
	var v T
	r, err := Open(resp)
	if err != nil {
		return v, err
	}
	if !r.OK {
		return v, r.Errors
	}
	if err := codec.Decode(r.Result, P(&v)); err != nil {
		// %v, not %w: the codec's core.Errors describe the result, not the request,
		// and must not reach a client as its own mistake.
		return v, errors.New("engine response: reading the result: " + err.Error())
	}
	return v, nil
}

// successPrefix begins every success envelope in the canonical encoding (struct
// field order: schema, then ok).
var successPrefix = []byte(`{"schema":1,"ok":true`)

// Succeeded reports whether resp, an envelope an engine wrote, is a success,
// without decoding it: the canonical encoding begins every success with the same
// bytes. Hosts that only route on success (and pass the bytes on unchanged) use it
// on every response; TestSucceededAgreesWithOpen holds it to Open.
func Succeeded(resp []byte) bool { return bytes.HasPrefix(resp, successPrefix) }
