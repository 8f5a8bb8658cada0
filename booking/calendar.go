package booking

import "time"

// Calendar knows which dates are working days: Monday to Friday, minus public
// holidays, plus make-up working days (调休). The holiday lists are data,
// loaded per year from the catalog.
type Calendar struct {
	Loc      *time.Location
	Holidays map[Date]string // date → holiday name
	Workdays map[Date]string // weekend dates that are working days (调休)
}

// IsWorkingDay reports whether offices open on d.
func (c *Calendar) IsWorkingDay(d Date) bool {
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
