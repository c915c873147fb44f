package api_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/gorilla/mux"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	codec "github.com/ruralhealth/ncms/core/codec/anycodec"
	"github.com/ruralhealth/ncms/core/coretest"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/core/enroll"
	"github.com/ruralhealth/ncms/core/identity"
	"github.com/ruralhealth/ncms/server/api"
	"github.com/ruralhealth/ncms/server/api/apitest"
	"github.com/ruralhealth/ncms/server/apierr"
	"github.com/ruralhealth/ncms/server/ledger"
	"github.com/ruralhealth/ncms/server/store/storetest"
)

const (
	person  = "640221198001010015"
	person2 = "640221198001010023"
)

// card is a registered bank card of person; card2 is issued by the tests.
var (
	card  = apitest.Card("622848000000001")
	card2 = apitest.Card("622848000000002")
)

// fixture is a server on a fresh SQLite ledger with keys for the county and for the
// institutions H001 and H002.
type fixture struct {
	t      *testing.T
	l      *ledger.Ledger
	srv    *api.Server
	url    string
	logs   *apitest.Buffer
	county string
	h1, h2 string
	// clock is the ledger's clock, 2025-06-01 08:00 UTC unless a test moves it.
	clock *apitest.Clock
}

// newFixture serves on SQLite, or on PostgreSQL for tests run by TestPostgres.
func newFixture(t *testing.T, o api.Options) *fixture {
	t.Helper()
	f := &fixture{t: t, logs: &apitest.Buffer{}}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(f.logs, nil))
	}
	f.clock = apitest.NewClock(time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC))
	dsn := filepath.Join(t.TempDir(), "ncms.db")
	if strings.HasPrefix(t.Name(), "TestPostgres/") {
		dsn = storetest.PostgresDSN(t)
	}
	srv := apitest.Start(t, dsn, ledger.Options{Now: f.clock.Now}, o)
	f.l, f.srv, f.url = srv.Ledger, srv.API, srv.URL
	var err error
	if f.county, _, err = f.l.EnsureAdminKey(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.h1 = srv.Key(t, ledger.RoleInstitution, "H001")
	f.h2 = srv.Key(t, ledger.RoleInstitution, "H002")
	return f
}

// seed registers a household, the person, an issued card and settlement 1 of
// H001's visit S1.
func (f *fixture) seed() {
	f.t.Helper()
	ctx := context.Background()
	must(f.t, f.l.PutHousehold(ctx, ledger.Household{ID: "H1", Township: "640221100"}))
	must(f.t, f.l.PutPerson(ctx, ledger.Person{ID: person, Name: "王大", Household: "H1", Category: "farmer",
		Enrollment: []enroll.Year{{Year: 2024, PaidOn: civil.MustParse("2023-12-01")}, {Year: 2025, PaidOn: civil.MustParse("2024-12-01")}}}))
	if _, err := f.l.CardEvent(ctx, "seed", ledger.CardEvent{Number: card, Owner: person, Event: identity.Issue,
		Date: civil.MustParse("2025-01-02")}); err != nil {
		f.t.Fatal(err)
	}
	st, err := f.l.Settle(ctx, "seed", settleRequest("S1", "H001", "1000.00"))
	if err != nil || st.Seq != 1 {
		f.t.Fatalf("seed settlement: %+v %v", st, err)
	}
}

// response is an answer, its envelope decoded.
type response struct {
	status int
	header http.Header
	body   []byte
	env    struct {
		Schema     int             `json:"schema"`
		OK         bool            `json:"ok"`
		Result     jsontext.Value  `json:"result"`
		Settlement *ledger.Receipt `json:"settlement"`
		Errors     core.Errors     `json:"errors"`
	}
}

// first returns the first error's code and path, or "".
func (r *response) first() (core.Code, string) {
	if len(r.env.Errors) == 0 {
		return "", ""
	}
	return r.env.Errors[0].Code, r.env.Errors[0].Path
}

// do sends a request with the key as a bearer token ("" for none); headers are
// name, value pairs.
func (f *fixture) do(method, path, key, body string, headers ...string) *response {
	f.t.Helper()
	req, err := http.NewRequest(method, f.url+path, strings.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return f.send(req)
}

func (f *fixture) send(req *http.Request) *response {
	f.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	r := &response{status: resp.StatusCode, header: resp.Header}
	if r.body, err = io.ReadAll(resp.Body); err != nil {
		f.t.Fatal(err)
	}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") && bytes.HasPrefix(r.body, []byte(`{"schema"`)) {
		if err := jsonv2.Unmarshal(r.body, &r.env); err != nil {
			f.t.Fatalf("%s %s: body is not an envelope: %v\n%s", req.Method, req.URL.Path, err, r.body)
		}
	}
	return r
}

// settleRequest is a Pingluo inpatient claim (RULES.md §2.1) of one line.
func settleRequest(visit, institution, amount string) []byte {
	return apitest.SettleRequest(visit, person, institution, amount)
}

func settle(visit, institution, amount string) string {
	return string(settleRequest(visit, institution, amount))
}

// correction is the body of a correction with the settle request req.
func correction(req string) string {
	return `{"reason":"录入错误","request":` + req + `}`
}

const estimate = `{"schema":1,"policy":"pingluo-original","claim":{
 "person":{"id":"640221198001010015","category":"farmer","birthDate":"1980-01-01","enrollment":[{"year":2025,"paidOn":"2024-12-01"}]},
 "visit":{"type":"inpatient","class":"county","referral":false,"admission":"2025-03-01","discharge":"2025-03-10"},
 "items":[{"code":"X1","kind":"treatment","class":"A","amount":"8432"}],
 "totals":{"year":0,"funds":[],"admissions":[],"familyAccount":"0"}}}`

const roster = `{"schema":1,"policy":"pingluo-original","today":"2025-06-01","rows":[]}`

