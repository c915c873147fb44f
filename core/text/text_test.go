package text_test

import (
	"strings"
	"testing"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/coretest"
	"github.com/ruralhealth/ncms/core/text"
)

func TestCheckText(t *testing.T) {
	tests := []struct {
		name, s string
		max     int
		code    core.Code
	}{
		{"chinese", "王大·阿不都", 64, ""},
		{"empty", "", 64, ""},
		{"at the limit, counted in characters", strings.Repeat("王", 64), 64, ""},
		{"over the limit", strings.Repeat("a", 65), 64, core.FieldTooLong},
		{"NUL", "王\x00大", 64, core.FieldTextInvalid},
		{"tab", "a\tb", 64, core.FieldTextInvalid},
		{"newline", "a\nb", 64, core.FieldTextInvalid},
		{"DEL", "a\x7fb", 64, core.FieldTextInvalid},
		{"C1 control", "a\u0085b", 64, core.FieldTextInvalid},
		{"GBK bytes", "\xcd\xf5\xb4\xf3", 64, core.FieldTextInvalid}, // 王大 in GBK
		{"a cut-off character", "王"[:2], 64, core.FieldTextInvalid},
		{"U+FFFD", "王\ufffd", 64, core.FieldTextInvalid},
		{"a bad character beats the length", strings.Repeat("a", 70) + "\x00", 64, core.FieldTextInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := text.Check("/name", tc.s, tc.max)
			var got core.Code
			if e != nil {
				got = e.Code
				if e.Path != "/name" || e.Message == "" || !coretest.Chinese(e.MessageZh) {
					t.Errorf("error %+v: want the path and a Chinese message", e)
				}
			}
			if got != tc.code {
				t.Fatalf("CheckText(%q) = %v, want %s", tc.s, e, tc.code)
			}
		})
	}
}
