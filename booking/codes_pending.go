package booking

import (
	"context"
	"time"
)

// Pending reports whether the latest code for phone and purpose can still
// be used: not used, not replaced, not expired, wrong entries left. A
// caller refused a new code because one went out a moment ago is told to
// use that one, never that a new one was sent.
func (c *Codes) Pending(ctx context.Context, phone, purpose string) (bool, error) {
	now := c.Svc.Now()
	var vc VerificationCode
	err := c.Svc.store.View(ctx, func(tx Tx) (err error) {
		vc, err = tx.LatestCode(phone, purpose)
		return err
	})
	switch {
	case ErrorCode(err) == ENotFound:
		return false, nil
	case err != nil:
		return false, err
	}
	return vc.UsedAt.IsZero() && now.Before(vc.ExpiresAt) && vc.Attempts < c.Rules.Attempts, nil
}

// ValidFor is how long a code works (sms.code_ttl), for texts that say so.
func (c *Codes) ValidFor() time.Duration { return c.Rules.TTL }
