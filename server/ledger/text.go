package ledger

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/ruralhealth/ncms/core"
)

// Codes of the text check. They are the server's: the core stores nothing, and its
// own roster check (identity.ValidateRoster) has stricter rules for the bank's file.
const (
	// TextInvalid is text that is not valid UTF-8, or holds a control character
	// (NUL among them) or U+FFFD.
	TextInvalid core.Code = "field_text_invalid"
	// TextTooLong is text longer than its field's limit.
	TextTooLong core.Code = "field_too_long"
)

// Limits of the free-text fields, in characters (Unicode code points, as JSON
// Schema's maxLength counts them). openapi.json states each as the field's
// maxLength. They are far above any real value and far below the 8 MiB a request may
// carry, so one field cannot fill a page, a log line or the notice.
const (
	// MaxCodeLen bounds identifiers and codes: household and visit ids, institution
	// codes, certificate numbers, categories, tiers, roster row numbers, phones.
	MaxCodeLen = 64
	// MaxNameLen bounds the names of people, townships, villages and API keys.
	MaxNameLen = 64
	// MaxAddressLen bounds an address (居住地址).
	MaxAddressLen = 200
	// MaxReasonLen bounds the reason a clerk gives for a reversal.
	MaxReasonLen = 500
)

// CheckText returns nil when s may be stored as the field at path, and otherwise a
// TextInvalid or TextTooLong error naming the first offending character. Text must
// be valid UTF-8 without control characters (C0, DEL and C1: PostgreSQL refuses
// NUL outright, and the others are invisible on a notice yet break CSV exports and
// matching), without U+FFFD (what a decoder leaves for bytes it could not read) and
// at most max characters long. Every boundary of the ledger checks its text here,
// and CheckStoredText reads back stored text with it.
func CheckText(path, s string, max int) *core.Error {
	n := 0
	for i, r := range s {
		n++
		switch {
		case r == utf8.RuneError:
			if _, w := utf8.DecodeRuneInString(s[i:]); w == 1 {
				return textError(TextInvalid, path,
					fmt.Sprintf("byte 0x%02X at character %d is not UTF-8", s[i], n),
					fmt.Sprintf("第 %d 个字符处的字节 0x%02X 不是 UTF-8 编码", n, s[i]))
			}
			return textError(TextInvalid, path,
				fmt.Sprintf("U+FFFD at character %d: bytes the file's encoding could not decode, or a character lost in an earlier conversion", n),
				fmt.Sprintf("第 %d 个字符为 U+FFFD：文件编码无法解码的字节，或此前转码时丢失的字符", n))
		case unicode.IsControl(r):
			return textError(TextInvalid, path,
				fmt.Sprintf("control character %U at character %d", r, n),
				fmt.Sprintf("第 %d 个字符为控制字符 %U", n, r))
		}
	}
	if n > max {
		return textError(TextTooLong, path,
			strconv.Itoa(n)+" characters, at most "+strconv.Itoa(max),
			"共 "+strconv.Itoa(n)+" 个字符，最多 "+strconv.Itoa(max)+" 个")
	}
	return nil
}

// checkText adds CheckText's error, if any, to es and reports whether s passed.
func checkText(es *core.Errors, path, s string, max int) bool {
	if e := CheckText(path, s, max); e != nil {
		*es = append(*es, e)
		return false
	}
	return true
}

// textError is an error of the text check, its detail given in each language.
func textError(code core.Code, path, en, zh string) *core.Error {
	var baseEn, baseZh string
	switch code {
	case TextInvalid:
		baseEn, baseZh = "text must be valid UTF-8 without control characters", "文本须为有效的 UTF-8 编码且不含控制字符"
	case TextTooLong:
		baseEn, baseZh = "text is too long", "文本过长"
	}
	return &core.Error{Code: code, Path: path, Message: baseEn + ": " + en, MessageZh: baseZh + "：" + zh}
}

// problem is a core error whose detail differs by language, so that messageZh is
// Chinese throughout.
func problem(code core.Code, path, en, zh string) *core.Error {
	e := core.NewError(code, path, "")
	if en != "" {
		e.Message += ": " + en
	}
	if zh != "" {
		e.MessageZh += "：" + zh
	}
	return e
}

// StoredText is one stored text value, for CheckStoredText.
type StoredText struct {
	Table, Column string
	// Key names the row: a sequence number, an id, or a masked resident ID.
	Key   string
	Value string
	// Max is the column's limit; 0 marks JSON text, each string of which is
	// checked without a limit.
	Max int
}

// TextScanner is a Store that can list its stored free text: the columns a
// request's text reaches.
type TextScanner interface {
	Texts(ctx context.Context) iter.Seq2[StoredText, error]
}

// BadText is a stored text value that CheckText refuses.
type BadText struct {
	Table, Column, Key string
	Problem            *core.Error
}

// CheckStoredText yields every stored text value that CheckText refuses: text
// stored before the boundaries checked it, or written by another client.
func CheckStoredText(ctx context.Context, s Store) iter.Seq2[BadText, error] {
	return func(yield func(BadText, error) bool) {
		ts, ok := s.(TextScanner)
		if !ok {
			yield(BadText{}, errors.New("ledger: this store cannot list its text"))
			return
		}
		for t, err := range ts.Texts(ctx) {
			if err != nil {
				yield(BadText{}, err)
				return
			}
			if e := checkStored(t); e != nil && !yield(BadText{Table: t.Table, Column: t.Column, Key: t.Key, Problem: e}, nil) {
				return
			}
		}
	}
}

// checkStored checks one stored value: plain text against its limit, JSON text as
// text and each of its strings without one.
func checkStored(t StoredText) *core.Error {
	if t.Max > 0 {
		return CheckText("", t.Value, t.Max)
	}
	if e := CheckText("", t.Value, math.MaxInt); e != nil {
		return e
	}
	d := jsontext.NewDecoder(strings.NewReader(t.Value))
	for {
		tok, err := d.ReadToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return textError(TextInvalid, "", "not JSON: "+err.Error(), "不是有效的 JSON")
		}
		if tok.Kind() == '"' {
			if e := CheckText(string(d.StackPointer()), tok.String(), math.MaxInt); e != nil {
				return e
			}
		}
	}
}
