package coretest_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/coretest"
)

func TestLatinWords(t *testing.T) {
	for _, tc := range []struct {
		path, zh string
		want     []string
	}{
		{"", "身份证号校验码错误：640221********0016", nil},
		{"/claim/x", `未知字段："someName"`, nil},
		{"", "请求不是合法的 JSON；至多 200 字节的有效 UTF-8 文本；日期须为有效的 YYYY-MM-DD", nil},
		{"", `字段取值无效："up" 不是 "half_up"、"down" 之一`, nil},
		{"", `文本字段含空格等非法字符：第 3 个字符 '\u3000'`, nil},
		{"/header/township", "缺少必填字段：township", nil},
		{"", "引用了未定义的代码：claim_unknown_fund /pools/0/id birthDate", nil},
		{"", `未知字段："abc…" (8388608 B)`, nil},
		{"", "身份证号只能由数字和末位 X 组成", nil},
		{"", "缺少必填字段：missing column", []string{"missing", "column"}},
		{"", "该密钥无权执行此操作：a institution key", []string{"institution", "key"}},
		{"", "身份证号须为 18 位：0 characters", []string{"characters"}},
		{"", `字段取值无效："x" is not one of up, down`, []string{"is", "not", "one", "of", "up", "down"}},
		{"/today", "缺少必填字段：today is required", []string{"is", "required"}},
	} {
		got := coretest.LatinWords(&core.Error{Path: tc.path, MessageZh: tc.zh})
		if !slices.Equal(got, tc.want) {
			t.Errorf("LatinWords(%q at %q) = %q, want %q", tc.zh, tc.path, got, tc.want)
		}
	}
}

func TestScanCalls(t *testing.T) {
	dir := t.TempDir()
	src := `package x

import (
	"fmt"
	"strconv"

	"github.com/ruralhealth/ncms/core"
)

func f(es *core.Errors, err error, n int, get func(string) string) {
	es.Add(core.FieldInvalid, "/a", strconv.Itoa(n)+" characters")           // 1
	es.Add(core.FieldInvalid, "/a", core.Quote(get("year")))                 // ok: a value
	es.AddText(core.FieldInvalid, "/a", "missing column", "缺少该列")            // ok
	es.AddText(core.FieldInvalid, "/a", "missing column", "missing column")  // 2
	_ = core.NewError(core.RequestMalformed, "", err.Error())                // 3
	_ = core.NewErrorText(core.RequestMalformed, "", err.Error(), "")        // ok
	_ = core.NewErrorText(core.FieldInvalid, "", "", fmt.Sprintf("visit %d", n)) // 4
	_ = core.NewError(core.FieldInvalid, "/a", "")                           // ok
	_ = apierr.NewErrorText(apierr.NotFound, "", "no such key", "no such key") // 5: the server's codes too
	_ = apierr.NewError(apierr.NotFound, "/a", core.Quote(get("id")))        // ok
}
`
	if err := os.WriteFile(filepath.Join(dir, "x.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	fs, err := coretest.ScanCalls(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for _, f := range fs {
		lines = append(lines, f.Pos.Line)
	}
	if want := []int{11, 14, 15, 17, 19}; !slices.Equal(lines, want) {
		t.Errorf("findings at lines %v, want %v: %v", lines, want, fs)
	}
}

func TestChinese(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want bool
	}{
		{"文本字段含非法字符：第 3 个字符 U+0000", true},
		{"无效的 UTF-8 字节 0xFF", true},
		{"名称 a 无效", true},
		{"名称 name 无效", false},
		{"ab", false},
	} {
		if got := coretest.Chinese(tc.s); got != tc.want {
			t.Errorf("Chinese(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}

func TestDeclaredCodes(t *testing.T) {
	src := `package p

const (
	A Code      = "a_code"
	B core.Code = "b_code"
	C string    = "not_a_code"
	D           = "untyped"
)
`
	path := filepath.Join(t.TempDir(), "codes.go")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	got := coretest.DeclaredCodes(t, path)
	if want := []core.Code{"a_code", "b_code"}; !slices.Equal(got, want) {
		t.Errorf("DeclaredCodes = %q, want %q", got, want)
	}
}
