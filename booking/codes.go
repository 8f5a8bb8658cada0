package booking

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// CodeRules are SPEC §4's limits on verification codes.
type CodeRules struct {
	TTL          time.Duration // 5 min
	Attempts     int           // wrong entries allowed per code (5)
	ResendAfter  time.Duration // 60 s
	PerHour      int           // codes per number per hour (5)
	PerDay       int           // codes per number per 24 h (10)
	PerCallerDay int           // codes one calling number may trigger per 24 h
	// UnverifiedPerHour is the hourly budget, all numbers together, of
	// codes to numbers that never passed a code: what SMS pumping sends.
	// 0 means no budget.
	UnverifiedPerHour int
}

// AnonymousCaller is the one bucket every request without a usable calling
// number counts under: hiding the number must not escape the caller cap.
const AnonymousCaller = "anonymous"

// Codes issues and checks SMS verification codes: SPEC §4's caps per
// number, per caller and for anonymous requests, the resend spacing, the
// attempts and the budget of codes to never-verified numbers (SMS
// pumping). The SMS channel only delivers what Issue queues.
type Codes struct {
	Svc   *Service
	Key   []byte // HMAC key for code hashes, derived from secret_key
	Rules CodeRules
	// Kick, when set, wakes the outbox worker so a code leaves at once.
	Kick func()
	// BudgetHit, when set, is told of every code refused because the
	// unverified budget is used up (the SMS channel counts and warns).
	BudgetHit func(now time.Time)
}

func (c *Codes) hash(phone, purpose, code string) []byte {
	m := hmac.New(sha256.New, c.Key)
	fmt.Fprintf(m, "%s|%s|%s", phone, purpose, code)
	return m.Sum(nil)
}

// Issue creates a code for phone and purpose and queues it in the outbox, in
// one transaction. caller is who asked (the calling number on the phone,
// "" when there is none: AnonymousCaller), capped separately against SMS
// pumping. A refusal is ERateLimited with the reason.
func (c *Codes) Issue(ctx context.Context, phone, purpose, caller string) error {
	if caller == "" || anonymous(caller) {
		caller = AnonymousCaller
	}
	return c.issue(ctx, phone, purpose, caller)
}

func (c *Codes) issue(ctx context.Context, phone, purpose, caller string) error {
	now := c.Svc.Now()
	code, err := newCode()
	if err != nil {
		return err
	}
	err = c.Svc.store.InTx(ctx, func(tx Tx) error {
		known, unverified, err := c.allowed(tx, phone, caller, now)
		if err != nil {
			return err
		}
		unknown, err := c.unknownWithinBudget(known, unverified)
		if err != nil {
			return err
		}
		vc := VerificationCode{Phone: phone, Purpose: purpose, Caller: caller, Unverified: unknown,
			Hash: c.hash(phone, purpose, code), CreatedAt: now, ExpiresAt: now.Add(c.Rules.TTL)}
		if err := tx.InsertCode(&vc); err != nil {
			return err
		}
		return tx.Enqueue(Message{To: phone, Kind: MsgCode, Params: map[string]string{"code": code}})
	})
	if err == nil && c.Kick != nil {
		c.Kick()
	}
	// Told here, not inside the transaction, which may run more than once.
	var e *Error
	if c.BudgetHit != nil && errors.As(err, &e) && e.Code == ERateLimited && e.Message == budgetRefusal {
		c.BudgetHit(now)
	}
	return err
}

// budgetRefusal is the message of a code refused for the unverified budget.
const budgetRefusal = "unverified_budget"

// resendSpacing refuses a code within ResendAfter of the number's last one,
// and while the provider refuses the number for the hour or the day.
func (c *Codes) resendSpacing(tx Tx, phone string, now time.Time) error {
	last, err := tx.LastCodeAt(phone)
	if err != nil {
		return err
	}
	level, err := tx.PhoneBlock(phone, now)
	if err != nil {
		return err
	}
	return c.spacing(last, level, now)
}

// spacing is resendSpacing's rule on what was read.
func (c *Codes) spacing(last time.Time, level string, now time.Time) error {
	if !last.IsZero() && now.Before(last.Add(c.Rules.ResendAfter)) {
		// Until says when a new code may be asked for, so no channel has to
		// claim one was sent.
		return &Error{Code: ERateLimited, Message: "resend_too_soon", Until: last.Add(c.Rules.ResendAfter)}
	}
	switch level {
	case "hour": // the provider refused this number for the hour
		return Errorf(ERateLimited, "hourly_cap")
	case "day":
		return Errorf(ERateLimited, "daily_cap")
	}
	return nil
}

