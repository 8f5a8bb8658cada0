package booking

import (
	"context"
	"fmt"
	"sort"
	"sync"
)

// calendarSync keeps the in-memory calendar equal to the database's: the
// catalog file's calendar is the seed, the database the truth. A year the
// database has (calendar_years) replaces the file's year; a year it lacks
// keeps the file's days until SeedCatalog writes them in.
type calendarSync struct {
	mu       sync.Mutex
	synced   bool
	version  int64
	seedH    map[Date]string // the catalog file's calendar, as loaded
	seedW    map[Date]string
	seedTook bool

	// closed is the active closures' slots from closedFirst to closedLast
	// (the booking window when read), as the database had them at catalog
	// version closedVersion: every closure and reopening bumps the
	// version, so a copy whose version is still current is still true.
	closed                  []ClosedSlot
	closedVersion           int64
	closedFirst, closedLast Date
	closedOK                bool
}

// refreshCalendar reloads the calendar inside tx when another node (or this
// one) changed it since the last look: one read of catalog_version per
// request, the days only when it moved.
func (s *Service) refreshCalendar(tx Tx) error {
	_, err := s.calendarVersion(tx)
	return err
}

// calendarVersion is refreshCalendar returning the catalog version it
// read, which the closures' copy is checked against (closedSlotsAt).
func (s *Service) calendarVersion(tx Tx) (int64, error) {
	v, err := tx.CatalogVersion()
	if err != nil {
		return 0, err
	}
	return v, s.syncCalendar(tx, v)
}

// closedSlots is calendarVersion then closedSlotsAt for a View: what a
// listing of the window needs, at the cost of one read of catalog_version while nothing
// changed.
func (s *Service) closedSlots(tx Tx, today, from, to Date) ([]ClosedSlot, error) {
	v, err := s.calendarVersion(tx)
	if err != nil {
		return nil, err
	}
	return s.closedSlotsAt(tx, v, today, from, to, true)
}

// closedSlotsAt lists the active closures' slots between from and to. In
// the booking window (after today, up to Rules.WindowDays) it answers from
// the copy read at catalog version v, reading the window's closures again
// only when v moved (a closure or a reopening on any node) or the window
// did (the day turned, Rules.WindowDays changed); outside the window it
// asks tx. Only a read of committed state
// (keep: a View) refreshes the copy: a write transaction may see an
// uncommitted closure of a group-commit batch that is then rolled back.
func (s *Service) closedSlotsAt(tx Tx, v int64, today, from, to Date, keep bool) ([]ClosedSlot, error) {
	first, last := today.AddDays(1), today.AddDays(s.Rules.WindowDays)
	if from.Before(first) || last.Before(to) {
		return tx.ClosedSlots(from, to)
	}
	c := &s.Catalog.Calendar.sync
	c.mu.Lock()
	all, ok := c.closed, c.closedOK && c.closedVersion == v && c.closedFirst == first && c.closedLast == last
	c.mu.Unlock()
	if !ok {
		if !keep {
			return tx.ClosedSlots(from, to)
		}
		var err error
		if all, err = tx.ClosedSlots(first, last); err != nil {
			return nil, err
		}
		c.mu.Lock()
		c.closed, c.closedVersion, c.closedFirst, c.closedLast, c.closedOK = all, v, first, last, true
		c.mu.Unlock()
	}
	var out []ClosedSlot
	for _, sl := range all {
		if !sl.Date.Before(from) && !to.Before(sl.Date) {
			out = append(out, sl)
		}
	}
	return out, nil
}

