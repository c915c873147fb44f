package api_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/server/api"
	"github.com/ruralhealth/ncms/server/ledger"
)

// gbkRoster is a roster as Chinese Excel saves it: Chinese headers, GBK bytes.
func gbkRoster(t *testing.T) string {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().String(
		"户号,乡镇,村,居住地址,与户主关系,身份证号,姓名,人员类别,出生日期,参合年度,缴费档次,缴费日期\n" +
			"H1,640221100,东关村,一队,户主," + person + ",王大,farmer,1980-01-01,2025,,2024-12-01\n")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestImportCharset posts a GBK roster: detected or named, it imports, and the
// routes that read those people answer; named wrongly or unknown, it is a typed 4xx.
func TestImportCharset(t *testing.T) {
	f := newFixture(t, api.Options{})
	roster := gbkRoster(t)
	tests := []struct {
		name, query, contentType string
		status                   int
		encoding                 ledger.Encoding
		code                     core.Code
		at                       string
	}{
		{name: "detected", contentType: "text/csv", status: 200, encoding: ledger.EncodingGB18030},
		{name: "Content-Type charset", contentType: "text/csv; charset=GBK", status: 200, encoding: ledger.EncodingGBK},
		{name: "query charset", query: "?charset=gb18030", status: 200, encoding: ledger.EncodingGB18030},
		{name: "named UTF-8", contentType: "text/csv; charset=utf-8", status: 422, code: core.FieldTextInvalid, at: "/header/0"},
		{name: "unknown charset", query: "?charset=latin1", status: 422, code: core.FieldInvalid, at: "/charset"},
		{name: "charsets disagree", query: "?charset=gbk", contentType: "text/csv; charset=utf-8", status: 422, code: core.FieldInvalid, at: "/charset"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f.t = t
			var headers []string
			if tc.contentType != "" {
				headers = []string{"Content-Type", tc.contentType}
			}
			r := f.do(http.MethodPost, "/v1/registry/import"+tc.query, f.county, roster, headers...)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if code, at := r.first(); code != tc.code || at != tc.at {
				t.Fatalf("error %s at %s, want %s at %s", code, at, tc.code, tc.at)
			}
			if tc.status == 200 {
				var rep ledger.ImportReport
				if err := jsonv2.Unmarshal(r.env.Result, &rep); err != nil || !rep.Imported || rep.Encoding != tc.encoding {
					t.Fatalf("report %s, want imported as %s (%v)", r.env.Result, tc.encoding, err)
				}
			}
		})
	}
	f.t = t
	// What answered 500 after a GBK roster was stored as it came.
	if r := f.do(http.MethodGet, "/v1/persons/"+person, f.county, ""); r.status != 200 || !strings.Contains(string(r.body), "王大") {
		t.Fatalf("person: %d %s", r.status, r.body)
	}
	if r := f.do(http.MethodPost, "/v1/settlements", f.h1, settle("G1", "H001", "1000.00")); r.status != 201 {
		t.Fatalf("settle: %d %s", r.status, r.body)
	}
	if r := f.do(http.MethodPost, "/v1/presettlements", f.h1, settle("G2", "H001", "1000.00")); r.status != 200 {
		t.Fatalf("presettle: %d %s", r.status, r.body)
	}
	if r := f.do(http.MethodGet, "/v1/reports/notice?month=2025-03", f.county, ""); r.status != 200 || !strings.Contains(string(r.body), "东关村") {
		t.Fatalf("notice: %d %s", r.status, r.body)
	}
}