// TestRoutes plays each route's happy path and its errors on a seeded ledger. The
// cases run in order and some build on earlier ones.
func TestRoutes(t *testing.T) {
	f := newFixture(t, api.Options{})
	f.seed()
	householdH2 := `{"township":"640221100","village":"V02"}`
	person2Body := `{"name":"李二","household":"H1","category":"farmer","enrollment":[{"year":2025,"paidOn":"2024-12-01"}]}`
	verify := func(number string) string {
		return fmt.Sprintf(`{"policy":"pingluo-original","number":%q,"presenter":%q,"date":"2025-03-01"}`, number, person)
	}
	csvHeader := "household,township,village,address,relation,id,name,category,birthDate,year,tier,paidOn\n"
	tests := []struct {
		name, method, path, key, body string
		headers                       []string
		status                        int
		code                          core.Code
		at                            string
	}{
		// The engine, policies and estimates: public.
		{name: "estimate", method: "POST", path: "/v1/estimate", body: estimate, status: 200},
		{name: "estimate malformed", method: "POST", path: "/v1/estimate", body: `{`, status: 400, code: core.RequestMalformed},
		{name: "estimate unknown field", method: "POST", path: "/v1/estimate", body: `{"schema":1,"colour":1}`, status: 400, code: core.RequestUnknownField, at: "/colour"},
		{name: "estimate unknown policy", method: "POST", path: "/v1/estimate", body: strings.Replace(estimate, "pingluo-original", "nowhere", 1), status: 404, code: core.PolicyNotFound, at: "/policy"},
		{name: "estimate bad amount", method: "POST", path: "/v1/estimate", body: strings.Replace(estimate, `"8432"`, `"8432.001"`, 1), status: 422, code: core.AmountPrecision, at: "/claim/items/0/amount"},
		{name: "list policies", method: "GET", path: "/v1/policies", status: 200},
		{name: "get policy", method: "GET", path: "/v1/policies/pingluo-original", status: 200},
		{name: "get policy version", method: "GET", path: "/v1/policies/pingluo-original?version=nine", status: 404, code: core.PolicyNotFound, at: "/version"},
		{name: "get unknown policy", method: "GET", path: "/v1/policies/nowhere", status: 404, code: core.PolicyNotFound},
		{name: "publish policy without key", method: "POST", path: "/v1/policies", body: `{}`, status: 401, code: apierr.Unauthorized},
		{name: "publish policy institution", method: "POST", path: "/v1/policies", key: f.h1, body: `{}`, status: 403, code: apierr.Forbidden},
		{name: "publish malformed policy", method: "POST", path: "/v1/policies", key: f.county, body: `{"id":`, status: 400, code: core.RequestMalformed},

		// Settlements.
		{name: "settle without key", method: "POST", path: "/v1/settlements", body: settle("T1", "H001", "500.00"), status: 401, code: apierr.Unauthorized},
		{name: "settle wrong key", method: "POST", path: "/v1/settlements", key: "ncms_nothing", body: settle("T1", "H001", "500.00"), status: 401, code: apierr.Unauthorized},
		{name: "settle basic auth", method: "POST", path: "/v1/settlements", headers: []string{"Authorization", "Basic " + f.h1}, body: settle("T1", "H001", "500.00"), status: 401, code: apierr.Unauthorized},
		{name: "settle other institution", method: "POST", path: "/v1/settlements", key: f.h2, body: settle("T1", "H001", "500.00"), status: 403, code: apierr.Forbidden, at: "/claim/visit/institution"},
		{name: "settle", method: "POST", path: "/v1/settlements", key: f.h1, body: settle("T1", "H001", "500.00"), status: 201},
		{name: "settle X-API-Key", method: "POST", path: "/v1/settlements", headers: []string{"X-API-Key", f.h1}, body: settle("T2", "H001", "500.00"), status: 201},
		{name: "settle replay", method: "POST", path: "/v1/settlements", key: f.h1, body: settle("S1", "H001", "1000.00"), status: 200},
		{name: "settle conflict", method: "POST", path: "/v1/settlements", key: f.h1, body: settle("S1", "H001", "1200.00"), status: 409, code: apierr.SettlementConflict, at: "/claim/id"},
		{name: "settle county any institution", method: "POST", path: "/v1/settlements", key: f.county, body: settle("T1", "H002", "500.00"), status: 201},
		{name: "settle malformed", method: "POST", path: "/v1/settlements", key: f.h1, body: `{"schema":1,"claim":`, status: 400, code: core.RequestMalformed},
		{name: "settle wrong type", method: "POST", path: "/v1/settlements", key: f.h1, body: `{"schema":1,"claim":{"visit":{"institution":7}}}`, status: 400, code: core.RequestType, at: "/claim/visit/institution"},
		{name: "settle no institution", method: "POST", path: "/v1/settlements", key: f.h1, body: strings.Replace(settle("T3", "H001", "1.00"), `"institution":"H001",`, "", 1), status: 422, code: core.FieldRequired, at: "/claim/visit/institution"},
		{name: "settle unknown policy", method: "POST", path: "/v1/settlements", key: f.h1, body: strings.Replace(settle("T3", "H001", "1.00"), "pingluo-original", "nowhere", 1), status: 404, code: core.PolicyNotFound},
		{name: "settle bad id", method: "POST", path: "/v1/settlements", key: f.h1, body: strings.Replace(settle("T3", "H001", "1.00"), person, "640221198001010016", 1), status: 422, code: core.IDChecksum, at: "/claim/person/id"},
		{name: "presettle", method: "POST", path: "/v1/presettlements", key: f.h1, body: settle("P1", "H001", "700.00"), status: 200},
		{name: "presettle other institution", method: "POST", path: "/v1/presettlements", key: f.h2, body: settle("P1", "H001", "700.00"), status: 403, code: apierr.Forbidden},
		{name: "presettle without key", method: "POST", path: "/v1/presettlements", body: settle("P1", "H001", "700.00"), status: 401, code: apierr.Unauthorized},
		{name: "entry", method: "GET", path: "/v1/settlements/1", key: f.h1, status: 200},
		{name: "entry county", method: "GET", path: "/v1/settlements/1", key: f.county, status: 200},
		{name: "entry other institution", method: "GET", path: "/v1/settlements/1", key: f.h2, status: 404, code: apierr.NotFound, at: "/seq"},
		{name: "entry missing", method: "GET", path: "/v1/settlements/999", key: f.h1, status: 404, code: apierr.NotFound},
		{name: "entry not a number", method: "GET", path: "/v1/settlements/one", key: f.h1, status: 404, code: apierr.NotFound, at: "/seq"},
		{name: "entry without key", method: "GET", path: "/v1/settlements/1", status: 401, code: apierr.Unauthorized},
		{name: "reverse other institution", method: "POST", path: "/v1/settlements/1/reversal", key: f.h2, body: `{"reason":"x"}`, status: 404, code: apierr.NotFound},
		{name: "reverse without reason", method: "POST", path: "/v1/settlements/1/reversal", key: f.h1, body: `{}`, status: 422, code: core.FieldRequired, at: "/reason"},
		{name: "reverse unknown field", method: "POST", path: "/v1/settlements/1/reversal", key: f.h1, body: `{"reason":"x","why":1}`, status: 400, code: core.RequestUnknownField, at: "/why"},
		{name: "correct other institution", method: "POST", path: "/v1/settlements/1/correction", key: f.h2, body: correction(settle("S1", "H001", "900.00")), status: 403, code: apierr.Forbidden},
		{name: "correct another visit", method: "POST", path: "/v1/settlements/1/correction", key: f.h1, body: correction(settle("Z9", "H001", "900.00")), status: 422, code: core.FieldInvalid, at: "/request/claim/id"},

		// Cards at the point of care.
		{name: "verify card", method: "POST", path: "/v1/cards/verify", key: f.h1, body: verify(card), status: 200},
		{name: "verify unknown card", method: "POST", path: "/v1/cards/verify", key: f.h1, body: verify(card2), status: 404, code: apierr.NotFound, at: "/number"},
		{name: "verify without policy", method: "POST", path: "/v1/cards/verify", key: f.h1, body: `{"number":"` + card + `"}`, status: 422, code: core.FieldRequired, at: "/policy"},
		{name: "verify without key", method: "POST", path: "/v1/cards/verify", body: verify(card), status: 401, code: apierr.Unauthorized},

		// The registry.
		{name: "put household", method: "PUT", path: "/v1/households/H2", key: f.county, body: householdH2, status: 200},
		{name: "put household institution", method: "PUT", path: "/v1/households/H2", key: f.h1, body: householdH2, status: 403, code: apierr.Forbidden},
		{name: "put household other id", method: "PUT", path: "/v1/households/H2", key: f.county, body: `{"id":"H3","township":"1"}`, status: 422, code: core.FieldInvalid, at: "/id"},
		{name: "put household no township", method: "PUT", path: "/v1/households/H2", key: f.county, body: `{}`, status: 422, code: core.FieldRequired, at: "/township"},
		{name: "put person", method: "PUT", path: "/v1/persons/" + person2, key: f.county, body: person2Body, status: 200},
		{name: "put person unknown household", method: "PUT", path: "/v1/persons/" + person2, key: f.county, body: strings.Replace(person2Body, `"H1"`, `"H9"`, 1), status: 404, code: apierr.NotFound, at: "/household"},
		{name: "put person bad id", method: "PUT", path: "/v1/persons/640221198001010016", key: f.county, body: person2Body, status: 422, code: core.IDChecksum, at: "/id"},
		{name: "put person without key", method: "PUT", path: "/v1/persons/" + person2, body: person2Body, status: 401, code: apierr.Unauthorized},
		{name: "get person", method: "GET", path: "/v1/persons/" + person, key: f.county, status: 200},
		{name: "get person unknown", method: "GET", path: "/v1/persons/640221198001010031", key: f.county, status: 404, code: apierr.NotFound},
		{name: "get person institution", method: "GET", path: "/v1/persons/" + person, key: f.h1, status: 403, code: apierr.Forbidden},
		{name: "import roster", method: "POST", path: "/v1/registry/import", key: f.county, headers: []string{"Content-Type", "text/csv"},
			body: csvHeader + "H5,640221100,V05,,head,640221198001010031,赵五,farmer,,2025,,2024-12-01\n", status: 200},
		{name: "import bad roster", method: "POST", path: "/v1/registry/import", key: f.county, headers: []string{"Content-Type", "text/csv"},
			body: csvHeader + "H5,640221100,V05,,head,640221198001010032,赵五,farmer,,2025,,2024-12-01\n", status: 422, code: core.IDChecksum, at: "/rows/0/id"},
		{name: "import institution", method: "POST", path: "/v1/registry/import", key: f.h1, body: csvHeader, status: 403, code: apierr.Forbidden},
		{name: "import missing column", method: "POST", path: "/v1/registry/import", key: f.county, headers: []string{"Content-Type", "text/csv"},
			body: strings.Replace(csvHeader, ",name,", ",", 1), status: 422, code: core.FieldRequired, at: "/header/name"},
		{name: "import household moved", method: "POST", path: "/v1/registry/import", key: f.county, headers: []string{"Content-Type", "text/csv"},
			body: csvHeader + "H6,640221100,V06,,head,640221198001010058,赵六,farmer,,2025,,2024-12-01\n" +
				"H6,640221101,V06,,,640221198001010066,赵七,farmer,,2025,,2024-12-01\n", status: 422, code: core.FieldInvalid, at: "/rows/1/township"},
		{name: "card event", method: "POST", path: "/v1/cards/" + card2 + "/events", key: f.county, body: `{"event":"issue","date":"2025-02-01","owner":"` + person2 + `"}`, status: 201},
		{name: "card event not allowed", method: "POST", path: "/v1/cards/" + card2 + "/events", key: f.county, body: `{"event":"issue","date":"2025-02-02","owner":"` + person2 + `"}`, status: 422, code: core.CardTransition, at: "/event"},
		{name: "card event bad number", method: "POST", path: "/v1/cards/6228480000000011/events", key: f.county, body: `{"event":"report_lost","date":"2025-02-02","reason":"本人挂失"}`, status: 422, code: core.CardLuhn},
		{name: "card event without reason", method: "POST", path: "/v1/cards/" + card2 + "/events", key: f.county, body: `{"event":"report_lost","date":"2025-02-02"}`, status: 422, code: core.FieldRequired, at: "/reason"},
		{name: "card event institution", method: "POST", path: "/v1/cards/" + card2 + "/events", key: f.h1, body: `{"event":"report_lost","date":"2025-02-02"}`, status: 403, code: apierr.Forbidden},
		{name: "get card", method: "GET", path: "/v1/cards/" + card, key: f.county, status: 200},
		{name: "get unknown card", method: "GET", path: "/v1/cards/" + apitest.Card("622848000000003"), key: f.county, status: 404, code: apierr.NotFound},
		{name: "validate roster", method: "POST", path: "/v1/rosters/validate", key: f.county, body: roster, status: 200},
		{name: "validate roster malformed", method: "POST", path: "/v1/rosters/validate", key: f.county, body: `[]`, status: 400, code: core.RequestType},
		{name: "validate roster institution", method: "POST", path: "/v1/rosters/validate", key: f.h1, body: roster, status: 403, code: apierr.Forbidden},

		// Keys.
		{name: "create key", method: "POST", path: "/v1/keys", key: f.county, body: `{"role":"institution","institution":"H003","name":"乡卫生院"}`, status: 201},
		{name: "create key bad role", method: "POST", path: "/v1/keys", key: f.county, body: `{"role":"mayor","name":"x"}`, status: 422, code: core.FieldInvalid, at: "/role"},
		{name: "create key institution", method: "POST", path: "/v1/keys", key: f.h1, body: `{"role":"county","name":"x"}`, status: 403, code: apierr.Forbidden},
		{name: "list keys", method: "GET", path: "/v1/keys", key: f.county, status: 200},
		{name: "list keys X-API-Key", method: "GET", path: "/v1/keys", headers: []string{"X-API-Key", f.county}, status: 200},
		{name: "revoke unknown key", method: "DELETE", path: "/v1/keys/k_nothing", key: f.county, status: 404, code: apierr.NotFound},
		{name: "create county key with institution", method: "POST", path: "/v1/keys", key: f.county, body: `{"role":"county","institution":"H001","name":"x"}`, status: 422, code: core.FieldInvalid, at: "/institution"},

		// Reports.
		{name: "report bad month", method: "GET", path: "/v1/reports/summary?month=2025-13", key: f.county, status: 422, code: core.FieldInvalid, at: "/month"},
		{name: "report no range", method: "GET", path: "/v1/reports/summary", key: f.county, status: 422, code: core.FieldRequired, at: "/from"},
		{name: "report bad format", method: "GET", path: "/v1/reports/summary?month=2025-03&format=pdf", key: f.county, status: 422, code: core.FieldInvalid, at: "/format"},
		{name: "report bad period", method: "GET", path: "/v1/reports/summary?month=2025-03&period=year", key: f.county, status: 422, code: core.FieldInvalid, at: "/period"},

		// Everything else.
		{name: "unknown path", method: "GET", path: "/v1/nothing", status: 404, code: apierr.NotFound},
		{name: "wrong method", method: "DELETE", path: "/v1/settlements", status: 405, code: apierr.MethodNotAllowed},
		{name: "wrong method on policies", method: "DELETE", path: "/v1/policies", key: f.county, status: 405, code: apierr.MethodNotAllowed},
		{name: "wrong method on healthz", method: "POST", path: "/healthz", status: 405, code: apierr.MethodNotAllowed},
		{name: "no estimator page", method: "GET", path: "/", status: 404, code: apierr.NotFound},
		{name: "healthz", method: "GET", path: "/healthz", status: 200},
		{name: "readyz", method: "GET", path: "/readyz", status: 200},
		{name: "openapi", method: "GET", path: "/openapi.json", status: 200},
		{name: "metrics", method: "GET", path: "/metrics", status: 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f.t = t
			r := f.do(tc.method, tc.path, tc.key, tc.body, tc.headers...)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d\n%s", r.status, tc.status, r.body)
			}
			code, at := r.first()
			if code != tc.code || (tc.at != "" && at != tc.at) {
				t.Fatalf("error %s at %q, want %s at %q\n%s", code, at, tc.code, tc.at, r.body)
			}
			if tc.code != "" && (r.env.OK || r.env.Schema != 1) {
				t.Fatalf("an error without the core's envelope: %s", r.body)
			}
			for _, e := range r.env.Errors {
				if ws := coretest.LatinWords(e); len(ws) > 0 {
					t.Errorf("messageZh %q has Latin words %q", e.MessageZh, ws)
				}
			}
			if tc.code == "" && tc.status < 300 && tc.path != "/metrics" && tc.path != "/openapi.json" && !strings.HasPrefix(tc.path, "/v1/policies/") && !r.env.OK {
				t.Fatalf("success without an ok envelope: %s", r.body)
			}
		})
	}
}

