package booking

import (
	"context"
	"time"
)

// LiveWait are the statuses of an entry still in the list (the store's
// one-read hold checks them too, Tx.HoldFacts).
var LiveWait = []WaitStatus{WaitWaiting, WaitOffered}

// ActiveStatuses hold a place and block a second booking of a business
// (the store's one-read hold checks them too, Tx.HoldFacts).
var ActiveStatuses = []Status{StatusHeld, StatusBooked, StatusCheckedIn}

// JoinWaitlist puts the citizen in the waitlist (候补) of an office,
// business and date, for one period (start "HH:MM") or any (start ""). A
// live entry counts as the citizen's active request for the business: it is
// refused (EActive) while they hold or have a booking of it or already wait
// for it, and while it lives they cannot hold another place of it. When a
// matching place is free already it is offered at once.
func (s *Service) JoinWaitlist(ctx context.Context, a Actor, citizenID int64, office, business string, d Date, start string) (WaitEntry, error) {
	now := s.Now()
	var w WaitEntry
	err := s.store.InTx(ctx, func(tx Tx) error {
		c, err := tx.CitizenByID(citizenID)
		if err != nil {
			return err
		}
		if err := s.mayBook(c, now); err != nil {
			return err
		}
		if !s.Catalog.Calendar.InWindow(now, s.Rules.WindowDays, d) {
			return Errorf(EInvalid, "date %s is outside the booking window", d)
		}
		ps, err := tx.Places(PlaceFilter{Office: office, Business: business, From: d, To: d})
		if err != nil {
			return err
		}
		w = WaitEntry{CitizenID: c.ID, Business: business, Office: office, Date: d, Start: start,
			Status: WaitWaiting, CreatedAt: now, Channel: a.Channel}
		if !anyMatch(w, ps) {
			return Errorf(ENotFound, "no such period")
		}
		if err := s.expireOwnHolds(tx, c.ID, business, now); err != nil {
			return err
		}
		if err := refuseActive(tx, c.ID, business, now); err != nil {
			return err
		}
		if err := tx.InsertWaitEntry(&w); err != nil {
			return err
		}
		if err := s.audit(tx, a, ActWaitJoin, c.ID, 0, "entry %d: %s %s %s %s", w.ID, office, business, d, start); err != nil {
			return err
		}
		if _, err := s.offerTx(tx, a, PlaceFilter{Office: office, Business: business, From: d, To: d}); err != nil {
			return err
		}
		w, err = tx.WaitEntry(w.ID)
		return err
	})
	return w, err
}

func anyMatch(w WaitEntry, ps []Place) bool {
	for _, p := range ps {
		if w.Matches(p) {
			return true
		}
	}
	return false
}

// LeaveWaitlist takes the citizen's entry off the list; an offer it holds
// is given up and its place goes to the next entry. Leaving an entry that
// is no longer live returns it unchanged.
func (s *Service) LeaveWaitlist(ctx context.Context, a Actor, citizenID, entryID int64) (WaitEntry, error) {
	var w WaitEntry
	err := s.store.InTx(ctx, func(tx Tx) error {
		var err error
		if w, err = tx.WaitEntry(entryID); err != nil {
			return err
		}
		if w.CitizenID != citizenID {
			return Errorf(EForbidden, "not_your_entry")
		}
		if !w.Live() {
			return nil
		}
		offered := w.Status == WaitOffered
		if err := s.endEntry(tx, a, &w, WaitLeft, "left the waitlist"); err != nil {
			return err
		}
		if !offered {
			return nil
		}
		h, err := tx.Booking(w.OfferBookingID)
		if err != nil || h.Status != StatusHeld {
			return err
		}
		return s.releaseTx(tx, a, h)
	})
	return w, err
}

func (s *Service) endEntry(tx Tx, a Actor, w *WaitEntry, st WaitStatus, why string) error {
	w.Status, w.EndedAt = st, s.Now()
	if err := tx.UpdateWaitEntry(*w); err != nil {
		return err
	}
	return s.audit(tx, a, WaitEndAction(st), w.CitizenID, w.OfferBookingID, "entry %d: %s", w.ID, why)
}

// Waitlist lists the citizen's live entries, oldest first.
func (s *Service) Waitlist(ctx context.Context, citizenID int64) ([]WaitEntry, error) {
	var out []WaitEntry
	err := s.store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.WaitEntries(WaitFilter{CitizenID: citizenID, Statuses: LiveWait})
		return err
	})
	return out, err
}

