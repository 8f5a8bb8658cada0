package booking

import "context"

// OwnBooking returns a booking of the citizen; another citizen's booking is
// EForbidden.
func (ac *Accounts) OwnBooking(ctx context.Context, citizenID, bookingID int64) (Booking, error) {
	b, err := ac.Svc.Booking(ctx, bookingID)
	if err == nil && b.CitizenID != citizenID {
		return Booking{}, Errorf(EForbidden, "not_your_booking")
	}
	return b, err
}

// HoldPlace holds a place for the citizen once they have read the business
// notice (业务须知): the web and app must show it and have it acknowledged
// before a time is chosen, as the IVR reads it before the dates.
func (ac *Accounts) HoldPlace(ctx context.Context, a Actor, citizenID, placeID int64, noticeRead bool) (Booking, error) {
	if !noticeRead {
		return Booking{}, Errorf(EInvalid, "notice_not_acknowledged")
	}
	// a back button leaves the earlier hold behind: the new choice replaces it
	return ac.Svc.SwitchHold(ctx, a, citizenID, placeID)
}

// ConfirmWithCode confirms the citizen's own hold with the booking code sent
// to their phone: the code is accepted (and the phone marked verified) in
// one transaction, the booking confirmed by Service.Confirm, which checks
// the verification again. A confirmed booking is returned unchanged.
func (ac *Accounts) ConfirmWithCode(ctx context.Context, a Actor, c Citizen, holdID int64, code string) (Booking, error) {
	b, err := ac.OwnBooking(ctx, c.ID, holdID)
	if err != nil || b.Status == StatusBooked {
		return b, err
	}
	if b.Status != StatusHeld {
		return b, Errorf(EExpired, "the hold has expired")
	}
	var result error
	err = ac.Svc.store.InTx(ctx, func(tx Tx) (err error) {
		result, err = ac.Codes.VerifyTx(tx, c.Phone, PurposeBooking, code)
		return err
	})
	if err = firstErr(err, result); err != nil {
		return b, err
	}
	return ac.Svc.Confirm(ctx, a, holdID)
}

// CancelOwn cancels the citizen's own booking under Service.Cancel's rules.
func (ac *Accounts) CancelOwn(ctx context.Context, a Actor, citizenID, bookingID int64) (Booking, error) {
	if _, err := ac.OwnBooking(ctx, citizenID, bookingID); err != nil {
		return Booking{}, err
	}
	return ac.Svc.Cancel(ctx, a, bookingID)
}

// ReleaseOwnHold gives the citizen's own hold back (they chose another time).
func (ac *Accounts) ReleaseOwnHold(ctx context.Context, a Actor, citizenID, holdID int64) error {
	if _, err := ac.OwnBooking(ctx, citizenID, holdID); err != nil {
		return err
	}
	return ac.Svc.ReleaseHold(ctx, a, holdID)
}

// Query finds a booking by reference for whoever knows the ID number it was
// made with, without logging in. A wrong ID number and an unknown reference
// get the same ENotFound.
func (ac *Accounts) Query(ctx context.Context, ref, idNumber string) (Booking, Citizen, error) {
	id, err := NormalizeIDNumber(idNumber, ac.Svc.Now())
	if err != nil {
		return Booking{}, Citizen{}, err
	}
	b, err := ac.Svc.BookingByReference(ctx, ref)
	if err != nil {
		return Booking{}, Citizen{}, err
	}
	c, err := ac.Svc.Citizen(ctx, b.CitizenID)
	if err != nil {
		return Booking{}, Citizen{}, err
	}
	if c.IDNumber != id {
		return Booking{}, Citizen{}, Errorf(ENotFound, "booking not found")
	}
	return b, c, nil
}