// TestEngineBytes checks that /v1/engine/{op} answers with exactly the bytes the
// native engine gives, and the status of the first error.
func TestEngineBytes(t *testing.T) {
	f := newFixture(t, api.Options{})
	native, err := engine.WithExamples()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		op, req string
		status  int
	}{
		{"settle", settle("V1", "H001", "8432.00"), 200},
		{"estimate", estimate, 200},
		{"check_id", `{"schema":1,"id":"640221198001010015","today":"2025-06-01"}`, 200},
		{"check_id", `{"schema":1,"id":"640221198001010016","today":"2025-06-01"}`, 422},
		{"card_fee", `{"schema":1,"policy":"pingluo-original","birthDate":"1980-01-01","on":"2025-06-01"}`, 200},
		{"verify_card", `{"schema":1,"policy":"pingluo-original","card":{"number":"` + card + `","owner":"` + person + `","status":"active"},"presenter":"` + person + `","date":"2025-03-01","category":"farmer","enrollment":[{"year":2025,"paidOn":"2024-12-01"}]}`, 200},
		{"validate_roster", roster, 200},
		{"list_policies", `{"schema":1}`, 200},
		{"get_policy", `{"schema":1,"policy":"hu-county"}`, 200},
		{"get_policy", `{"schema":1,"policy":"nowhere"}`, 404},
		{"version", ``, 200},
		{"settle", `{"schema":2}`, 400},
		{"settle", `{"schema":1,"policy":"pingluo-original","claim":{"items":[{"amount":12.5}]}}`, 422},
		{"settle", `not json`, 400},
		{"fly", `{}`, 400},
	}
	for _, tc := range tests {
		t.Run(tc.op, func(t *testing.T) {
			f.t = t
			r := f.do("POST", "/v1/engine/"+tc.op, "", tc.req)
			want := native.Handle(tc.op, []byte(tc.req))
			if !bytes.Equal(r.body, want) {
				t.Fatalf("body differs from engine.Handle:\n got %s\nwant %s", r.body, want)
			}
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
		})
	}
}

