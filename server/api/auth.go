package api

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/mux"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/core/engine"
	"github.com/ruralhealth/ncms/server/apierr"
	"github.com/ruralhealth/ncms/server/ledger"
)

// handler serves a route once its access is granted; k is nil on public routes. An
// error is answered by Server.fail.
type handler func(w http.ResponseWriter, r *http.Request, k *ledger.Key) error

// guard checks the caller's key against a route's access and runs h. Public
// requests are admitted by the public limits first (load_policy excepted, which
// needs the county's key).
func (s *Server) guard(a access, h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a == public && mux.Vars(r)["op"] != engine.OpLoadPolicy {
			// Before admission: a page refused with 429 must be able to read why.
			s.corsHeaders(w, r)
			release, err := s.admit(w, r)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			defer release()
		}
		k, err := s.authorize(r, a)
		if err == nil {
			err = h(w, r, k)
		}
		if err != nil {
			s.fail(w, r, err)
		}
	})
}

// authorize returns the caller's key if it may use a route of access a:
// auth_unauthorized without a live key, auth_forbidden with a key of the wrong role.
// Public routes need no key and get nil.
func (s *Server) authorize(r *http.Request, a access) (*ledger.Key, error) {
	if a == public {
		return nil, nil
	}
	// Without a key, a signed-in operator's session cookie (operators.go).
	if secretOf(r) == "" {
		if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			return s.operatorKey(r, a, c.Value)
		}
		if a == signedIn {
			return nil, core.Errors{apierr.NewError(apierr.AuthSession, "", "")}
		}
	}
	k, err := s.authenticate(r)
	if err != nil {
		return nil, err
	}
	switch {
	case a == signedIn:
		return nil, forbidden("", "only a signed-in operator has a session", "只有已登录的操作员才有会话")
	case k.Role == ledger.RoleCounty:
	case (a == institution || a == reviewer || a == presettling) && k.Role == ledger.RoleInstitution && k.Institution != "":
	default:
		return nil, forbidden("", "a key with role "+core.Quote(k.Role), "角色为 "+core.Quote(k.Role)+" 的密钥")
	}
	return k, nil
}

// authenticate finds the live key named by the request's Authorization: Bearer or
// X-API-Key header, from the cache when it was seen recently.
func (s *Server) authenticate(r *http.Request) (*ledger.Key, error) {
	secret := secretOf(r)
	if secret == "" {
		return nil, core.Errors{apierr.NewError(apierr.Unauthorized, "", "")}
	}
	hash := ledger.HashSecret(secret)
	k, seen := s.keys.get(hash)
	if k == nil {
		var err error
		if k, err = s.ledger.Authenticate(r.Context(), secret); err != nil {
			return nil, err
		}
		s.keys.put(hash, k, seen)
	}
	infoOf(r).key = k.ID
	return k, nil
}

// secretOf returns the key secret a request carries, or "".
func secretOf(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return ""
		}
		return strings.TrimSpace(token)
	}
	return strings.TrimSpace(r.Header.Get("X-API-Key"))
}

// institutionOf is the institution a key acts for: "" (any) for the county.
func institutionOf(k *ledger.Key) string {
	if k.Role == ledger.RoleCounty {
		return ""
	}
	return k.Institution
}

// keyCacheSize bounds the cache; a county has a few hundred institutions.
const keyCacheSize = 4096

// keyCache remembers keys that authenticated, by the hash of their secret, so that
// settling is not bound by a key query per request. Only successes are cached: a
// wrong secret is asked of the store each time.
type keyCache struct {
	ttl time.Duration // <= 0: no caching
	now func() time.Time

	mu sync.Mutex
	m  map[string]cachedKey
	// revocations counts revokes, so that a lookup that raced with one does not
	// cache the key it read before the revocation committed.
	revocations uint64
}

type cachedKey struct {
	key     ledger.Key
	expires time.Time
}

func newKeyCache(ttl time.Duration, now func() time.Time) *keyCache {
	return &keyCache{ttl: ttl, now: now, m: map[string]cachedKey{}}
}

// get returns a copy of the cached key, or nil, and the revocation count to hand
// to put after a lookup.
func (c *keyCache) get(hash string) (*ledger.Key, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ttl <= 0 {
		return nil, c.revocations
	}
	e, ok := c.m[hash]
	if !ok {
		return nil, c.revocations
	}
	if !c.now().Before(e.expires) {
		delete(c.m, hash)
		return nil, c.revocations
	}
	k := e.key
	return &k, c.revocations
}

// put caches a key looked up after get returned seen; if a revocation came in
// between, the key read may be stale and is not cached.
func (c *keyCache) put(hash string, k *ledger.Key, seen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ttl <= 0 || c.revocations != seen {
		return
	}
	now := c.now()
	if len(c.m) >= keyCacheSize {
		for h, e := range c.m {
			if !now.Before(e.expires) {
				delete(c.m, h)
			}
		}
		if len(c.m) >= keyCacheSize {
			clear(c.m)
		}
	}
	c.m[hash] = cachedKey{key: *k, expires: now.Add(c.ttl)}
}

// revoke forgets the key with the id, so a revocation through this server takes
// effect at once.
func (c *keyCache) revoke(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.revocations++
	for h, e := range c.m {
		if e.key.ID == id {
			delete(c.m, h)
		}
	}
}