// syncCalendar reloads the calendar when v is not the version it was
// loaded at.
func (s *Service) syncCalendar(tx Tx, v int64) error {
	c := &s.Catalog.Calendar.sync
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.synced && v == c.version {
		return nil
	}
	if !c.seedTook {
		c.seedH, c.seedW = s.Catalog.Calendar.Snapshot()
		c.seedTook = true
	}
	years, err := tx.CalendarYears()
	if err != nil {
		return err
	}
	days, err := tx.CalendarDays()
	if err != nil {
		return err
	}
	inDB := map[int]bool{}
	for _, y := range years {
		inDB[y] = true
	}
	h, w := map[Date]string{}, map[Date]string{}
	for d, n := range c.seedH {
		if !inDB[d.Year] {
			h[d] = n
		}
	}
	for d, n := range c.seedW {
		if !inDB[d.Year] {
			w[d] = n
		}
	}
	for _, d := range days {
		if d.Kind == DayHoliday {
			h[d.Date] = d.Name
		} else {
			w[d.Date] = d.Name
		}
	}
	s.Catalog.Calendar.Replace(h, w)
	c.synced, c.version = true, v
	return nil
}

// RefreshCalendar makes the calendar current before a page draws the window.
func (s *Service) RefreshCalendar(ctx context.Context) error {
	return s.store.View(ctx, s.refreshCalendar)
}

// seedDays lists the catalog file's days of year.
func (s *Service) seedDays(year int) []CalendarDay {
	c := &s.Catalog.Calendar.sync
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.seedTook {
		c.seedH, c.seedW = s.Catalog.Calendar.Snapshot()
		c.seedTook = true
	}
	var out []CalendarDay
	for d, n := range c.seedH {
		if d.Year == year {
			out = append(out, CalendarDay{Date: d, Kind: DayHoliday, Name: n})
		}
	}
	for d, n := range c.seedW {
		if d.Year == year {
			out = append(out, CalendarDay{Date: d, Kind: DayWorkday, Name: n})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out
}

// seedYears lists the years the catalog file has days for.
func (s *Service) seedYears() []int {
	c := &s.Catalog.Calendar.sync
	c.mu.Lock()
	if !c.seedTook {
		c.seedH, c.seedW = s.Catalog.Calendar.Snapshot()
		c.seedTook = true
	}
	seen := map[int]bool{}
	for d := range c.seedH {
		seen[d.Year] = true
	}
	for d := range c.seedW {
		seen[d.Year] = true
	}
	c.mu.Unlock()
	var out []int
	for y := range seen {
		out = append(out, y)
	}
	sort.Ints(out)
	return out
}

// SeedCatalog writes into the database what it lacks from the catalog file:
// the calendar of each year the database has no calendar for, and each
// capacity change of the file not recorded yet. What the database has is
// kept: an administrator's changes survive a restart with the old file.
// Run at start-up, on every node (it is idempotent).
func (s *Service) SeedCatalog(ctx context.Context, a Actor) error {
	err := s.store.InTx(ctx, func(tx Tx) error {
		years, err := tx.CalendarYears()
		if err != nil {
			return err
		}
		have := map[int]bool{}
		for _, y := range years {
			have[y] = true
		}
		changed := false
		for _, y := range s.seedYears() {
			if have[y] {
				continue
			}
			if err := tx.SetCalendarYear(y, s.seedDays(y), "catalog", s.Now()); err != nil {
				return err
			}
			changed = true
			if err := s.audit(tx, a, "calendar.seed", 0, 0, "year %d from the catalog file", y); err != nil {
				return err
			}
		}
		for _, o := range s.Catalog.Offices {
			for _, c := range o.CapacityChanges {
				c.Office, c.CreatedBy, c.CreatedAt = o.Code, "catalog", s.Now()
				if err := tx.SaveCapacityChange(c, true); err != nil {
					return err
				}
			}
		}
		if changed {
			return tx.BumpCatalogVersion()
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("seed catalog: %w", err)
	}
	return nil
}

// CatalogState is what `yuyue catalog export` writes: the database's
// calendar and capacity changes over the file's offices and businesses.
type CatalogState struct {
	Holidays, Workdays map[Date]string
	Changes            []CapacityChange
}

// CatalogState reads the current calendar and capacity changes.
func (s *Service) CatalogState(ctx context.Context) (CatalogState, error) {
	var st CatalogState
	err := s.store.View(ctx, func(tx Tx) (err error) {
		if err = s.refreshCalendar(tx); err != nil {
			return err
		}
		st.Changes, err = tx.CapacityChanges()
		return err
	})
	st.Holidays, st.Workdays = s.Catalog.Calendar.Snapshot()
	return st, err
}