// policyDoc returns an example policy's canonical document under another id.
func policyDoc(t *testing.T, id, name string) []byte {
	t.Helper()
	e, err := engine.WithExamples()
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.Find("pingluo-original", "", civil.Date{})
	if err != nil {
		t.Fatal(err)
	}
	doc := bytes.Replace(p.Canonical(), []byte(`"id":"pingluo-original"`), []byte(`"id":"`+id+`"`), 1)
	return bytes.Replace(doc, []byte(`"name":"`), []byte(`"name":"`+name), 1)
}

// TestLoadPolicy publishes policies through both routes: the engine's envelope
// bytes, the key each needs, and the document served afterwards.
func TestLoadPolicy(t *testing.T) {
	f := newFixture(t, api.Options{})
	doc := policyDoc(t, "county-2026", "")
	native, _ := engine.WithExamples()
	want := native.Handle(engine.OpLoadPolicy, doc)

	for _, tc := range []struct {
		name, key string
		status    int
		code      core.Code
	}{
		{"no key", "", 401, apierr.Unauthorized},
		{"institution key", f.h1, 403, apierr.Forbidden},
		{"county key", f.county, 200, ""},
		{"again, identical", f.county, 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.t = t
			r := f.do("POST", "/v1/engine/load_policy", tc.key, string(doc))
			if code, _ := r.first(); r.status != tc.status || code != tc.code {
				t.Fatalf("status %d %s, want %d %s: %s", r.status, code, tc.status, tc.code, r.body)
			}
			if tc.code == "" && !bytes.Equal(r.body, want) {
				t.Fatalf("body differs from engine.Handle:\n got %s\nwant %s", r.body, want)
			}
		})
	}
	f.t = t
	got := f.do("GET", "/v1/policies/county-2026", "", "")
	if got.status != 200 || !bytes.Contains(got.body, []byte(`"id":"county-2026"`)) {
		t.Fatalf("published policy: %d %s", got.status, got.body)
	}
	// The same id and version with other content is refused, with the engine's bytes.
	other := policyDoc(t, "county-2026", "修订 ")
	r := f.do("POST", "/v1/policies", f.county, string(other))
	if code, _ := r.first(); r.status != 422 || code != core.PolicyConflict || !bytes.Equal(r.body, native.Handle(engine.OpLoadPolicy, other)) {
		t.Fatalf("conflicting document: %d %s", r.status, r.body)
	}
	r = f.do("POST", "/v1/policies", f.county, string(policyDoc(t, "county-2027", "")))
	if r.status != 201 || !r.env.OK {
		t.Fatalf("POST /v1/policies: %d %s", r.status, r.body)
	}
	// Published policies survive a restart: they are in the store.
	e, _ := engine.WithExamples()
	l, err := ledger.New(context.Background(), f.l.Store(), e, nil, ledger.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Engine().Find("county-2027", "", civil.Date{}); err != nil {
		t.Fatalf("after a restart: %v", err)
	}
}

