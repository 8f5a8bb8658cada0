// Package catalog reads the YAML description of what can be booked —
// businesses, districts, offices with their schedules, and the holiday
// calendar per year — into a booking.Catalog. A demo catalog is embedded.
package catalog

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"gopkg.in/yaml.v3"

	"yuyue/booking"
)

//go:embed demo.yaml
var demo []byte

// Demo returns the built-in demo catalog.
func Demo() (*booking.Catalog, error) { return Parse(demo) }

// Load reads a catalog file; an empty path means the demo catalog.
func Load(path string) (*booking.Catalog, error) {
	if path == "" {
		return Demo()
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read catalog: %w", err)
	}
	c, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("catalog %s: %w", path, err)
	}
	return c, nil
}

type file struct {
	Timezone   string           `yaml:"timezone"`
	Businesses []businessYAML   `yaml:"businesses"`
	Districts  []districtYAML   `yaml:"districts"`
	Offices    []officeYAML     `yaml:"offices"`
	Calendar   map[int]yearYAML `yaml:"calendar"`
	Defaults   defaultsYAML     `yaml:"defaults"`
}

type defaultsYAML struct {
	Periods []periodYAML `yaml:"periods"`
}

type businessYAML struct {
	Code   string `yaml:"code"`
	Name   string `yaml:"name"`
	NameEn string `yaml:"name_en"`
	Notice string `yaml:"notice"`
	Bring  string `yaml:"bring"`
}

type districtYAML struct {
	Code   string `yaml:"code"`
	Name   string `yaml:"name"`
	NameEn string `yaml:"name_en"`
}

type periodYAML struct {
	Start    string `yaml:"start"`
	End      string `yaml:"end"`
	Capacity int    `yaml:"capacity"`
	Weekdays []int  `yaml:"weekdays,flow,omitempty"`
}

type officeYAML struct {
	Code       string       `yaml:"code"`
	Name       string       `yaml:"name"`
	District   string       `yaml:"district"`
	Address    string       `yaml:"address"`
	Businesses []string     `yaml:"businesses,flow,omitempty"` // empty: every business
	Periods    []periodYAML `yaml:"periods,omitempty"`         // empty: defaults.periods
	Closures   []string     `yaml:"closures,omitempty"`
	// Capacity changes for date ranges (the console's, written back by
	// `yuyue catalog export`); seeded into the database where it lacks them.
	CapacityChanges []capacityYAML `yaml:"capacity_changes,omitempty"`
}

type capacityYAML struct {
	Business string `yaml:"business,omitempty"` // empty: every business of the office
	Start    string `yaml:"start"`
	From     string `yaml:"from"`
	To       string `yaml:"to"`
	Capacity int    `yaml:"capacity"`
}

type yearYAML struct {
	Holidays map[string]string `yaml:"holidays,omitempty"` // date → name
	Workdays map[string]string `yaml:"workdays,omitempty"` // weekend date → reason (调休)
}

// Parse reads catalog YAML and validates it. Unknown fields are errors: a
// misspelt key (holiday: for holidays:) would otherwise drop its data.
func Parse(b []byte) (*booking.Catalog, error) {
	var f file
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("parse catalog: %w", err)
	}
	if err := f.check(); err != nil {
		return nil, err
	}
	if f.Timezone == "" {
		f.Timezone = "Asia/Shanghai"
	}
	loc, err := time.LoadLocation(f.Timezone)
	if err != nil {
		return nil, fmt.Errorf("catalog timezone: %w", err)
	}
	c := &booking.Catalog{Calendar: &booking.Calendar{Loc: loc, Holidays: map[booking.Date]string{}, Workdays: map[booking.Date]string{}}}
	for _, b := range f.Businesses {
		c.Businesses = append(c.Businesses, booking.Business(b))
	}
	for _, d := range f.Districts {
		c.Districts = append(c.Districts, booking.District(d))
	}
	for _, o := range f.Offices {
		off, err := f.office(o)
		if err != nil {
			return nil, err
		}
		c.Offices = append(c.Offices, off)
	}
	if err := f.calendar(c.Calendar); err != nil {
		return nil, err
	}
	return c, c.Validate()
}

func (f *file) office(o officeYAML) (booking.Office, error) {
	off := booking.Office{Code: o.Code, Name: o.Name, District: o.District, Address: o.Address, Businesses: o.Businesses}
	if len(off.Businesses) == 0 {
		for _, b := range f.Businesses {
			off.Businesses = append(off.Businesses, b.Code)
		}
	}
	periods := o.Periods
	if len(periods) == 0 {
		periods = f.Defaults.Periods
	}
	for _, p := range periods {
		off.Periods = append(off.Periods, booking.Period(p))
	}
	for _, s := range o.Closures {
		d, err := booking.ParseDate(s)
		if err != nil {
			return off, fmt.Errorf("office %s closures: %w", o.Code, err)
		}
		off.Closures = append(off.Closures, d)
	}
	for _, c := range o.CapacityChanges {
		from, err1 := booking.ParseDate(c.From)
		to, err2 := booking.ParseDate(c.To)
		if err1 != nil || err2 != nil || to.Before(from) || c.Capacity < 0 {
			return off, fmt.Errorf("office %s capacity_changes: bad change %s..%s capacity %d", o.Code, c.From, c.To, c.Capacity)
		}
		off.CapacityChanges = append(off.CapacityChanges, booking.CapacityChange{Office: o.Code, Business: c.Business,
			Start: c.Start, From: from, To: to, Capacity: c.Capacity})
	}
	return off, nil
}

func (f *file) calendar(cal *booking.Calendar) error {
	for year, y := range f.Calendar {
		for into, src := range map[*map[booking.Date]string]map[string]string{&cal.Holidays: y.Holidays, &cal.Workdays: y.Workdays} {
			for s, name := range src {
				d, err := booking.ParseDate(s)
				if err != nil || d.Year != year {
					return fmt.Errorf("calendar %d: bad date %q", year, s)
				}
				(*into)[d] = name
			}
		}
	}
	return nil
}
