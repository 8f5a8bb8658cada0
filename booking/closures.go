package booking

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// checkClosure validates a closure request against the catalog and the
// actor's scope: a manager closes only their own office.
func (s *Service) checkClosure(r ClosureRequest, scope string) error {
	if len(r.Offices) == 0 {
		return Errorf(EInvalid, "choose at least one office")
	}
	if _, ok := ClosureReasons[r.ReasonClass]; !ok {
		return Errorf(EInvalid, "unknown reason class %q", r.ReasonClass)
	}
	if r.Action != ClosureCancel && r.Action != ClosureMove {
		return Errorf(EInvalid, "unknown action %q", r.Action)
	}
	if r.Date.Before(DateOf(s.Now(), s.loc())) {
		return Errorf(EInvalid, "%s is in the past", r.Date)
	}
	for _, code := range r.Offices {
		o, ok := s.Catalog.Office(code)
		if !ok {
			return Errorf(EInvalid, "unknown office %q", code)
		}
		if scope != "" && code != scope {
			return Errorf(EForbidden, "a manager closes only office %s", scope)
		}
		for _, start := range r.Periods {
			if !slices.ContainsFunc(o.Periods, func(p Period) bool { return p.Start == start }) {
				return Errorf(EInvalid, "office %s has no period starting %s", code, start)
			}
		}
	}
	return nil
}

func (r ClosureRequest) slots() []ClosedSlot {
	var out []ClosedSlot
	for _, o := range r.Offices {
		if len(r.Periods) == 0 {
			out = append(out, ClosedSlot{Office: o, Date: r.Date})
		}
		for _, p := range r.Periods {
			out = append(out, ClosedSlot{Office: o, Date: r.Date, Start: p})
		}
	}
	return out
}

// affected lists the live bookings and holds a closure would touch.
func (s *Service) affected(tx Tx, r ClosureRequest) (booked, held []Booking, err error) {
	slots := r.slots()
	now := s.Now()
	for _, o := range r.Offices {
		bs, err := tx.Bookings(BookingFilter{Office: o, From: r.Date, To: r.Date,
			Statuses: []Status{StatusBooked, StatusHeld}})
		if err != nil {
			return nil, nil, err
		}
		for _, b := range bs {
			if !slices.ContainsFunc(slots, func(c ClosedSlot) bool { return c.Covers(b.Office, b.Date, b.Start) }) {
				continue
			}
			if b.Status == StatusBooked {
				booked = append(booked, b)
			} else if now.Before(b.HoldExpiresAt) {
				held = append(held, b)
			}
		}
	}
	return booked, held, nil
}

// PreviewClosure counts what closing would touch, changing nothing.
// scope is a manager's office ("" for an administrator).
func (s *Service) PreviewClosure(ctx context.Context, r ClosureRequest, scope string) (ClosureImpact, error) {
	if err := s.checkClosure(r, scope); err != nil {
		return ClosureImpact{}, err
	}
	var imp ClosureImpact
	err := s.store.View(ctx, func(tx Tx) error {
		booked, held, err := s.affected(tx, r)
		imp.Bookings, imp.Holds = len(booked), len(held)
		if err == nil {
			imp.Waitlist, err = s.closureWaitlist(tx, r)
		}
		return err
	})
	return imp, err
}

// closureWaitlist counts the live waitlist entries (waiting, or holding
// an offer) for the closed places: an entry for any period of a closed
// office's day counts when the whole day closes, one for a period only
// when that period closes (Close then handles them: closeWaitlist).
func (s *Service) closureWaitlist(tx Tx, r ClosureRequest) (int, error) {
	n := 0
	for _, o := range r.Offices {
		ws, err := tx.WaitEntries(WaitFilter{Office: o, From: r.Date, To: r.Date, Statuses: LiveWait})
		if err != nil {
			return 0, err
		}
		for _, w := range ws {
			if len(r.Periods) == 0 || w.Start == "" || slices.Contains(r.Periods, w.Start) {
				n++
			}
		}
	}
	return n, nil
}