// allowed applies the number's quota, which anonymous codes do not count
// against, and the caller cap; anonymous requests have their own budgets.
// It returns whether the phone is known (PhoneKnown) and, for a number
// not known while the unverified budget applies, the hour's unverified
// codes (CountUnverifiedCodes; else 0). For a known caller both come with
// the quota in one statement (CodeQuota): a round trip fewer on every
// code a new caller asks for, which in a rush all do.
func (c *Codes) allowed(tx Tx, phone, caller string, now time.Time) (known bool, unverified int, err error) {
	budget := c.Rules.UnverifiedPerHour > 0
	if anonymous(caller) {
		if err := c.allowedAnon(tx, phone, caller, now); err != nil {
			return false, 0, err
		}
		if known, err = tx.PhoneKnown(phone); err != nil || known || !budget {
			return known, 0, err
		}
		unverified, err = tx.CountUnverifiedCodes(now.Add(-time.Hour))
		return false, unverified, err
	}
	q, err := tx.CodeQuota(phone, caller, now, now.Add(-time.Hour), now.Add(-24*time.Hour), budget)
	if err != nil {
		return false, 0, err
	}
	if err := c.spacing(q.Last, q.Block, now); err != nil {
		return false, 0, err
	}
	// Until is the latest moment the cap can still apply: by then every
	// code it counted has left its window.
	switch {
	case q.Hour >= c.Rules.PerHour:
		return false, 0, &Error{Code: ERateLimited, Message: "hourly_cap", Until: now.Add(time.Hour)}
	case q.Day >= c.Rules.PerDay:
		return false, 0, &Error{Code: ERateLimited, Message: "daily_cap", Until: now.Add(24 * time.Hour)}
	case q.CallerDay >= c.Rules.PerCallerDay:
		return false, 0, &Error{Code: ERateLimited, Message: "caller_cap", Until: now.Add(24 * time.Hour)}
	}
	return q.Known, q.Unverified, nil
}

// ownCodes counts the number's codes since then that anonymous requests
// did not ask for.
func (c *Codes) ownCodes(tx Tx, phone string, since time.Time) (int, error) {
	all, _, err := tx.CountCodes(phone, "", since)
	if err != nil {
		return 0, err
	}
	anon, err := tx.CountAnonymousCodes(phone, since)
	return all - anon, err
}

// unknownWithinBudget reports whether the phone never passed a code (not
// known), and refuses (ERateLimited "unverified_budget") when such codes,
// n of them this hour, already used up the hour's budget.
func (c *Codes) unknownWithinBudget(known bool, n int) (bool, error) {
	if known {
		return false, nil
	}
	if c.Rules.UnverifiedPerHour > 0 && n >= c.Rules.UnverifiedPerHour {
		return true, Errorf(ERateLimited, budgetRefusal) // BudgetHit is told after the transaction (issue)
	}
	return true, nil
}

// Verify checks a code entered for phone and purpose in its own
// transaction; see VerifyTx.
func (c *Codes) Verify(ctx context.Context, phone, purpose, code string) error {
	var result error
	err := c.Svc.store.InTx(ctx, func(tx Tx) (err error) {
		result, err = c.VerifyTx(tx, phone, purpose, code)
		return err
	})
	if err != nil {
		return err
	}
	return result
}

// VerifyTx checks a code entered for phone and purpose inside tx. A right
// code marks the phone verified for purpose (Rules.VerifiedFor) in
// tx. A wrong one counts an attempt and is the result, not the error, so the
// caller can commit the count though the entry failed; after Rules.Attempts
// wrong entries the code is dead.
func (c *Codes) VerifyTx(tx Tx, phone, purpose, code string) (result, err error) {
	now := c.Svc.Now()
	vc, err := tx.LatestCode(phone, purpose)
	switch {
	case ErrorCode(err) == ENotFound:
		return Errorf(ENotFound, "no code was sent"), nil
	case err != nil:
		return nil, err
	case !vc.UsedAt.IsZero():
		return Errorf(EExpired, "code already used or replaced"), nil
	case !now.Before(vc.ExpiresAt):
		return Errorf(EExpired, "code expired"), nil
	case vc.Attempts >= c.Rules.Attempts:
		return Errorf(ERateLimited, "too many wrong entries"), nil
	}
	if !hmac.Equal(vc.Hash, c.hash(phone, purpose, code)) {
		vc.Attempts++
		return Errorf(EInvalid, "wrong code, %d tries left", c.Rules.Attempts-vc.Attempts), tx.UpdateCode(vc)
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
