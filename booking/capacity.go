package booking

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// SetCapacity changes the capacity of an office's period (start time) for
// a business ("" every business of the office) on the dates from..to. It
// never goes below what a place already has taken: such a change is refused
// with the count. The change is kept (capacity_changes) so places opened
// later by the slots job get it too, and it applies at once to the places
// already open, on every node.
func (s *Service) SetCapacity(ctx context.Context, a Actor, c CapacityChange, scope string) error {
	o, ok := s.Catalog.Office(c.Office)
	switch {
	case !ok:
		return Errorf(EInvalid, "unknown office %q", c.Office)
	case scope != "" && scope != c.Office:
		return Errorf(EForbidden, "a manager changes only office %s", scope)
	case c.Business != "" && !slices.Contains(o.Businesses, c.Business):
		return Errorf(EInvalid, "office %s does not handle %q", c.Office, c.Business)
	case !slices.ContainsFunc(o.Periods, func(p Period) bool { return p.Start == c.Start }):
		return Errorf(EInvalid, "office %s has no period starting %s", c.Office, c.Start)
	case c.From.IsZero() || c.To.IsZero() || c.To.Before(c.From):
		return Errorf(EInvalid, "the date range is empty")
	case c.Capacity < 0 || c.Capacity > 10000:
		return Errorf(EInvalid, "capacity %d is out of range", c.Capacity)
	}
	c.CreatedBy, c.CreatedAt = a.Name, s.Now()
	return s.store.InTx(ctx, func(tx Tx) error {
		ps, err := tx.Places(PlaceFilter{Office: c.Office, Business: c.Business, From: c.From, To: c.To})
		if err != nil {
			return err
		}
		var hit, added []Place
		most := 0
		for _, p := range ps {
			if p.Start != c.Start {
				continue
			}
			hit = append(hit, p)
			most = max(most, p.Taken)
		}
		if most > c.Capacity {
			return &Error{Code: EConflict, Message: fmt.Sprintf("%d already booked", most)}
		}
		if err := tx.SaveCapacityChange(c, false); err != nil {
			return err
		}
		for _, p := range hit {
			if err := tx.SetPlaceCapacity(p.ID, c.Capacity); err != nil {
				return err
			}
			if c.Capacity > p.Capacity {
				p.Capacity = c.Capacity
				added = append(added, p)
			}
		}
		if err := tx.BumpCatalogVersion(); err != nil {
			return err
		}
		if err := s.capacityAdded(tx, a, added); err != nil {
			return err
		}
		who := c.Business
		if who == "" {
			who = "all businesses"
		}
		return s.audit(tx, a, "capacity.set", 0, 0, "%s %s %s %s..%s: capacity %d (%d open places changed)",
			c.Office, who, c.Start, c.From, c.To, c.Capacity, len(hit))
	})
}

// capacityAdded is the one place where capacity grows from the console:
// ps are the open places that gained room, inside the transaction that
// grew them. The room goes to the waitlist first, oldest entry first.
func (s *Service) capacityAdded(tx Tx, a Actor, ps []Place) error {
	if len(ps) == 0 {
		return nil
	}
	_, err := s.offerTx(tx, a, PlaceFilter{})
	return err
}

// BookedCount tells how many places are taken on a date (all offices):
// a holiday cannot be declared over live bookings.
func (s *Service) liveOn(tx Tx, d Date) (int, error) {
	bs, err := tx.Bookings(BookingFilter{From: d, To: d, Statuses: []Status{StatusHeld, StatusBooked, StatusCheckedIn}})
	return len(bs), err
}

