// Package strict reads JSON of an expected shape in one pass without allocating: the
// fast path in front of the codec for the requests hosts send most. It accepts only
// input the codec decodes to the same values — strings without escapes, integers in
// plain form, known members each at most once, no nulls — and fails on anything else,
// for the caller to hand the whole input to the codec, which decodes it or reports its
// errors with their paths. So it never decides an error itself and never guesses.
package strict

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Reader reads one JSON document. After the first failure every method does nothing
// and returns zero values; the caller checks End once at the end.
type Reader struct {
	b      []byte
	i      int
	failed bool
	// texts holds copies of the strings read, so that a claim's many short texts
	// share a few allocations. A strings.Builder never rewrites bytes it has handed
	// out, and a full one is replaced rather than grown, so no text is copied twice.
	texts strings.Builder
}

// textChunk is the size of each buffer String copies texts into.
const textChunk = 512

// NewReader returns a reader of b. A Reader must not be copied once used.
func NewReader(b []byte) *Reader { return &Reader{b: b} }

// Fail marks the input as one the reader does not accept.
func (r *Reader) Fail() { r.failed = true }

// End reports whether everything was accepted and only whitespace follows.
func (r *Reader) End() bool {
	r.space()
	return !r.failed && r.i == len(r.b)
}

func (r *Reader) space() {
	b, i := r.b, r.i
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	r.i = i
}

// next consumes c, after whitespace, if it is the next byte.
func (r *Reader) next(c byte) bool {
	r.space()
	if !r.failed && r.i < len(r.b) && r.b[r.i] == c {
		r.i++
		return true
	}
	return false
}

// Object reads an object. For each member, member reads the value and returns the
// member's field number (0–63), or -1, without reading the value, for a name it does
// not know. An unknown or repeated name fails.
func (r *Reader) Object(member func(name []byte) int) {
	if !r.next('{') {
		r.failed = true
		return
	}
	if r.next('}') {
		return
	}
	var seen uint64
	for !r.failed {
		name := r.text()
		if !r.next(':') {
			r.failed = true
			return
		}
		f := member(name)
		if f < 0 || f > 63 || seen&(1<<f) != 0 {
			r.failed = true
			return
		}
		seen |= 1 << f
		if r.next(',') {
			continue
		}
		if !r.next('}') {
			r.failed = true
		}
		return
	}
}

// Array reads an array, calling elem to read each element.
func (r *Reader) Array(elem func()) {
	if !r.next('[') {
		r.failed = true
		return
	}
	if r.next(']') {
		return
	}
	for !r.failed {
		elem()
		if r.next(',') {
			continue
		}
		if !r.next(']') {
			r.failed = true
		}
		return
	}
}

// text reads a string and returns its contents. It fails on escapes and control
// characters (which the codec decodes or rejects itself) and on invalid UTF-8.
func (r *Reader) text() []byte {
	if !r.next('"') {
		r.failed = true
		return nil
	}
	b, start := r.b, r.i
	ascii := true
	for i := start; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			s := b[start:i]
			r.i = i + 1
			if !ascii && !utf8.Valid(s) {
				r.failed = true
				return nil
			}
			return s
		case c == '\\' || c < 0x20:
			r.failed = true
			return nil
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	r.failed = true
	return nil
}

// Text reads a string and returns its contents, which stay valid as long as the
// input does.
func (r *Reader) Text() []byte { return r.text() }

// String reads a string and returns a copy of its contents.
func (r *Reader) String() string {
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
}

// Quoted reads a string and returns it with its quotes, as a JSON value.
func (r *Reader) Quoted() []byte {
	r.space()
	start := r.i
	if r.text() == nil && r.failed {
		return nil
	}
	return r.b[start:r.i]
}

// maxIntDigits is the most digits Int reads itself: any number of them fits an int
// (18 on 64-bit platforms, 9 on 32-bit ones); longer numbers go to the codec, which
// reports those out of range.
const maxIntDigits = strconv.IntSize / 32 * 9

// Int reads an integer written without sign other than '-', fraction or exponent,
// of at most maxIntDigits digits.
func (r *Reader) Int() int {
	r.space()
	if r.failed {
		return 0
	}
	neg := r.i < len(r.b) && r.b[r.i] == '-'
	if neg {
		r.i++
	}
	start := r.i
	n := 0
	for r.i < len(r.b) && r.b[r.i] >= '0' && r.b[r.i] <= '9' {
		n = n*10 + int(r.b[r.i]-'0')
		r.i++
	}
	digits := r.i - start
	switch {
	case digits == 0 || digits > maxIntDigits || (r.b[start] == '0' && digits > 1):
		r.failed = true
	case r.i < len(r.b) && (r.b[r.i] == '.' || r.b[r.i] == 'e' || r.b[r.i] == 'E'):
		r.failed = true
	}
	if neg {
		return -n
	}
	return n
}

// Bool reads true or false.
func (r *Reader) Bool() bool {
	r.space()
	switch {
	case r.failed:
	case hasPrefix(r.b[r.i:], "true"):
		r.i += 4
		return true
	case hasPrefix(r.b[r.i:], "false"):
		r.i += 5
		return false
	default:
		r.failed = true
	}
	return false
}

func hasPrefix(b []byte, s string) bool { return len(b) >= len(s) && string(b[:len(s)]) == s }
