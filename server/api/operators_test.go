package api_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"golang.org/x/text/encoding/simplifiedchinese"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"golang.org/x/crypto/bcrypt"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/server/api"
	"github.com/ruralhealth/ncms/server/api/apitest"
	"github.com/ruralhealth/ncms/server/apierr"
	"github.com/ruralhealth/ncms/server/ledger"
	"github.com/ruralhealth/ncms/server/store/storetest"
)

// TestCheckout plays the checkout desk's rules on SQLite and on PostgreSQL:
// operators and sessions, the login back-off, the facility register and the
// class it imposes, duplicate invoices and the actor in the journal.
func TestCheckout(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, d *desk)
	}{
		{"Sessions", testSessions},
		{"Roles", testRoles},
		{"Lockout", testLockout},
		{"PasswordChange", testPasswordChange},
		{"Disabled", testDisabled},
		{"FacilityImport", testFacilityImport},
		{"ClassFromRegister", testClassFromRegister},
		{"UnknownFacility", testUnknownFacility},
		{"DuplicateInvoice", testDuplicateInvoice},
		{"BooksRoles", testBooksRoles},
	}
	for _, st := range []string{"sqlite", "postgres"} {
		t.Run(st, func(t *testing.T) {
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) { tc.run(t, newDesk(t, st, false)) })
			}
		})
	}
}

// desk is a county server with a clock the test moves, the county key, keys of
// H001 and H002 and operators: a county admin, a cashier and an auditor of H001.
type desk struct {
	*fixture
	dsn string
	ops map[string]*ledger.Operator // by login
}

const deskPassword = "柜台密码-2025"

func newDesk(t *testing.T, st string, requireFacility bool) *desk {
	t.Helper()
	d := &desk{fixture: &fixture{t: t, logs: &apitest.Buffer{}, clock: apitest.NewClock(time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC))},
		ops: map[string]*ledger.Operator{}}
	d.dsn = filepath.Join(t.TempDir(), "ncms.db")
	if st == "postgres" {
		d.dsn = storetest.PostgresDSN(t)
	}
	srv := apitest.Start(t, d.dsn, d.options(requireFacility), api.Options{})
	d.l, d.srv, d.url = srv.Ledger, srv.API, srv.URL
	var err error
	if d.county, _, err = d.l.EnsureAdminKey(context.Background()); err != nil {
		t.Fatal(err)
	}
	d.h1 = srv.Key(t, ledger.RoleInstitution, "H001")
	d.h2 = srv.Key(t, ledger.RoleInstitution, "H002")
	for _, n := range []ledger.NewOperator{
		{Login: "admin", Name: "县管理员", Role: ledger.RoleAdmin},
		{Login: "cashier", Name: "李收费", Role: ledger.RoleCashier, Institution: "H001"},
		{Login: "auditor", Name: "王审核", Role: ledger.RoleAuditor, Institution: "H001"},
		{Login: "county-auditor", Name: "赵审核", Role: ledger.RoleAuditor},
	} {
		n.Password = deskPassword
		o, err := d.l.CreateOperator(context.Background(), n)
		if err != nil {
			t.Fatal(err)
		}
		d.ops[n.Login] = o
	}
	return d
}

func (d *desk) options(requireFacility bool) ledger.Options {
	return ledger.Options{Now: d.clock, PasswordCost: bcrypt.MinCost, RequireFacility: requireFacility}
}

func (d *desk) clock() time.Time {
	return d.fixture.clock.Now()
}

func (d *desk) advance(by time.Duration) {
	d.fixture.clock.Set(d.fixture.clock.Now().Add(by))
}

// session is a signed-in operator's cookies.
type session struct {
	token, csrf string
}