func TestPolicyETag(t *testing.T) {
	f := newFixture(t, api.Options{})
	e, _ := engine.WithExamples()
	p, _ := e.Find("hu-county", "", civil.Date{})
	etag := `"` + p.Hash() + `"`
	r := f.do("GET", "/v1/policies/hu-county", "", "")
	if r.status != 200 || r.header.Get("ETag") != etag || !bytes.Equal(r.body, p.Canonical()) {
		t.Fatalf("GET: %d ETag %s, want %s", r.status, r.header.Get("ETag"), etag)
	}
	for _, tc := range []struct {
		inm    string
		status int
	}{
		{etag, 304},
		{"W/" + etag, 304},
		{`"other", ` + etag, 304},
		{"*", 304},
		{`"other"`, 200},
		{"", 200},
	} {
		var h []string
		if tc.inm != "" {
			h = []string{"If-None-Match", tc.inm}
		}
		r := f.do("GET", "/v1/policies/hu-county", "", "", h...)
		if r.status != tc.status || r.header.Get("ETag") != etag {
			t.Errorf("If-None-Match %s: %d ETag %s, want %d", tc.inm, r.status, r.header.Get("ETag"), tc.status)
		}
		if tc.status == 304 && len(r.body) != 0 {
			t.Errorf("If-None-Match %s: 304 with a body", tc.inm)
		}
	}
}

