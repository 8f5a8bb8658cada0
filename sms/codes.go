package sms

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"math/big"
	"time"

	"yuyue/booking"
)

// CodeRules are SPEC §4's limits on verification codes.
type CodeRules struct {
	TTL          time.Duration // 5 min
	Attempts     int           // wrong entries allowed per code (5)
	ResendAfter  time.Duration // 60 s
	PerHour      int           // codes per number per hour (5)
	PerDay       int           // codes per number per 24 h (10)
	PerCallerDay int           // codes one calling number may trigger per 24 h
}

// Codes issues and checks SMS verification codes.
type Codes struct {
	Svc   *booking.Service
	Key   []byte // HMAC key for code hashes, derived from secret_key
	Rules CodeRules
	// Kick, when set, wakes the outbox worker so a code leaves at once.
	Kick func()
}

func (c *Codes) hash(phone, purpose, code string) []byte {
	m := hmac.New(sha256.New, c.Key)
	fmt.Fprintf(m, "%s|%s|%s", phone, purpose, code)
	return m.Sum(nil)
}

// Issue creates a code for phone and purpose and queues it in the outbox, in
// one transaction. caller is the number that asked (the calling number on
// the phone), capped separately against SMS pumping. A refusal is
// ERateLimited with the reason.
func (c *Codes) Issue(ctx context.Context, phone, purpose, caller string) error {
	now := c.Svc.Now()
	code, err := newCode()
	if err != nil {
		return err
	}
	err = c.Svc.Store.InTx(ctx, func(tx booking.Tx) error {
		if err := c.allowed(tx, phone, caller, now); err != nil {
			return err
		}
		vc := booking.VerificationCode{Phone: phone, Purpose: purpose, Caller: caller,
			Hash: c.hash(phone, purpose, code), CreatedAt: now, ExpiresAt: now.Add(c.Rules.TTL)}
		if err := tx.InsertCode(&vc); err != nil {
			return err
		}
		return tx.Enqueue(booking.Message{To: phone, Kind: booking.MsgCode, Params: map[string]string{"code": code}})
	})
	if err == nil && c.Kick != nil {
		c.Kick()
	}
	return err
}

func (c *Codes) allowed(tx booking.Tx, phone, caller string, now time.Time) error {
	last, err := tx.LastCodeAt(phone)
	if err != nil {
		return err
	}
	if !last.IsZero() && now.Before(last.Add(c.Rules.ResendAfter)) {
		return booking.Errorf(booking.ERateLimited, "resend_too_soon")
	}
	hour, _, err := tx.CountCodes(phone, caller, now.Add(-time.Hour))
	if err != nil {
		return err
	}
	day, byCaller, err := tx.CountCodes(phone, caller, now.Add(-24*time.Hour))
	if err != nil {
		return err
	}
	switch {
	case hour >= c.Rules.PerHour:
		return booking.Errorf(booking.ERateLimited, "hourly_cap")
	case day >= c.Rules.PerDay:
		return booking.Errorf(booking.ERateLimited, "daily_cap")
	case caller != "" && byCaller >= c.Rules.PerCallerDay:
		return booking.Errorf(booking.ERateLimited, "caller_cap")
	}
	return nil
}

// Verify checks a code entered for phone and purpose in its own
// transaction; see VerifyTx.
func (c *Codes) Verify(ctx context.Context, phone, purpose, code string) error {
	var result error
	err := c.Svc.Store.InTx(ctx, func(tx booking.Tx) (err error) {
		result, err = c.VerifyTx(tx, phone, purpose, code)
		return err
	})
	if err != nil {
		return err
	}
	return result
}

// VerifyTx checks a code entered for phone and purpose inside tx. A right
// code marks the phone verified for purpose (booking.Rules.VerifiedFor) in
// tx. A wrong one counts an attempt and is the result, not the error, so the
// caller can commit the count though the entry failed; after Rules.Attempts
// wrong entries the code is dead.
func (c *Codes) VerifyTx(tx booking.Tx, phone, purpose, code string) (result, err error) {
	now := c.Svc.Now()
	vc, err := tx.LatestCode(phone, purpose)
	switch {
	case booking.ErrorCode(err) == booking.ENotFound:
		return booking.Errorf(booking.ENotFound, "no code was sent"), nil
	case err != nil:
		return nil, err
	case !vc.UsedAt.IsZero():
		return booking.Errorf(booking.EExpired, "code already used or replaced"), nil
	case !now.Before(vc.ExpiresAt):
		return booking.Errorf(booking.EExpired, "code expired"), nil
	case vc.Attempts >= c.Rules.Attempts:
		return booking.Errorf(booking.ERateLimited, "too many wrong entries"), nil
	}
	if !hmac.Equal(vc.Hash, c.hash(phone, purpose, code)) {
		vc.Attempts++
		return booking.Errorf(booking.EInvalid, "wrong code, %d tries left", c.Rules.Attempts-vc.Attempts), tx.UpdateCode(vc)
	}
	vc.UsedAt = now
	if err := tx.UpdateCode(vc); err != nil {
		return nil, err
	}
	return nil, c.Svc.MarkPhoneVerified(context.Background(), tx, phone, purpose)
}

func newCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}
