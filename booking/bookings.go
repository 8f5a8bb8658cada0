package booking

import (
	"context"
	"strconv"
	"time"
)

// Availability lists places within the booking window matching f; places on
// days that stopped being working days are left out.
func (s *Service) Availability(ctx context.Context, f PlaceFilter) ([]Place, error) {
	now := s.Now()
	today := DateOf(now, s.loc())
	if f.From.IsZero() || f.From.Before(today.AddDays(1)) {
		f.From = today.AddDays(1)
	}
	if last := today.AddDays(s.Rules.WindowDays); f.To.IsZero() || last.Before(f.To) {
		f.To = last
	}
	var ps []Place
	var closed []ClosedSlot
	st := s.store
	if s.listings != nil { // a bound copy: list from the read pool (bound.go)
		st = s.listings
	}
	err := st.View(ctx, func(tx Tx) (err error) {
		if closed, err = s.closedSlots(tx, today, f.From, f.To); err != nil {
			return err
		}
		ps, err = tx.Places(f)
		return err
	})
	out := ps[:0]
	for _, p := range ps {
		if s.Catalog.Calendar.IsWorkingDay(p.Date) && !slotClosed(closed, p) {
			out = append(out, p)
		}
	}
	return out, err
}

func slotClosed(closed []ClosedSlot, p Place) bool {
	for _, c := range closed {
		if c.Covers(p.Office, p.Date, p.Start) {
			return true
		}
	}
	return false
}

// bookable refuses a place on a day that stopped being bookable: outside
// the window, a holiday (the database's calendar, current in this
// transaction) or a closed office or period. Every channel's hold passes
// here, so a closure stops all of them at once.
func (s *Service) bookable(tx Tx, p Place, now time.Time) error {
	v, err := tx.CatalogVersion()
	if err != nil {
		return err
	}
	return s.bookableAt(tx, v, p, now)
}

// bookableAt is bookable with the catalog version v already read in tx.
func (s *Service) bookableAt(tx Tx, v int64, p Place, now time.Time) error {
	if err := s.syncCalendar(tx, v); err != nil {
		return err
	}
	if !s.Catalog.Calendar.InWindow(now, s.Rules.WindowDays, p.Date) {
		return Errorf(EInvalid, "date %s is outside the booking window", p.Date)
	}
	closed, err := s.closedSlotsAt(tx, v, DateOf(now, s.loc()), p.Date, p.Date, false)
	if err != nil {
		return err
	}
	if slotClosed(closed, p) {
		// EFull: every channel already says "no longer available, choose another".
		return Errorf(EFull, "office %s is closed on %s", p.Office, p.Date)
	}
	return nil
}

// Hold takes one unit of a place for a citizen for Rules.HoldTTL. The
// database refuses a second active booking for the business (EActive) and a
// place with no capacity left (EFull).
func (s *Service) Hold(ctx context.Context, a Actor, citizenID, placeID int64) (Booking, error) {
	return s.hold(ctx, a, citizenID, placeID, false)
}

// SwitchHold is Hold for a citizen who went back and chose another time:
// their own live holds of the same business are released first, in the
// same transaction, so their own unconfirmed hold never blocks them (the
// web site and the app, where a back button leaves a hold behind).
func (s *Service) SwitchHold(ctx context.Context, a Actor, citizenID, placeID int64) (Booking, error) {
	return s.hold(ctx, a, citizenID, placeID, true)
}