// Close closes offices on a date (all day or some periods) in one
// transaction: new holds stop at once on every channel (bookable), live
// holds are released, and every booking is cancelled (never a no-show) or
// moved as r.Action says, its citizen texted through the outbox. A moved
// booking goes to the first free place for its business at its office in
// the window — the earliest date, its own period if free that day, else
// the earliest free period — keeping its reference; with none free it is
// cancelled and texted so.
func (s *Service) Close(ctx context.Context, a Actor, r ClosureRequest, scope string) (Closure, ClosureImpact, error) {
	if err := s.checkClosure(r, scope); err != nil {
		return Closure{}, ClosureImpact{}, err
	}
	now := s.Now()
	c := Closure{Date: r.Date, Offices: r.Offices, Periods: r.Periods, ReasonClass: r.ReasonClass,
		Note: clip(CleanText(r.Note), 200), Action: r.Action, CreatedBy: a.Name, CreatedAt: now}
	var imp ClosureImpact
	err := s.store.InTx(ctx, func(tx Tx) error {
		imp = ClosureImpact{}
		if err := tx.InsertClosure(&c); err != nil {
			return err
		}
		// Every node keeps the window's closures by catalog version
		// (closedSlotsAt): the bump makes each one's next request see this.
		if err := tx.BumpCatalogVersion(); err != nil {
			return err
		}
		booked, held, err := s.affected(tx, r)
		if err != nil {
			return err
		}
		imp.Bookings, imp.Holds = len(booked), len(held)
		if imp.Waitlist, err = s.closureWaitlist(tx, r); err != nil {
			return err
		}
		if err := s.closeWaitlist(tx, a, c, r); err != nil {
			return err
		}
		for _, h := range held {
			if err := s.releaseTx(tx, a, h); err != nil {
				return err
			}
		}
		free := map[string][]Place{} // office/business → free places, taken as we go
		for _, b := range booked {
			moved := false
			if r.Action == ClosureMove {
				if moved, err = s.moveForClosure(tx, a, c, b, free); err != nil {
					return err
				}
			}
			if moved {
				imp.Moved++
				continue
			}
			if err := s.cancelForClosure(tx, a, c, b); err != nil {
				return err
			}
			imp.Cancelled++
		}
		return s.audit(tx, a, "closure.close", 0, 0, "closure %d: %s %s %s, %s (%s); %d bookings (%d cancelled, %d moved), %d holds released",
			c.ID, strings.Join(r.Offices, ","), r.Date, periodsText(r.Periods), r.Action, r.ReasonClass,
			imp.Bookings, imp.Cancelled, imp.Moved, imp.Holds)
	})
	return c, imp, err
}

// closeWaitlist handles the live waitlist entries of the closed offices'
// date, before the closed places' holds are released. An entry that no
// open period of its day can serve ends (ended): no place of it will be
// offered while the closure stands, and its citizen's one request for the
// business is freed to book another date. An entry for any period of a
// day that keeps a period open keeps its place in line; an offer it held
// on a closed period is withdrawn (it waits again, and the release of
// that hold may offer it the open period).
func (s *Service) closeWaitlist(tx Tx, a Actor, c Closure, r ClosureRequest) error {
	slots := r.slots()
	closed := func(office, start string) bool {
		return slices.ContainsFunc(slots, func(cs ClosedSlot) bool { return cs.Covers(office, r.Date, start) })
	}
	for _, code := range r.Offices {
		o, _ := s.Catalog.Office(code)
		ws, err := tx.WaitEntries(WaitFilter{Office: code, From: r.Date, To: r.Date, Statuses: LiveWait})
		if err != nil {
			return err
		}
		for _, w := range ws {
			open := slices.ContainsFunc(o.Periods, func(p Period) bool {
				return (w.Start == "" || w.Start == p.Start) && !closed(code, p.Start)
			})
			if !open {
				if err := s.endEntry(tx, a, &w, WaitEnded, fmt.Sprintf("closure %d: the office is closed", c.ID)); err != nil {
					return err
				}
				if err := s.waitNotice(tx, c, w, MsgClosureWaitEnded, Booking{Office: w.Office,
					Business: w.Business, Date: w.Date, Start: w.Start}); err != nil {
					return err
				}
				continue
			}
			if w.Status != WaitOffered {
				continue
			}
			h, err := tx.Booking(w.OfferBookingID)
			if err != nil {
				return err
			}
			if !closed(h.Office, h.Start) {
				continue
			}
			w.Status, w.OfferBookingID, w.OfferExpiresAt = WaitWaiting, 0, time.Time{}
			if err := tx.UpdateWaitEntry(w); err != nil {
				return err
			}
			if err := s.audit(tx, a, ActWaitRequeue, w.CitizenID, h.ID, "entry %d: closure %d withdrew the offer, waiting again", w.ID, c.ID); err != nil {
				return err
			}
			// the offer was texted (waitlist_offer): say it is withdrawn
			if err := s.waitNotice(tx, c, w, MsgClosureOfferWithdrawn, h); err != nil {
				return err
			}
		}
	}
	return nil
}

// waitNotice texts a waitlist citizen what the closure did to their entry
// w, about b: the entry's office, business and day (an ended entry), or
// the withdrawn offer's hold. It counts in the closure's progress.
func (s *Service) waitNotice(tx Tx, c Closure, w WaitEntry, kind string, b Booking) error {
	cz, err := tx.CitizenByID(w.CitizenID)
	if err != nil {
		return err
	}
	return tx.EnqueueClosureWaitNotice(c.ID, w.ID, s.closureMessage(kind, c, cz, b))
}

func periodsText(ps []string) string {
	if len(ps) == 0 {
		return "all day"
	}
	return "periods " + strings.Join(ps, ",")
}

func (s *Service) closureMessage(kind string, c Closure, cz Citizen, b Booking) Message {
	m := s.bookingMessage(kind, cz, b)
	m.Params["reason"] = ClosureReasons[c.ReasonClass]
	m.Params["closed_date"] = c.Date.String()
	return m
}