// TestImportProblemsBounded posts a roster with a bad ID on every row: the 422
// lists the first problems and counts them all, so the answer stays small.
func TestImportProblemsBounded(t *testing.T) {
	f := newFixture(t, api.Options{})
	var b strings.Builder
	b.WriteString("household,township,id,name,category,year,paidOn\n")
	const rows = 5000
	for range rows {
		b.WriteString("H1,640221100,640221198001010016,王大,farmer,2025,2024-12-01\n")
	}
	r := f.do(http.MethodPost, "/v1/registry/import", f.county, b.String(), "Content-Type", "text/csv")
	var body struct {
		Errors       core.Errors        `json:"errors"`
		Rows         int                `json:"rows"`
		Encoding     ledger.Encoding    `json:"encoding"`
		ProblemCount int                `json:"problemCount"`
		ProblemCodes []ledger.CodeCount `json:"problemCodes"`
	}
	if err := jsonv2.Unmarshal(r.body, &body); err != nil || r.status != 422 {
		t.Fatalf("%d %v", r.status, err)
	}
	if len(body.Errors) != ledger.DefaultMaxProblems || body.ProblemCount != rows || body.Rows != rows ||
		len(body.ProblemCodes) != 1 || body.ProblemCodes[0] != (ledger.CodeCount{Code: core.IDChecksum, Count: rows}) {
		t.Fatalf("%d errors, %d problems, %d rows, %v", len(body.Errors), body.ProblemCount, body.Rows, body.ProblemCodes)
	}
	// Every problem listed would be some 300 bytes each.
	if len(r.body) > 64<<10 {
		t.Fatalf("a %d-byte answer", len(r.body))
	}
}

// TestTextBoundaries sends a NUL and an overlong name through the JSON routes that
// store text: 422 with the field, on either store.
func TestTextBoundaries(t *testing.T) {
	f := newFixture(t, api.Options{})
	f.seed()
	long := strings.Repeat("长", ledger.MaxNameLen+1)
	tests := []struct {
		name, method, path, key, body string
		code                          core.Code
		at                            string
	}{
		{"household NUL", "PUT", "/v1/households/H2", f.county, `{"township":"640221100","village":"东\u0000关"}`, core.FieldTextInvalid, "/village"},
		{"person NUL", "PUT", "/v1/persons/" + person2, f.county, `{"name":"李\u0000二","household":"H1","category":"farmer"}`, core.FieldTextInvalid, "/name"},
		{"person too long", "PUT", "/v1/persons/" + person2, f.county, `{"name":"` + long + `","household":"H1","category":"farmer"}`, core.FieldTooLong, "/name"},
		{"reversal reason", "POST", "/v1/settlements/1/reversal", f.h1, `{"reason":"错\u0007"}`, core.FieldTextInvalid, "/reason"},
		{"settle visit id", "POST", "/v1/settlements", f.h1, strings.Replace(settle("VNUL", "H001", "1.00"), `"VNUL"`, `"V\u0000"`, 1), core.FieldTextInvalid, "/claim/id"},
		{"key name", "POST", "/v1/keys", f.county, `{"role":"institution","institution":"H003","name":"` + long + `"}`, core.FieldTooLong, "/name"},
		{"card certificate", "POST", "/v1/cards/" + card2 + "/events", f.county, `{"event":"issue","date":"2025-02-01","owner":"` + person + `","certificate":"C\u0000"}`, core.FieldTextInvalid, "/certificate"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f.t = t
			r := f.do(tc.method, tc.path, tc.key, tc.body)
			if code, at := r.first(); r.status != 422 || code != tc.code || at != tc.at {
				t.Fatalf("%d %s at %s, want 422 %s at %s: %s", r.status, code, at, tc.code, tc.at, r.body)
			}
		})
	}
}