func (s *Service) hold(ctx context.Context, a Actor, citizenID, placeID int64, switching bool) (Booking, error) {
	now := s.Now()
	var b Booking
	err := s.store.InTx(ctx, func(tx Tx) error {
		f, err := s.holdFacts(tx, citizenID, placeID, now)
		if err != nil {
			return err
		}
		c, p := f.Citizen, f.Place
		if err := s.mayBook(c, now); err != nil {
			return err
		}
		if err := s.bookableAt(tx, f.CatalogVersion, p, now); err != nil {
			return err
		}
		if !switching && p.Taken >= p.Capacity {
			// What the rest would say, without its writes: at 08:00 most
			// attempts end here, and inserting a booking only for
			// TakePlace to undo it was most of a rush's writer time. A
			// switch may free a unit of this very place (the citizen's
			// own hold), so it goes the whole way.
			return refuseFull(f)
		}
		if f.Lapsed {
			if err := s.expireOwnHolds(tx, c.ID, p.Business, now); err != nil {
				return err
			}
		}
		if switching {
			if err := s.releaseOwnHolds(tx, a, c.ID, p.Business); err != nil {
				return err
			}
		}
		if f.Waiting {
			if !switching {
				return errOnWaitlist()
			}
			// The hold the switch released may have been the waitlist's
			// offer, whose entry the release ended (declinedTx): read again.
			if err := refuseWaiting(tx, c.ID, p.Business); err != nil {
				return err
			}
		}
		b = Booking{CitizenID: c.ID, PlaceID: p.ID, Business: p.Business, Office: p.Office, Date: p.Date,
			Start: p.Start, End: p.End, Status: StatusHeld, HoldExpiresAt: now.Add(s.Rules.HoldTTL),
			CreatedAt: now, Channel: a.Channel}
		if err := tx.InsertBooking(&b); err != nil {
			return err
		}
		if err := tx.TakePlace(p.ID); err != nil {
			return err
		}
		return s.audit(tx, a, "booking.hold", c.ID, b.ID, "place %d", p.ID)
	})
	return b, err
}

// holdFacts is tx.HoldFacts; when the citizen or the place does not
// exist, the single reads say which, in the order the checks come: a
// missing citizen, then a citizen who may not book, then a missing place.
func (s *Service) holdFacts(tx Tx, citizenID, placeID int64, now time.Time) (HoldFacts, error) {
	f, err := tx.HoldFacts(citizenID, placeID, now)
	if ErrorCode(err) != ENotFound {
		return f, err
	}
	c, err := tx.CitizenByID(citizenID)
	if err != nil {
		return f, err
	}
	if err := s.mayBook(c, now); err != nil {
		return f, err
	}
	_, err = tx.Place(placeID)
	return f, firstErr(err, Errorf(ENotFound, "place not found"))
}

// refuseFull answers a hold on a place that has nothing left, as the
// whole hold would have, from what the hold read: a citizen with a live
// waitlist entry or an active booking of the business (a lapsed hold is
// not one: the next hold expires it) hears that first, as before the
// shortcut, since choosing another period would not help them; anyone
// else hears that the place is full.
func refuseFull(f HoldFacts) error {
	switch {
	case f.Waiting:
		return errOnWaitlist()
	case f.Active:
		return errActiveBooking()
	}
	return Errorf(EFull, "place %d is full", f.Place.ID)
}

// refuseActive is EActive when the citizen has an active booking of the
// business; a hold that lapsed at now is not one (the next hold expires
// it). It only reads.
func refuseActive(tx Tx, citizenID int64, business string, now time.Time) error {
	bs, err := tx.Bookings(BookingFilter{CitizenID: citizenID, Business: business, Statuses: ActiveStatuses})
	if err != nil {
		return err
	}
	for _, b := range bs {
		if b.Status != StatusHeld || !b.HoldExpiresAt.Before(now) {
			return errActiveBooking()
		}
	}
	return nil
}

// errOnWaitlist and errActiveBooking are the EActive refusals of a hold
// for a citizen with a live waitlist entry or an active booking of the
// business.
func errOnWaitlist() error    { return Errorf(EActive, "on_waitlist") }
func errActiveBooking() error { return Errorf(EActive, "an active booking for this business exists") }

// refuseWaiting is EActive when the citizen has a live waitlist entry for
// the business: it is their active request for it, as a booking would be.
func refuseWaiting(tx Tx, citizenID int64, business string) error {
	ws, err := tx.WaitEntries(WaitFilter{CitizenID: citizenID, Business: business, Statuses: LiveWait, Limit: 1})
	if err != nil || len(ws) > 0 {
		return firstErr(err, errOnWaitlist())
	}
	return nil
}

