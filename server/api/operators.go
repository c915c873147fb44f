package api

import (
	"bytes"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/civil"
	"github.com/ruralhealth/ncms/server/apierr"
	"github.com/ruralhealth/ncms/server/ledger"
)

// The checkout desk (收费窗口): operators sign in with a password and act through a
// session cookie, alongside the API keys that hospitals' systems keep using.
const (
	// sessionCookie holds the session token: HttpOnly, SameSite=Strict, Secure when
	// the request came over TLS.
	sessionCookie = "ncms_session"
	// csrfCookie holds the CSRF token for the page's script to read; a cookie-
	// authenticated request other than GET or HEAD sends it back in csrfHeader.
	csrfCookie = "ncms_csrf"
	csrfHeader = "X-CSRF-Token"
)

// checkoutRoutes adds the routes of operators, sessions and the facility register.
func (s *Server) checkoutRoutes(handle func(method, path string, a access, h handler)) {
	handle(http.MethodPost, "/v1/session", public, s.login)
	handle(http.MethodGet, "/v1/session", signedIn, s.whoami)
	handle(http.MethodDelete, "/v1/session", signedIn, s.logout)
	handle(http.MethodPut, "/v1/session/password", signedIn, s.changePassword)
	handle(http.MethodPost, "/v1/operators", county, s.createOperator)
	handle(http.MethodGet, "/v1/operators", county, s.listOperators)
	handle(http.MethodPost, "/v1/operators/{id}/disable", county, s.disableOperator)
	handle(http.MethodPut, "/v1/facilities/{code}", county, s.putFacility)
	handle(http.MethodGet, "/v1/facilities", institution, s.listFacilities)
	handle(http.MethodPost, "/v1/facilities/import", county, s.importFacilities)
}

// operatorKey authenticates the session cookie's operator for a route of access a
// and returns them as the key the handlers act with: the id is the operator's (the
// journal records it as such), an administrator or county auditor acts for every
// institution, a cashier or institution auditor for their own.
func (s *Server) operatorKey(r *http.Request, a access, token string) (*ledger.Key, error) {
	sess, o, err := s.ledger.SessionOf(r.Context(), token)
	if err != nil {
		return nil, err
	}
	infoOf(r).key = o.ID
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
	default:
		// Double submit: a page of another site can make the browser send the cookie
		// but cannot read the CSRF token to put in the header.
		if !sess.CheckCSRF(r.Header.Get(csrfHeader)) {
			return nil, core.Errors{apierr.NewError(apierr.AuthCSRF, "", csrfHeader)}
		}
	}
	if !operatorMay(o, a, r.Method) {
		return nil, forbidden("", "a "+o.Role+" operator", roleZh(o.Role)+"操作员")
	}
	k := &ledger.Key{ID: o.ID, Role: ledger.RoleInstitution, Institution: o.Institution, Name: o.Login}
	if o.Institution == "" {
		k.Role = ledger.RoleCounty
	}
	return k, nil
}

// operatorMay reports whether an operator's role gives the access a.
func operatorMay(o *ledger.Operator, a access, method string) bool {
	countyAuditor := o.Role == ledger.RoleAuditor && o.Institution == ""
	switch {
	case a == public || a == signedIn || o.Role == ledger.RoleAdmin:
		return true
	case a == institution && countyAuditor:
		// The county office's auditors read any institution's settlements; they do not
		// settle.
		return method == http.MethodGet || method == http.MethodHead
	case a == institution:
		return o.Role == ledger.RoleCashier || o.Role == ledger.RoleAuditor
	case a == reviewer:
		return o.Role == ledger.RoleAuditor && !countyAuditor
	case a == reports || a == office:
		return countyAuditor
	case a == presettling:
		return o.Role == ledger.RoleCashier || o.Role == ledger.RoleAuditor
	}
	return false
}

// loginRequest is the body of POST /v1/session.
type loginRequest struct {
	Login    string `json:"login"`
	Password string `json:"password"`
}

// sessionView is a session as the API shows it.
type sessionView struct {
	Operator  *ledger.Operator `json:"operator"`
	CSRFToken string           `json:"csrfToken,omitempty"`
	Expires   time.Time        `json:"expires"`
}

// login answers POST /v1/session: check the password and open a session. 201 with
// the cookies set; 401 for a wrong login or password (or a disabled operator), 429
// auth_locked while the operator is locked out after repeated failures.
func (s *Server) login(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	var req loginRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	var es core.Errors
	if req.Login == "" {
		es.Add(core.FieldRequired, "/login", "")
	}
	if req.Password == "" {
		es.Add(core.FieldRequired, "/password", "")
	}
	if err := es.Err(); err != nil {
		return err
	}
	in, err := s.ledger.Login(r.Context(), req.Login, req.Password)
	if err != nil {
		return err
	}
	setCookie(w, r, sessionCookie, in.Token, true, in.Expires)
	setCookie(w, r, csrfCookie, in.CSRF, false, in.Expires)
	return writeOK(w, http.StatusCreated, sessionView{Operator: in.Operator, CSRFToken: in.CSRF, Expires: in.Expires})
}