// TestSettlementLifecycle settles, replays, reverses and corrects through the API and
// checks the receipts, the statuses and the metrics.
func TestSettlementLifecycle(t *testing.T) {
	f := newFixture(t, api.Options{})
	first := f.do("POST", "/v1/settlements", f.h1, settle("A", "H001", "2000.00"))
	if first.status != 201 || first.env.Settlement == nil || first.env.Settlement.Seq != 1 || first.env.Settlement.Replayed {
		t.Fatalf("settle: %d %s", first.status, first.body)
	}
	again := f.do("POST", "/v1/settlements", f.h1, settle("A", "H001", "2000.00"))
	if again.status != 200 || !again.env.Settlement.Replayed || !bytes.Equal(again.env.Result, first.env.Result) {
		t.Fatalf("replay: %d %s", again.status, again.body)
	}
	// The result is the core's bytes as the ledger recorded them.
	entry := f.do("GET", "/v1/settlements/1", f.h1, "")
	var e struct {
		Seq    int64          `json:"seq"`
		Kind   string         `json:"kind"`
		Person string         `json:"person"`
		Result jsontext.Value `json:"result"`
		Total  string         `json:"total"`
	}
	if err := jsonv2.Unmarshal(entry.env.Result, &e); err != nil {
		t.Fatal(err)
	}
	if e.Seq != 1 || e.Kind != "settlement" || e.Person != person || e.Total != "2000.00" || !bytes.Equal(e.Result, first.env.Result) {
		t.Fatalf("entry: %s", entry.body)
	}

	b := f.do("POST", "/v1/settlements", f.h1, settle("B", "H001", "1000.00"))
	rev := f.do("POST", "/v1/settlements/1/reversal", f.h1, `{"reason":"wrong patient"}`)
	if rev.status != 201 || rev.env.Settlement == nil || rev.env.Settlement.Reverses != 1 || rev.env.Settlement.Seq != 3 {
		t.Fatalf("reversal: %d %s", rev.status, rev.body)
	}
	if r := f.do("POST", "/v1/settlements/1/reversal", f.h1, `{"reason":"again"}`); r.status != 409 {
		t.Fatalf("second reversal: %d %s", r.status, r.body)
	} else if code, _ := r.first(); code != apierr.AlreadyReversed {
		t.Fatalf("second reversal: %s", r.body)
	}
	if r := f.do("POST", "/v1/settlements/3/reversal", f.h1, `{"reason":"a reversal"}`); r.status != 422 {
		t.Fatalf("reversing a reversal: %d %s", r.status, r.body)
	}
	c := f.do("POST", fmt.Sprintf("/v1/settlements/%d/correction", b.env.Settlement.Seq), f.h1, correction(settle("B", "H001", "1500.00")))
	if c.status != 201 || c.env.Settlement.Corrects != b.env.Settlement.Seq || c.env.Settlement.Refund == nil {
		t.Fatalf("correction: %d %s", c.status, c.body)
	}
	c2 := f.do("POST", fmt.Sprintf("/v1/settlements/%d/correction", b.env.Settlement.Seq), f.h1, correction(settle("B", "H001", "1500.00")))
	if c2.status != 200 || !c2.env.Settlement.Replayed || c2.env.Settlement.Seq != c.env.Settlement.Seq {
		t.Fatalf("retried correction: %d %s", c2.status, c2.body)
	}
	m := f.do("GET", "/metrics", "", "")
	for _, want := range []string{
		`ncms_ledger_recorded_total{kind="settlement"} 2`,
		`ncms_ledger_recorded_total{kind="reversal"} 1`,
		`ncms_ledger_recorded_total{kind="correction"} 1`,
		`ncms_ledger_errors_total{code="settlement_already_reversed"} 1`,
		`ncms_http_requests_total{method="POST",route="/v1/settlements",status="201"} 2`,
		`ncms_http_requests_total{method="POST",route="/v1/settlements",status="200"} 1`,
		`ncms_http_request_duration_seconds_count{method="GET",route="/v1/settlements/{seq}",status="200"} 1`,
	} {
		if !bytes.Contains(m.body, []byte(want)) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// TestKeys makes an institution key through the API, uses it, and revokes it: the
// revocation holds at once although the key was cached.
func TestKeys(t *testing.T) {
	f := newFixture(t, api.Options{KeyCacheTTL: time.Hour})
	r := f.do("POST", "/v1/keys", f.county, `{"role":"institution","institution":"H009","name":"镇卫生院"}`)
	var made struct {
		Secret string     `json:"secret"`
		Key    ledger.Key `json:"key"`
	}
	if err := jsonv2.Unmarshal(r.env.Result, &made); err != nil || r.status != 201 || made.Secret == "" {
		t.Fatalf("create: %d %s %v", r.status, r.body, err)
	}
	if r.header.Get("Cache-Control") != "no-store" {
		t.Error("a new secret may be cached by proxies")
	}
	for range 2 {
		if r := f.do("POST", "/v1/presettlements", made.Secret, settle("V", "H009", "100.00")); r.status != 200 {
			t.Fatalf("new key: %d %s", r.status, r.body)
		}
	}
	list := f.do("GET", "/v1/keys", f.county, "")
	if bytes.Contains(list.body, []byte(made.Secret)) || !bytes.Contains(list.body, []byte(made.Key.ID)) {
		t.Fatalf("key list: %s", list.body)
	}
	// The list pages, one key at a time, and filters: the county's key, H001's, H002's
	// and H009's.
	type keyPage struct {
		Items []ledger.Key `json:"items"`
		Next  string       `json:"next"`
	}
	var ids []string
	query := "/v1/keys?limit=1"
	for pages := 0; pages < 10; pages++ {
		var p keyPage
		r := f.do("GET", query, f.county, "")
		if err := jsonv2.Unmarshal(r.env.Result, &p); err != nil || r.status != 200 || len(p.Items) != 1 {
			t.Fatalf("keys page: %d %s", r.status, r.body)
		}
		ids = append(ids, p.Items[0].ID)
		if p.Next == "" {
			break
		}
		query = "/v1/keys?limit=1&cursor=" + p.Next
	}
	// The fixture's clock stands still: the keys were all made at one instant, so
	// they come in id order.
	if len(ids) != 4 || !slices.Contains(ids, made.Key.ID) || !slices.IsSorted(ids) {
		t.Fatalf("paged keys %v, want 4 in id order with %s", ids, made.Key.ID)
	}
	for q, want := range map[string]int{"role=county": 1, "role=institution": 3, "institution=H009": 1, "revoked=true": 0} {
		var p keyPage
		if r := f.do("GET", "/v1/keys?"+q, f.county, ""); jsonv2.Unmarshal(r.env.Result, &p) != nil || len(p.Items) != want {
			t.Errorf("%s: %s, want %d keys", q, r.body, want)
		}
	}
	if r := f.do("GET", "/v1/keys?role=admin", f.county, ""); r.status != 422 {
		t.Errorf("role=admin: %d", r.status)
	}
	if r := f.do("DELETE", "/v1/keys/"+made.Key.ID, f.county, ""); r.status != 200 {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	if r := f.do("POST", "/v1/presettlements", made.Secret, settle("V", "H009", "100.00")); r.status != 401 {
		t.Fatalf("revoked key: %d %s", r.status, r.body)
	}
}

func TestBodyLimit(t *testing.T) {
	f := newFixture(t, api.Options{})
	big := strings.Repeat(" ", 8<<20+1)
	for _, tc := range []struct {
		name, path, key string
		chunked         bool
	}{
		{"engine", "/v1/engine/settle", "", false},
		{"engine chunked", "/v1/engine/settle", "", true},
		{"estimate", "/v1/estimate", "", false},
		{"roster", "/v1/engine/validate_roster", "", false},
		{"settlement", "/v1/settlements", f.h1, true},
		{"policy", "/v1/engine/load_policy", f.county, false},
		{"import", "/v1/registry/import", f.county, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.t = t
			body := big
			if tc.path == "/v1/registry/import" {
				body = strings.Repeat(" ", api.ImportLimit+1)
			}
			var rd io.Reader = strings.NewReader(body)
			if tc.chunked {
				rd = io.MultiReader(rd) // unknown length: sent chunked
			}
			req, _ := http.NewRequest("POST", f.url+tc.path, rd)
			if tc.key != "" {
				req.Header.Set("Authorization", "Bearer "+tc.key)
			}
			r := f.send(req)
			if code, _ := r.first(); r.status != 413 || code != core.RequestTooLarge {
				t.Fatalf("%d %s", r.status, r.body)
			}
			// The codec's 8 MiB is the engine's own limit, and its envelope the
			// engine's; public routes have their own (TestPublicBodyLimit).
			if !tc.chunked && tc.path != "/v1/registry/import" && (tc.key != "" || strings.HasSuffix(tc.path, "/validate_roster")) {
				if want := engine.Failure(core.Errors{codecTooLarge(len(body))}); !bytes.Equal(r.body, want) {
					t.Fatalf("body %s, want the core's %s", r.body, want)
				}
			}
		})
	}
}

// TestPanic checks that a panicking handler is a 500 server_internal and the server
// goes on serving.
func TestPanic(t *testing.T) {
	f := newFixture(t, api.Options{Web: http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("the page fell over")
	})})
	r := f.do("GET", "/index.html", "", "")
	if code, _ := r.first(); r.status != 500 || code != apierr.ServerInternal {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if bytes.Contains(r.body, []byte("fell over")) {
		t.Fatal("the panic's text reached the client")
	}
	if r := f.do("GET", "/healthz", "", ""); r.status != 200 {
		t.Fatalf("after a panic: %d", r.status)
	}
	if !strings.Contains(f.logs.String(), "fell over") {
		t.Fatal("the panic was not logged")
	}
}

func TestWeb(t *testing.T) {
	f := newFixture(t, api.Options{Web: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "page "+r.URL.Path)
	})})
	for _, tc := range []struct {
		method, path string
		status       int
		body         string
	}{
		{"GET", "/", 200, "page /"},
		{"GET", "/ncms.wasm", 200, "page /ncms.wasm"},
		{"POST", "/", 405, ""},
		{"GET", "/v1/nothing", 404, ""},
		{"GET", "/v1", 404, ""},
	} {
		r := f.do(tc.method, tc.path, "", "")
		if r.status != tc.status || (tc.body != "" && string(r.body) != tc.body) {
			t.Errorf("%s %s: %d %q, want %d %q", tc.method, tc.path, r.status, r.body, tc.status, tc.body)
		}
	}
}

