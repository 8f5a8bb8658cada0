package catalog

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"yuyue/booking"
)

// check validates what booking.Catalog.Validate cannot see: the file's own
// shape (codes unique, capacities positive, periods in order, weekdays).
func (f *file) check() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	seen := map[string]bool{}
	for _, b := range f.Businesses {
		if b.Code == "" || seen["b"+b.Code] {
			bad("business %q: code missing or repeated", b.Code)
		}
		seen["b"+b.Code] = true
	}
	for _, o := range f.Offices {
		if o.Code == "" || seen["o"+o.Code] {
			bad("office %q: code missing or repeated", o.Code)
		}
		seen["o"+o.Code] = true
		if err := checkPeriods(o.Periods); err != nil {
			bad("office %s: %v", o.Code, err)
		}
	}
	if err := checkPeriods(f.Defaults.Periods); err != nil {
		bad("defaults: %v", err)
	}
	return errors.Join(errs...)
}

// checkPeriods: capacities above zero, start before end, periods in order
// of time and not overlapping (for the same weekdays a caller hears them
// in this order), weekdays 1–7 (Monday=1, Sunday=7).
func checkPeriods(ps []periodYAML) error {
	var prevEnd time.Time
	for i, p := range ps {
		s, err1 := time.Parse("15:04", p.Start)
		e, err2 := time.Parse("15:04", p.End)
		switch {
		case err1 != nil || err2 != nil:
			return fmt.Errorf("period %d: times must be HH:MM, got %q-%q", i+1, p.Start, p.End)
		case !s.Before(e):
			return fmt.Errorf("period %s-%s: start must be before end", p.Start, p.End)
		case p.Capacity <= 0:
			return fmt.Errorf("period %s-%s: capacity must be above 0", p.Start, p.End)
		case len(p.Weekdays) == 0 && i > 0 && s.Before(prevEnd):
			return fmt.Errorf("period %s-%s: periods must be in order and not overlap", p.Start, p.End)
		}
		for _, wd := range p.Weekdays {
			if wd < 1 || wd > 7 {
				return fmt.Errorf("period %s-%s: weekday %d is not 1-7 (Monday=1)", p.Start, p.End, wd)
			}
		}
		if len(p.Weekdays) == 0 {
			prevEnd = e
		}
	}
	return nil
}

// YearsWithoutHolidays lists the years the booking window at now reaches
// for which the catalog has no holiday data: their public holidays would be
// treated as working days. Start-up warns and /readyz reports it.
func YearsWithoutHolidays(c *booking.Catalog, now time.Time, days int) []int {
	have := map[int]bool{}
	holidays, _ := c.Calendar.Snapshot()
	for d := range holidays {
		have[d.Year] = true
	}
	need := map[int]bool{}
	today := booking.DateOf(now, c.Calendar.Loc)
	for i := 0; i <= days; i++ {
		if y := today.AddDays(i).Year; !have[y] {
			need[y] = true
		}
	}
	var out []int
	for y := range need {
		out = append(out, y)
	}
	sort.Ints(out)
	return out
}
