// Package text checks free text at a boundary: the one rule for every text a host
// keeps or shows, from a claim's visit id to a roster cell or a reversal's reason.
package text

import (
	"fmt"
	"strconv"
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
					fmt.Sprintf("byte 0x%02X at character %d is not UTF-8", s[i], n),
					fmt.Sprintf("第 %d 个字符处的字节 0x%02X 不是 UTF-8 编码", n, s[i]))
			}
			return core.NewErrorDetail(core.FieldTextInvalid, path,
				fmt.Sprintf("U+FFFD at character %d: bytes the file's encoding could not decode, or a character lost in an earlier conversion", n),
				fmt.Sprintf("第 %d 个字符为 U+FFFD：文件编码无法解码的字节，或此前转码时丢失的字符", n))
		case unicode.IsControl(r):
			return core.NewErrorDetail(core.FieldTextInvalid, path,
				fmt.Sprintf("control character %U at character %d", r, n),
				fmt.Sprintf("第 %d 个字符为控制字符 %U", n, r))
		}
	}
	if n > max {
		return core.NewErrorDetail(core.FieldTooLong, path,
			strconv.Itoa(n)+" characters, at most "+strconv.Itoa(max),
			"共 "+strconv.Itoa(n)+" 个字符，最多 "+strconv.Itoa(max)+" 个")
	}
	return nil
}