func (s *Service) cancelForClosure(tx Tx, a Actor, c Closure, b Booking) error {
	cz, err := tx.CitizenByID(b.CitizenID)
	if err != nil {
		return err
	}
	b.Status, b.CancelledAt = StatusCancelled, s.Now()
	if err := tx.UpdateBooking(b); err != nil {
		return err
	}
	if err := tx.EnqueueClosureNotice(c.ID, OutcomeCancelled, s.closureMessage(MsgClosureCancel, c, cz, b)); err != nil {
		return err
	}
	return s.audit(tx, a, "booking.closure_cancel", b.CitizenID, b.ID, "closure %d: cancelled, not a no-show", c.ID)
}

// moveForClosure moves b to the first free place; false when none is free.
func (s *Service) moveForClosure(tx Tx, a Actor, c Closure, b Booking, free map[string][]Place) (bool, error) {
	key := b.Office + "/" + b.Business
	ps, ok := free[key]
	if !ok {
		today := DateOf(s.Now(), s.loc())
		all, err := tx.Places(PlaceFilter{Office: b.Office, Business: b.Business, From: today.AddDays(1),
			To: today.AddDays(s.Rules.WindowDays), OnlyFree: true})
		if err != nil {
			return false, err
		}
		closed, err := tx.ClosedSlots(today.AddDays(1), today.AddDays(s.Rules.WindowDays))
		if err != nil {
			return false, err
		}
		for _, p := range all {
			if s.Catalog.Calendar.IsWorkingDay(p.Date) && !slotClosed(closed, p) {
				ps = append(ps, p)
			}
		}
	}
	i := pickPlace(ps, b.Start)
	if i < 0 {
		free[key] = ps
		return false, nil
	}
	to := ps[i]
	if err := tx.TakePlace(to.ID); err != nil {
		return false, err
	}
	if ps[i].Taken++; ps[i].Free() == 0 {
		ps = slices.Delete(ps, i, i+1)
	}
	free[key] = ps
	if err := tx.MoveBooking(b.ID, to); err != nil {
		return false, err
	}
	if err := tx.ReturnPlace(b.PlaceID); err != nil {
		return false, err
	}
	cz, err := tx.CitizenByID(b.CitizenID)
	if err != nil {
		return false, err
	}
	from := b.Date.String() + " " + b.Start
	b.PlaceID, b.Date, b.Start, b.End = to.ID, to.Date, to.Start, to.End
	if err := tx.EnqueueClosureNotice(c.ID, OutcomeMoved, s.closureMessage(MsgClosureMove, c, cz, b)); err != nil {
		return false, err
	}
	return true, s.audit(tx, a, "booking.closure_move", b.CitizenID, b.ID, "closure %d: moved from %s to %s %s", c.ID, from, to.Date, to.Start)
}

// pickPlace chooses among free places in date order: the earliest date
// with any free place, on it the booking's own period if free, else the
// earliest period. -1 when none is free.
func pickPlace(ps []Place, start string) int {
	best := -1
	for i, p := range ps {
		if p.Free() == 0 {
			continue
		}
		if best >= 0 && p.Date != ps[best].Date {
			break
		}
		if best < 0 {
			best = i
		}
		if p.Start == start {
			return i
		}
	}
	return best
}

// Reopen ends a closure: its offices and periods take bookings again from
// now on. What the closure cancelled or moved stays so.
func (s *Service) Reopen(ctx context.Context, a Actor, id int64, scope string) error {
	return s.store.InTx(ctx, func(tx Tx) error {
		c, err := tx.Closure(id)
		if err != nil {
			return err
		}
		if scope != "" && !slices.Equal(c.Offices, []string{scope}) {
			return Errorf(EForbidden, "a manager reopens only office %s", scope)
		}
		if !c.Active() {
			return nil
		}
		if err := tx.ReopenClosure(id, a.Name, s.Now()); err != nil {
			return err
		}
		if err := tx.BumpCatalogVersion(); err != nil { // as in Close
			return err
		}
		return s.audit(tx, a, "closure.reopen", 0, 0, "closure %d: %s %s reopened", id, strings.Join(c.Offices, ","), c.Date)
	})
}

// ClosureStatus returns a closure and how its SMS are doing.
func (s *Service) ClosureStatus(ctx context.Context, id int64) (Closure, ClosureProgress, error) {
	var c Closure
	var p ClosureProgress
	err := s.store.View(ctx, func(tx Tx) (err error) {
		if c, err = tx.Closure(id); err != nil {
			return err
		}
		p, err = tx.ClosureProgress(id)
		return err
	})
	return c, p, err
}

// Closures lists the latest closures, newest first.
func (s *Service) Closures(ctx context.Context, limit int) ([]Closure, error) {
	var out []Closure
	err := s.store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.Closures(limit)
		return err
	})
	return out, err
}

// closedOn reports whether b's slot is closed by an active closure.
func closedOn(closed []ClosedSlot, b Booking) bool {
	return slices.ContainsFunc(closed, func(c ClosedSlot) bool { return c.Covers(b.Office, b.Date, b.Start) })
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