func (s *Service) mayBook(c Citizen, now time.Time) error {
	if !c.Active {
		return Errorf(ENotFound, "citizen is deregistered")
	}
	if c.Banned(now) {
		return &Error{Code: EBlacklisted, Message: "citizen is blacklisted", Until: c.BannedUntil}
	}
	return nil
}

// expireOwnHolds ends the citizen's lapsed holds for a business so that they
// do not block a new hold before the release job has run.
func (s *Service) expireOwnHolds(tx Tx, citizenID int64, business string, now time.Time) error {
	hs, err := tx.Bookings(BookingFilter{CitizenID: citizenID, Business: business,
		Statuses: []Status{StatusHeld}, HoldExpiredBefore: now})
	for _, h := range hs {
		if err != nil {
			break
		}
		h.Status = StatusExpired
		err = tx.UpdateBooking(h)
	}
	return err
}

// releaseOwnHolds gives back the citizen's live holds of a business.
func (s *Service) releaseOwnHolds(tx Tx, a Actor, citizenID int64, business string) error {
	hs, err := tx.Bookings(BookingFilter{CitizenID: citizenID, Business: business, Statuses: []Status{StatusHeld}})
	for _, h := range hs {
		if err != nil {
			break
		}
		err = s.releaseTx(tx, a, h)
	}
	return err
}

// ReleaseHold gives a held place back at once (the caller hung up or started
// again). Releasing a hold that is no longer held does nothing.
func (s *Service) ReleaseHold(ctx context.Context, a Actor, holdID int64) error {
	return s.store.InTx(ctx, func(tx Tx) error {
		b, err := tx.Booking(holdID)
		if err != nil || b.Status != StatusHeld {
			return err
		}
		return s.releaseTx(tx, a, b)
	})
}

func (s *Service) releaseTx(tx Tx, a Actor, b Booking) error {
	b.Status, b.Returned = StatusExpired, true
	if err := tx.UpdateBooking(b); err != nil {
		return err
	}
	if err := tx.ReturnPlace(b.PlaceID); err != nil {
		return err
	}
	if err := s.audit(tx, a, "booking.release_hold", b.CitizenID, b.ID, "place %d", b.PlaceID); err != nil {
		return err
	}
	if err := s.declinedTx(tx, a, b); err != nil {
		return err
	}
	_, err := s.offerTx(tx, a, PlaceFilter{Office: b.Office, Business: b.Business, From: b.Date, To: b.Date})
	return err
}

// Confirm turns a live hold into a booking with a reference and queues the
// confirmation SMS in the same transaction. The citizen's phone must have
// passed a booking code. Confirming a booking twice returns it unchanged, so
// a retried webhook does no harm.
func (s *Service) Confirm(ctx context.Context, a Actor, holdID int64) (Booking, error) {
	var b Booking
	err := s.store.InTx(ctx, func(tx Tx) (err error) {
		b, err = s.confirmTx(tx, a, holdID, true)
		return err
	})
	return b, err
}

