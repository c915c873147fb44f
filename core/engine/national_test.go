package engine_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/engine"
)

// withProfile is the Pingluo claim asking for a profile (and a language, if given).
func withProfile(profile, lang string) []byte {
	extra := `"profile":"` + profile + `"`
	if lang != "" {
		extra += `,"lang":"` + lang + `"`
	}
	return []byte(strings.Replace(pingluoClaim, `{"schema":1,`, `{"schema":1,`+extra+`,`, 1))
}

// TestProfileJSON checks that a host which keeps the engine's own result and adds the
// profile when it answers (the county ledger) gives the bytes the settle operation
// gives when asked for the profile, in either language, settled or estimated, and
// on the strict fast path or the codec's.
func TestProfileJSON(t *testing.T) {
	e := newEngine(t)
	for _, op := range []string{engine.OpSettle, engine.OpEstimate} {
		for _, lang := range []string{"", "zh", "en"} {
			want := e.Handle(op, withProfile("national", lang))
			if !bytes.Contains(want, []byte(`"national":{"setlinfo":{"medfee_sumamt":"8432.00"`)) {
				t.Fatalf("%s %q: no national profile in %s", op, lang, want)
			}
			// A request with a space before its first member takes the codec's path.
			slow := e.Handle(op, append([]byte(" "), withProfile("national", lang)...))
			if !bytes.Equal(slow, want) {
				t.Errorf("%s %q: the codec's path differs:\n%s\n%s", op, lang, slow, want)
			}
			plain := withProfile("", lang)
			native := e.Handle(op, plain)
			res, err := engine.Open(native)
			if err != nil {
				t.Fatal(err)
			}
			got, err := e.ProfileJSON(res.Result, "national", lang)
			if err != nil {
				t.Fatal(err)
			}
			env := append([]byte(`{"schema":1,"ok":true,"result":`), got...)
			if env = append(env, '}'); !bytes.Equal(env, want) {
				t.Errorf("%s %q: ProfileJSON gives\n%s\nwant\n%s", op, lang, env, want)
			}
			// No profile: the result as it was.
			if same, err := e.ProfileJSON(res.Result, "", lang); err != nil || !bytes.Equal(same, res.Result) {
				t.Errorf("%s %q: an empty profile changed the result (%v)", op, lang, err)
			}
		}
	}
	if _, err := e.ProfileJSON([]byte(`{"schema":1}`), "nhsa", ""); core.ErrorCode(err) != core.FieldInvalid {
		t.Errorf("unknown profile: %v, want field_invalid", err)
	}
}

// TestProfileRefused checks that a profile the engine does not know is refused
// before anything is settled, on both decoding paths.
func TestProfileRefused(t *testing.T) {
	e := newEngine(t)
	for _, req := range [][]byte{withProfile("nhsa", ""), append([]byte(" "), withProfile("nhsa", "")...)} {
		res, err := engine.Open(e.Handle(engine.OpSettle, req))
		if err != nil {
			t.Fatal(err)
		}
		if err = res.Err(); err == nil {
			t.Fatalf("accepted: %s", res.Result)
		}
		if es := core.AsErrors(err); len(es) != 1 || es[0].Code != core.FieldInvalid || es[0].Path != "/profile" {
			t.Errorf("errors %v, want field_invalid at /profile", es)
		}
	}
}
