package core

import (
	"errors"
	"sort"
	"strings"
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
// detail, which should name values rather than explain (it is shown in both languages).
func NewError(code Code, path, detail string) *Error {
	en, zh := code.Text()
	if detail != "" {
		en += ": " + detail
		zh += "：" + detail
	}
	return &Error{Code: code, Path: path, Message: en, MessageZh: zh}
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
// are array indexes, so /items/10 sorts after /items/9.
func pathLess(a, b string) bool {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	for i := 0; i < len(as) && i < len(bs); i++ {
		if as[i] == bs[i] {
			continue
		}
		ai, aok := index(as[i])
		bi, bok := index(bs[i])
		if aok && bok {
			return ai < bi
		}
		return as[i] < bs[i]
	}
	return len(as) < len(bs)
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
	out := NewError(EngineInternal, "", err.Error())
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
