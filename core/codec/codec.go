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
	size := strconv.FormatUint(n, 10)
	return core.NewErrorText(core.RequestTooLarge, "", size+" bytes > "+strconv.Itoa(MaxRequest), size+" 字节，超过 "+strconv.Itoa(MaxRequest))
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

// decodeError turns a JSON error into a typed error at the pointer it names, which
// core.NewError caps: an unknown member's name may be megabytes long. The decoder's
// own explanation is English, so messageZh gives the offset alone.
func decodeError(err error) *core.Error {
	var syn *jsontext.SyntacticError
	var sem *json.SemanticError
	switch {
	case errors.As(err, &syn):
		offset := strconv.FormatInt(syn.ByteOffset, 10)
		return core.NewErrorText(core.RequestMalformed, string(syn.JSONPointer),
			"offset "+offset+": "+cause(syn.Err), "第 "+offset+" 字节处")
	case errors.As(err, &sem):
		path := string(sem.JSONPointer)
		if errors.Is(sem.Err, json.ErrUnknownName) {
			return core.NewError(core.RequestUnknownField, path, core.Quote(sem.JSONPointer.LastToken()))
		}
		got := kind(sem.JSONKind)
		en, zh := "got JSON "+got, "收到 JSON "+zhName(got)
		if sem.GoType != nil {
			want := typeName(sem.GoType.Kind().String())
			en += ", want " + want
			zh += "，应为" + zhName(want)
		}
		return core.NewErrorText(core.RequestType, path, en, zh)
	}
	return core.NewErrorText(core.RequestMalformed, "", cause(err), "")
}

// zhName is the Chinese for kind's and typeName's words, "值" (value) for others.
func zhName(en string) string {
	switch en {
	case "null":
		return "空值"
	case "boolean":
		return "布尔值"
	case "string":
		return "字符串"
	case "number":
		return "数字"
	case "integer":
		return "整数"
	case "object":
		return "对象"
	case "array":
		return "数组"
	}
	return "值"
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
	case "bool":
		return "boolean"
	case "float32", "float64":
		return "number"
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
