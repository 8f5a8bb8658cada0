package booking

import (
	"context"
	"strings"
	"time"
)

// Budgets of anonymous code requests: the web and API's "send me a code"
// for registering or resetting a password, asked by nobody signed in. A
// stranger can make them for any number, so they get a budget of their own
// that never counts against the number's quota (PerHour, PerDay), which is
// kept for the citizen's calls and signed-in sessions. A real citizen
// registering or resetting a password needs one code, two with a retry.
const (
	AnonPerNumberHour = 2  // anonymous codes to one number per hour
	AnonPerNumberDay  = 4  // … per 24 h
	AnonPerAddrHour   = 10 // anonymous codes one client address may ask for per hour (an office or carrier NAT)
	AnonPerAddrDay    = 30 // … per 24 h
)

// anonPrefix marks an anonymous request's caller ("anon:ip:1.2.3.4"): the
// per-number and per-address budgets count the codes carrying it.
const anonPrefix = "anon:"

// IssueAnonymous is Issue for a request nobody signed in made from address
// addr ("ip:…"), within the anonymous budgets. It shares the number's resend
// spacing (a carrier sends one code a minute to a number at most) but no
// quota. A refusal is ERateLimited "anon_number_cap" or "anon_address_cap".
func (c *Codes) IssueAnonymous(ctx context.Context, phone, purpose, addr string) error {
	return c.issue(ctx, phone, purpose, anonPrefix+addr)
}

func anonymous(caller string) bool { return strings.HasPrefix(caller, anonPrefix) }

// allowedAnon applies the anonymous budgets.
func (c *Codes) allowedAnon(tx Tx, phone, caller string, now time.Time) error {
	if err := c.resendSpacing(tx, phone, now); err != nil {
		return err
	}
	for _, b := range []struct {
		since              time.Duration
		perNumber, perAddr int
	}{{time.Hour, AnonPerNumberHour, AnonPerAddrHour}, {24 * time.Hour, AnonPerNumberDay, AnonPerAddrDay}} {
		byNumber, err := tx.CountAnonymousCodes(phone, now.Add(-b.since))
		if err != nil {
			return err
		}
		_, byAddr, err := tx.CountCodes(phone, caller, now.Add(-b.since))
		switch {
		case err != nil:
			return err
		case byNumber >= b.perNumber:
			return Errorf(ERateLimited, "anon_number_cap")
		case byAddr >= b.perAddr:
			return Errorf(ERateLimited, "anon_address_cap")
		}
	}
	return nil
}