// WaitEntry returns one entry of the citizen's (EForbidden for another's).
func (s *Service) WaitEntry(ctx context.Context, citizenID, entryID int64) (WaitEntry, error) {
	var w WaitEntry
	err := s.store.View(ctx, func(tx Tx) (err error) {
		w, err = tx.WaitEntry(entryID)
		return err
	})
	if err == nil && w.CitizenID != citizenID {
		return WaitEntry{}, Errorf(EForbidden, "not_your_entry")
	}
	return w, err
}

// WaitlistCounts returns the totals behind the waitlist metrics.
func (s *Service) WaitlistCounts(ctx context.Context) (WaitlistCounts, error) {
	var n WaitlistCounts
	err := s.store.View(ctx, func(tx Tx) (err error) {
		n, err = tx.CountWaitlist()
		return err
	})
	return n, err
}

// OfferFreePlaces is the one door every path that frees a place goes
// through: it offers each free place matching f (zero fields match all) to
// the oldest waiting entry it matches. Cancel, reschedule, the release job
// (hold expiry, returned places, lapsed offers) and a released hold call
// its in-transaction form; whatever adds capacity (the catalog, a console)
// calls this after its own commit. It returns how many offers it made.
func (s *Service) OfferFreePlaces(ctx context.Context, a Actor, f PlaceFilter) (int, error) {
	var n int
	err := s.store.InTx(ctx, func(tx Tx) (err error) {
		n, err = s.offerTx(tx, a, f)
		return err
	})
	return n, err
}

// offerTx offers free places to waiting entries, oldest entry first: each
// gets the first free place it matches.
func (s *Service) offerTx(tx Tx, a Actor, f PlaceFilter) (int, error) {
	now := s.Now()
	ws, err := tx.WaitEntries(WaitFilter{Office: f.Office, Business: f.Business, From: f.From, To: f.To, Statuses: []WaitStatus{WaitWaiting}})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, w := range ws {
		if !s.Catalog.Calendar.InWindow(now, s.Rules.WindowDays, w.Date) {
			continue // ended by the release job
		}
		ps, err := tx.Places(PlaceFilter{Office: w.Office, Business: w.Business, From: w.Date, To: w.Date, OnlyFree: true})
		if err != nil {
			return n, err
		}
		for _, p := range ps {
			if !w.Matches(p) {
				continue
			}
			err := tx.Savepoint(func(tx Tx) error { return s.offerOne(tx, a, w, p, now) })
			switch ErrorCode(err) {
			case "":
				n++
			case EFull:
				continue
			case EActive, EBlacklisted, ENotFound:
				// the citizen can no longer take it: the entry ends, the place stays
				if err := s.endEntry(tx, a, &w, WaitEnded, string(ErrorCode(err))); err != nil {
					return n, err
				}
			default:
				return n, err
			}
			break
		}
	}
	return n, nil
}

// offerOne holds p for w's citizen for WaitlistOfferTTL and queues the SMS.
func (s *Service) offerOne(tx Tx, a Actor, w WaitEntry, p Place, now time.Time) error {
	if err := s.bookable(tx, p, now); err != nil {
		return err // a closed office or day is never offered (EFull: the next place)
	}
	c, err := tx.CitizenByID(w.CitizenID)
	if err != nil {
		return err
	}
	if err := s.mayBook(c, now); err != nil {
		return err
	}
	b := Booking{CitizenID: c.ID, PlaceID: p.ID, Business: p.Business, Office: p.Office, Date: p.Date,
		Start: p.Start, End: p.End, Status: StatusHeld, HoldExpiresAt: now.Add(s.Rules.WaitlistOfferTTL),
		CreatedAt: now, Channel: ChannelWaitlist}
	if err := tx.InsertBooking(&b); err != nil {
		return err
	}
	if err := tx.TakePlace(p.ID); err != nil {
		return err
	}
	w.Status, w.OfferBookingID, w.OfferExpiresAt = WaitOffered, b.ID, b.HoldExpiresAt
	if err := tx.UpdateWaitEntry(w); err != nil {
		return err
	}
	m := s.bookingMessage(MsgWaitlistOffer, c, b)
	m.Params["expires"] = b.HoldExpiresAt.In(s.loc()).Format("2006-01-02 15:04")
	if err := tx.Enqueue(m); err != nil {
		return err
	}
	return s.audit(tx, a, ActWaitOffer, c.ID, b.ID, "entry %d: place %d until %s", w.ID, p.ID, m.Params["expires"])
}

