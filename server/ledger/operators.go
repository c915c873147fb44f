package ledger

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/server/apierr"
)

// Operator roles (操作员角色). Cashiers and auditors work at an institution (an
// auditor without one is the county office's); administrators are the county's.
const (
	RoleCashier = "cashier" // 收费员: settles, presettles, verifies cards
	RoleAuditor = "auditor" // 审核员: also reverses and corrects; at the county, reads reports
	RoleAdmin   = "admin"   // 县管理员: everything a county key may do
)

// Operator is a person who signs in at the checkout desk. Only the bcrypt hash of
// the password is stored.
type Operator struct {
	ID          string    `json:"id"`
	Login       string    `json:"login"`
	Name        string    `json:"name"`
	Role        string    `json:"role"`
	Institution string    `json:"institution,omitempty"`
	Disabled    bool      `json:"disabled"`
	Created     time.Time `json:"created"`
	// PasswordHash is bcrypt's encoding of the password.
	PasswordHash string `json:"-"`
	// Failures counts failed logins since the last success; LockedUntil is when the
	// next attempt is heard (zero: now). Kept in the database, so the back-off holds
	// across replicas.
	Failures    int       `json:"failures"`
	LockedUntil time.Time `json:"lockedUntil,omitzero"`
}

// Session is a signed-in operator's session. Only SHA-256 hashes of its token and
// its CSRF token are stored.
type Session struct {
	Hash     string
	Operator string
	CSRFHash string
	Created  time.Time
	Expires  time.Time
}

// OperatorTx is the part of a Tx that keeps operators and sessions.
type OperatorTx interface {
	// PutOperator inserts or replaces an operator by id; OperatorByLogin and
	// Operator return ErrNotFound for none.
	PutOperator(ctx context.Context, o Operator) error
	Operator(ctx context.Context, id string) (*Operator, error)
	OperatorByLogin(ctx context.Context, login string) (*Operator, error)
	Operators(ctx context.Context) ([]Operator, error)
	// PutSession stores a session; Session finds one by its token's hash;
	// DeleteSession ends one, DeleteSessions every session of an operator.
	PutSession(ctx context.Context, s Session) error
	Session(ctx context.Context, hash string) (*Session, error)
	DeleteSession(ctx context.Context, hash string) error
	DeleteSessions(ctx context.Context, operator string) error
	// DeleteExpiredSessions ends the operator's sessions that expired before t.
	DeleteExpiredSessions(ctx context.Context, operator string, t time.Time) error
}

// Login back-off: after LockAfter failures in a row an operator is locked for
// LockBase, doubled at each further failure up to LockMax.
const (
	LockAfter = 5
	LockBase  = 30 * time.Second
	LockMax   = time.Hour
)

// SessionTTL is how long a session lasts: one working shift and some.
const SessionTTL = 12 * time.Hour

// Password limits: bcrypt reads at most 72 bytes.
const (
	MinPassword = 8
	MaxPassword = 72
)

// lockFor is how long the n-th failure in a row locks an operator.
func lockFor(n int) time.Duration {
	if n < LockAfter {
		return 0
	}
	d := LockBase
	for i := LockAfter; i < n && d < LockMax; i++ {
		d *= 2
	}
	return min(d, LockMax)
}

// randomToken returns 256 random bits, URL-safe.
func randomToken() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// randomID returns prefix and 48 random bits in hex.
func randomID(prefix string) (string, error) {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return prefix + hex.EncodeToString(b[:]), nil
}