// TestLogs checks one line per request naming the route template and the key, and
// no resident ID or card number anywhere.
func TestLogs(t *testing.T) {
	f := newFixture(t, api.Options{})
	f.seed()
	f.do("GET", "/v1/persons/"+person, f.county, "")
	f.do("GET", "/v1/cards/"+card, f.county, "")
	f.do("POST", "/v1/settlements", f.h1, settle("L1", "H001", "100.00"))
	f.do("PUT", "/v1/persons/640221198001010016", f.county, `{}`)
	logs := f.logs.String()
	for _, secret := range []string{person, card, "640221198001010016", f.county, f.h1} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %s:\n%s", secret, logs)
		}
	}
	for _, want := range []string{`route=/v1/persons/{id} status=200`, `route=/v1/cards/{number} status=200`,
		`route=/v1/settlements status=201`, `route=/v1/persons/{id} status=422`, ` key=k_`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}
	if n := strings.Count(logs, `msg=request`); n != 4 {
		t.Errorf("%d request lines, want 4:\n%s", n, logs)
	}
}

// TestReadyz checks that /readyz fails when draining and when the store is closed.
func TestReadyz(t *testing.T) {
	f := newFixture(t, api.Options{})
	if r := f.do("GET", "/readyz", "", ""); r.status != 200 {
		t.Fatalf("ready: %d %s", r.status, r.body)
	}
	f.srv.Drain()
	if r := f.do("GET", "/readyz", "", ""); r.status != 503 {
		t.Fatalf("draining: %d %s", r.status, r.body)
	} else if code, _ := r.first(); code != apierr.Unavailable {
		t.Fatalf("draining: %s", r.body)
	}
	if r := f.do("GET", "/healthz", "", ""); r.status != 200 {
		t.Fatalf("healthz while draining: %d", r.status)
	}

	g := newFixture(t, api.Options{})
	g.l.Store().Close()
	if r := g.do("GET", "/readyz", "", ""); r.status != 503 {
		t.Fatalf("store closed: %d %s", r.status, r.body)
	}
	// A closed database is store_unavailable, without the database's words.
	r := g.do("GET", "/v1/keys", g.county, "")
	if code, _ := r.first(); r.status != 503 || code != apierr.StoreUnavailable || strings.Contains(r.env.Errors[0].Message, "closed") {
		t.Fatalf("store closed: %d %s", r.status, r.body)
	}
}

