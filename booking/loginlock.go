package booking

import (
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// compareHash is bcrypt's comparison; a test counts the calls through it.
var compareHash = bcrypt.CompareHashAndPassword

// dummyHashes hold, by bcrypt cost, what a login naming no account is
// compared with: at the policy's real cost, so that an unknown login takes
// as long as a wrong password for a real one.
var dummyHashes sync.Map

func dummyHash(cost int) []byte {
	if h, ok := dummyHashes.Load(cost); ok {
		return h.([]byte)
	}
	h, err := bcrypt.GenerateFromPassword([]byte("no such account, no such password"), cost)
	if err != nil {
		panic(err) // only for a cost outside bcrypt's range, which config refuses
	}
	dummyHashes.Store(cost, h)
	return h
}

// LoginKey is the one spelling of a login: an ID number upper-cased, a
// mobile in E.164 (so +86…, 0086…, spaces and a lower-case x are one
// login), and anything else as typed, trimmed. Limiters key on it.
func LoginKey(login string, now time.Time) string {
	if id, err := NormalizeIDNumber(login, now); err == nil {
		return id
	}
	if phone, err := NormalizeMobile(login); err == nil {
		return phone
	}
	return strings.TrimSpace(login)
}

// lockAfter is how long after its latest failure a login with n failures
// in a row stays locked (0: not locked).
func (p AccountPolicy) lockAfter(n int) time.Duration {
	over := n - p.MaxFailures
	if over < 0 {
		return 0
	}
	return min(p.Backoff<<min(over, 16), p.MaxBackoff)
}

// unknownLoginKey is the login_failures key of a login naming no account.
// Such failures are kept as long as the longest lock (the purge job keeps
// them a day), so an unknown login locks exactly like a real one.
func unknownLoginKey(login string) string { return "citizen-login:" + login }

// reserveUnknown counts an attempt on a login naming no account before its
// (dummy) comparison, or refuses it while that login is locked.
func (ac *Accounts) reserveUnknown(tx Tx, key, attempt string, now time.Time) error {
	counts, err := tx.LoginCounts([]string{key}, now.Add(-ac.Policy.MaxBackoff))
	if err != nil {
		return err
	}
	c := counts[key]
	if until := c.Last.Add(ac.Policy.lockAfter(c.N)); c.N > 0 && now.Before(until) {
		return lockedErr(until)
	}
	return tx.ReserveLoginAttempt([]string{key}, attempt, now)
}

// reserveAccount counts an attempt on a real account before its password is
// compared, locking the account when this attempt reaches the limit; a right
// password then lifts it (issue). Parallel guesses are therefore all counted.
func (ac *Accounts) reserveAccount(tx Tx, a Account, now time.Time) (Account, error) {
	if now.Before(a.LockedUntil) {
		return a, lockedErr(a.LockedUntil)
	}
	a.Failures++
	if d := ac.Policy.lockAfter(a.Failures); d > 0 {
		a.LockedUntil = now.Add(d)
	}
	a.UpdatedAt = now
	return a, tx.PutAccount(a)
}

func lockedErr(until time.Time) error {
	return &Error{Code: ERateLimited, Message: "account_locked", Until: until}
}