// login signs in and returns the response and the session it opened, if any.
func (d *desk) login(login, password string) (*response, session) {
	d.t.Helper()
	b, _ := jsonv2.Marshal(map[string]string{"login": login, "password": password})
	req, err := http.NewRequest("POST", d.url+"/v1/session", strings.NewReader(string(b)))
	if err != nil {
		d.t.Fatal(err)
	}
	r := d.send(req)
	var s session
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		switch c.Name {
		case "ncms_session":
			s.token = c.Value
			if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Secure {
				d.t.Errorf("session cookie %+v: want HttpOnly, SameSite=Strict, not Secure over plain HTTP", c)
			}
		case "ncms_csrf":
			s.csrf = c.Value
		}
	}
	if r.status == http.StatusCreated {
		var res struct {
			CSRFToken string `json:"csrfToken"`
		}
		if err := jsonv2.Unmarshal(r.env.Result, &res); err != nil || res.CSRFToken != s.csrf || s.token == "" {
			d.t.Fatalf("login result %s, cookies %+v", r.env.Result, s)
		}
	}
	return r, s
}

// mustLogin signs in with the desk's password.
func (d *desk) mustLogin(login string) session {
	d.t.Helper()
	r, s := d.login(login, deskPassword)
	if r.status != http.StatusCreated {
		d.t.Fatalf("login %s: %d %s", login, r.status, r.body)
	}
	return s
}

// as sends a request with the session's cookie, and its CSRF header when csrf.
func (d *desk) as(s session, csrf bool, method, path, body string) *response {
	d.t.Helper()
	req, err := http.NewRequest(method, d.url+path, strings.NewReader(body))
	if err != nil {
		d.t.Fatal(err)
	}
	req.AddCookie(&http.Cookie{Name: "ncms_session", Value: s.token})
	if csrf {
		req.Header.Set("X-CSRF-Token", s.csrf)
	}
	return d.send(req)
}

// want fails the test unless r has the status and, for an error, the first code.
func want(t *testing.T, what string, r *response, status int, code core.Code) {
	t.Helper()
	got, _ := r.first()
	if r.status != status || got != code {
		t.Errorf("%s: %d %s, want %d %s: %s", what, r.status, got, status, code, r.body)
	}
}

