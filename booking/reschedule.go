package booking

import (
	"context"
	"time"
)

// Reschedule (改约) moves a booking to another place of the same business,
// at the same or another office, in one transaction: the new place is taken
// and the old one returned together, so the citizen has exactly one active
// booking before and after and no crash leaves two or none. The booking
// keeps its id and its reference. It is allowed until the cancellation
// deadline of the old booking, needs a phone that passed a code recently
// (a booking code, or the code of the call or session that found the
// booking), is audited, and counts toward nothing. The old place is offered
// to the waitlist at once; the SMS confirms the new time.
func (s *Service) Reschedule(ctx context.Context, a Actor, bookingID, placeID int64) (Booking, error) {
	now := s.Now()
	var b Booking
	err := s.store.InTx(ctx, func(tx Tx) error {
		old, err := tx.Booking(bookingID)
		if err != nil {
			return err
		}
		if old.PlaceID == placeID && old.Status == StatusBooked {
			return Errorf(EInvalid, "same_place")
		}
		if old.Status != StatusBooked {
			return Errorf(EConflict, "a %s booking cannot be rescheduled", old.Status)
		}
		if !s.Rules.CanCancel(now, old.Date, s.loc()) {
			d := s.Rules.CancelDeadline(old.Date, s.loc())
			return &Error{Code: EDeadline, Message: "rescheduling closed at " + d.Format(time.DateTime), Until: d}
		}
		p, err := tx.Place(placeID)
		if err != nil {
			return err
		}
		if p.Business != old.Business {
			return Errorf(EInvalid, "another_business")
		}
		if err := s.bookable(tx, p, now); err != nil {
			return err // outside the window, a holiday, or a closed office
		}
		c, err := tx.CitizenByID(old.CitizenID)
		if err != nil {
			return err
		}
		if err := s.mayBook(c, now); err != nil {
			return err
		}
		if err := s.verifiedEither(tx, c.Phone, now); err != nil {
			return err
		}
		// step 1: the new place
		if err := tx.TakePlace(p.ID); err != nil {
			return err
		}
		b = old
		b.PlaceID, b.Office, b.Date, b.Start, b.End = p.ID, p.Office, p.Date, p.Start, p.End
		b.Attending, b.RemindedAt = false, time.Time{}
		if err := tx.MoveBooking(b.ID, p); err != nil {
			return err
		}
		// step 2: the old place back, in the same transaction
		if err := tx.ReturnPlace(old.PlaceID); err != nil {
			return err
		}
		m := s.bookingMessage(MsgRescheduled, c, b)
		if err := tx.Enqueue(m); err != nil {
			return err
		}
		if err := s.audit(tx, a, "booking.reschedule", c.ID, b.ID, "place %d (%s %s %s) to place %d (%s %s %s), reference kept",
			old.PlaceID, old.Office, old.Date, old.Start, p.ID, p.Office, p.Date, p.Start); err != nil {
			return err
		}
		_, err = s.offerTx(tx, a, PlaceFilter{Office: old.Office, Business: old.Business, From: old.Date, To: old.Date})
		return err
	})
	if err != nil {
		return Booking{}, err
	}
	return b, nil
}

// verifiedEither accepts a phone that passed a booking code or, within the
// same window, the code that let the citizen find the booking (query).
func (s *Service) verifiedEither(tx Tx, phone string, now time.Time) error {
	for _, purpose := range []string{PurposeBooking, PurposeManage} {
		ok, err := tx.PhoneVerified(phone, purpose, now)
		if err != nil || ok {
			return err
		}
	}
	return Errorf(ENotVerified, "the phone has not passed the SMS code")
}

// RescheduleOwn reschedules the citizen's own booking, with the booking
// code sent to their phone checked in the same step as ConfirmWithCode
// does (the web and the app).
func (ac *Accounts) RescheduleOwn(ctx context.Context, a Actor, c Citizen, bookingID, placeID int64, code string) (Booking, error) {
	b, err := ac.OwnBooking(ctx, c.ID, bookingID)
	if err != nil {
		return b, err
	}
	if b.Status != StatusBooked {
		return b, Errorf(EConflict, "a %s booking cannot be rescheduled", b.Status)
	}
	if !ac.Svc.Rules.CanCancel(ac.Svc.Now(), b.Date, ac.Svc.loc()) {
		d := ac.Svc.Rules.CancelDeadline(b.Date, ac.Svc.loc())
		return b, &Error{Code: EDeadline, Message: "rescheduling closed at " + d.Format(time.DateTime), Until: d}
	}
	var result error
	err = ac.Svc.store.InTx(ctx, func(tx Tx) (err error) {
		result, err = ac.Codes.VerifyTx(tx, c.Phone, PurposeBooking, code)
		return err
	})
	if err = firstErr(err, result); err != nil {
		return b, err
	}
	return ac.Svc.Reschedule(ctx, a, bookingID, placeID)
}

// AcceptOwnOffer confirms the offer of the citizen's waitlist entry with
// the booking code sent to their phone (the web and the app).
func (ac *Accounts) AcceptOwnOffer(ctx context.Context, a Actor, c Citizen, entryID int64, code string) (Booking, error) {
	w, err := ac.Svc.WaitEntry(ctx, c.ID, entryID)
	if err != nil {
		return Booking{}, err
	}
	if w.Status != WaitOffered && w.Status != WaitAccepted {
		return Booking{}, Errorf(EExpired, "no open offer")
	}
	return ac.ConfirmWithCode(ctx, a, c, w.OfferBookingID, code)
}

// Place returns one place.
func (s *Service) Place(ctx context.Context, id int64) (Place, error) {
	var p Place
	err := s.store.View(ctx, func(tx Tx) (err error) {
		p, err = tx.Place(id)
		return err
	})
	return p, err
}
