package booking

import (
	"slices"
	"time"
)

// Business is a type of business (业务) with its notice (业务须知).
type Business struct {
	Code   string
	Name   string
	NameEn string
	Notice string // read to the caller before choosing a time
	Bring  string // what to bring, in the confirmation SMS
}

// District is one of Shenzhen's districts.
type District struct {
	Code   string
	Name   string
	NameEn string
}

// Period is a time period offices open with a capacity per business.
// Weekdays (1=Mon…7=Sun) limits it to some days; empty means every working
// day, make-up days included.
type Period struct {
	Start    string
	End      string
	Capacity int
	Weekdays []int
}

// Office is a registration office (受理点).
type Office struct {
	Code       string
	Name       string
	District   string
	Address    string
	Businesses []string
	Periods    []Period
	Closures   []Date
	// CapacityChanges are the catalog file's capacity changes (seeded into
	// the database, which keeps them from then on).
	CapacityChanges []CapacityChange
}

// Catalog is what can be booked: businesses, districts, offices and the
// working-day calendar.
type Catalog struct {
	Businesses []Business
	Districts  []District
	Offices    []Office
	Calendar   *Calendar
}

// Business returns the business with code.
func (c *Catalog) Business(code string) (Business, bool) {
	for _, b := range c.Businesses {
		if b.Code == code {
			return b, true
		}
	}
	return Business{}, false
}

// Office returns the office with code.
func (c *Catalog) Office(code string) (Office, bool) {
	for _, o := range c.Offices {
		if o.Code == code {
			return o, true
		}
	}
	return Office{}, false
}

// District returns the district with code.
func (c *Catalog) District(code string) (District, bool) {
	for _, d := range c.Districts {
		if d.Code == code {
			return d, true
		}
	}
	return District{}, false
}

// OfficesFor lists offices handling business (any when empty) in district
// (any when empty), in catalog order.
func (c *Catalog) OfficesFor(business, district string) []Office {
	var out []Office
	for _, o := range c.Offices {
		if (business == "" || slices.Contains(o.Businesses, business)) && (district == "" || o.District == district) {
			out = append(out, o)
		}
	}
	return out
}

// PlacesFor expands the schedules into the places of date d: one per office
// handling a business, per period open that day. Closed offices and
// non-working days give none.
func (c *Catalog) PlacesFor(d Date) []Place {
	if !c.Calendar.IsWorkingDay(d) {
		return nil
	}
	wd := int(d.Weekday())
	if wd == 0 {
		wd = 7
	}
	var out []Place
	for _, o := range c.Offices {
		if slices.Contains(o.Closures, d) {
			continue
		}
		for _, p := range o.Periods {
			if len(p.Weekdays) > 0 && !slices.Contains(p.Weekdays, wd) {
				continue
			}
			for _, b := range o.Businesses {
				out = append(out, Place{Office: o.Code, Business: b, Date: d, Start: p.Start, End: p.End, Capacity: p.Capacity})
			}
		}
	}
	return out
}

// Validate checks references between catalog entries and period times.
func (c *Catalog) Validate() error {
	if len(c.Businesses) == 0 || len(c.Offices) == 0 {
		return Errorf(EInvalid, "catalog needs businesses and offices")
	}
	for _, o := range c.Offices {
		if _, ok := c.District(o.District); !ok {
			return Errorf(EInvalid, "office %s: unknown district %q", o.Code, o.District)
		}
		for _, b := range o.Businesses {
			if _, ok := c.Business(b); !ok {
				return Errorf(EInvalid, "office %s: unknown business %q", o.Code, b)
			}
		}
		for _, p := range o.Periods {
			s, err1 := time.Parse("15:04", p.Start)
			e, err2 := time.Parse("15:04", p.End)
			if err1 != nil || err2 != nil || !s.Before(e) || p.Capacity < 0 {
				return Errorf(EInvalid, "office %s: bad period %s-%s", o.Code, p.Start, p.End)
			}
		}
	}
	return nil
}
