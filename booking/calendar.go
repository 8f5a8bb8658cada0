package booking

import (
	"sync"
	"time"
)

// Calendar knows which dates are working days: Monday to Friday, minus public
// holidays, plus make-up working days (调休). The holiday lists are data,
// loaded per year from the catalog.
type Calendar struct {
	mu       sync.RWMutex // Replace swaps the maps while requests read them
	Loc      *time.Location
	Holidays map[Date]string // date → holiday name
	Workdays map[Date]string // weekend dates that are working days (调休)

	sync calendarSync // what the database said last (calendar_sync.go)
}

// IsWorkingDay reports whether offices open on d.
func (c *Calendar) IsWorkingDay(d Date) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if _, ok := c.Holidays[d]; ok {
		return false
	}
	if _, ok := c.Workdays[d]; ok {
		return true
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// Window returns the bookable dates at now: the working days from tomorrow
// through days calendar days ahead, in order.
func (c *Calendar) Window(now time.Time, days int) []Date {
	today := DateOf(now, c.Loc)
	var out []Date
	for i := 1; i <= days; i++ {
		if d := today.AddDays(i); c.IsWorkingDay(d) {
			out = append(out, d)
		}
	}
	return out
}

// InWindow reports whether d is bookable at now.
func (c *Calendar) InWindow(now time.Time, days int, d Date) bool {
	today := DateOf(now, c.Loc)
	return today.Before(d) && !today.AddDays(days).Before(d) && c.IsWorkingDay(d)
}

// Replace swaps in new holiday and make-up day lists (the database's
// calendar, reloaded when another node changed it).
func (c *Calendar) Replace(holidays, workdays map[Date]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Holidays, c.Workdays = holidays, workdays
}

// Snapshot returns copies of the holiday and make-up day lists.
func (c *Calendar) Snapshot() (holidays, workdays map[Date]string) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	holidays, workdays = make(map[Date]string, len(c.Holidays)), make(map[Date]string, len(c.Workdays))
	for d, n := range c.Holidays {
		holidays[d] = n
	}
	for d, n := range c.Workdays {
		workdays[d] = n
	}
	return holidays, workdays
}
