// Package codec is the one JSON wire format of the engine. Every host — the wasm
// module, the Go host, the JS loader and the county server — passes bytes through it,
// so the same request gives the same bytes everywhere.
//
// Decoding is strict: member names match exactly (case included), unknown or
// duplicate members, invalid UTF-8, trailing data and amounts written as JSON numbers
// are errors with JSON-pointer paths. Encoding is canonical: struct field order,
// amounts as fixed decimal strings, empty lists as [], no HTML escaping.
//
// It is built on github.com/go-json-experiment/json, the prototype of Go's
// encoding/json/v2, because encoding/json (v1) matches member names
// case-insensitively, accepts duplicate members and reports no path for most errors.
package codec

import (
	"errors"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/ruralhealth/ncms/core"
)

// MaxRequest is the largest request the codec decodes (8 MiB): a discharge bill with
// ten thousand lines is about 2 MiB.
const MaxRequest = 8 << 20

// TooLarge is the error for a request of n bytes over MaxRequest. Hosts that refuse a
// request before it reaches Decode (the wasm module does not copy one) use it too, so
// the envelope is the same everywhere.
func TooLarge(n uint64) *core.Error {
	return core.NewError(core.RequestTooLarge, "", strconv.FormatUint(n, 10)+" bytes > "+strconv.Itoa(MaxRequest))
}

// Decode reads exactly one JSON value from data into v, strictly.
func Decode(data []byte, v any) error {
	if len(data) > MaxRequest {
		return core.Errors{TooLarge(uint64(len(data)))}
	}
	if err := json.Unmarshal(data, v, json.RejectUnknownMembers(true)); err != nil {
		return core.Errors{decodeError(err)}
	}
	return nil
}

// decodeError turns a JSON error into a typed error at the pointer it names.
func decodeError(err error) *core.Error {
	var syn *jsontext.SyntacticError
	var sem *json.SemanticError
	switch {
	case errors.As(err, &syn):
		return core.NewError(core.RequestMalformed, string(syn.JSONPointer),
			"offset "+strconv.FormatInt(syn.ByteOffset, 10)+": "+cause(syn.Err))
	case errors.As(err, &sem):
		path := string(sem.JSONPointer)
		if errors.Is(sem.Err, json.ErrUnknownName) {
			return core.NewError(core.RequestUnknownField, path, strconv.Quote(sem.JSONPointer.LastToken()))
		}
		detail := "got JSON " + kind(sem.JSONKind)
		if sem.GoType != nil {
			detail += ", want " + typeName(sem.GoType.Kind().String())
		}
		return core.NewError(core.RequestType, path, detail)
	}
	return core.NewError(core.RequestMalformed, "", cause(err))
}

func cause(err error) string {
	if err == nil {
		return "invalid JSON"
	}
	return strings.TrimPrefix(strings.TrimPrefix(err.Error(), "jsontext: "), "json: ")
}

func kind(k jsontext.Kind) string {
	switch k {
	case 'n':
		return "null"
	case 'f', 't':
		return "boolean"
	case '"':
		return "string"
	case '0':
		return "number"
	case '{':
		return "object"
	case '[':
		return "array"
	}
	return "value"
}

func typeName(kind string) string {
	switch kind {
	case "int", "int32", "int64", "uint", "uint32", "uint64":
		return "integer"
	case "struct", "map":
		return "object"
	case "slice", "array":
		return "array"
	}
	return kind
}

// Encode returns the canonical JSON encoding of v.
func Encode(v any) ([]byte, error) {
	return json.Marshal(v, json.Deterministic(true))
}

// Append appends the canonical JSON encoding of v to b, the bytes Encode returns. It
// streams into b in small pieces, so a b with room enough is never copied, where
// Encode grows a buffer by doubling and returns a copy of it: for a result of tens
// of megabytes, that is the difference between holding it once and three times.
func Append(b []byte, v any) ([]byte, error) {
	w := appender{b}
	err := json.MarshalWrite(&w, v, json.Deterministic(true))
	return w.b, err
}

// appender is an io.Writer that appends to a slice. (The encoder would take over a
// *bytes.Buffer's spare room and grow it by a quarter of its length in advance.)
type appender struct{ b []byte }

func (a *appender) Write(p []byte) (int, error) {
	a.b = append(a.b, p...)
	return len(p), nil
}
