package booking

import "time"

// The web and app channels: bookings, audit entries and tokens carry them.
const (
	ChannelWeb = "web"
	ChannelApp = "app"
)

// Verification purposes of the web and app channels.
const (
	PurposeRegister = "register" // a new account proves its phone
	PurposePassword = "password" // forgot password: the phone proves the holder
)

// EUnauthorized is not logged in, an unknown or revoked token, or a wrong
// login; the answer never tells which.
const EUnauthorized Code = "unauthorized"

// Account is a citizen's password for the web and app channels. It belongs to
// the same citizen record the IVR uses: one person, one registration.
type Account struct {
	CitizenID    int64
	PasswordHash []byte // bcrypt
	Failures     int    // wrong passwords in a row
	LockedUntil  time.Time
	UpdatedAt    time.Time
}

// CitizenToken is a login session of the web site (cookie) or an app
// (bearer). Only the SHA-256 of the token is stored.
type CitizenToken struct {
	TokenHash []byte
	CitizenID int64
	Channel   string // ChannelWeb or ChannelApp
	CSRF      string // the web session's form token
	CreatedAt time.Time
	ExpiresAt time.Time
}

// AccountTx is what the web and app channels keep inside one transaction.
type AccountTx interface {
	Account(citizenID int64) (Account, error)
	PutAccount(a Account) error // insert or replace
	InsertCitizenToken(t CitizenToken) error
	// CitizenToken finds a token that is live at now and not revoked.
	CitizenToken(tokenHash []byte, now time.Time) (CitizenToken, error)
	RevokeCitizenToken(tokenHash []byte, at time.Time) error
	// RevokeCitizenTokens revokes every live token of a citizen but keep.
	RevokeCitizenTokens(citizenID int64, keep []byte, at time.Time) error
}

// CodeChecker checks an SMS code inside the caller's transaction (Codes),
// so that what the code unlocks is written in the transaction that accepts
// it. result is the answer for the user (wrong, expired code); err is a
// failure. A wrong entry is counted even when the caller writes nothing else.
type CodeChecker interface {
	VerifyTx(tx Tx, phone, purpose, code string) (result, err error)
}

// AccountPolicy are the numbers of the password rules; all configuration.
type AccountPolicy struct {
	MinPassword int           // characters (8)
	MaxFailures int           // wrong passwords before the account backs off (5)
	Backoff     time.Duration // first lock; doubles with every further failure (15m)
	MaxBackoff  time.Duration // (24h)
	WebTTL      time.Duration // web session lifetime (2h)
	AppTTL      time.Duration // app token lifetime (720h)
	Cost        int           // bcrypt cost
}

// DefaultAccountPolicy is the policy used unless configured.
func DefaultAccountPolicy() AccountPolicy {
	return AccountPolicy{MinPassword: 8, MaxFailures: 5, Backoff: 15 * time.Minute, MaxBackoff: 24 * time.Hour,
		WebTTL: 2 * time.Hour, AppTTL: 720 * time.Hour, Cost: 10}
}