// RandomPassword returns a password for a new operator, to be changed at first use.
func RandomPassword() (string, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// hashToken is how session and CSRF tokens are stored.
func hashToken(t string) string {
	sum := sha256.Sum256([]byte(t))
	return hex.EncodeToString(sum[:])
}

// checkPassword returns the problems of a new password, at path.
func checkPassword(es *core.Errors, path, password, login string) {
	switch {
	case password == "":
		es.Add(core.FieldRequired, path, "")
	case utf8.RuneCountInString(password) < MinPassword:
		es.Add(core.FieldInvalid, path, fmt.Sprintf("≥ %d", MinPassword))
	case len(password) > MaxPassword:
		es.AddText(core.FieldInvalid, path, fmt.Sprintf("at most %d bytes", MaxPassword), fmt.Sprintf("最多 %d 字节", MaxPassword))
	case strings.EqualFold(password, login):
		es.AddText(core.FieldInvalid, path, "the password may not be the login", "密码不能与登录名相同")
	}
}

// hashPassword hashes with the ledger's bcrypt cost.
func (l *Ledger) hashPassword(password string) (string, error) {
	cost := l.opts.PasswordCost
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	if err != nil {
		return "", fmt.Errorf("ledger: hashing a password: %w", err)
	}
	return string(h), nil
}

// NewOperator is what an administrator gives to create an operator.
type NewOperator struct {
	Login       string `json:"login"`
	Name        string `json:"name"`
	Role        string `json:"role"`
	Institution string `json:"institution"`
	Password    string `json:"password"`
}

// CreateOperator adds an operator; a login already taken is operator_login_taken.
func (l *Ledger) CreateOperator(ctx context.Context, n NewOperator) (*Operator, error) {
	var es core.Errors
	if n.Login == "" {
		es.Add(core.FieldRequired, "/login", "")
	} else if len(n.Login) > 64 || strings.ContainsFunc(n.Login, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		es.AddText(core.FieldInvalid, "/login", "at most 64 bytes, without spaces or control characters", "最多 64 字节，不能含空格或控制字符")
	}
	if n.Name == "" {
		es.Add(core.FieldRequired, "/name", "")
	}
	switch n.Role {
	case RoleAdmin:
		if n.Institution != "" {
			es.AddText(core.FieldInvalid, "/institution", "a county administrator is not bound to an institution", "县管理员不隶属于医疗机构")
		}
	case RoleCashier:
		if n.Institution == "" {
			es.AddText(core.FieldRequired, "/institution", "a cashier works at an institution", "收费员须隶属于一家医疗机构")
		}
	case RoleAuditor:
	case "":
		es.Add(core.FieldRequired, "/role", "")
	default:
		es = append(es, core.NotOneOf("/role", n.Role, RoleCashier, RoleAuditor, RoleAdmin))
	}
	checkPassword(&es, "/password", n.Password, n.Login)
	if err := es.Err(); err != nil {
		return nil, err
	}
	hash, err := l.hashPassword(n.Password)
	if err != nil {
		return nil, err
	}
	id, err := randomID("op_")
	if err != nil {
		return nil, err
	}
	o := Operator{ID: id, Login: n.Login, Name: n.Name, Role: n.Role, Institution: n.Institution,
		Created: l.opts.Now().UTC(), PasswordHash: hash}
	err = l.store.Update(ctx, func(tx Tx) error {
		if err := tx.Lock(ctx, "operator\x1f"+n.Login); err != nil {
			return err
		}
		switch _, err := tx.OperatorByLogin(ctx, n.Login); {
		case err == nil:
			return core.Errors{apierr.NewError(apierr.OperatorTaken, "/login", n.Login)}
		case !errors.Is(err, ErrNotFound):
			return err
		}
		return tx.PutOperator(ctx, o)
	})
	if err != nil {
		return nil, err
	}
	return &o, nil
}

// Operators lists every operator, disabled ones included.
func (l *Ledger) Operators(ctx context.Context) ([]Operator, error) {
	var os []Operator
	err := l.store.View(ctx, func(tx Tx) error {
		var err error
		os, err = tx.Operators(ctx)
		return err
	})
	return os, err
}

// DisableOperator disables an operator for good and ends their sessions.
func (l *Ledger) DisableOperator(ctx context.Context, id string) (*Operator, error) {
	var o *Operator
	err := l.store.Update(ctx, func(tx Tx) error {
		var err error
		o, err = tx.Operator(ctx, id)
		if errors.Is(err, ErrNotFound) {
			return core.Errors{apierr.NewError(apierr.NotFound, "/id", id)}
		} else if err != nil {
			return err
		}
		o.Disabled = true
		if err := tx.PutOperator(ctx, *o); err != nil {
			return err
		}
		return tx.DeleteSessions(ctx, id)
	})
	return o, err
}

// dummyHash is compared against when a login is unknown, so that an unknown login
// takes as long as a wrong password.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("no such operator"), bcrypt.DefaultCost)
	return h
})

