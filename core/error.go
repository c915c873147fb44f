package core

import (
	"errors"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Code is a stable, machine-readable error code such as "claim_field_required".
// Codes carry the layer as a prefix; hosts match on them, never on messages.
type Code string

// Error is one problem with an input: a stable code, an RFC 6901 JSON pointer to the
// offending field (empty for the whole document), and messages in English and Chinese.
type Error struct {
	Code      Code   `json:"code"`
	Path      string `json:"path"`
	Message   string `json:"message"`
	MessageZh string `json:"messageZh"`
	Err       error  `json:"-"`
}

// NewError returns an Error whose messages are the code's catalogue text followed by
// detail, which must only name values (numbers, dates, codes, Quote'd input): it is
// shown in both languages, and messageZh is Chinese throughout. A detail that explains
// takes NewErrorText. The path's tokens are capped as Pointer does.
func NewError(code Code, path, detail string) *Error {
	return NewErrorText(code, path, detail, detail)
}

// NewErrorText is NewError with a detail in each language, for a detail in words.
// Either detail past MaxDetail bytes is cut, so that no error repeats a huge input even
// when a caller forgot to Quote it.
func NewErrorText(code Code, path, en, zh string) *Error {
	return NewErrorIn(Code.Text, code, path, en, zh)
}

// NewErrorIn is NewErrorText for a code whose catalogue text is not the core's:
// catalogue gives it. The county server keeps the codes only it raises, and their
// texts, in its own package and builds their errors with this.
func NewErrorIn(catalogue func(Code) (en, zh string), code Code, path, en, zh string) *Error {
	msgEn, msgZh := catalogue(code)
	if en != "" {
		msgEn += ": " + cut(en, MaxDetail)
	}
	if zh != "" {
		msgZh += "：" + cut(zh, MaxDetail)
	}
	return &Error{Code: code, Path: Pointer(path), Message: msgEn, MessageZh: msgZh}
}

// NotOneOf is the field_invalid error for a value at path that is none of allowed.
func NotOneOf(path, value string, allowed ...string) *Error {
	var en, zh strings.Builder
	for i, a := range allowed {
		if i > 0 {
			en.WriteString(", ")
			zh.WriteString("、")
		}
		en.WriteString(strconv.Quote(a))
		zh.WriteString(strconv.Quote(a))
	}
	return NewErrorText(FieldInvalid, path, Quote(value)+" is not one of "+en.String(), Quote(value)+" 不是 "+zh.String()+" 之一")
}

// MaxQuote is the most bytes of an offending value that a message or a path repeats,
// and MaxDetail the most bytes of a message's detail: an 8 MiB member name or policy
// id gives an error of a few hundred bytes, not three copies of itself.
const (
	MaxQuote  = 40
	MaxDetail = 400
)

// Quote returns s quoted for a message, as strconv.Quote does. A value longer than
// MaxQuote bytes is cut to its first MaxQuote bytes at a UTF-8 boundary, ends in "…"
// inside the quotes and is followed by its whole length in bytes: "abc…" (8388608 B).
// The form is the same in both languages.
func Quote(s string) string {
	if len(s) <= MaxQuote {
		return strconv.Quote(s)
	}
	return strconv.Quote(cut(s, MaxQuote)) + " (" + strconv.Itoa(len(s)) + " B)"
}

// Pointer caps each token of the JSON pointer p at MaxQuote bytes: a longer token
// (an unknown member's name, say) is cut at a UTF-8 boundary and ends in "…", so
// /claim/aaaa…(8 MiB) becomes "/claim/" + the first 40 bytes + "…". A capped pointer
// is for people; it no longer names a member.
func Pointer(p string) string {
	if len(p) <= MaxQuote {
		return p
	}
	toks := strings.Split(p, "/")
	long := false
	for i, t := range toks {
		if len(t) > MaxQuote {
			toks[i], long = cut(t, MaxQuote), true
		}
	}
	if !long {
		return p
	}
	return strings.Join(toks, "/")
}

// cut returns s, or its first n bytes at most, cut at a UTF-8 boundary, and "…".
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// NewErrorDetail returns an Error like NewError's whose detail is given in each
// language, for a detail in words (NewError's is shown as is in both), so that
// messageZh stays Chinese throughout.
func NewErrorDetail(code Code, path, en, zh string) *Error {
	e := NewError(code, path, "")
	if en != "" {
		e.Message += ": " + en
	}
	if zh != "" {
		e.MessageZh += "：" + zh
	}
	return e
}

func (e *Error) Error() string {
	if e.Path == "" {
		return string(e.Code) + ": " + e.Message
	}
	return string(e.Code) + " at " + e.Path + ": " + e.Message
}

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is an *Error with the same code, so errors.Is matches by code.
func (e *Error) Is(target error) bool {
	var t *Error
	if errors.As(target, &t) {
		return t.Code == e.Code && (t.Path == "" || t.Path == e.Path)
	}
	return false
}

// Errors is every problem found in one input. Validation collects all of them rather
// than stopping at the first, so a clerk can fix a form in one pass.
type Errors []*Error

func (es Errors) Error() string {
	switch len(es) {
	case 0:
		return "no errors"
	case 1:
		return es[0].Error()
	}
	var b strings.Builder
	b.WriteString(es[0].Error())
	for _, e := range es[1:] {
		b.WriteString("; ")
		b.WriteString(e.Error())
	}
	return b.String()
}

// Add appends a new error built by NewError.
func (es *Errors) Add(code Code, path, detail string) {
	*es = append(*es, NewError(code, path, detail))
}

// AddText appends a new error built by NewErrorText.
func (es *Errors) AddText(code Code, path, en, zh string) {
	*es = append(*es, NewErrorText(code, path, en, zh))
}

// Err returns nil when there are no errors and the errors sorted by path otherwise.
// The sort is stable, so errors at one path keep the order they were found in.
func (es Errors) Err() error {
	if len(es) == 0 {
		return nil
	}
	sorted := make(Errors, len(es))
	copy(sorted, es)
	sort.SliceStable(sorted, func(i, j int) bool { return pathLess(sorted[i].Path, sorted[j].Path) })
	return sorted
}

// pathLess orders JSON pointers segment by segment, numerically where both segments
// are array indexes, so /items/10 sorts after /items/9; a pointer sorts before the
// longer ones it starts. It allocates nothing: sorting a roster's 600,000 problems
// calls it some ten million times.
func pathLess(a, b string) bool {
	for {
		as, arest, amore := strings.Cut(a, "/")
		bs, brest, bmore := strings.Cut(b, "/")
		if as != bs {
			ai, aok := index(as)
			bi, bok := index(bs)
			if aok && bok {
				return ai < bi
			}
			return as < bs
		}
		if !amore || !bmore {
			return !amore && bmore
		}
		a, b = arest, brest
	}
}

func index(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, true
}

// Prefix returns err's errors with every path moved under the JSON pointer at, for
// a caller that checked a value found at that place in a larger document.
func Prefix(err error, at string) error {
	es := AsErrors(err)
	out := make(Errors, len(es))
	for i, e := range es {
		c := *e
		c.Path = at + c.Path
		out[i] = &c
	}
	return out
}

// AsErrors flattens err into a list of *Error. A foreign error becomes one
// engine_internal error so that hosts always see the same envelope.
func AsErrors(err error) Errors {
	if err == nil {
		return nil
	}
	var es Errors
	if errors.As(err, &es) {
		return es
	}
	var e *Error
	if errors.As(err, &e) {
		return Errors{e}
	}
	// The cause is Go's text, in English: messageZh keeps the catalogue text alone.
	out := NewErrorText(EngineInternal, "", err.Error(), "")
	out.Err = err
	return Errors{out}
}

// ErrorCode returns the code of err, or EngineInternal for an error that is not ours.
func ErrorCode(err error) Code {
	es := AsErrors(err)
	if len(es) == 0 {
		return ""
	}
	return es[0].Code
}

// Wrap returns err with context before its message ("context: message"), unwrapping
// to err, as fmt.Errorf("%s: %w") would: the core and the module do without fmt.
func Wrap(context string, err error) error {
	if err == nil {
		return nil
	}
	return &wrapped{context + ": " + err.Error(), err}
}

type wrapped struct {
	msg string
	err error
}

func (w *wrapped) Error() string { return w.msg }
func (w *wrapped) Unwrap() error { return w.err }

// Recovered is the text of a value recovered from a panic, for the engine_internal
// error that reports it: the error's message, the string, or the value's type.
func Recovered(r any) string {
	switch v := r.(type) {
	case error:
		return v.Error()
	case string:
		return v
	case interface{ String() string }:
		return v.String()
	}
	return "panic of an unprintable value"
}