// AcceptOffer confirms the offer held for the citizen's entry: it becomes
// a booking with a reference as Confirm makes one, and the phone must have
// passed a booking code (the web and the app ask for one).
func (s *Service) AcceptOffer(ctx context.Context, a Actor, citizenID, entryID int64) (Booking, error) {
	w, err := s.WaitEntry(ctx, citizenID, entryID)
	if err != nil {
		return Booking{}, err
	}
	if w.OfferBookingID == 0 {
		return Booking{}, Errorf(EConflict, "no offer for this entry")
	}
	return s.Confirm(ctx, a, w.OfferBookingID)
}

// AcceptOfferByReply confirms the oldest offer held for the citizen whose
// phone replied QR: the reply comes from the phone the offer was sent to,
// which proves it as a code would. ENotFound when no offer is open.
func (s *Service) AcceptOfferByReply(ctx context.Context, a Actor, citizenID int64) (Booking, error) {
	now := s.Now()
	var b Booking
	err := s.store.InTx(ctx, func(tx Tx) error {
		ws, err := tx.WaitEntries(WaitFilter{CitizenID: citizenID, Statuses: []WaitStatus{WaitOffered}})
		if err != nil {
			return err
		}
		for _, w := range ws {
			if now.Before(w.OfferExpiresAt) {
				b, err = s.confirmTx(tx, a, w.OfferBookingID, false)
				return err
			}
		}
		return Errorf(ENotFound, "no open offer")
	})
	return b, err
}

// HasOpenOffer reports whether an offer waits for the citizen's answer.
func (s *Service) HasOpenOffer(ctx context.Context, citizenID int64) (bool, error) {
	ws, err := s.Waitlist(ctx, citizenID)
	now := s.Now()
	for _, w := range ws {
		if w.Status == WaitOffered && now.Before(w.OfferExpiresAt) {
			return true, err
		}
	}
	return false, err
}

// acceptedTx marks the entry behind a waitlist hold accepted once the hold
// is confirmed.
func (s *Service) acceptedTx(tx Tx, a Actor, b Booking) error {
	if b.Channel != ChannelWaitlist {
		return nil
	}
	w, err := tx.WaitEntryByOffer(b.ID)
	if ErrorCode(err) == ENotFound || (err == nil && w.Status != WaitOffered) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.endEntry(tx, a, &w, WaitAccepted, "offer confirmed")
}

// declinedTx ends the entry behind a waitlist hold given back before it
// was confirmed.
func (s *Service) declinedTx(tx Tx, a Actor, b Booking) error {
	if b.Channel != ChannelWaitlist {
		return nil
	}
	w, err := tx.WaitEntryByOffer(b.ID)
	if ErrorCode(err) == ENotFound || (err == nil && w.Status != WaitOffered) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.endEntry(tx, a, &w, WaitLeft, "offer given back")
}

// expireWaitlistTx ends offers that ran out (their holds are expired by the
// release run) and entries whose date is no longer bookable.
func (s *Service) expireWaitlistTx(tx Tx, a Actor, now time.Time) (int, error) {
	ws, err := tx.WaitEntries(WaitFilter{Statuses: []WaitStatus{WaitOffered}, OfferExpiredBefore: now})
	if err != nil {
		return 0, err
	}
	for _, w := range ws {
		if err := s.endEntry(tx, a, &w, WaitExpired, "offer not confirmed in time"); err != nil {
			return 0, err
		}
	}
	today := DateOf(now, s.loc())
	old, err := tx.WaitEntries(WaitFilter{To: today, Statuses: []WaitStatus{WaitWaiting}})
	if err != nil {
		return 0, err
	}
	for _, w := range old {
		if err := s.endEntry(tx, a, &w, WaitEnded, "the date passed"); err != nil {
			return 0, err
		}
	}
	return len(ws), nil
}

// passToWaitlistTx gives the place of a booking that just stopped being
// active straight back to the pool when a waiting entry matches it, and
// offers it; otherwise the release job returns it in its batch.
func (s *Service) passToWaitlistTx(tx Tx, a Actor, b Booking) error {
	ws, err := tx.WaitEntries(WaitFilter{Office: b.Office, Business: b.Business, From: b.Date, To: b.Date, Statuses: []WaitStatus{WaitWaiting}})
	if err != nil {
		return err
	}
	p := Place{ID: b.PlaceID, Office: b.Office, Business: b.Business, Date: b.Date, Start: b.Start}
	for _, w := range ws {
		if !w.Matches(p) {
			continue
		}
		b.Returned = true
		if err := tx.UpdateBooking(b); err != nil {
			return err
		}
		if err := tx.ReturnPlace(b.PlaceID); err != nil {
			return err
		}
		_, err := s.offerTx(tx, a, PlaceFilter{Office: b.Office, Business: b.Business, From: b.Date, To: b.Date})
		return err
	}
	return nil
}