// confirmTx is Confirm inside a transaction; needCode false when the phone
// proved itself otherwise (an SMS reply from it).
func (s *Service) confirmTx(tx Tx, a Actor, holdID int64, needCode bool) (Booking, error) {
	now := s.Now()
	// The booking's reference is drawn before the read, which says
	// whether it is taken: almost never, and then more are drawn.
	ref, err := s.NewReference()
	if err != nil {
		return Booking{}, err
	}
	f, err := tx.ConfirmFacts(holdID, PurposeBooking, now, ref)
	b, c := f.Booking, f.Citizen
	if err != nil {
		return b, err
	}
	if b.Status == StatusBooked {
		return b, nil
	}
	if b.Status != StatusHeld || !now.Before(b.HoldExpiresAt) {
		return b, Errorf(EExpired, "the hold has expired")
	}
	if err := s.mayBook(c, now); err != nil {
		return b, err
	}
	if needCode && !f.Verified {
		return b, Errorf(ENotVerified, "the phone has not passed the SMS code")
	}
	b.Reference = ref
	if f.ReferenceTaken {
		if b.Reference, err = s.freshReference(tx); err != nil {
			return b, err
		}
	}
	b.Status, b.ConfirmedAt = StatusBooked, now
	if err := tx.UpdateBooking(b); err != nil {
		return b, err
	}
	if err := tx.Enqueue(s.bookingMessage(MsgConfirmation, c, b)); err != nil {
		return b, err
	}
	if err := s.acceptedTx(tx, a, b); err != nil {
		return b, err
	}
	return b, s.audit(tx, a, "booking.confirm", c.ID, b.ID, "reference issued")
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// freshReference draws references until one is unused; collisions are rare
// (1 in 900 million per booking) but the database is the judge.
func (s *Service) freshReference(tx Tx) (string, error) {
	for range 10 {
		ref, err := s.NewReference()
		if err != nil {
			return "", err
		}
		if _, err := tx.BookingByReference(ref); ErrorCode(err) == ENotFound {
			return ref, nil
		} else if err != nil {
			return "", err
		}
	}
	return "", Errorf(EInternal, "no free reference after 10 draws")
}

// bookingMessage builds an outbox message about b for the citizen's phone.
func (s *Service) bookingMessage(kind string, c Citizen, b Booking) Message {
	p := map[string]string{
		"name": MaskName(c.Name), "ref": b.Reference, "date": b.Date.String(),
		"start": b.Start, "end": b.End, "business_code": b.Business, "office_code": b.Office,
		"deadline": s.Rules.CancelDeadline(b.Date, s.loc()).Format("2006-01-02 15:04"),
		// the blacklist rule as configured, for the no-show and blacklist notices
		"strikes": strconv.Itoa(s.Rules.BanStrikes), "months": strconv.Itoa(s.Rules.BanMonths),
	}
	if biz, ok := s.Catalog.Business(b.Business); ok {
		p["business"], p["bring"] = biz.Name, biz.Bring
	}
	if o, ok := s.Catalog.Office(b.Office); ok {
		p["office"], p["address"] = o.Name, o.Address
	}
	return Message{To: c.Phone, Kind: kind, Params: p, CitizenID: c.ID, BookingID: b.ID}
}

// Cancel cancels a booking before the deadline (18:00 the day before) and
// queues the cancellation notice. The place returns to the pool through the
// release job. Cancelling a cancelled booking returns it unchanged.
func (s *Service) Cancel(ctx context.Context, a Actor, bookingID int64) (Booking, error) {
	now := s.Now()
	var b Booking
	err := s.store.InTx(ctx, func(tx Tx) error {
		var err error
		if b, err = tx.Booking(bookingID); err != nil {
			return err
		}
		switch {
		case b.Status == StatusCancelled:
			return nil
		case b.Status != StatusBooked:
			return Errorf(EConflict, "a %s booking cannot be cancelled", b.Status)
		case !s.Rules.CanCancel(now, b.Date, s.loc()):
			d := s.Rules.CancelDeadline(b.Date, s.loc())
			return &Error{Code: EDeadline, Message: "cancellation closed at " + d.Format(time.DateTime), Until: d}
		}
		c, err := tx.CitizenByID(b.CitizenID)
		if err != nil {
			return err
		}
		b.Status, b.CancelledAt = StatusCancelled, now
		if err := tx.UpdateBooking(b); err != nil {
			return err
		}
		if err := tx.Enqueue(s.bookingMessage(MsgCancellation, c, b)); err != nil {
			return err
		}
		if err := s.audit(tx, a, "booking.cancel", b.CitizenID, b.ID, "cancelled"); err != nil {
			return err
		}
		return s.passToWaitlistTx(tx, a, b)
	})
	return b, err
}

// CheckIn takes a number (取号) for a booking on its day after the clerk typed
// the ID number on the presented card, which must be the booking's.
func (s *Service) CheckIn(ctx context.Context, a Actor, bookingID int64, presentedID string) (Booking, error) {
	now := s.Now()
	presented, err := NormalizeIDNumber(presentedID, now)
	if err != nil {
		return Booking{}, err
	}
	var b Booking
	err = s.store.InTx(ctx, func(tx Tx) error {
		if b, err = tx.Booking(bookingID); err != nil {
			return err
		}
		if b.Status == StatusCheckedIn {
			return nil
		}
		if b.Status != StatusBooked {
			return Errorf(EConflict, "a %s booking cannot be checked in", b.Status)
		}
		if b.Date != DateOf(now, s.loc()) {
			return Errorf(EInvalid, "the booking is for %s, not today", b.Date)
		}
		if now.After(s.Rules.NoShowAfter(b.Date, b.End, s.loc())) {
			return Errorf(EDeadline, "the period and its grace are over")
		}
		c, err := tx.CitizenByID(b.CitizenID)
		if err != nil {
			return err
		}
		if c.IDNumber != presented {
			return Errorf(EForbidden, "the presented ID card does not match the booking")
		}
		if b.QueueNo, err = tx.NextQueueNo(b.Office, b.Date); err != nil {
			return err
		}
		b.Status, b.CheckedInAt = StatusCheckedIn, now
		if err := tx.UpdateBooking(b); err != nil {
			return err
		}
		return s.audit(tx, a, "booking.checkin", b.CitizenID, b.ID, "queue number %d", b.QueueNo)
	})
	return b, err
}

// Complete marks a checked-in booking as served.
func (s *Service) Complete(ctx context.Context, a Actor, bookingID int64) (Booking, error) {
	var b Booking
	err := s.store.InTx(ctx, func(tx Tx) error {
		var err error
		if b, err = tx.Booking(bookingID); err != nil || b.Status == StatusCompleted {
			return err
		}
		if b.Status != StatusCheckedIn {
			return Errorf(EConflict, "only a checked-in booking can be completed")
		}
		b.Status, b.CompletedAt = StatusCompleted, s.Now()
		if err := tx.UpdateBooking(b); err != nil {
			return err
		}
		return s.audit(tx, a, "booking.complete", b.CitizenID, b.ID, "completed")
	})
	return b, err
}

// ConfirmAttendance records the citizen's "I will come" (SMS reply 1) on
// their next booking and returns it.
func (s *Service) ConfirmAttendance(ctx context.Context, a Actor, citizenID int64) (Booking, error) {
	var b Booking
	err := s.store.InTx(ctx, func(tx Tx) error {
		bs, err := tx.Bookings(BookingFilter{CitizenID: citizenID, Statuses: []Status{StatusBooked}, Limit: 1})
		if err != nil {
			return err
		}
		if len(bs) == 0 {
			return Errorf(ENotFound, "no active booking")
		}
		b = bs[0]
		if b.Attending {
			return nil
		}
		b.Attending = true
		if err := tx.UpdateBooking(b); err != nil {
			return err
		}
		return s.audit(tx, a, "booking.attend", b.CitizenID, b.ID, "attendance confirmed")
	})
	return b, err
}

// ActiveBookings lists a citizen's booked and checked-in bookings, soonest first.
func (s *Service) ActiveBookings(ctx context.Context, citizenID int64) ([]Booking, error) {
	return s.Bookings(ctx, BookingFilter{CitizenID: citizenID, Statuses: []Status{StatusBooked, StatusCheckedIn}})
}

// Bookings lists bookings matching f, soonest first.
func (s *Service) Bookings(ctx context.Context, f BookingFilter) ([]Booking, error) {
	var out []Booking
	err := s.store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.Bookings(f)
		return err
	})
	return out, err
}

// Booking returns one booking.
func (s *Service) Booking(ctx context.Context, id int64) (Booking, error) {
	var b Booking
	err := s.store.View(ctx, func(tx Tx) (err error) {
		b, err = tx.Booking(id)
		return err
	})
	return b, err
}

// BookingByReference returns the booking with a reference.
func (s *Service) BookingByReference(ctx context.Context, ref string) (Booking, error) {
	if !ValidReference(ref) {
		return Booking{}, Errorf(EInvalid, "not a booking reference")
	}
	var b Booking
	err := s.store.View(ctx, func(tx Tx) (err error) {
		b, err = tx.BookingByReference(ref)
		return err
	})
	return b, err
}
