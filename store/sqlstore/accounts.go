package sqlstore

import (
	"time"

	"yuyue/booking"
)

func (t *Tx) Account(citizenID int64) (booking.Account, error) {
	var a booking.Account
	var locked, updated int64
	err := t.QueryRow(`SELECT citizen_id, password_hash, failures, locked_until, updated_at FROM citizen_accounts WHERE citizen_id = ?`,
		citizenID).Scan(&a.CitizenID, &a.PasswordHash, &a.Failures, &locked, &updated)
	a.LockedUntil, a.UpdatedAt = fromMS(locked), fromMS(updated)
	return a, t.db.mapError(err, "account")
}

func (t *Tx) PutAccount(a booking.Account) error {
	_, err := t.execMapped("account", `INSERT INTO citizen_accounts (citizen_id, password_hash, failures, locked_until, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (citizen_id) DO UPDATE SET password_hash = excluded.password_hash, failures = excluded.failures,
		locked_until = excluded.locked_until, updated_at = excluded.updated_at`,
		a.CitizenID, a.PasswordHash, a.Failures, ms(a.LockedUntil), ms(a.UpdatedAt))
	return err
}

func (t *Tx) InsertCitizenToken(c booking.CitizenToken) error {
	_, err := t.execMapped("token", `INSERT INTO citizen_tokens (token_hash, citizen_id, channel, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
		c.TokenHash, c.CitizenID, c.Channel, c.CSRF, ms(c.CreatedAt), ms(c.ExpiresAt))
	return err
}

func (t *Tx) CitizenToken(tokenHash []byte, now time.Time) (booking.CitizenToken, error) {
	var c booking.CitizenToken
	var created, expires int64
	err := t.QueryRow(`SELECT token_hash, citizen_id, channel, csrf, created_at, expires_at FROM citizen_tokens
		WHERE token_hash = ? AND expires_at > ? AND revoked_at = 0`, tokenHash, ms(now)).
		Scan(&c.TokenHash, &c.CitizenID, &c.Channel, &c.CSRF, &created, &expires)
	c.CreatedAt, c.ExpiresAt = fromMS(created), fromMS(expires)
	return c, t.db.mapError(err, "token")
}

func (t *Tx) RevokeCitizenToken(tokenHash []byte, at time.Time) error {
	_, err := t.Exec(`UPDATE citizen_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at = 0`, ms(at), tokenHash)
	return err
}

func (t *Tx) RevokeCitizenTokens(citizenID int64, keep []byte, at time.Time) error {
	if keep == nil {
		keep = []byte{}
	}
	_, err := t.Exec(`UPDATE citizen_tokens SET revoked_at = ? WHERE citizen_id = ? AND revoked_at = 0 AND token_hash != ?`,
		ms(at), citizenID, keep)
	return err
}
