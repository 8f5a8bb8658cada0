package booking

import (
	"context"
	"time"
)

// ReleaseResult counts what one release run did.
type ReleaseResult struct {
	Expired  int // holds whose TTL ran out
	Returned int // places given back to the pool
	// OffersExpired counts waitlist offers not confirmed in time; Offered
	// the returned places offered to the next waiting entries.
	OffersExpired, Offered int
}

// Release expires lapsed holds and returns the places of cancelled bookings
// and expired holds to the pool in one batch (放号). A second run with nothing
// new changes nothing.
func (s *Service) Release(ctx context.Context, a Actor) (ReleaseResult, error) {
	now := s.Now()
	var r ReleaseResult
	err := s.store.InTx(ctx, func(tx Tx) error {
		r = ReleaseResult{}
		var err error
		if r.OffersExpired, err = s.expireWaitlistTx(tx, a, now); err != nil {
			return err
		}
		hs, err := tx.Bookings(BookingFilter{Statuses: []Status{StatusHeld}, HoldExpiredBefore: now})
		if err != nil {
			return err
		}
		for _, h := range hs {
			h.Status = StatusExpired
			if err := tx.UpdateBooking(h); err != nil {
				return err
			}
			r.Expired++
		}
		rs, err := tx.Bookings(BookingFilter{Statuses: []Status{StatusCancelled, StatusExpired}, NotReturned: true, Limit: s.Rules.ReleaseBatchMax})
		if err != nil {
			return err
		}
		freed := map[PlaceFilter]bool{}
		for _, b := range rs {
			b.Returned = true
			if err := tx.UpdateBooking(b); err != nil {
				return err
			}
			if err := tx.ReturnPlace(b.PlaceID); err != nil {
				return err
			}
			r.Returned++
			freed[PlaceFilter{Office: b.Office, Business: b.Business, From: b.Date, To: b.Date}] = true
		}
		for f := range freed {
			n, err := s.offerTx(tx, a, f)
			if err != nil {
				return err
			}
			r.Offered += n
		}
		if r.Expired+r.Returned+r.OffersExpired == 0 {
			return nil
		}
		return s.audit(tx, a, "places.release", 0, 0, "expired %d holds, returned %d places, offered %d to the waitlist", r.Expired, r.Returned, r.Offered)
	})
	return r, err
}

// NoShowResult counts what one no-show run did.
type NoShowResult struct {
	Marked      int
	Blacklisted int
}

// MarkNoShows marks bookings not checked in by period end + grace as
// no-shows (their places are void, not returned), queues the notices, and
// blacklists citizens reaching the strike count. The no-show time is the
// deadline itself, so results do not depend on when the job runs.
func (s *Service) MarkNoShows(ctx context.Context, a Actor) (NoShowResult, error) {
	now := s.Now()
	var r NoShowResult
	err := s.store.InTx(ctx, func(tx Tx) error {
		r = NoShowResult{}
		bs, err := tx.Bookings(BookingFilter{Statuses: []Status{StatusBooked}, To: DateOf(now, s.loc())})
		if err != nil {
			return err
		}
		var closed []ClosedSlot
		if len(bs) > 0 {
			// a closed day is never a no-show, whatever is still booked on it
			if closed, err = tx.ClosedSlots(bs[0].Date, DateOf(now, s.loc())); err != nil {
				return err
			}
		}
		for _, b := range bs {
			at := s.Rules.NoShowAfter(b.Date, b.End, s.loc())
			if !now.After(at) || closedOn(closed, b) {
				continue
			}
			banned, err := s.noShow(tx, a, b, at)
			if err != nil {
				return err
			}
			r.Marked++
			if banned {
				r.Blacklisted++
			}
		}
		return nil
	})
	return r, err
}

func (s *Service) noShow(tx Tx, a Actor, b Booking, at time.Time) (bool, error) {
	b.Status, b.NoShowAt = StatusNoShow, at
	if err := tx.UpdateBooking(b); err != nil {
		return false, err
	}
	c, err := tx.CitizenByID(b.CitizenID)
	if err != nil {
		return false, err
	}
	if err := tx.Enqueue(s.bookingMessage(MsgNoShow, c, b)); err != nil {
		return false, err
	}
	if err := s.audit(tx, a, "booking.noshow", c.ID, b.ID, "not checked in by %s", at.Format(time.DateTime)); err != nil {
		return false, err
	}
	times, err := tx.NoShowTimes(c.ID, c.StrikesSince)
	if err != nil {
		return false, err
	}
	until, ok := s.Rules.BanUntil(times)
	if !ok || !until.After(c.BannedUntil) {
		return false, nil
	}
	c.BannedUntil = until
	if err := tx.UpdateCitizen(c); err != nil {
		return false, err
	}
	m := s.bookingMessage(MsgBlacklist, c, b)
	m.Params["until"] = until.In(s.loc()).Format(time.DateOnly)
	if err := tx.Enqueue(m); err != nil {
		return false, err
	}
	return true, s.audit(tx, a, "blacklist.add", c.ID, b.ID, "banned until %s", until.Format(time.DateOnly))
}

// SendReminders queues one reminder per booking for tomorrow, before the
// cancellation deadline, skipping citizens who opted out. It returns how many
// it queued; a second run queues none.
func (s *Service) SendReminders(ctx context.Context, a Actor) (int, error) {
	now := s.Now()
	tomorrow := DateOf(now, s.loc()).AddDays(1)
	if !s.Rules.CanCancel(now, tomorrow, s.loc()) {
		return 0, nil
	}
	n := 0
	err := s.store.InTx(ctx, func(tx Tx) error {
		n = 0
		bs, err := tx.Bookings(BookingFilter{Statuses: []Status{StatusBooked}, From: tomorrow, To: tomorrow, NotReminded: true})
		if err != nil {
			return err
		}
		for _, b := range bs {
			c, err := tx.CitizenByID(b.CitizenID)
			if err != nil {
				return err
			}
			b.RemindedAt = now
			if err := tx.UpdateBooking(b); err != nil {
				return err
			}
			if c.NoReminders {
				continue
			}
			if err := tx.Enqueue(s.bookingMessage(MsgReminder, c, b)); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
