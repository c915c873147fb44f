// Package codec is the one JSON wire format of the engine. Every host — the wasm
// module, the Go host, the JS loader and the county server — passes the engine's
// requests and responses through it, so the same request gives the same bytes
// everywhere.
//
// It reads and writes the wire types with the methods cmd wiregen generates from
// their Go declarations (package wire), without reflection: the module carries no
// reflective JSON codec. Decoding is strict: member names match exactly (case
// included), unknown or duplicate members, invalid UTF-8, trailing data and values of
// the wrong kind are errors with JSON-pointer paths. Encoding is canonical: struct
// field order, amounts as fixed decimal strings, empty lists as [], no HTML escaping.
// Hosts' own types, which have no generated methods, go through package anycodec,
// which gives the same bytes.
package codec

import (
	"strconv"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/wire"
)

// MaxRequest is the largest request the codec decodes (8 MiB): a discharge bill with
// ten thousand lines is about 2 MiB.
const MaxRequest = 8 << 20

// TooLarge is the error for a request of n bytes over MaxRequest. Hosts that refuse a
// request before it reaches Decode (the wasm module does not copy one) use it too, so
// the envelope is the same everywhere.
func TooLarge(n uint64) *core.Error {
	size := strconv.FormatUint(n, 10)
	return core.NewErrorText(core.RequestTooLarge, "", size+" bytes > "+strconv.Itoa(MaxRequest), size+" 字节，超过 "+strconv.Itoa(MaxRequest))
}

// Decode reads exactly one JSON value from data into v, strictly. Its error is
// core.Errors holding the first problem met.
func Decode(data []byte, v wire.Decoder) error {
	if len(data) > MaxRequest {
		return core.Errors{TooLarge(uint64(len(data)))}
	}
	r := wire.NewReader(data)
	v.ReadJSON(r)
	r.End()
	if e := r.Err(); e != nil {
		return core.Errors{Error(e)}
	}
	return nil
}

// Error is the typed error of a reader's problem: its code and pointer, the
// explanation as detail (an unknown member's name quoted).
func Error(e *wire.Error) *core.Error {
	switch e.Kind {
	case wire.Unknown:
		return core.NewError(core.RequestUnknownField, e.Path, core.Quote(e.En))
	case wire.Type:
		return core.NewErrorText(core.RequestType, e.Path, e.En, e.Zh)
	}
	return core.NewErrorText(core.RequestMalformed, e.Path, e.En, e.Zh)
}

// Encode returns the canonical JSON encoding of v.
func Encode(v wire.Encoder) ([]byte, error) { return Append(nil, v) }

// Append appends the canonical JSON encoding of v to b, the bytes Encode returns.
// It fails only on text that is not valid UTF-8.
func Append(b []byte, v wire.Encoder) ([]byte, error) {
	w := wire.NewWriter(b)
	v.WriteJSON(w)
	return w.Bytes()
}

// Decodable is a pointer to a wire type: what Decode reads into.
type Decodable = wire.Decoder