func testSessions(t *testing.T, d *desk) {
	r, _ := d.login("cashier", "wrong password")
	want(t, "wrong password", r, 401, apierr.AuthCredentials)
	r, _ = d.login("nobody", deskPassword)
	want(t, "unknown login", r, 401, apierr.AuthCredentials)
	r, _ = d.login("cashier", "")
	want(t, "no password", r, 422, core.FieldRequired)

	s := d.mustLogin("cashier")
	r = d.as(s, false, "GET", "/v1/session", "")
	want(t, "who am I", r, 200, "")
	var who struct {
		Operator ledger.Operator `json:"operator"`
	}
	if err := jsonv2.Unmarshal(r.env.Result, &who); err != nil || who.Operator.ID != d.ops["cashier"].ID || who.Operator.Institution != "H001" {
		t.Errorf("who am I: %s", r.env.Result)
	}
	if strings.Contains(string(r.body), "$2a$") {
		t.Errorf("the password hash is shown: %s", r.body)
	}

	// CSRF: a cookie alone does not settle, nor with a wrong token; a key needs none.
	r = d.as(s, false, "POST", "/v1/settlements", settle("C1", "H001", "1000.00"))
	want(t, "settle without the CSRF header", r, 403, apierr.AuthCSRF)
	bad := s
	bad.csrf = "forged"
	r = d.as(bad, true, "POST", "/v1/settlements", settle("C1", "H001", "1000.00"))
	want(t, "settle with a wrong CSRF token", r, 403, apierr.AuthCSRF)
	r = d.as(s, true, "POST", "/v1/settlements", settle("C1", "H001", "1000.00"))
	want(t, "settle as the cashier", r, 201, "")
	// The journal records the operator, and the receipt says so.
	if st := r.env.Settlement; st == nil || st.Operator != d.ops["cashier"].ID || st.Key != "" {
		t.Errorf("receipt %+v: want operator %s", st, d.ops["cashier"].ID)
	}
	e := d.do("GET", "/v1/settlements/1", d.county, "")
	var entry struct {
		Key      string `json:"key"`
		Operator string `json:"operator"`
	}
	if err := jsonv2.Unmarshal(e.env.Result, &entry); err != nil || entry.Operator != d.ops["cashier"].ID || entry.Key != "" {
		t.Errorf("entry 1 records key %q operator %q: %s", entry.Key, entry.Operator, e.env.Result)
	}
	r = d.do("POST", "/v1/settlements", d.h1, settle("C2", "H001", "1000.00"))
	want(t, "settle with H001's key", r, 201, "")
	if st := r.env.Settlement; st == nil || st.Key == "" || st.Operator != "" {
		t.Errorf("receipt %+v: want the key", st)
	}

	// Signing out ends the session for good.
	want(t, "logout without CSRF", d.as(s, false, "DELETE", "/v1/session", ""), 403, apierr.AuthCSRF)
	r = d.as(s, true, "DELETE", "/v1/session", "")
	want(t, "logout", r, 200, "")
	if !strings.Contains(strings.Join(r.header.Values("Set-Cookie"), "\n"), "ncms_session=;") {
		t.Errorf("logout does not clear the cookie: %v", r.header.Values("Set-Cookie"))
	}
	want(t, "who am I after logout", d.as(s, false, "GET", "/v1/session", ""), 401, apierr.AuthSession)
	want(t, "settle after logout", d.as(s, true, "POST", "/v1/settlements", settle("C3", "H001", "1000.00")), 401, apierr.AuthSession)
	want(t, "who am I without a cookie", d.do("GET", "/v1/session", "", ""), 401, apierr.AuthSession)
	// A key has no session.
	want(t, "GET /v1/session with a key", d.do("GET", "/v1/session", d.county, ""), 403, apierr.Forbidden)

	// Over TLS the cookies are Secure.
	req := httptest.NewRequest("POST", "/v1/session", strings.NewReader(`{"login":"cashier","password":"`+deskPassword+`"}`))
	req.TLS = &tls.ConnectionState{}
	rec := httptest.NewRecorder()
	d.srv.ServeHTTP(rec, req)
	cookies := rec.Result().Cookies()
	if rec.Code != http.StatusCreated || len(cookies) != 2 || !cookies[0].Secure || !cookies[1].Secure {
		t.Errorf("sign-in over TLS: %d, cookies %+v", rec.Code, cookies)
	}

	// Sessions expire.
	s = d.mustLogin("cashier")
	d.advance(ledger.SessionTTL)
	want(t, "who am I after the session's time", d.as(s, false, "GET", "/v1/session", ""), 401, apierr.AuthSession)
}

