package booking

import (
	"context"
)

// SkipCode reports whether a caller who already passed a code earlier in
// this call (passedThisCall) may query or cancel without a second one:
// carriers reject the same text to one number sent repeatedly, and the
// phone proved itself moments ago. It holds while that proof, for booking
// or for query/cancel, is within verified_for; a caller who passed
// nothing in this call always gets a code, whatever another call proved.
//
// The IVR calls it before sending a code to a phone that already passed one
// in the same call (ivr sendCodeTo).
func (c *Codes) SkipCode(ctx context.Context, phone string, passedThisCall bool) (bool, error) {
	if !passedThisCall {
		return false, nil
	}
	for _, purpose := range []string{PurposeManage, PurposeBooking} {
		ok, err := c.Svc.PhoneVerified(ctx, phone, purpose)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}