// SetCalendarDay adds a holiday or a make-up working day. A holiday over
// live bookings is refused with their count (close the offices instead:
// that tells the citizens). A new working day in the window opens its
// places at once. The year is first seeded from the catalog file if the
// database lacks it, so its other days are kept.
func (s *Service) SetCalendarDay(ctx context.Context, a Actor, d CalendarDay) (err error) {
	if d.Kind != DayHoliday && d.Kind != DayWorkday {
		return Errorf(EInvalid, "unknown day kind %q", d.Kind)
	}
	if d.Date.IsZero() {
		return Errorf(EInvalid, "no date")
	}
	d.Name = clip(CleanText(d.Name), 40)
	defer s.forgetCalendarOnError(&err)
	return s.store.InTx(ctx, func(tx Tx) error {
		if d.Kind == DayHoliday {
			n, err := s.liveOn(tx, d.Date)
			if err != nil {
				return err
			}
			if n > 0 {
				return &Error{Code: EConflict, Message: fmt.Sprintf("%d already booked on %s", n, d.Date)}
			}
		}
		if err := s.seedYearTx(tx, d.Date.Year); err != nil {
			return err
		}
		if err := tx.SetCalendarDay(d); err != nil {
			return err
		}
		if err := tx.BumpCatalogVersion(); err != nil {
			return err
		}
		if _, err := s.openPlacesTx(tx); err != nil {
			return err
		}
		return s.audit(tx, a, "calendar.set", 0, 0, "%s %s %s", d.Date, d.Kind, d.Name)
	})
}

func (s *Service) seedYearTx(tx Tx, year int) error {
	years, err := tx.CalendarYears()
	if err != nil || slices.Contains(years, year) {
		return err
	}
	return tx.SetCalendarYear(year, s.seedDays(year), "catalog", s.Now())
}

// LoadCalendarYear replaces a year's holidays and make-up working days
// (the State Council's notice, loaded from a file in the catalog's format).
// A holiday over live bookings is refused with the count.
func (s *Service) LoadCalendarYear(ctx context.Context, a Actor, year int, days []CalendarDay) (err error) {
	for _, d := range days {
		if d.Date.Year != year || (d.Kind != DayHoliday && d.Kind != DayWorkday) {
			return Errorf(EInvalid, "%s %s does not belong to %d", d.Date, d.Kind, year)
		}
	}
	defer s.forgetCalendarOnError(&err)
	return s.store.InTx(ctx, func(tx Tx) error {
		for _, d := range days {
			if d.Kind != DayHoliday {
				continue
			}
			if n, err := s.liveOn(tx, d.Date); err != nil || n > 0 {
				return firstErr(err, &Error{Code: EConflict, Message: fmt.Sprintf("%d already booked on %s", n, d.Date)})
			}
		}
		if err := tx.SetCalendarYear(year, days, "file", s.Now()); err != nil {
			return err
		}
		if err := tx.BumpCatalogVersion(); err != nil {
			return err
		}
		if _, err := s.openPlacesTx(tx); err != nil {
			return err
		}
		return s.audit(tx, a, "calendar.load", 0, 0, "year %d: %d days", year, len(days))
	})
}

// CapacityChanges lists the recorded capacity changes, oldest first.
func (s *Service) CapacityChanges(ctx context.Context) ([]CapacityChange, error) {
	var out []CapacityChange
	err := s.store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.CapacityChanges()
		return err
	})
	return out, err
}

// forgetCalendarOnError drops the cached calendar when a transaction that
// reloaded it rolled back: the next request reads the database again.
func (s *Service) forgetCalendarOnError(err *error) {
	if *err != nil {
		s.Catalog.Calendar.sync.mu.Lock()
		s.Catalog.Calendar.sync.synced = false
		s.Catalog.Calendar.sync.mu.Unlock()
	}
}

// BookedCount reads the count from a refusal of SetCapacity,
// SetCalendarDay or LoadCalendarYear: how many are already booked.
func BookedCount(err error) (int, bool) {
	var e *Error
	if !errors.As(err, &e) || e.Code != EConflict {
		return 0, false
	}
	var n int
	if _, err := fmt.Sscanf(e.Message, "%d already booked", &n); err != nil {
		return 0, false
	}
	return n, true
}