func testRoles(t *testing.T, d *desk) {
	cashier, auditor := d.mustLogin("cashier"), d.mustLogin("auditor")
	admin, countyAuditor := d.mustLogin("admin"), d.mustLogin("county-auditor")
	want(t, "cashier settles", d.as(cashier, true, "POST", "/v1/settlements", settle("R1", "H001", "1000.00")), 201, "")
	want(t, "cashier settles for H002", d.as(cashier, true, "POST", "/v1/settlements", settle("R2", "H002", "1000.00")), 403, apierr.Forbidden)
	want(t, "cashier reverses", d.as(cashier, true, "POST", "/v1/settlements/1/reversal", `{"reason":"录入错误"}`), 403, apierr.Forbidden)
	want(t, "cashier lists operators", d.as(cashier, false, "GET", "/v1/operators", ""), 403, apierr.Forbidden)
	want(t, "cashier reads a report", d.as(cashier, false, "GET", "/v1/reports/summary?from=2025-01-01&to=2025-12-31&period=month&by=class", ""), 403, apierr.Forbidden)
	want(t, "county auditor settles", d.as(countyAuditor, true, "POST", "/v1/settlements", settle("R3", "H001", "1000.00")), 403, apierr.Forbidden)
	want(t, "county auditor reads settlement 1", d.as(countyAuditor, false, "GET", "/v1/settlements/1", ""), 200, "")
	want(t, "county auditor creates an operator", d.as(countyAuditor, true, "POST", "/v1/operators",
		`{"login":"x","name":"x","role":"cashier","institution":"H001","password":"long enough 1"}`), 403, apierr.Forbidden)
	want(t, "auditor reverses", d.as(auditor, true, "POST", "/v1/settlements/1/reversal", `{"reason":"录入错误"}`), 201, "")
	want(t, "cashier settles again", d.as(cashier, true, "POST", "/v1/settlements", settle("R4", "H001", "1000.00")), 201, "")
	want(t, "H001's key reverses still", d.do("POST", "/v1/settlements/3/reversal", d.h1, `{"reason":"x"}`), 201, "")

	// The administrator creates operators, sees them without passwords, and a login
	// is taken once.
	r := d.as(admin, true, "POST", "/v1/operators", `{"login":"cashier2","name":"张收费","role":"cashier","institution":"H002","password":"long enough 1"}`)
	want(t, "admin creates a cashier", r, 201, "")
	r = d.do("POST", "/v1/operators", d.county, `{"login":"cashier2","name":"张收费","role":"cashier","institution":"H002","password":"long enough 1"}`)
	want(t, "the login again, with the county key", r, 409, apierr.OperatorTaken)
	r = d.do("POST", "/v1/operators", d.county, `{"login":"c3","name":"x","role":"cashier","password":"short"}`)
	want(t, "a cashier without institution", r, 422, core.FieldRequired)
	if len(r.env.Errors) != 2 {
		t.Errorf("want the institution and the password refused: %s", r.body)
	}
	r = d.as(admin, false, "GET", "/v1/operators", "")
	want(t, "list operators", r, 200, "")
	if strings.Contains(string(r.body), "$2a$") || strings.Count(string(r.body), `"login"`) != 5 {
		t.Errorf("operators: %s", r.body)
	}
	want(t, "H001's key lists operators", d.do("GET", "/v1/operators", d.h1, ""), 403, apierr.Forbidden)
}

