package apierr_test

import (
	"testing"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/coretest"
	"github.com/ruralhealth/ncms/server/apierr"
)

// TestCatalogueChinese checks every server code's catalogue text, as core's test of
// the same name checks the core's: present, and messageZh Chinese throughout.
func TestCatalogueChinese(t *testing.T) {
	codes := coretest.DeclaredCodes(t, "apierr.go")
	if len(codes) < 20 {
		t.Fatalf("found %d codes in apierr.go", len(codes))
	}
	for _, c := range codes {
		en, zh := apierr.Text(c)
		if en == string(c) || zh == string(c) {
			t.Errorf("%s has no catalogue text", c)
		}
		if ws := coretest.LatinWords(&core.Error{Code: c, MessageZh: zh}); len(ws) > 0 {
			t.Errorf("%s: messageZh %q has Latin words %q", c, zh, ws)
		}
		e := apierr.NewError(c, "/x", "42")
		if e.Code != c || e.Message != en+": 42" || e.MessageZh != zh+"：42" || e.Path != "/x" {
			t.Errorf("NewError(%s) = %+v", c, e)
		}
	}
}

// TestCodesApart checks that the server's codes and the core's are apart: no value
// in both, and none twice, so that a code's text has one home.
func TestCodesApart(t *testing.T) {
	seen := map[core.Code]string{}
	for _, src := range []struct{ file, owner string }{{"../../core/code.go", "core"}, {"apierr.go", "apierr"}} {
		for _, c := range coretest.DeclaredCodes(t, src.file) {
			if prev, ok := seen[c]; ok {
				t.Errorf("%s is declared in %s and in %s", c, prev, src.owner)
			}
			seen[c] = src.owner
		}
	}
	// The core's codes keep their texts through Text.
	en, zh := apierr.Text(core.PolicyNotFound)
	if wantEn, wantZh := core.PolicyNotFound.Text(); en != wantEn || zh != wantZh {
		t.Errorf("Text(policy_not_found) = %q, %q; want the core's %q, %q", en, zh, wantEn, wantZh)
	}
}
