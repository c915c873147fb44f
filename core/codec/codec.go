// Package codec is the one JSON wire format of the engine. Every host — the wasm
// module, the Go host, the JS loader and the county server — passes bytes through it,
// so the same request gives the same bytes everywhere.
//
// Decoding is strict: unknown fields, trailing data, duplicate structure errors and
// amounts written as JSON numbers are errors with JSON-pointer paths. Encoding is
// canonical: struct field order, amounts as fixed decimal strings, no HTML escaping.
package codec

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/ruralhealth/ncms/core"
)

// MaxRequest is the largest request the codec decodes (8 MiB): a discharge bill with
// ten thousand lines is about 2 MiB.
const MaxRequest = 8 << 20

// Decode reads exactly one JSON value from data into v, strictly.
func Decode(data []byte, v any) error {
	if len(data) > MaxRequest {
		return core.Errors{core.NewError(core.RequestTooLarge, "", strconv.Itoa(len(data))+" bytes > "+strconv.Itoa(MaxRequest))}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return core.Errors{decodeError(data, err)}
	}
	if _, err := dec.Token(); err != io.EOF {
		return core.Errors{core.NewError(core.RequestMalformed, "", "data after the JSON value")}
	}
	return nil
}

// decodeError turns an encoding/json error into a typed error with the best path the
// error allows.
func decodeError(data []byte, err error) *core.Error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return core.NewError(core.RequestMalformed, "", "offset "+strconv.FormatInt(syn.Offset, 10)+": "+strings.TrimPrefix(syn.Error(), "json: "))
	case errors.As(err, &typ):
		path := ""
		if typ.Field != "" {
			path = "/" + strings.ReplaceAll(typ.Field, ".", "/")
		}
		return core.NewError(core.RequestType, path, "got JSON "+typ.Value+", want "+typeName(typ.Type.Kind().String()))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return core.NewError(core.RequestMalformed, "", "unexpected end of input")
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, `json: unknown field "`); ok {
		name = strings.TrimSuffix(name, `"`)
		return core.NewError(core.RequestUnknownField, locate(data, name), strconv.Quote(name))
	}
	return core.NewError(core.RequestMalformed, "", strings.TrimPrefix(msg, "json: "))
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

// locate returns the JSON pointer of the first object member named name, for errors
// encoding/json reports without a location.
func locate(data []byte, name string) string {
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		object bool
		key    string
		index  int
	}
	var stack []frame
	expectKey := false
	pointer := func(last string) string {
		var b strings.Builder
		// The innermost frame is the object that holds the key itself.
		for _, f := range stack[:len(stack)-1] {
			b.WriteByte('/')
			if f.object {
				b.WriteString(escape(f.key))
			} else {
				b.WriteString(strconv.Itoa(f.index))
			}
		}
		return b.String() + "/" + escape(last)
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return "/" + escape(name)
		}
		// A value just read inside an array advances the index after it completes.
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, frame{object: true})
				expectKey = true
				continue
			case '[':
				stack = append(stack, frame{index: -1})
				if len(stack) > 0 {
					stack[len(stack)-1].index = 0
				}
				expectKey = false
				continue
			case '}', ']':
				stack = stack[:len(stack)-1]
			}
		case string:
			if expectKey {
				if t == name {
					return pointer(t)
				}
				stack[len(stack)-1].key = t
				expectKey = false
				continue
			}
		}
		// A value completed: advance the enclosing container.
		if n := len(stack); n > 0 {
			if stack[n-1].object {
				expectKey = true
			} else {
				stack[n-1].index++
			}
		}
	}
}

func escape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// Encode returns the canonical JSON encoding of v, without a trailing newline.
func Encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}