func testLockout(t *testing.T, d *desk) {
	for i := 1; i < ledger.LockAfter; i++ {
		r, _ := d.login("cashier", "wrong password")
		want(t, "failure", r, 401, apierr.AuthCredentials)
	}
	// A success resets the count.
	d.mustLogin("cashier")
	for i := 1; i <= ledger.LockAfter; i++ {
		r, _ := d.login("cashier", "wrong password")
		want(t, "failure", r, 401, apierr.AuthCredentials)
	}
	// Locked for LockBase: the right password is refused too, on every replica.
	r, _ := d.login("cashier", deskPassword)
	want(t, "right password while locked", r, 429, apierr.AuthLocked)
	other := apitest.Start(t, d.dsn, d.options(false), api.Options{})
	replica := &desk{fixture: &fixture{t: t, url: other.URL}}
	r, _ = replica.login("cashier", deskPassword)
	want(t, "right password on another replica", r, 429, apierr.AuthLocked)
	// Another operator is not locked.
	d.mustLogin("auditor")

	d.advance(ledger.LockBase)
	r, _ = d.login("cashier", "wrong password")
	want(t, "the 6th failure", r, 401, apierr.AuthCredentials)
	// Now locked for twice as long.
	d.advance(2*ledger.LockBase - time.Second)
	r, _ = d.login("cashier", deskPassword)
	want(t, "a second before the doubled lock ends", r, 429, apierr.AuthLocked)
	d.advance(time.Second)
	d.mustLogin("cashier")
	os, err := d.l.Operators(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range os {
		if o.Login == "cashier" && (o.Failures != 0 || !o.LockedUntil.IsZero()) {
			t.Errorf("after a success: %d failures, locked until %v", o.Failures, o.LockedUntil)
		}
	}
}

func testPasswordChange(t *testing.T, d *desk) {
	s, other := d.mustLogin("cashier"), d.mustLogin("cashier")
	want(t, "without CSRF", d.as(s, false, "PUT", "/v1/session/password", `{"current":"`+deskPassword+`","new":"a new password"}`), 403, apierr.AuthCSRF)
	want(t, "wrong current", d.as(s, true, "PUT", "/v1/session/password", `{"current":"nope","new":"a new password"}`), 422, core.FieldInvalid)
	want(t, "too short", d.as(s, true, "PUT", "/v1/session/password", `{"current":"`+deskPassword+`","new":"short"}`), 422, core.FieldInvalid)
	want(t, "change", d.as(s, true, "PUT", "/v1/session/password", `{"current":"`+deskPassword+`","new":"a new password"}`), 200, "")
	want(t, "this session goes on", d.as(s, false, "GET", "/v1/session", ""), 200, "")
	want(t, "the other session ended", d.as(other, false, "GET", "/v1/session", ""), 401, apierr.AuthSession)
	r, _ := d.login("cashier", deskPassword)
	want(t, "the old password", r, 401, apierr.AuthCredentials)
	r, _ = d.login("cashier", "a new password")
	want(t, "the new password", r, 201, "")
}

func testDisabled(t *testing.T, d *desk) {
	s, admin := d.mustLogin("cashier"), d.mustLogin("admin")
	id := d.ops["cashier"].ID
	want(t, "disable without CSRF", d.as(admin, false, "POST", "/v1/operators/"+id+"/disable", ""), 403, apierr.AuthCSRF)
	want(t, "disable", d.as(admin, true, "POST", "/v1/operators/"+id+"/disable", ""), 200, "")
	want(t, "the disabled operator's session", d.as(s, true, "POST", "/v1/settlements", settle("D1", "H001", "1000.00")), 401, apierr.AuthSession)
	r, _ := d.login("cashier", deskPassword)
	want(t, "the disabled operator signs in", r, 401, apierr.AuthCredentials)
	want(t, "disable oneself", d.as(admin, true, "POST", "/v1/operators/"+d.ops["admin"].ID+"/disable", ""), 422, core.FieldInvalid)
	want(t, "disable nobody", d.do("POST", "/v1/operators/op_none/disable", d.county, ""), 404, apierr.NotFound)
}

func testFacilityImport(t *testing.T, d *desk) {
	good := "\ufeffcode,name,class,township,inCounty,designated,from,to\n" +
		"H001,平罗县人民医院,county,城关镇,true,true,2025-01-01,\n" +
		"H002,头闸镇卫生院,township,头闸镇,是,是,2025-01-01,2025-12-31\n"
	r := d.do("POST", "/v1/facilities/import", d.county, good)
	want(t, "import", r, 200, "")
	if string(r.env.Result) != `{"rows":2}` {
		t.Errorf("import result %s", r.env.Result)
	}
	bad := "code,name,class,township,inCounty,designated,from,to\n" +
		"H003,宝丰镇卫生院,township,宝丰镇,true,true,2025-01-01,\n" +
		"H004,,township,宝丰镇,maybe,true,2025-02-30,\n" +
		"H003,宝丰镇卫生院,township,宝丰镇,true,true,2025-01-01,2024-01-01\n" +
		"H005,县医院,County,城关镇,true,true,2025-01-01,\n"
	r = d.do("POST", "/v1/facilities/import", d.county, bad)
	want(t, "bad import", r, 422, core.FieldInvalid)
	var paths []string
	for _, e := range r.env.Errors {
		paths = append(paths, string(e.Code)+" "+e.Path)
	}
	for _, p := range []string{"field_invalid /rows/2/inCounty", "field_invalid /rows/2/from", "field_required /rows/2/name",
		"roster_duplicate /rows/3", "field_invalid /rows/3/to", "field_invalid /rows/4/class"} {
		if !strings.Contains(strings.Join(paths, "\n"), p) {
			t.Errorf("bad import: no %s in %v", p, paths)
		}
	}
	want(t, "a wrong header", d.do("POST", "/v1/facilities/import", d.county, "code,name\nH1,x\n"), 422, core.FieldInvalid)
	want(t, "an institution imports", d.do("POST", "/v1/facilities/import", d.h1, good), 403, apierr.Forbidden)
	// Nothing of the bad file was stored.
	r = d.do("GET", "/v1/facilities", d.h1, "")
	want(t, "list", r, 200, "")
	var fs []ledger.Facility
	if err := jsonv2.Unmarshal(r.env.Result, &fs); err != nil || len(fs) != 2 || fs[0].Code != "H001" || fs[1].Class != "township" || !fs[1].InCounty || fs[1].To.String() != "2025-12-31" {
		t.Errorf("register %s (%v)", r.env.Result, err)
	}
	// A register saved by a spreadsheet in China is GBK: detected, or named by charset=.
	gbk, err := simplifiedchinese.GBK.NewEncoder().String("code,name,class,township,inCounty,designated,from,to\n" +
		"H006,通伏乡卫生院,township,通伏乡,是,是,2025-01-01,\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"", "?charset=gbk"} {
		want(t, "GBK import "+q, d.do("POST", "/v1/facilities/import"+q, d.county, gbk), 200, "")
		r = d.do("GET", "/v1/facilities?code=H006", d.county, "")
		if !strings.Contains(string(r.env.Result), "通伏乡卫生院") {
			t.Errorf("H006 after the GBK import %q: %s", q, r.env.Result)
		}
	}
	want(t, "charset=latin1", d.do("POST", "/v1/facilities/import?charset=latin1", d.county, gbk), 422, core.FieldInvalid)
	// PUT replaces the period with the same start.
	r = d.do("PUT", "/v1/facilities/H002", d.county, `{"name":"头闸中心卫生院","class":"township","township":"头闸镇","inCounty":true,"designated":true,"from":"2025-01-01","to":""}`)
	want(t, "put", r, 200, "")
	r = d.do("GET", "/v1/facilities?code=H002", d.county, "")
	if !strings.Contains(string(r.env.Result), "头闸中心卫生院") || strings.Count(string(r.env.Result), `"code"`) != 1 {
		t.Errorf("H002 after PUT: %s", r.env.Result)
	}
	want(t, "put without class", d.do("PUT", "/v1/facilities/H009", d.county, `{"name":"x","from":"2025-01-01"}`), 422, core.FieldRequired)
	want(t, "put with a class of no policy", d.do("PUT", "/v1/facilities/H009", d.county, `{"name":"x","class":"hospital","from":"2025-01-01"}`), 422, core.FieldInvalid)
}

// revised is the 800元 inpatient bill of RULES.md §2.1 under the revised Pingluo
// scheme, sent with the class given ("" for none) and an optional invoice.
func revised(visit, institution, class, invoice string) string {
	s := settle(visit, institution, "800.00")
	s = strings.Replace(s, `"policy":"pingluo-original"`, `"policy":"pingluo-revised"`, 1)
	v := `"class":"county",`
	switch {
	case class == "":
		s = strings.Replace(s, v, "", 1)
	default:
		s = strings.Replace(s, v, `"class":"`+class+`",`, 1)
	}
	if invoice != "" {
		s = strings.Replace(s, `"referral":false`, `"referral":false,"invoice":"`+invoice+`"`, 1)
	}
	return s
}

// fundTotal reads a settlement's fundTotal.
func fundTotal(t *testing.T, r *response) string {
	t.Helper()
	var res struct {
		FundTotal string `json:"fundTotal"`
	}
	if err := jsonv2.Unmarshal(r.env.Result, &res); err != nil {
		t.Fatalf("result %s: %v", r.body, err)
	}
	return res.FundTotal
}

func testClassFromRegister(t *testing.T, d *desk) {
	put := func(code, class string) {
		t.Helper()
		r := d.do("PUT", "/v1/facilities/"+code, d.county, `{"name":"`+code+`","class":"`+class+`","inCounty":true,"designated":true,"from":"2025-01-01"}`)
		want(t, "put "+code, r, 200, "")
	}
	put("H001", "county")
	put("H002", "township")
	// The county hospital's 800元 bill: 300 deductible, 20% of 500 = 100.00. Sending
	// "township" would have been paid 25% of 650 = 162.50; it is refused instead.
	r := d.do("POST", "/v1/settlements", d.h1, revised("P1", "H001", "township", ""))
	want(t, "a county hospital claims township terms", r, 422, apierr.FacilityClassMismatch)
	if _, p := r.first(); p != "/claim/visit/class" {
		t.Errorf("mismatch at %q", p)
	}
	r = d.do("POST", "/v1/presettlements", d.h1, revised("P1", "H001", "township", ""))
	want(t, "presettle with township terms", r, 422, apierr.FacilityClassMismatch)
	r = d.do("POST", "/v1/settlements", d.h1, revised("P1", "H001", "county", ""))
	want(t, "the right class", r, 201, "")
	if got := fundTotal(t, r); got != "100.00" {
		t.Errorf("county hospital, 800元: fund pays %s, want 100.00", got)
	}
	// Without a class the register's is used, and recorded.
	r = d.do("POST", "/v1/settlements", d.h1, revised("P2", "H001", "", ""))
	want(t, "no class", r, 201, "")
	if got := fundTotal(t, r); got != "100.00" {
		t.Errorf("county hospital without a class: fund pays %s, want 100.00", got)
	}
	e := d.do("GET", "/v1/settlements/2", d.h1, "")
	if !strings.Contains(string(e.env.Result), `"class":"county"`) {
		t.Errorf("entry 2 does not record the register's class: %s", e.env.Result)
	}
	// The township health centre gets township terms.
	r = d.do("POST", "/v1/settlements", d.h2, revised("P3", "H002", "", ""))
	want(t, "township", r, 201, "")
	if got := fundTotal(t, r); got != "162.50" {
		t.Errorf("township centre, 800元: fund pays %s, want 162.50", got)
	}
	// The register's period on the visit date decides: before H003's first period
	// it is unknown, here allowed with its own class (the ledger does not require
	// the register in this desk).
	r = d.do("PUT", "/v1/facilities/H003", d.county, `{"name":"H003","class":"township","from":"2025-04-01"}`)
	want(t, "put H003", r, 200, "")
	r = d.do("POST", "/v1/settlements", d.county, revised("P4", "H003", "county", ""))
	want(t, "before H003's period", r, 201, "")
}

func testUnknownFacility(t *testing.T, d *desk) {
	d = newDesk(t, storeOf(t), true)
	r := d.do("POST", "/v1/settlements", d.h1, revised("U1", "H001", "county", ""))
	want(t, "an institution missing from the register", r, 422, apierr.FacilityUnknown)
	if _, p := r.first(); p != "/claim/visit/institution" {
		t.Errorf("facility_unknown at %q", p)
	}
	r = d.do("PUT", "/v1/facilities/H001", d.county, `{"name":"H001","class":"county","from":"2025-01-01","to":"2025-02-28"}`)
	want(t, "put H001 until February", r, 200, "")
	r = d.do("POST", "/v1/settlements", d.h1, revised("U1", "H001", "county", ""))
	want(t, "a visit after the period", r, 422, apierr.FacilityUnknown)
	r = d.do("PUT", "/v1/facilities/H001", d.county, `{"name":"H001","class":"county","from":"2025-03-01"}`)
	want(t, "put H001 from March", r, 200, "")
	r = d.do("POST", "/v1/settlements", d.h1, revised("U1", "H001", "county", ""))
	want(t, "a registered institution", r, 201, "")
}

// storeOf names the store of a TestCheckout subtest.
func storeOf(t *testing.T) string {
	if strings.Contains(t.Name(), "/postgres/") {
		return "postgres"
	}
	return "sqlite"
}

func testDuplicateInvoice(t *testing.T, d *desk) {
	r := d.do("POST", "/v1/settlements", d.h1, revised("I1", "H001", "county", "FP-0001"))
	want(t, "first settlement of the invoice", r, 201, "")
	// The same request again is a replay, not a second payment.
	want(t, "replay", d.do("POST", "/v1/settlements", d.h1, revised("I1", "H001", "county", "FP-0001")), 200, "")
	// Another visit of the same hospital with the invoice: refused now, not flagged later.
	r = d.do("POST", "/v1/settlements", d.h1, revised("I2", "H001", "county", "FP-0001"))
	want(t, "the invoice again under another visit", r, 409, apierr.InvoiceSettled)
	if _, p := r.first(); p != "/claim/visit/invoice" {
		t.Errorf("invoice_already_settled at %q", p)
	}
	want(t, "presettle is no settlement", d.do("POST", "/v1/presettlements", d.h1, revised("I2", "H001", "county", "FP-0001")), 200, "")
	// Another hospital's invoice numbers are its own.
	want(t, "the number at H002", d.do("POST", "/v1/settlements", d.h2, revised("I1", "H002", "county", "FP-0001")), 201, "")
	// A correction of the visit keeps its invoice.
	r = d.do("POST", "/v1/settlements/1/correction", d.h1, correction(strings.Replace(revised("I1", "H001", "county", "FP-0001"), "800.00", "900.00", 1)))
	want(t, "correction", r, 201, "")
	// Once reversed, the invoice may be settled under another visit.
	seq := r.env.Settlement.Seq
	want(t, "reverse", d.do("POST", "/v1/settlements/"+itoa(seq)+"/reversal", d.h1, `{"reason":"录入错误"}`), 201, "")
	want(t, "after the reversal", d.do("POST", "/v1/settlements", d.h1, revised("I2", "H001", "county", "FP-0001")), 201, "")
	e := d.do("GET", "/v1/settlements/1", d.h1, "")
	if !strings.Contains(string(e.env.Result), `"invoice":"FP-0001"`) {
		t.Errorf("entry 1 does not record the invoice: %s", e.env.Result)
	}
}

func itoa(n int64) string {
	b, _ := jsonv2.Marshal(n)
	return string(b)
}

// TestPresettleRequest checks that a presettlement returns the engine request it was
// computed from — the registry's person and the journal's totals, not the claim's —
// and that the engine gives the same result on it, so the checkout desk can compute
// it again in the page.
func TestPresettleRequest(t *testing.T) {
	f := newFixture(t, api.Options{})
	f.seed() // settlement 1: 1000.00 for person this year
	// The claim says the person enrolled in 2025 only; the register says 2024 too.
	claim := strings.Replace(settle("P1", "H001", "700.00"), `{"year":2024,"paidOn":"2023-12-01"},`, "", 1)
	if claim == settle("P1", "H001", "700.00") {
		t.Fatal("the claim's enrollment was not changed")
	}
	r := f.do("POST", "/v1/presettlements", f.h1, claim)
	want(t, "presettle", r, 200, "")
	var env struct {
		Result  jsontext.Value `json:"result"`
		Request struct {
			Claim struct {
				Person struct {
					Enrollment []struct {
						Year int `json:"year"`
					} `json:"enrollment"`
				} `json:"person"`
				Totals struct {
					Funds []struct {
						Paid string `json:"paid"`
					} `json:"funds"`
					Admissions []struct {
						Count int `json:"count"`
					} `json:"admissions"`
				} `json:"totals"`
			} `json:"claim"`
		} `json:"request"`
	}
	if err := jsonv2.Unmarshal(r.body, &env); err != nil {
		t.Fatalf("%s: %v", r.body, err)
	}
	c := env.Request.Claim
	if len(c.Person.Enrollment) != 2 || len(c.Totals.Admissions) != 1 || len(c.Totals.Funds) == 0 || c.Totals.Funds[0].Paid == "0.00" {
		t.Fatalf("request %s: want the registry's two years and settlement 1 in the totals", r.body)
	}
	var raw struct {
		Request jsontext.Value `json:"request"`
	}
	if err := jsonv2.Unmarshal(r.body, &raw); err != nil {
		t.Fatal(err)
	}
	again := f.l.Engine().Handle(engine.OpEstimate, raw.Request)
	var a struct {
		Result jsontext.Value `json:"result"`
	}
	if err := jsonv2.Unmarshal(again, &a); err != nil || !bytes.Equal(a.Result, env.Result) {
		t.Errorf("the engine on the returned request:\n%s\nthe presettlement:\n%s", again, env.Result)
	}
}