// Login checks an operator's password and opens a session. It returns the session
// token and CSRF token (each shown once), or auth_unauthorized for an unknown
// login, a wrong password or a disabled operator, and auth_locked while the
// operator is locked out after repeated failures. The password is compared outside
// any transaction: bcrypt is slow on purpose, and SQLite's one writer must not wait.
func (l *Ledger) Login(ctx context.Context, login, password string) (*SignIn, error) {
	token, csrf, o, expires, err := l.login(ctx, login, password)
	if err != nil {
		return nil, err
	}
	return &SignIn{Token: token, CSRF: csrf, Operator: o, Expires: expires}, nil
}

// SignIn is an opened session: its token and CSRF token (shown once), its operator
// and when it ends.
type SignIn struct {
	Token, CSRF string
	Operator    *Operator
	Expires     time.Time
}

func (l *Ledger) login(ctx context.Context, login, password string) (token, csrf string, o *Operator, expires time.Time, err error) {
	unauthorized := core.Errors{apierr.NewError(apierr.AuthCredentials, "", "")}
	err = l.store.View(ctx, func(tx Tx) error {
		var err error
		o, err = tx.OperatorByLogin(ctx, login)
		return err
	})
	now := l.opts.Now().UTC()
	switch {
	case errors.Is(err, ErrNotFound):
		bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return "", "", nil, time.Time{}, unauthorized
	case err != nil:
		return "", "", nil, time.Time{}, err
	case now.Before(o.LockedUntil):
		return "", "", nil, time.Time{}, locked(o.LockedUntil, now)
	}
	good := bcrypt.CompareHashAndPassword([]byte(o.PasswordHash), []byte(password)) == nil
	if good {
		if token, err = randomToken(); err != nil {
			return "", "", nil, time.Time{}, err
		}
		if csrf, err = randomToken(); err != nil {
			return "", "", nil, time.Time{}, err
		}
	}
	var refused error
	err = l.store.Update(ctx, func(tx Tx) error {
		refused = nil
		if err := tx.Lock(ctx, "operator\x1f"+login); err != nil {
			return err
		}
		cur, err := tx.OperatorByLogin(ctx, login)
		if err != nil {
			return err
		}
		// Read again under the lock: another replica may have counted a failure or
		// locked the operator since.
		if now.Before(cur.LockedUntil) {
			refused = locked(cur.LockedUntil, now)
			return nil
		}
		if !good {
			cur.Failures++
			if d := lockFor(cur.Failures); d > 0 {
				cur.LockedUntil = now.Add(d)
			}
			refused = unauthorized
			return tx.PutOperator(ctx, *cur)
		}
		if cur.Disabled {
			refused = unauthorized
			return nil
		}
		if cur.Failures != 0 || !cur.LockedUntil.IsZero() {
			cur.Failures, cur.LockedUntil = 0, time.Time{}
			if err := tx.PutOperator(ctx, *cur); err != nil {
				return err
			}
		}
		o = cur
		// Sessions left to expire rather than signed out are swept at the next sign-in.
		if err := tx.DeleteExpiredSessions(ctx, cur.ID, now); err != nil {
			return err
		}
		return tx.PutSession(ctx, Session{Hash: hashToken(token), Operator: cur.ID, CSRFHash: hashToken(csrf),
			Created: now, Expires: now.Add(SessionTTL)})
	})
	switch {
	case err != nil:
		return "", "", nil, time.Time{}, err
	case refused != nil:
		return "", "", nil, time.Time{}, refused
	}
	return token, csrf, o, now.Add(SessionTTL), nil
}

