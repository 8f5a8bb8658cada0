package booking

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// dummyHash is compared against when a login names no account, so that an
// unknown login takes as long as a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("no such account"), bcrypt.MinCost)

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
// unknown login and a wrong password get the same EUnauthorized. After
// Policy.MaxFailures wrong passwords in a row the account is locked for
// Policy.Backoff, doubling with each further failure (ERateLimited, Until).
func (ac *Accounts) Login(ctx context.Context, login, password, channel string) (string, CitizenToken, error) {
	now := ac.Svc.Now()
	var c Citizen
	var acct Account
	err := ac.Svc.Store.View(ctx, func(tx Tx) (err error) {
		if c, err = ac.findLogin(tx, login); err != nil {
			return err
		}
		acct, err = tx.Account(c.ID)
		return err
	})
	if code := ErrorCode(err); code == ENotFound {
		bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return "", CitizenToken{}, Errorf(EUnauthorized, "wrong_login")
	} else if err != nil {
		return "", CitizenToken{}, err
	}
	if now.Before(acct.LockedUntil) {
		return "", CitizenToken{}, &Error{Code: ERateLimited, Message: "account_locked", Until: acct.LockedUntil}
	}
	if bcrypt.CompareHashAndPassword(acct.PasswordHash, []byte(password)) != nil {
		return "", CitizenToken{}, firstErr(ac.recordFailure(ctx, c.ID, channel), Errorf(EUnauthorized, "wrong_login"))
	}
	return ac.issue(ctx, c.ID, channel, true)
}

// recordFailure counts a wrong password and locks the account once the
// count reaches the policy's limit.
func (ac *Accounts) recordFailure(ctx context.Context, citizenID int64, channel string) error {
	now := ac.Svc.Now()
	return ac.Svc.Store.InTx(ctx, func(tx Tx) error {
		a, err := tx.Account(citizenID)
		if err != nil {
			return err
		}
		a.Failures++
		if over := a.Failures - ac.Policy.MaxFailures; over >= 0 {
			a.LockedUntil = now.Add(min(ac.Policy.Backoff<<min(over, 16), ac.Policy.MaxBackoff))
		}
		a.UpdatedAt = now
		if err := tx.PutAccount(a); err != nil {
			return err
		}
		return ac.Svc.audit(tx, Actor{Name: "login", Channel: channel}, "account.login_failed", citizenID, 0, "failure %d", a.Failures)
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
	err := ac.Svc.Store.InTx(ctx, func(tx Tx) error {
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
	err := ac.Svc.Store.View(ctx, func(tx Tx) (err error) {
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

// Logout revokes a token; revoking an unknown token does nothing.
func (ac *Accounts) Logout(ctx context.Context, tok string) error {
	return ac.Svc.Store.InTx(ctx, func(tx Tx) error {
		return tx.RevokeCitizenToken(HashToken(tok), ac.Svc.Now())
	})
}
