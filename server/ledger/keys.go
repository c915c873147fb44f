package ledger

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"

	"github.com/ruralhealth/ncms/core"
	"github.com/ruralhealth/ncms/server/apierr"
)

// HashSecret is how a key's secret is stored: its SHA-256 in hex. Secrets are 256
// random bits, so a slow password hash would add nothing.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CreateKey makes an API key and returns its secret, which is shown once and never
// stored.
func (l *Ledger) CreateKey(ctx context.Context, role, institution, name string) (string, *Key, error) {
	var es core.Errors
	switch role {
	case RoleCounty:
		if institution != "" {
			es.AddText(core.FieldInvalid, "/institution", "a county key is not bound to an institution", "县级密钥不绑定医疗机构")
		}
	case RoleInstitution:
		if institution == "" {
			es.AddText(core.FieldRequired, "/institution", "an institution key needs its institution code", "机构密钥须填写医疗机构编码")
		}
	case "":
		es.Add(core.FieldRequired, "/role", "")
	default:
		es = append(es, core.NotOneOf("/role", role, RoleInstitution, RoleCounty))
	}
	checkText(&es, "/institution", institution, MaxCodeLen)
	checkText(&es, "/name", name, MaxNameLen)
	if err := es.Err(); err != nil {
		return "", nil, err
	}
	var raw [32]byte
	var id [6]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", nil, err
	}
	if _, err := rand.Read(id[:]); err != nil {
		return "", nil, err
	}
	secret := "ncms_" + base64.RawURLEncoding.EncodeToString(raw[:])
	k := Key{ID: "k_" + hex.EncodeToString(id[:]), Hash: HashSecret(secret), Role: role,
		Institution: institution, Name: name, Created: l.opts.Now().UTC()}
	if err := l.store.Update(ctx, func(tx Tx) error { return tx.PutKey(ctx, k) }); err != nil {
		return "", nil, err
	}
	return secret, &k, nil
}

// Authenticate returns the live key whose secret this is, or auth_unauthorized.
func (l *Ledger) Authenticate(ctx context.Context, secret string) (*Key, error) {
	unauthorized := core.Errors{apierr.NewError(apierr.Unauthorized, "", "")}
	if secret == "" {
		return nil, unauthorized
	}
	var k *Key
	err := l.store.View(ctx, func(tx Tx) error {
		var err error
		k, err = tx.KeyByHash(ctx, HashSecret(secret))
		return err
	})
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, unauthorized
	case err != nil:
		return nil, err
	case k.Revoked:
		return nil, unauthorized
	}
	return k, nil
}

// Keys lists every key, revoked ones included; secrets are not stored.
func (l *Ledger) Keys(ctx context.Context) ([]Key, error) {
	var ks []Key
	err := l.store.View(ctx, func(tx Tx) error {
		var err error
		ks, err = tx.Keys(ctx)
		return err
	})
	return ks, err
}

// RevokeKey revokes a key for good.
func (l *Ledger) RevokeKey(ctx context.Context, id string) error {
	return l.store.Update(ctx, func(tx Tx) error {
		ks, err := tx.Keys(ctx)
		if err != nil {
			return err
		}
		for _, k := range ks {
			if k.ID == id {
				k.Revoked = true
				return tx.PutKey(ctx, k)
			}
		}
		return core.Errors{apierr.NewError(apierr.NotFound, "/id", core.Quote(id))}
	})
}

// EnsureAdminKey creates a county key when no live one exists, so a fresh server can
// be administered; it returns the new secret and true, or "" and false.
func (l *Ledger) EnsureAdminKey(ctx context.Context) (string, bool, error) {
	ks, err := l.Keys(ctx)
	if err != nil {
		return "", false, err
	}
	for _, k := range ks {
		if k.Role == RoleCounty && !k.Revoked {
			return "", false, nil
		}
	}
	secret, _, err := l.CreateKey(ctx, RoleCounty, "", "county administrator")
	if err != nil {
		return "", false, err
	}
	return secret, true, nil
}
