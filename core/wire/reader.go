// Package wire reads and writes the engine's JSON without reflection: the run-time
// half of the decoders and encoders that cmd wiregen generates from the Go types of
// every wire shape (the claim, the requests of every operation, the results, the
// error envelope, the policy document). The generated code is the only JSON model of
// those shapes, so a field added to a type is read and written by every host once
// `go generate ./core/...` has run; a test fails while generated code is stale.
//
// Reading is strict: member names match exactly, unknown or duplicate members,
// invalid UTF-8, trailing data and values of the wrong kind are typed errors
// (request_unknown_field, request_malformed_json, request_type) at the JSON pointer
// of the value, the first one in document order. Writing is canonical: struct field
// order, amounts as decimal strings, empty lists as [], no HTML escaping.
package wire

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Decoder is a type with a generated (or, for a leaf such as an amount, hand-written)
// reader.
type Decoder interface {
	ReadJSON(r *Reader)
}

// Encoder is a type with a generated (or hand-written) writer.
type Encoder interface {
	WriteJSON(w *Writer)
}

// IntBits is the size of int, the range Int checks for an int field.
const IntBits = 32 << (^uint(0) >> 63)

// Kind is the kind of a reading problem; package codec gives each its error code.
type Kind int

// Kinds of problems.
const (
	Malformed Kind = iota // not JSON, or a member named twice
	Type                  // a value of the wrong JSON kind, or an integer out of range
	Unknown               // a member the type does not have
)

// Error is the first problem a Reader met: its kind, the JSON pointer of the value,
// and the explanation in English and Chinese; for Unknown, En is the member's name.
type Error struct {
	Kind   Kind
	Path   string
	En, Zh string
}

func (e *Error) Error() string { return e.Path + ": " + e.En }

// Reader reads one JSON document. After the first error every method does nothing
// and returns zero values; the caller checks Err once at the end.
type Reader struct {
	b    []byte
	i    int
	err  *Error
	path []segment
	// first is true right after an opening brace or bracket.
	first bool
	// nameAt is the offset of the last member name read.
	nameAt int
	// pathBuf holds the first levels of path, so that reading a claim's pointer
	// stack allocates nothing.
	pathBuf [8]segment
	// texts holds copies of the strings read, so that a claim's many short texts
	// share a few allocations. A strings.Builder never rewrites bytes it has handed
	// out, and a full one is replaced rather than grown, so no text is copied twice.
	texts strings.Builder
}

// segment is one token of the JSON pointer to the value being read: a member name,
// or an array index when name is nil.
type segment struct {
	name  []byte
	index int
}

// textChunk is the size of each buffer String copies texts into.
const textChunk = 2048

// NewReader returns a reader of b.
func NewReader(b []byte) *Reader {
	r := &Reader{b: b}
	r.path = r.pathBuf[:0]
	return r
}

// Err is nil, or the first problem.
func (r *Reader) Err() *Error { return r.err }

// Failed reports whether the reader has met a problem.
func (r *Reader) Failed() bool { return r.err != nil }

// End checks that only whitespace follows the value read.
func (r *Reader) End() {
	if r.err != nil {
		return
	}
	r.space()
	if r.i < len(r.b) {
		r.syntax("invalid character " + quoteChar(r.b[r.i]) + " after top-level value")
	}
}

// Pointer is the JSON pointer to the value being read.
func (r *Reader) Pointer() string {
	var b []byte
	for _, s := range r.path {
		b = append(b, '/')
		if s.name == nil {
			b = strconv.AppendInt(b, int64(s.index), 10)
			continue
		}
		for _, c := range s.name {
			switch c {
			case '~':
				b = append(b, "~0"...)
			case '/':
				b = append(b, "~1"...)
			default:
				b = append(b, c)
			}
		}
	}
	return string(b)
}

