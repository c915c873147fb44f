// Package text checks free text at a boundary: the one rule for every text a host
// keeps or shows, from a claim's visit id to a roster cell or a reversal's reason.
package text

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ruralhealth/ncms/core"
)

// Check returns nil when s may be the text of the field at path, and otherwise a
// field_text_invalid or field_too_long error naming the first offending character.
// Text must be valid UTF-8 without control characters (C0, DEL and C1: PostgreSQL
// refuses NUL outright, and the others are invisible on a notice yet break CSV
// exports and matching), without U+FFFD (what a decoder leaves for bytes it could
// not read) and at most max characters (code points, as JSON Schema's maxLength
// counts them). The empty string passes; whether a field is required is the
// caller's rule.
func Check(path, s string, max int) *core.Error {
	n := 0
	for i, r := range s {
		n++
		switch {
		case r == utf8.RuneError:
			if _, w := utf8.DecodeRuneInString(s[i:]); w == 1 {
				return core.NewErrorDetail(core.FieldTextInvalid, path,
					"byte 0x"+hex(int(s[i]), 2)+" at character "+strconv.Itoa(n)+" is not UTF-8",
					"第 "+strconv.Itoa(n)+" 个字符处的字节 0x"+hex(int(s[i]), 2)+" 不是 UTF-8 编码")
			}
			return core.NewErrorDetail(core.FieldTextInvalid, path,
				"U+FFFD at character "+strconv.Itoa(n)+": bytes the file's encoding could not decode, or a character lost in an earlier conversion",
				"第 "+strconv.Itoa(n)+" 个字符为 U+FFFD：文件编码无法解码的字节，或此前转码时丢失的字符")
		case unicode.IsControl(r):
			return core.NewErrorDetail(core.FieldTextInvalid, path,
				"control character U+"+hex(int(r), 4)+" at character "+strconv.Itoa(n),
				"第 "+strconv.Itoa(n)+" 个字符为控制字符 U+"+hex(int(r), 4))
		}
	}
	if n > max {
		return core.NewErrorDetail(core.FieldTooLong, path,
			strconv.Itoa(n)+" characters, at most "+strconv.Itoa(max),
			"共 "+strconv.Itoa(n)+" 个字符，最多 "+strconv.Itoa(max)+" 个")
	}
	return nil
}

// hex is n in upper-case hexadecimal with at least width digits, as %02X and %U write
// it.
func hex(n, width int) string {
	s := strings.ToUpper(strconv.FormatInt(int64(n), 16))
	for len(s) < width {
		s = "0" + s
	}
	return s
}