// TestGracefulShutdown starts a slow request, cancels the server's context and
// checks that /readyz turns 503 while the request still finishes.
func TestGracefulShutdown(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	f := newFixture(t, api.Options{Web: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		io.WriteString(w, "done")
	})})
	ln, err := newListener()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- f.srv.Serve(ctx, ln, api.ServeOptions{DrainDelay: 300 * time.Millisecond, ShutdownTimeout: 10 * time.Second})
	}()
	base := "http://" + ln.Addr().String()
	slow := make(chan string, 1)
	go func() {
		resp, err := http.Get(base + "/slow")
		if err != nil {
			slow <- err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		slow <- fmt.Sprintf("%d %s", resp.StatusCode, b)
	}()
	<-entered
	cancel()
	// During the drain delay the server still answers, but is not ready.
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 503 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("/readyz never went 503")
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case err := <-served:
		t.Fatalf("Serve returned with a request in flight: %v", err)
	case <-time.After(500 * time.Millisecond):
	}
	close(release)
	if got := <-slow; got != "200 done" {
		t.Fatalf("in-flight request: %s", got)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Fatal("still serving after shutdown")
	}
}

// TestOpenAPI keeps openapi.json in step with the router: every route is in the
// document and every path and method of the document is a route.
func TestOpenAPI(t *testing.T) {
	f := newFixture(t, api.Options{})
	r := f.do("GET", "/openapi.json", "", "")
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]jsontext.Value `json:"paths"`
	}
	if err := jsonv2.Unmarshal(r.body, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.0") {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			switch method {
			case "parameters", "summary", "description", "servers":
				continue
			}
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	routed := map[string]bool{}
	err := f.srv.Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		tpl, err := route.GetPathTemplate()
		if err != nil {
			return err
		}
		methods, err := route.GetMethods()
		if err != nil {
			return fmt.Errorf("%s has no methods: %w", tpl, err)
		}
		for _, m := range methods {
			if m == http.MethodHead {
				continue // served with GET; OpenAPI documents GET
			}
			routed[m+" "+tpl] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for r := range routed {
		if !documented[r] {
			t.Errorf("route %s is not in openapi.json", r)
		}
	}
	for d := range documented {
		if !routed[d] {
			t.Errorf("openapi.json names %s, which is not a route", d)
		}
	}
	if len(routed) < 25 {
		t.Errorf("only %d routes walked", len(routed))
	}
}

// TestConcurrentSettlements settles many claims at once through HTTP: the annual cap
// holds across them (the ledger serializes a person's claims) and each is 201.
func TestConcurrentSettlements(t *testing.T) {
	f := newFixture(t, api.Options{})
	var wg sync.WaitGroup
	statuses := make(chan int, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("POST", f.url+"/v1/settlements", strings.NewReader(settle(fmt.Sprintf("C%02d", i), "H001", "2000.00")))
			req.Header.Set("Authorization", "Bearer "+f.h1)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				statuses <- 0
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	wg.Wait()
	close(statuses)
	for s := range statuses {
		if s != 201 {
			t.Fatalf("status %d", s)
		}
	}
}

func codecTooLarge(n int) *core.Error { return codec.TooLarge(uint64(n)) }

func newListener() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestPostgres runs the handler tests that touch the ledger again on PostgreSQL
// (newFixture picks the store by the test's name).
func TestPostgres(t *testing.T) {
	if os.Getenv("NCMS_TEST_POSTGRES") == "" && os.Getenv("CI") == "" {
		t.Skip("NCMS_TEST_POSTGRES is not set; start a server with: export NCMS_TEST_POSTGRES=$(bash .ci/postgres)")
	}
	for name, test := range map[string]func(*testing.T){
		"Routes": TestRoutes, "LoadPolicy": TestLoadPolicy, "SettlementLifecycle": TestSettlementLifecycle,
		"Keys": TestKeys, "Readyz": TestReadyz, "ConcurrentSettlements": TestConcurrentSettlements, "Reports": TestReports,
		"ListSettlements": TestListSettlements, "PersonRecord": TestPersonRecord,
		"ListRegistry": TestListRegistry, "READMEExamples": TestREADMEExamples,
		"PublicBusy": TestPublicBusy, "PublicRate": TestPublicRate,
		"StoreClosed": TestStoreClosed, "ReversalReplay": TestReversalReplay,
		"ImportCharset": TestImportCharset, "TextBoundaries": TestTextBoundaries,
		"NationalProfile": TestNationalProfileRoutes, "Books": TestBooks, "HouseholdBooks": TestHouseholdBooks, "PolicyPage": TestPolicyPage,
	} {
		t.Run(name, test)
	}
}

// TestCallsChinese checks every place in the server that builds an error: its
// Chinese detail has no English words and no error text from Go (the core's catalogue
// and its own calls are checked in core).
func TestCallsChinese(t *testing.T) {
	fs, err := coretest.ScanCalls(os.DirFS(".."))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		t.Errorf("%s: messageZh would have %s", f.Pos, f.Text)
	}
}