// syntax records a request_malformed_json error at the current offset.
func (r *Reader) syntax(cause string) {
	if r.err != nil {
		return
	}
	offset := strconv.Itoa(r.i)
	r.err = &Error{Kind: Malformed, Path: r.Pointer(), En: "offset " + offset + ": " + cause, Zh: "第 " + offset + " 字节处"}
}

// typeError records a request_type error for a value of JSON kind got read where a
// value of kind want belongs.
func (r *Reader) typeError(got byte, want string) {
	if r.err != nil {
		return
	}
	g := kindName(got)
	r.err = &Error{Kind: Type, Path: r.Pointer(), En: "got JSON " + g + ", want " + want, Zh: "收到 JSON " + zhName(g) + "，应为" + zhName(want)}
}

// Unknown records the request_unknown_field error for the member just named.
func (r *Reader) Unknown() {
	if r.err != nil || len(r.path) == 0 {
		return
	}
	name := string(r.path[len(r.path)-1].name)
	r.err = &Error{Kind: Unknown, Path: r.Pointer(), En: name, Zh: name}
}

// Duplicate records the error for a member named twice, at the second.
func (r *Reader) Duplicate() {
	if r.err != nil || len(r.path) == 0 {
		return
	}
	r.i = r.nameAt
	r.syntax("duplicate object member name " + strconv.Quote(string(r.path[len(r.path)-1].name)))
}

func (r *Reader) space() {
	b, i := r.b, r.i
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	r.i = i
}

// peek returns the next byte after whitespace, or 0 at the end or after an error.
func (r *Reader) peek() byte {
	if r.err != nil {
		return 0
	}
	r.space()
	if r.i >= len(r.b) {
		return 0
	}
	return r.b[r.i]
}

// Null reads a null if one is next.
func (r *Reader) Null() bool {
	if r.peek() != 'n' {
		return false
	}
	r.literal("null")
	return r.err == nil
}

func (r *Reader) literal(lit string) {
	if len(r.b)-r.i >= len(lit) && string(r.b[r.i:r.i+len(lit)]) == lit {
		r.i += len(lit)
		if r.i < len(r.b) && isIdent(r.b[r.i]) {
			r.syntax("invalid character " + quoteChar(r.b[r.i]) + " after " + lit)
		}
		return
	}
	for j := 0; j < len(lit); j++ {
		if r.i+j >= len(r.b) {
			r.i += j
			r.syntax("unexpected EOF")
			return
		}
		if r.b[r.i+j] != lit[j] {
			r.i += j
			r.syntax("invalid character " + quoteChar(r.b[r.i]) + " within literal " + lit)
			return
		}
	}
}