// setCookie sets a session cookie; an empty value with a zero expiry deletes it.
func setCookie(w http.ResponseWriter, r *http.Request, name, value string, httpOnly bool, expires time.Time) {
	c := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: httpOnly, Secure: r.TLS != nil,
		SameSite: http.SameSiteStrictMode}
	if value == "" {
		c.MaxAge = -1
	} else {
		c.Expires = expires
	}
	http.SetCookie(w, c)
}

// sessionToken is the request's session cookie, "" for none.
func sessionToken(r *http.Request) string {
	if c, err := r.Cookie(sessionCookie); err == nil {
		return c.Value
	}
	return ""
}

// whoami answers GET /v1/session: the signed-in operator.
func (s *Server) whoami(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	sess, o, err := s.ledger.SessionOf(r.Context(), sessionToken(r))
	if err != nil {
		return err
	}
	return writeOK(w, http.StatusOK, sessionView{Operator: o, Expires: sess.Expires.UTC()})
}

// logout answers DELETE /v1/session: end the session and clear the cookies.
func (s *Server) logout(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	if err := s.ledger.Logout(r.Context(), sessionToken(r)); err != nil {
		return err
	}
	setCookie(w, r, sessionCookie, "", true, time.Time{})
	setCookie(w, r, csrfCookie, "", false, time.Time{})
	return writeOK(w, http.StatusOK, status{Status: "signed out"})
}

// passwordRequest is the body of PUT /v1/session/password.
type passwordRequest struct {
	Current string `json:"current"`
	New     string `json:"new"`
}

// changePassword answers PUT /v1/session/password: the operator's own password,
// after the current one; every other session of the operator ends.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, k *ledger.Key) error {
	var req passwordRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	if err := s.ledger.ChangePassword(r.Context(), k.ID, sessionToken(r), req.Current, req.New); err != nil {
		return err
	}
	return writeOK(w, http.StatusOK, status{Status: "password changed"})
}

// createOperator answers POST /v1/operators: 201 with the operator; 409
// operator_login_taken for a login in use.
func (s *Server) createOperator(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	var req ledger.NewOperator
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	o, err := s.ledger.CreateOperator(r.Context(), req)
	if err != nil {
		return err
	}
	return writeOK(w, http.StatusCreated, o)
}

// listOperators answers GET /v1/operators.
func (s *Server) listOperators(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	os, err := s.ledger.Operators(r.Context())
	if err != nil {
		return err
	}
	return writeOK(w, http.StatusOK, os)
}

// disableOperator answers POST /v1/operators/{id}/disable: for good, sessions ended.
func (s *Server) disableOperator(w http.ResponseWriter, r *http.Request, k *ledger.Key) error {
	id := mux.Vars(r)["id"]
	if id == k.ID {
		return core.Errors{core.NewErrorText(core.FieldInvalid, "/id", "an administrator does not disable themself", "管理员不能停用自己")}
	}
	o, err := s.ledger.DisableOperator(r.Context(), id)
	if err != nil {
		return err
	}
	return writeOK(w, http.StatusOK, o)
}

// facilityRequest is the body of PUT /v1/facilities/{code}.
type facilityRequest struct {
	Name       string     `json:"name"`
	Class      string     `json:"class"`
	Township   string     `json:"township"`
	InCounty   bool       `json:"inCounty"`
	Designated bool       `json:"designated"`
	From       civil.Date `json:"from"`
	To         civil.Date `json:"to"`
}

// putFacility answers PUT /v1/facilities/{code}: a period of the register, replacing
// the institution's period with the same start.
func (s *Server) putFacility(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	var req facilityRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	f, err := s.ledger.PutFacility(r.Context(), ledger.Facility{Code: mux.Vars(r)["code"], Name: req.Name,
		Class: req.Class, Township: req.Township, InCounty: req.InCounty, Designated: req.Designated,
		From: req.From, To: req.To})
	if err != nil {
		return err
	}
	return writeOK(w, http.StatusOK, f)
}

// listFacilities answers GET /v1/facilities[?code=]: the register.
func (s *Server) listFacilities(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	fs, err := s.ledger.Facilities(r.Context(), r.URL.Query().Get("code"))
	if err != nil {
		return err
	}
	return writeOK(w, http.StatusOK, fs)
}

// importResult is the result of a register import.
type importResult struct {
	Rows int `json:"rows"`
}

// importFacilities answers POST /v1/facilities/import: a register CSV, every row or
// none, each problem by row and column.
func (s *Server) importFacilities(w http.ResponseWriter, r *http.Request, _ *ledger.Key) error {
	enc, err := charset(r)
	if err != nil {
		return err
	}
	body, err := readBody(w, r, ImportLimit)
	if err != nil {
		return err
	}
	n, err := s.ledger.ImportFacilitiesIn(r.Context(), bytes.NewReader(body), enc)
	if err != nil {
		return err
	}
	return writeOK(w, http.StatusOK, importResult{Rows: n})
}

// roleZh names an operator role in Chinese for messages.
func roleZh(role string) string {
	switch role {
	case ledger.RoleCashier:
		return "收费员"
	case ledger.RoleAuditor:
		return "审核员"
	case ledger.RoleAdmin:
		return "县管理员"
	}
	return core.Quote(role)
}
