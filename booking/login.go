package booking

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// NewToken returns a random token and its stored hash.
func NewToken() (string, []byte) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported systems
	}
	tok := hex.EncodeToString(b)
	return tok, HashToken(tok)
}

// HashToken is how a token is found in the store: its SHA-256.
func HashToken(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

// findLogin finds the active citizen a login names: an ID number or a mobile.
func (ac *Accounts) findLogin(tx Tx, login string) (Citizen, error) {
	if id, err := NormalizeIDNumber(login, ac.Svc.Now()); err == nil {
		return tx.CitizenByIDNumber(id)
	}
	if phone, err := NormalizeMobile(login); err == nil {
		return tx.CitizenByPhone(phone)
	}
	return Citizen{}, Errorf(EInvalid, "login_not_id_or_phone")
}

// Login checks a password and issues a token for channel (web or app). An
// unknown login and a wrong password get the same EUnauthorized. Every
// attempt is counted in the write transaction that looks the login up,
// before the password is compared, so parallel guesses cannot outrun the
// count. After Policy.MaxFailures wrong passwords in a row the login is
// locked for Policy.Backoff, doubling with each further failure
// (ERateLimited "account_locked", Until) — a login naming no account too,
// and it is compared with a dummy hash at the real cost: neither the time
// nor the lock tells whether an account exists.
func (ac *Accounts) Login(ctx context.Context, login, password, channel string) (string, CitizenToken, error) {
	now, attempt := ac.Svc.Now(), ""
	var c Citizen
	var acct Account
	err := ac.Svc.store.InTx(ctx, func(tx Tx) (err error) {
		c, err = ac.findLogin(tx, login)
		if err == nil {
			acct, err = tx.Account(c.ID)
		}
		if ErrorCode(err) == ENotFound {
			attempt, _ = NewToken()
			return ac.reserveUnknown(tx, unknownLoginKey(LoginKey(login, now)), attempt, now)
		} else if err != nil {
			return err
		}
		_, err = ac.reserveAccount(tx, acct, now)
		return err
	})
	if err != nil {
		return "", CitizenToken{}, err
	}
	hash := acct.PasswordHash
	if attempt != "" {
		hash = dummyHash(ac.Policy.Cost)
	}
	if compareHash(hash, []byte(password)) != nil || attempt != "" {
		return "", CitizenToken{}, firstErr(ac.auditFailure(ctx, c.ID, channel), Errorf(EUnauthorized, "wrong_login"))
	}
	return ac.issue(ctx, c.ID, channel, true)
}

// auditFailure records a wrong password (citizenID 0: a login naming no
// account), in a write of its own like every failure.
func (ac *Accounts) auditFailure(ctx context.Context, citizenID int64, channel string) error {
	return ac.Svc.store.InTx(ctx, func(tx Tx) error {
		return ac.Svc.audit(tx, Actor{Name: "login", Channel: channel}, "account.login_failed", citizenID, 0, "wrong password")
	})
}

// issue resets the failure count (when reset) and stores a new token.
func (ac *Accounts) issue(ctx context.Context, citizenID int64, channel string, reset bool) (string, CitizenToken, error) {
	if channel != ChannelWeb && channel != ChannelApp {
		return "", CitizenToken{}, Errorf(EInvalid, "channel must be web or app")
	}
	now := ac.Svc.Now()
	ttl := ac.Policy.AppTTL
	if channel == ChannelWeb {
		ttl = ac.Policy.WebTTL
	}
	tok, hash := NewToken()
	csrf, _ := NewToken()
	t := CitizenToken{TokenHash: hash, CitizenID: citizenID, Channel: channel, CSRF: csrf, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	err := ac.Svc.store.InTx(ctx, func(tx Tx) error {
		if reset {
			a, err := tx.Account(citizenID)
			if err != nil {
				return err
			}
			if a.Failures != 0 {
				a.Failures, a.LockedUntil, a.UpdatedAt = 0, time.Time{}, now
				if err := tx.PutAccount(a); err != nil {
					return err
				}
			}
		}
		return tx.InsertCitizenToken(t)
	})
	return tok, t, err
}

// Authenticate returns the citizen and session a token belongs to, or
// EUnauthorized when it is unknown, expired or revoked.
func (ac *Accounts) Authenticate(ctx context.Context, tok string) (Citizen, CitizenToken, error) {
	var c Citizen
	var t CitizenToken
	if tok == "" {
		return c, t, Errorf(EUnauthorized, "no_token")
	}
	err := ac.Svc.store.View(ctx, func(tx Tx) (err error) {
		if t, err = tx.CitizenToken(HashToken(tok), ac.Svc.Now()); err != nil {
			return err
		}
		c, err = tx.CitizenByID(t.CitizenID)
		return err
	})
	if ErrorCode(err) == ENotFound || (err == nil && !c.Active) {
		return Citizen{}, CitizenToken{}, Errorf(EUnauthorized, "bad_token")
	}
	return c, t, err
}

// Logout revokes the token with tokenHash: the one Authenticate accepted
// for the request, so that what was checked is what is revoked. Revoking
// an unknown token does nothing.
func (ac *Accounts) Logout(ctx context.Context, tokenHash []byte) error {
	return ac.Svc.store.InTx(ctx, func(tx Tx) error {
		return tx.RevokeCitizenToken(tokenHash, ac.Svc.Now())
	})
}