// locked is auth_locked, saying until when.
func locked(until, now time.Time) error {
	secs := int(until.Sub(now).Round(time.Second) / time.Second)
	return core.Errors{apierr.NewError(apierr.AuthLocked, "", strconv.Itoa(max(secs, 1)))}
}

// SessionOf returns the live session of the token and its operator, or
// auth_unauthorized (no such session, expired, or the operator disabled).
func (l *Ledger) SessionOf(ctx context.Context, token string) (*Session, *Operator, error) {
	unauthorized := core.Errors{apierr.NewError(apierr.AuthSession, "", "")}
	if token == "" {
		return nil, nil, unauthorized
	}
	var s *Session
	var o *Operator
	err := l.store.View(ctx, func(tx Tx) error {
		var err error
		if s, err = tx.Session(ctx, hashToken(token)); err != nil {
			return err
		}
		o, err = tx.Operator(ctx, s.Operator)
		return err
	})
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, nil, unauthorized
	case err != nil:
		return nil, nil, err
	case !l.opts.Now().Before(s.Expires) || o.Disabled:
		return nil, nil, unauthorized
	}
	return s, o, nil
}

// CheckCSRF reports whether csrf is the session's CSRF token.
func (s *Session) CheckCSRF(csrf string) bool {
	return csrf != "" && subtle.ConstantTimeCompare([]byte(hashToken(csrf)), []byte(s.CSRFHash)) == 1
}

// Logout ends the session of the token; ending one already ended is no error.
func (l *Ledger) Logout(ctx context.Context, token string) error {
	return l.store.Update(ctx, func(tx Tx) error { return tx.DeleteSession(ctx, hashToken(token)) })
}

// ChangePassword replaces an operator's password after checking the current one,
// and ends every other session of the operator. A wrong current password is
// field_invalid at /current; the session stays open.
// keep is the token of the session to keep, "" for none.
func (l *Ledger) ChangePassword(ctx context.Context, id, keep, current, next string) error {
	var o *Operator
	err := l.store.View(ctx, func(tx Tx) error {
		var err error
		o, err = tx.Operator(ctx, id)
		return err
	})
	if err != nil {
		return err
	}
	var es core.Errors
	checkPassword(&es, "/new", next, o.Login)
	if current == "" {
		es.Add(core.FieldRequired, "/current", "")
	}
	if err := es.Err(); err != nil {
		return err
	}
	if bcrypt.CompareHashAndPassword([]byte(o.PasswordHash), []byte(current)) != nil {
		return core.Errors{core.NewErrorText(core.FieldInvalid, "/current", "wrong current password", "当前密码错误")}
	}
	hash, err := l.hashPassword(next)
	if err != nil {
		return err
	}
	return l.store.Update(ctx, func(tx Tx) error {
		cur, err := tx.Operator(ctx, id)
		if err != nil {
			return err
		}
		cur.PasswordHash = hash
		if err := tx.PutOperator(ctx, *cur); err != nil {
			return err
		}
		var kept *Session
		if keep != "" {
			if kept, err = tx.Session(ctx, hashToken(keep)); err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
		}
		if err := tx.DeleteSessions(ctx, id); err != nil {
			return err
		}
		if kept == nil || kept.Operator != id {
			return nil
		}
		return tx.PutSession(ctx, *kept)
	})
}

// EnsureAdminOperator creates a county administrator operator named "admin" with a
// random password when no operator exists, so a fresh server's desk can be signed
// into; it returns the login, the password and true, or false.
func (l *Ledger) EnsureAdminOperator(ctx context.Context) (string, string, bool, error) {
	os, err := l.Operators(ctx)
	if err != nil || len(os) > 0 {
		return "", "", false, err
	}
	pw, err := RandomPassword()
	if err != nil {
		return "", "", false, err
	}
	const login = "admin"
	if _, err := l.CreateOperator(ctx, NewOperator{Login: login, Name: "县管理员", Role: RoleAdmin, Password: pw}); err != nil {
		return "", "", false, err
	}
	return login, pw, true, nil
}
