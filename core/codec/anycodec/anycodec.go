// Package anycodec is the engine's codec (package codec) for any Go value: a host's
// own request and response types, which have no generated methods, decoded strictly
// and encoded canonically by reflection with the same rules and the same bytes. Values
// of the engine's wire types, at the top or nested inside a host's type, go through
// their generated methods, so both agree on every engine shape.
//
// It is built on github.com/go-json-experiment/json, the prototype of Go's
// encoding/json/v2, because encoding/json (v1) matches member names
// case-insensitively, accepts duplicate members and reports no path for most errors.
// The wasm module does not link it.
package anycodec

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/codec"
	"github.com/ruralhealth/ncms/core/wire"
)

// MaxRequest is codec.MaxRequest.
const MaxRequest = codec.MaxRequest

// wireTypes hands every value with generated methods to them: nested engine types
// read and write exactly as codec does. A problem found inside such a value comes
// back as core.Errors relative to it, prefixed here with the value's pointer.
var (
	unmarshalers = json.WithUnmarshalers(json.UnmarshalFromFunc(func(d *jsontext.Decoder, v wire.Decoder) error {
		if promoted(reflect.TypeOf(v)) {
			return errors.ErrUnsupported
		}
		at := string(d.StackPointer())
		raw, err := d.ReadValue()
		if err != nil {
			return err
		}
		if err := codec.Decode(raw, v); err != nil {
			return nested{core.AsErrors(core.Prefix(err, at))}
		}
		return nil
	}))
	marshalers = json.WithMarshalers(json.MarshalToFunc(func(e *jsontext.Encoder, v wire.Encoder) error {
		if promoted(reflect.TypeOf(v)) {
			return errors.ErrUnsupported
		}
		b, err := codec.Encode(v)
		if err != nil {
			return err
		}
		return e.WriteValue(b)
	}))
)

// promoted reports whether t, or the struct it points to, embeds a field: a host's
// type that embeds an engine type (a report around core.Tally) has the embedded
// type's generated methods, which would write the embedded part alone. Such types
// go through reflection, which gives generated types the bytes their methods give.
func promoted(t reflect.Type) bool {
	if v, ok := promotedCache.Load(t); ok {
		return v.(bool)
	}
	s := t
	if s.Kind() == reflect.Pointer {
		s = s.Elem()
	}
	found := false
	if s.Kind() == reflect.Struct {
		for i := 0; i < s.NumField(); i++ {
			if s.Field(i).Anonymous {
				found = true
				break
			}
		}
	}
	promotedCache.Store(t, found)
	return found
}

var promotedCache sync.Map

// nested carries a wire type's own errors out through the reflective decoder.
type nested struct{ errs core.Errors }

func (n nested) Error() string { return n.errs.Error() }

// Decode reads exactly one JSON value from data into v, strictly.
func Decode(data []byte, v any) error {
	if len(data) > MaxRequest {
		return core.Errors{codec.TooLarge(uint64(len(data)))}
	}
	if w, ok := v.(wire.Decoder); ok && !promoted(reflect.TypeOf(v)) {
		return codec.Decode(data, w)
	}
	if err := json.Unmarshal(data, v, json.RejectUnknownMembers(true), unmarshalers); err != nil {
		var n nested
		if errors.As(err, &n) {
			return n.errs
		}
		return core.Errors{decodeError(err)}
	}
	return nil
}

// Reflect decodes data into v by reflection alone, as Decode does but ignoring the
// generated methods of wire types (their leaves' UnmarshalJSON aside): the oracle that
// tests hold the generated decoders to.
func Reflect(data []byte, v any) error {
	if len(data) > MaxRequest {
		return core.Errors{codec.TooLarge(uint64(len(data)))}
	}
	if err := json.Unmarshal(data, v, json.RejectUnknownMembers(true)); err != nil {
		return core.Errors{decodeError(err)}
	}
	return nil
}

// EncodeReflect encodes v by reflection alone: the oracle of the generated encoders.
func EncodeReflect(v any) ([]byte, error) {
	return json.Marshal(v, json.Deterministic(true))
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
	return json.Marshal(v, json.Deterministic(true), marshalers)
}

// Append appends the canonical JSON encoding of v to b, the bytes Encode returns. It
// streams into b in small pieces, so a b with room enough is never copied, where
// Encode grows a buffer by doubling and returns a copy of it: for a result of tens
// of megabytes, that is the difference between holding it once and three times.
func Append(b []byte, v any) ([]byte, error) {
	w := appender{b}
	err := json.MarshalWrite(&w, v, json.Deterministic(true), marshalers)
	return w.b, err
}

// appender is an io.Writer that appends to a slice. (The encoder would take over a
// *bytes.Buffer's spare room and grow it by a quarter of its length in advance.)
type appender struct{ b []byte }

func (a *appender) Write(p []byte) (int, error) {
	a.b = append(a.b, p...)
	return len(p), nil
}

// TooLarge is codec.TooLarge.
func TooLarge(n uint64) *core.Error { return codec.TooLarge(n) }
