package ivr

import (
	"errors"
	"time"

	"yuyue/booking"
)

// The code step: the phone the booking will use proves itself before
// anything about the citizen is stored, said or held. One code per call:
// the same phone is not asked twice. Every flow verifies with the booking
// purpose, which Confirm checks.

// sendCodeTo makes phone the call's phone and asks for its code, unless it
// already passed one this call.
func (c *call) sendCodeTo(phone string) error {
	if c.s.Phone != phone {
		c.s.Verified = false
	}
	c.s.Phone = phone
	if c.s.Verified {
		// No second text for query/cancel while the proof of this call is
		// within booking.verified_for: carriers reject repeats to one number.
		skip, err := c.codes.SkipCode(c.ctx, phone, true)
		if err != nil {
			return err
		}
		if skip {
			return c.codePassed()
		}
		c.s.Verified = false
	}
	return c.sendCode()
}

// sendCode (re)sends a code to the call's phone and waits for it. Calls
// without a usable calling number share one per-caller bucket.
func (c *call) sendCode() error {
	if err := c.goTo(StepCode); err != nil {
		return err
	}
	err := c.codes.Issue(c.ctx, c.s.Phone, booking.PurposeBooking, booking.CallerNumber(c.rec.From))
	switch reason := rateReason(err); {
	case err == nil:
		c.note(c.codeSentKey())
		c.note("code_ttl", minutes(c.codes.Rules.TTL))
		if c.writesName() {
			return c.askName()
		}
	case reason == "resend_too_soon":
		return c.codeNotSent(err)
	case reason == "unverified_budget":
		c.note("code_busy")
		return c.abandonHold(StepMenu)
	case reason != "":
		key, n := c.capOf(reason)
		c.note(key, n)
		return c.abandonHold(StepMenu)
	default:
		return wrapf(err, "issue code")
	}
	return nil
}

// codeNotSent says honestly that no code went out because one did a moment
// ago: use that one if it still works, and in how many seconds a new one
// may be asked for.
func (c *call) codeNotSent(err error) error {
	wait := int(booking.ErrorUntil(err).Sub(c.svc.Now()).Seconds() + 0.999)
	pending, perr := c.codes.Pending(c.ctx, c.s.Phone, booking.PurposeBooking)
	if perr != nil {
		return wrapf(perr, "pending code")
	}
	if pending {
		c.note("code_use_last", max(wait, 1))
	} else {
		c.note("code_too_soon", max(wait, 1))
	}
	return nil
}

// capOf is the prompt for a cap refusal and the configured count it names.
func (c *call) capOf(reason string) (string, int) {
	switch reason {
	case "hourly_cap":
		return "code_cap_hour", c.codes.Rules.PerHour
	case "daily_cap":
		return "code_cap_day", c.codes.Rules.PerDay
	}
	return "code_cap_caller", c.codes.Rules.PerCallerDay
}

// minutes is d in whole minutes, at least 1, for prompts.
func minutes(d time.Duration) int { return max(int(d/time.Minute), 1) }

// rateReason is the reason of an ERateLimited error, "" for anything else.
func rateReason(err error) string {
	var e *booking.Error
	if errors.As(err, &e) && e.Code == booking.ERateLimited {
		return e.Message
	}
	return ""
}

// codeSentKey says where the code went without a digit of the number: to
// this phone, to the phone registered with the keyed ID (with the way out
// when that phone is lost), or to the number the caller keyed.
func (c *call) codeSentKey() string {
	own, _ := booking.NormalizeMobile(booking.CallerNumber(c.rec.From))
	switch {
	case c.s.Phone == own:
		return "code_sent_this"
	case c.s.Candidate != 0:
		return "code_sent_registered"
	}
	return "code_sent_chosen"
}

// onCode takes six digits; * sends a new code, 0 reaches the operator (a
// registered phone that is lost).
func (c *call) onCode(in input) error {
	switch {
	case in.digits == "*":
		return c.sendCode()
	case in.digits == "0":
		return c.transfer()
	case in.digits == "9" && c.mayChangePhone():
		return c.goTo(StepPhoneChoice)
	}
	if len(in.digits) != 6 {
		return c.failInput(in, "code_wrong")
	}
	err := c.codes.Verify(c.ctx, c.s.Phone, booking.PurposeBooking, in.digits)
	switch booking.ErrorCode(err) {
	case "":
	case booking.EInvalid:
		return c.fail("code_wrong")
	case booking.EExpired, booking.ENotFound:
		return c.fail("code_expired")
	case booking.ERateLimited:
		return c.fail("code_locked")
	default:
		return wrapf(err, "verify code")
	}
	c.s.Verified = true
	return c.codePassed()
}

// mayChangePhone: a caller who chose the phone (a new registration, or an
// ID not registered) may choose another at the code step, for a mistyped
// number; a registered ID's code always goes to its registered phone.
func (c *call) mayChangePhone() bool { return c.s.SealedID != nil && c.s.HoldID == 0 }

// codePassed goes on once the call's phone is proven, in the transaction
// that accepted the code: back to a held place, on as the found citizen,
// or registering the new one.
func (c *call) codePassed() error {
	switch {
	case c.s.HoldID != 0:
		return c.goTo(StepConfirm)
	case c.s.CitizenID != 0:
		return c.continueFlow(nil)
	case c.s.Candidate != 0:
		return c.adoptCandidate()
	case c.s.SealedID != nil && c.s.Flow == FlowBook:
		return c.register()
	}
	c.s.SealedID, c.s.IDMasked = nil, ""
	c.note("not_registered")
	return c.goTo(StepMenu)
}

// adoptCandidate makes the found citizen the caller's identity, if the code
// went to the phone still registered with them.
func (c *call) adoptCandidate() error {
	cz, err := c.svc.Citizen(c.ctx, c.s.Candidate)
	if err != nil && booking.ErrorCode(err) != booking.ENotFound {
		return wrapf(err, "citizen")
	}
	c.s.Candidate = 0
	if err != nil || !cz.Active || cz.Phone != c.s.Phone {
		c.note("not_registered") // deregistered or changed meanwhile
		return c.goTo(StepMenu)
	}
	c.s.CitizenID = cz.ID
	return c.continueFlow(&cz)
}

// continueFlow starts what the caller chose at the menu, as a verified
// citizen: cz is the citizen as this step read it, or nil to read it here
// (once: the elder check and the ban check share the read).
func (c *call) continueFlow(cz *booking.Citizen) error {
	needed := c.s.Flow == FlowBook || (!c.s.Elder && c.v.Voice.ElderAge > 0)
	if cz == nil && needed {
		got, err := c.svc.Citizen(c.ctx, c.s.CitizenID)
		if err != nil {
			return wrapf(err, "citizen")
		}
		cz = &got
	}
	if !c.s.Elder && c.v.Voice.ElderAge > 0 {
		c.markElder(cz.IDNumber)
	}
	if c.s.Flow == FlowBook {
		return c.startBookingFor(*cz)
	}
	return c.startManage()
}