// TestOpenAPITextLimits checks that openapi.json states the ledger's text limits as
// the fields' maxLength.
func TestOpenAPITextLimits(t *testing.T) {
	f := newFixture(t, api.Options{})
	r := f.do(http.MethodGet, "/openapi.json", "", "")
	var doc any
	if err := jsonv2.Unmarshal(r.body, &doc); err != nil {
		t.Fatal(err)
	}
	for pointer, want := range map[string]int{
		"/components/schemas/Household/properties/id":                                                                   ledger.MaxCodeLen,
		"/components/schemas/Household/properties/head":                                                                 ledger.MaxCodeLen,
		"/components/schemas/Household/properties/township":                                                             ledger.MaxNameLen,
		"/components/schemas/Household/properties/village":                                                              ledger.MaxNameLen,
		"/components/schemas/Household/properties/address":                                                              ledger.MaxAddressLen,
		"/components/schemas/Person/properties/name":                                                                    ledger.MaxNameLen,
		"/components/schemas/Person/properties/household":                                                               ledger.MaxCodeLen,
		"/components/schemas/Person/properties/category":                                                                ledger.MaxCodeLen,
		"/components/schemas/Person/properties/enrollment/items/properties/tier":                                        ledger.MaxCodeLen,
		"/components/schemas/Key/properties/name":                                                                       ledger.MaxNameLen,
		"/paths/~1v1~1keys/post/requestBody/content/application~1json/schema/properties/name":                           ledger.MaxNameLen,
		"/paths/~1v1~1keys/post/requestBody/content/application~1json/schema/properties/institution":                    ledger.MaxCodeLen,
		"/paths/~1v1~1settlements~1{seq}~1reversal/post/requestBody/content/application~1json/schema/properties/reason": ledger.MaxReasonLen,
		"/paths/~1v1~1cards~1{number}~1events/post/requestBody/content/application~1json/schema/properties/certificate": ledger.MaxCodeLen,
		"/paths/~1v1~1registry~1import/post/responses/422/content/application~1json/schema/$ref":                        0,
	} {
		v := doc
		for _, seg := range strings.Split(pointer, "/")[1:] {
			seg = strings.NewReplacer("~1", "/", "~0", "~").Replace(seg)
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("%s: no %q", pointer, seg)
			}
			v = m[seg]
		}
		if want == 0 {
			if v != "#/components/schemas/ImportFailure" {
				t.Errorf("%s = %v", pointer, v)
			}
			continue
		}
		m, _ := v.(map[string]any)
		if got, _ := m["maxLength"].(float64); int(got) != want {
			t.Errorf("%s: maxLength %v, want %d", pointer, m["maxLength"], want)
		}
	}
}

// TestImportStreamLimit sends a roster of unknown length (chunked) past ImportLimit:
// the import, reading as a stream, stops at the limit with request_too_large.
func TestImportStreamLimit(t *testing.T) {
	f := newFixture(t, api.Options{})
	body := io.MultiReader(strings.NewReader("household,township,id,name,category,year,paidOn\n"),
		io.LimitReader(newlines{}, api.ImportLimit))
	req, err := http.NewRequest(http.MethodPost, f.url+"/v1/registry/import", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+f.county)
	r := f.send(req)
	if code, _ := r.first(); r.status != 413 || code != core.RequestTooLarge {
		t.Fatalf("%d %s", r.status, r.body)
	}
}

// newlines reads as endless empty lines, which a CSV reader skips.
type newlines struct{}

func (newlines) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '\n'
	}
	return len(p), nil
}

// TestImportProgress names a roster import's progress and reads it afterwards: the
// rows read, done; an unknown id is 404 and a malformed one refuses the import.
func TestImportProgress(t *testing.T) {
	f := newFixture(t, api.Options{})
	roster := gbkRoster(t)
	if r := f.do(http.MethodPost, "/v1/registry/import?progress=roster-0001", f.county, roster); r.status != http.StatusOK {
		t.Fatalf("import: %d %s", r.status, r.body)
	}
	r := f.do(http.MethodGet, "/v1/registry/import/progress?id=roster-0001", f.county, "")
	if r.status != http.StatusOK || string(r.env.Result) != `{"id":"roster-0001","rows":1,"done":true}` {
		t.Fatalf("progress: %d %s", r.status, r.body)
	}
	if r := f.do(http.MethodGet, "/v1/registry/import/progress?id=roster-0002", f.county, ""); r.status != http.StatusNotFound {
		t.Errorf("unknown id: %d %s", r.status, r.body)
	}
	if r := f.do(http.MethodGet, "/v1/registry/import/progress?id=roster-0001", f.h1, ""); r.status != http.StatusForbidden {
		t.Errorf("an institution's key: %d", r.status)
	}
	r = f.do(http.MethodPost, "/v1/registry/import?progress=no", f.county, roster)
	if code, at := r.first(); r.status != http.StatusUnprocessableEntity || code != core.FieldInvalid || at != "/progress" {
		t.Errorf("a short id: %d %s", r.status, r.body)
	}
}
