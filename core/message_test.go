package core_test

import (
	"os"
	"strings"
	"testing"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/coretest"
)

// TestCatalogueChinese checks every code's catalogue text: present, and Chinese
// throughout.
func TestCatalogueChinese(t *testing.T) {
	codes := coretest.DeclaredCodes(t, "code.go")
	if len(codes) < 50 {
		t.Fatalf("found %d codes in code.go", len(codes))
	}
	for _, c := range codes {
		en, zh := c.Text()
		if en == string(c) || zh == string(c) {
			t.Errorf("%s has no catalogue text", c)
		}
		if ws := coretest.LatinWords(&core.Error{Code: c, MessageZh: zh}); len(ws) > 0 {
			t.Errorf("%s: messageZh %q has Latin words %q", c, zh, ws)
		}
	}
}

// TestCallsChinese checks every place in the core that builds an error: its Chinese
// detail has no English words and no error text from Go.
func TestCallsChinese(t *testing.T) {
	fs, err := coretest.ScanCalls(os.DirFS("."))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		t.Errorf("%s: messageZh would have %s", f.Pos, f.Text)
	}
}

func TestQuote(t *testing.T) {
	long := "十" + string(make([]byte, 100))
	for _, tc := range []struct{ in, want string }{
		{"", `""`},
		{"abc", `"abc"`},
		{"a\"b\x00", `"a\"b\x00"`},
		{"1234567890123456789012345678901234567890", `"1234567890123456789012345678901234567890"`},
		{"12345678901234567890123456789012345678901", `"1234567890123456789012345678901234567890…" (41 B)`},
		// 39 ASCII bytes then a 3-byte character: the cut falls inside it.
		{"123456789012345678901234567890123456789十", `"123456789012345678901234567890123456789…" (42 B)`},
		{long, `"十` + strings.Repeat(`\x00`, 37) + `…" (103 B)`},
	} {
		if got := core.Quote(tc.in); got != tc.want {
			t.Errorf("Quote(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestPointer(t *testing.T) {
	name := strings.Repeat("n", 1000)
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"/claim/items/10/amount", "/claim/items/10/amount"},
		{"/claim/" + name, "/claim/" + name[:core.MaxQuote] + "…"},
		{"/" + name + "/x/" + name, "/" + name[:core.MaxQuote] + "…/x/" + name[:core.MaxQuote] + "…"},
		{"/a/" + strings.Repeat("é", 30), "/a/" + strings.Repeat("é", 20) + "…"},
	} {
		if got := core.Pointer(tc.in); got != tc.want {
			t.Errorf("Pointer(%.60q…) = %.80q, want %.80q", tc.in, got, tc.want)
		}
	}
	e := core.NewError(core.RequestUnknownField, "/claim/"+name, core.Quote(name))
	if len(e.Path)+len(e.Message)+len(e.MessageZh) > 300 {
		t.Errorf("an error about a 1000-byte name is %d bytes: %+v", len(e.Path)+len(e.Message)+len(e.MessageZh), e)
	}
}

func TestNotOneOf(t *testing.T) {
	e := core.NotOneOf("/mode", "sideways", "up", "down")
	if e.Code != core.FieldInvalid || e.Path != "/mode" {
		t.Fatalf("got %+v", e)
	}
	if ws := coretest.LatinWords(e); len(ws) > 0 {
		t.Errorf("messageZh %q has Latin words %q", e.MessageZh, ws)
	}
}