func isIdent(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// mismatch reads the value that does not fit and records the type error, or the
// syntax error met on the way. Where an object or array belongs it reads only the
// first token of the value, where a string, number or boolean belongs all of it, as
// the reflective decoder did.
func (r *Reader) mismatch(want string) {
	c := r.peek()
	if r.err != nil {
		return
	}
	switch {
	case c == 0:
		r.syntax("unexpected EOF")
		return
	case (c == '{' || c == '[') && (want == "object" || want == "array"):
		r.i++
	default:
		r.skip()
	}
	if r.err == nil {
		r.typeError(c, want)
	}
}

// BeginObject reads the opening brace of an object, or a null, for which it returns
// false and the caller sets the zero value. Any other value is a type error.
func (r *Reader) BeginObject() bool {
	switch r.peek() {
	case '{':
		r.i++
		r.first = true
		return true
	case 'n':
		r.literal("null")
		return false
	}
	r.mismatch("object")
	return false
}

// More reports whether another member follows in the object begun; Name then reads
// its name. It reads the closing brace at the end.
func (r *Reader) More() bool {
	c := r.peek()
	if r.err != nil {
		return false
	}
	if c == '}' {
		r.i++
		r.first = false
		return false
	}
	if !r.first {
		if c != ',' {
			r.unexpected(c, "after object value (expecting ',' or '}')")
			return false
		}
		r.i++
		c = r.peek()
	}
	r.first = false
	if c != '"' {
		r.unexpected(c, "at start of string (expecting '\"')")
		return false
	}
	return true
}

func (r *Reader) unexpected(c byte, where string) {
	if c == 0 {
		r.syntax("unexpected EOF")
		return
	}
	r.syntax("invalid character " + quoteChar(c) + " " + where)
}

// Name reads a member name and enters the member: the path now points at its value.
// The caller checks the name (Unknown) and calls Field before reading the value, and
// Leave after.
func (r *Reader) Name() []byte {
	r.space()
	r.nameAt = r.i
	name := r.text()
	if r.err != nil {
		return nil
	}
	r.path = append(r.path, segment{name: name})
	return name
}

// Field marks field i of the object as seen, failing if it was (a member named
// twice), and reads the colon before its value. It reports whether to read on.
func (r *Reader) Field(seen []uint64, i int) bool {
	if seen[i/64]&(1<<(i%64)) != 0 {
		r.Duplicate()
		return false
	}
	seen[i/64] |= 1 << (i % 64)
	return r.colon()
}

func (r *Reader) colon() bool {
	if c := r.peek(); c != ':' {
		r.unexpected(c, "after object name (expecting ':')")
		return false
	}
	r.i++
	return true
}

// Leave leaves the member or element entered. Inside an object it also prepares for
// the next member.
func (r *Reader) Leave() {
	if r.err == nil {
		r.path = r.path[:len(r.path)-1]
	}
}

// BeginArray reads the opening bracket of an array, or a null, for which it returns
// false and the caller sets a nil slice.
func (r *Reader) BeginArray() bool {
	switch r.peek() {
	case '[':
		r.i++
		r.first = true
		return true
	case 'n':
		r.literal("null")
		return false
	}
	r.mismatch("array")
	return false
}

// Next reports whether another element follows in the array begun and enters it
// (index i); the caller reads it and calls Leave. It reads the closing bracket at the
// end.
func (r *Reader) Next(i int) bool {
	c := r.peek()
	if r.err != nil {
		return false
	}
	if c == ']' {
		r.i++
		r.first = false
		return false
	}
	if !r.first {
		if c != ',' {
			r.unexpected(c, "after array element (expecting ',' or ']')")
			return false
		}
		r.i++
	}
	r.first = false
	r.path = append(r.path, segment{index: i})
	return true
}

// Skip reads a value of any kind and drops it: the elements of a list past its bound.
func (r *Reader) Skip() {
	r.skip()
	r.first = false
}

// String reads a string, or a null as "".
func (r *Reader) String() string {
	switch r.peek() {
	case '"':
		t := r.text()
		if len(t) == 0 {
			return ""
		}
		if r.texts.Cap()-r.texts.Len() < len(t) {
			r.texts = strings.Builder{}
			r.texts.Grow(max(textChunk, len(t)))
		}
		start := r.texts.Len()
		r.texts.Write(t)
		return r.texts.String()[start:]
	case 'n':
		r.literal("null")
		return ""
	}
	r.mismatch("string")
	return ""
}

// Bool reads true or false, or a null as false.
func (r *Reader) Bool() bool {
	switch r.peek() {
	case 't':
		r.literal("true")
		return r.err == nil
	case 'f':
		r.literal("false")
		return false
	case 'n':
		r.literal("null")
		return false
	}
	r.mismatch("boolean")
	return false
}

// Int reads an integer that fits in bits bits (a JSON number without fraction or
// exponent), or a null as 0.
func (r *Reader) Int(bits int) int64 {
	switch c := r.peek(); {
	case c == 'n':
		r.literal("null")
		return 0
	case c == '-' || c >= '0' && c <= '9':
	default:
		r.mismatch("integer")
		return 0
	}
	start := r.i
	r.number()
	if r.err != nil {
		return 0
	}
	v := r.b[start:r.i]
	neg := v[0] == '-'
	if neg {
		v = v[1:]
	}
	limit := uint64(1) << (bits - 1)
	var n uint64
	for _, c := range v {
		if c < '0' || c > '9' || n > (limit+9)/10 {
			r.typeError('0', "integer")
			return 0
		}
		n = n*10 + uint64(c-'0')
	}
	if n > limit || (!neg && n == limit) {
		r.typeError('0', "integer")
		return 0
	}
	if neg {
		return -int64(n)
	}
	return int64(n)
}

// Raw reads a value of any kind and returns its bytes as written, for a leaf type
// (an amount, a date) that reads its own text and keeps what it cannot read as a
// problem for validation.
func (r *Reader) Raw() []byte {
	r.space()
	start := r.i
	r.skip()
	if r.err != nil {
		return nil
	}
	return r.b[start:r.i]
}

// skip reads one value of any kind, checking its syntax.
func (r *Reader) skip() {
	c := r.peek()
	if r.err != nil {
		return
	}
	switch {
	case c == 0:
		r.syntax("unexpected EOF")
	case c == '"':
		r.text()
	case c == '{':
		r.i++
		r.first = true
		depth := len(r.path)
		var names [][]byte
		for r.More() {
			name := r.Name()
			if r.err != nil {
				return
			}
			for _, n := range names {
				if string(n) == string(name) {
					r.Duplicate()
					return
				}
			}
			names = append(names, name)
			if !r.colon() {
				return
			}
			r.skip()
			r.path = r.path[:depth]
		}
	case c == '[':
		r.i++
		r.first = true
		for i := 0; r.Next(i); i++ {
			r.skip()
			r.Leave()
		}
	case c == 't':
		r.literal("true")
	case c == 'f':
		r.literal("false")
	case c == 'n':
		r.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		r.number()
	default:
		r.badValueStart(c)
	}
}

// badValueStart records the error for c where a value belongs. A closing bracket or
// brace there is reported at the container, as one that closes it too early.
func (r *Reader) badValueStart(c byte) {
	if len(r.path) > 0 {
		last := r.path[len(r.path)-1]
		switch {
		case c == ']' && last.name != nil:
			r.path = r.path[:len(r.path)-1]
			r.syntax("invalid character ']' after object value (expecting ',' or '}')")
			return
		case c == '}' && last.name == nil:
			r.path = r.path[:len(r.path)-1]
			r.syntax("invalid character '}' after array element (expecting ',' or ']')")
			return
		}
	}
	r.syntax("invalid character " + quoteChar(c) + " at start of value")
}

// number reads a JSON number.
func (r *Reader) number() {
	b, i := r.b, r.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i >= len(b):
		r.i = i
		r.syntax("unexpected EOF")
		return
	case b[i] == '0':
		i++
	case b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		r.i = i
		r.syntax("invalid character " + quoteChar(b[i]) + " in number")
		return
	}
	if i < len(b) && b[i] == '.' {
		i++
		j := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == j {
			r.i = i
			r.badNumber()
			return
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == j {
			r.i = i
			r.badNumber()
			return
		}
	}
	r.i = i
}

func (r *Reader) badNumber() {
	if r.i >= len(r.b) {
		r.syntax("unexpected EOF")
		return
	}
	r.syntax("invalid character " + quoteChar(r.b[r.i]) + " in number")
}

// text reads a string and returns its contents, unescaped: a slice of the input when
// it has no escapes. It fails on control characters, bad escapes and invalid UTF-8.
func (r *Reader) text() []byte {
	if r.peek() != '"' {
		return nil
	}
	b := r.b
	start := r.i + 1
	ascii := true
	for i := start; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			s := b[start:i]
			if !ascii && !utf8.Valid(s) {
				r.i = start + invalidAt(s)
				r.syntax("invalid UTF-8 within string")
				return nil
			}
			r.i = i + 1
			return s
		case c == '\\':
			return r.unescape(start, i)
		case c < 0x20:
			r.i = i
			r.syntax("invalid character " + quoteChar(c) + " in string (expecting non-control character)")
			return nil
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	r.i = len(b)
	r.syntax("unexpected EOF")
	return nil
}

// unescape reads the rest of a string that has an escape at esc.
func (r *Reader) unescape(start, esc int) []byte {
	b := r.b
	out := append([]byte(nil), b[start:esc]...)
	if !utf8.Valid(out) {
		r.i = start + invalidAt(out)
		r.syntax("invalid UTF-8 within string")
		return nil
	}
	i := esc
	for i < len(b) {
		c := b[i]
		switch {
		case c == '"':
			r.i = i + 1
			return out
		case c < 0x20:
			r.i = i
			r.syntax("invalid character " + quoteChar(c) + " in string (expecting non-control character)")
			return nil
		case c == '\\':
			if i+1 >= len(b) {
				r.i = len(b)
				r.syntax("unexpected EOF")
				return nil
			}
			switch e := b[i+1]; e {
			case '"', '\\', '/':
				out = append(out, e)
				i += 2
			case 'b':
				out, i = append(out, '\b'), i+2
			case 'f':
				out, i = append(out, '\f'), i+2
			case 'n':
				out, i = append(out, '\n'), i+2
			case 'r':
				out, i = append(out, '\r'), i+2
			case 't':
				out, i = append(out, '\t'), i+2
			case 'u':
				v, ok := hex4(b, i+2)
				if !ok {
					r.i = i
					r.syntax("invalid escape sequence within string")
					return nil
				}
				i += 6
				rn := rune(v)
				if 0xd800 <= v && v < 0xdc00 {
					w, ok := hex4(b, i+2)
					if !ok || b[i] != '\\' || b[i+1] != 'u' || w < 0xdc00 || w >= 0xe000 {
						r.i = i - 6
						r.syntax("invalid escape sequence within string")
						return nil
					}
					rn = 0x10000 + (rune(v)-0xd800)<<10 + (rune(w) - 0xdc00)
					i += 6
				} else if 0xdc00 <= v && v < 0xe000 {
					r.i = i - 6
					r.syntax("invalid escape sequence within string")
					return nil
				}
				out = utf8.AppendRune(out, rn)
			default:
				r.i = i
				r.syntax("invalid escape sequence " + strconv.Quote(string(b[i:i+2])) + " within string")
				return nil
			}
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			rn, n := utf8.DecodeRune(b[i:])
			if rn == utf8.RuneError && n == 1 {
				r.i = i
				r.syntax("invalid UTF-8 within string")
				return nil
			}
			out = append(out, b[i:i+n]...)
			i += n
		}
	}
	r.i = len(b)
	r.syntax("unexpected EOF")
	return nil
}

func hex4(b []byte, i int) (int, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	v := 0
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | int(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | int(c-'a'+10)
		case c >= 'A' && c <= 'F':
			v = v<<4 | int(c-'A'+10)
		default:
			return 0, false
		}
	}
	return v, true
}

func invalidAt(s []byte) int {
	for i := 0; i < len(s); {
		rn, n := utf8.DecodeRune(s[i:])
		if rn == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(s)
}

// Unquote returns the text of the JSON string q (quotes included), or false if q is
// not a valid JSON string.
func Unquote(q []byte) ([]byte, bool) {
	r := NewReader(q)
	t := r.text()
	return t, r.err == nil && r.i == len(q)
}

func quoteChar(c byte) string {
	if c == '\'' {
		return `'\''`
	}
	if c >= 0x20 && c < 0x7f {
		return "'" + string(rune(c)) + "'"
	}
	return strconv.QuoteRune(rune(c))
}

func kindName(c byte) string {
	switch c {
	case 'n':
		return "null"
	case 't', 'f':
		return "boolean"
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	}
	return "number"
}

// zhName is the Chinese for kindName's words and the wanted kinds.
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
