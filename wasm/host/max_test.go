package host

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	codec "github.com/ruralhealth/ncms/core/codec/anycodec"
	"github.com/ruralhealth/ncms/core/engine"
)

// maximal returns, for each operation, the largest request of its kind the module
// accepts: the most lines, rows or years a request may hold, or a request padded to
// the codec's 8 MiB limit.
func maximal(t testing.TB) []testCase {
	pad := func(req string) []byte {
		// Whitespace before the closing brace: the request the codec still takes.
		n := codec.MaxRequest - len(req)
		return []byte(req[:len(req)-1] + strings.Repeat(" ", n) + "}")
	}
	var cs []testCase
	add := func(name, op string, req []byte) {
		if len(req) > codec.MaxRequest {
			t.Fatalf("%s: %d bytes, over the codec's limit", name, len(req))
		}
		cs = append(cs, testCase{name, op, req})
	}

	// settle and estimate: 10,000 lines (claim.MaxItems), each with a code and a name
	// of 200 bytes, the longest texts a line may have.
	var items strings.Builder
	for i := range 10000 {
		if i > 0 {
			items.WriteByte(',')
		}
		fmt.Fprintf(&items, `{"code":"I%05d%s","name":"%s","kind":"drug","class":"B","amount":"150.01","overLimit":"0.01"}`,
			i, strings.Repeat("0", 194), strings.Repeat("药", 66))
	}
	lines := strings.Replace(claim(`"id":"V1",`), `{"code":"X1","kind":"treatment","class":"A","amount":"8432"}`, items.String(), 1)
	add("settle 10000 lines", "settle", []byte(lines))
	add("estimate 10000 lines", "estimate", []byte(lines))

	// verify_card: 200 years of enrollment (enroll.MaxYears).
	years := make([]string, 200)
	for i := range years {
		years[i] = fmt.Sprintf(`{"year":%d,"paidOn":"%d-12-01"}`, 1826+i, 1825+i)
	}
	vc := strings.Replace(verify(card("6228480402564890018", "640221198001010015", "active"), "640221198001010015", "2025-03-01"),
		`[{"year":2025,"paidOn":"2024-12-01"}]`, "["+strings.Join(years, ",")+"]", 1)
	add("verify_card 200 years", "verify_card", pad(vc))

	// validate_roster: 100,000 rows (identity.MaxRosterRows), each with six problems,
	// of which the answer lists 100 and counts the rest. First the same row 100,000
	// times: each repeats the row number, ID and certificate of the first and lacks
	// three fields.
	dup := `{"schema":1,"policy":"pingluo-original","today":"2025-03-01","rows":[` + strings.TrimSuffix(strings.Repeat(
		`{"row":1,"id":"640221198001010015","certificate":"64022100000001"},`, 100000), ",") + `]}`
	add("validate_roster 100000 duplicate rows", "validate_roster", []byte(dup))
	// Then every text field a space and no row number: the longest messages (126 MB
	// when every problem was listed).
	spaces := `{"schema":1,"policy":"pingluo-original","today":"2025-03-01","rows":[` + strings.TrimSuffix(strings.Repeat(
		`{"head":" ","id":" ","address":" ","certificate":" ","phone":" "},`, 100000), ",") + `]}`
	add("validate_roster 100000 rows of spaces", "validate_roster", []byte(spaces))

	add("check_id", "check_id", pad(`{"schema":1,"id":"640221198001010015","today":"2025-01-01"}`))
	add("card_fee", "card_fee", pad(`{"schema":1,"policy":"pingluo-original","birthDate":"1980-01-01","on":"2025-03-01"}`))
	add("version", "version", pad(`{"schema":1}`))

	// load_policy: a policy document of 8 MiB.
	doc := loadDoc(t)
	notes := make([]string, 0, 40000)
	for i := range cap(notes) {
		notes = append(notes, fmt.Sprintf("%q", fmt.Sprintf("注%d ", i)+strings.Repeat("说明", 30)))
	}
	big := bytes.Replace(doc, []byte(`"source": "RULES.md §2.1",`),
		[]byte(`"source": "RULES.md §2.1", "notes": [`+strings.Join(notes, ",")+`],`), 1)
	big = bytes.Replace(big, []byte(`"test-pingluo"`), []byte(`"test-max"`), 1)
	add("load_policy 8 MiB", "load_policy", big)
	add("get_policy 8 MiB", "get_policy", []byte(`{"schema":1,"policy":"test-max"}`))
	add("list_policies", "list_policies", pad(`{"schema":1}`))
	return cs
}

// TestMaximalCalls makes one maximal call of every operation, each on a fresh
// instance under the default memory limit, and wants the native bytes. Linear memory
// never shrinks, so its size after the call is the call's peak; the test logs it.
func TestMaximalCalls(t *testing.T) {
	ctx := context.Background()
	e := native(t)
	cs := maximal(t)
	for _, op := range engine.Operations() {
		if !slices.ContainsFunc(cs, func(tc testCase) bool { return tc.op == op }) {
			t.Errorf("no maximal call of %s", op)
		}
	}
	var loads [][]byte
	for _, tc := range cs {
		t.Run(tc.name, func(t *testing.T) {
			h := newHost(t, Options{PoolSize: 1})
			// The native engine has what the earlier cases loaded; so must the host.
			for _, doc := range loads {
				if resp, err := h.Call(ctx, "load_policy", doc); err != nil || !ok(resp) {
					t.Fatalf("loading a policy first: %v %.300s", err, resp)
				}
			}
			want := e.Handle(tc.op, tc.req)
			got, err := h.Call(ctx, tc.op, tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if tc.op == "load_policy" {
				loads = append(loads, tc.req)
			}
			pages := h.peak.Load()
			t.Logf("%d bytes in, %d out, ok=%v, memory %d pages (%d MiB)", len(tc.req), len(got), ok(got), pages, pages>>4)
			// An instance grown past retainPages is not kept.
			if kept := len(h.idle) == 1; kept != (pages <= retainPages) {
				t.Errorf("instance of %d pages kept = %v", pages, kept)
			}
			// The next call has an instance as fresh as the first, or the same one.
			n := h.created.Load()
			if got, err := h.Call(ctx, "settle", []byte(settleClaim)); err != nil || !bytes.Equal(got, e.Handle("settle", []byte(settleClaim))) {
				t.Errorf("the call after: %v %.300s", err, got)
			}
			if fresh := h.created.Load() > n; fresh != (pages > retainPages) {
				t.Errorf("after an instance of %d pages, a new instance = %v", pages, fresh)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("module and native differ\n got: %.500s\nwant: %.500s", got, want)
			}
		})
	}
}
