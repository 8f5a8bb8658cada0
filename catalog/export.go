package catalog

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"

	"gopkg.in/yaml.v3"

	"yuyue/booking"
)

// Export writes c in the catalog format with the database's state: its
// calendar (every year) and capacity changes. Offices list their periods
// and businesses in full, so the file needs no defaults. Parse(Export(…))
// gives the same catalog, and exporting that gives the same bytes.
func Export(c *booking.Catalog, st booking.CatalogState) ([]byte, error) {
	f := file{Timezone: c.Calendar.Loc.String(), Calendar: map[int]yearYAML{}}
	for _, b := range c.Businesses {
		f.Businesses = append(f.Businesses, businessYAML(b))
	}
	for _, d := range c.Districts {
		f.Districts = append(f.Districts, districtYAML(d))
	}
	for _, o := range c.Offices {
		oy := officeYAML{Code: o.Code, Name: o.Name, District: o.District, Address: o.Address, Businesses: o.Businesses}
		for _, p := range o.Periods {
			oy.Periods = append(oy.Periods, periodYAML(p))
		}
		for _, d := range o.Closures {
			oy.Closures = append(oy.Closures, d.String())
		}
		for _, ch := range st.Changes {
			if ch.Office == o.Code {
				oy.CapacityChanges = append(oy.CapacityChanges, capacityYAML{Business: ch.Business, Start: ch.Start,
					From: ch.From.String(), To: ch.To.String(), Capacity: ch.Capacity})
			}
		}
		f.Offices = append(f.Offices, oy)
	}
	add := func(days map[booking.Date]string, holiday bool) {
		for d, name := range days {
			y := f.Calendar[d.Year]
			m := &y.Workdays
			if holiday {
				m = &y.Holidays
			}
			if *m == nil {
				*m = map[string]string{}
			}
			(*m)[d.String()] = name
			f.Calendar[d.Year] = y
		}
	}
	add(st.Holidays, true)
	add(st.Workdays, false)
	var buf bytes.Buffer
	buf.WriteString("# Written by `yuyue catalog export`: the catalog with the database's calendar\n" +
		"# and capacity changes. Loaded as a seed, it gives the database what it lacks.\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&f); err != nil {
		return nil, fmt.Errorf("export catalog: %w", err)
	}
	return buf.Bytes(), enc.Close()
}

// ParseCalendar reads the calendar part of a file in the catalog format
// (the State Council's notice typed in: `calendar: {2027: {holidays: …,
// workdays: …}}`; other keys are ignored) and returns each year's days.
func ParseCalendar(b []byte) (map[int][]booking.CalendarDay, error) {
	var f struct {
		Calendar map[int]yearYAML `yaml:"calendar"`
	}
	if err := yaml.NewDecoder(bytes.NewReader(b)).Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("parse calendar: %w", err)
	}
	if len(f.Calendar) == 0 {
		return nil, errors.New("the file has no calendar: years under `calendar:`")
	}
	out := map[int][]booking.CalendarDay{}
	for year, y := range f.Calendar {
		for kind, src := range map[string]map[string]string{booking.DayHoliday: y.Holidays, booking.DayWorkday: y.Workdays} {
			for s, name := range src {
				d, err := booking.ParseDate(s)
				if err != nil || d.Year != year {
					return nil, fmt.Errorf("calendar %d: bad date %q", year, s)
				}
				out[year] = append(out[year], booking.CalendarDay{Date: d, Kind: kind, Name: name})
			}
		}
		sort.Slice(out[year], func(i, j int) bool { return out[year][i].Date.Before(out[year][j].Date) })
	}
	return out, nil
}
