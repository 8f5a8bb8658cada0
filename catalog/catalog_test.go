package catalog

import (
	"strings"
	"testing"
	"time"

	"yuyue/booking"
)

func TestDemoCatalog(t *testing.T) {
	c, err := Demo()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"福田区", "罗湖区", "南山区", "盐田区", "宝安区", "龙岗区", "龙华区", "坪山区", "光明区", "大鹏新区"}
	for _, name := range want {
		found := false
		for _, d := range c.Districts {
			if d.Name == name && len(c.OfficesFor("", d.Code)) > 0 {
				found = true
			}
		}
		if !found {
			t.Errorf("district %s missing or without an office", name)
		}
	}
	if len(c.Businesses) < 6 || c.Businesses[0].Name != "新生儿入户" {
		t.Fatalf("businesses: %d, first %q", len(c.Businesses), c.Businesses[0].Name)
	}
	for _, b := range c.Businesses {
		if b.Notice == "" || b.Bring == "" {
			t.Errorf("business %s lacks a notice or what to bring", b.Code)
		}
	}
	if c.Calendar.IsWorkingDay(booking.MustDate("2026-10-01")) || !c.Calendar.IsWorkingDay(booking.MustDate("2026-10-10")) {
		t.Error("demo calendar: National Day or its make-up Saturday wrong")
	}
	if n := len(c.PlacesFor(booking.MustDate("2026-12-01"))); n == 0 {
		t.Fatal("no places on a working day")
	}
}

func TestParseRejectsBadCatalogs(t *testing.T) {
	base := "businesses: [{code: b, name: B}]\ndistricts: [{code: d, name: D}]\n"
	cases := map[string]string{
		"unknown district":   base + "offices: [{code: O, name: O, district: x, periods: [{start: '09:00', end: '10:00', capacity: 1}]}]",
		"unknown business":   base + "offices: [{code: O, name: O, district: d, businesses: [zz]}]",
		"period backwards":   base + "offices: [{code: O, name: O, district: d, periods: [{start: '10:00', end: '09:00', capacity: 1}]}]",
		"holiday wrong year": base + "offices: [{code: O, name: O, district: d}]\ncalendar: {2026: {holidays: {'2027-01-01': x}}}",
		"not yaml":           "{{{",
		"holiday typo":       base + "offices: [{code: O, name: O, district: d}]\ncalendar: {2026: {holiday: {'2026-01-01': x}}}",
		"unknown office key": base + "offices: [{code: O, name: O, district: d, adress: x}]",
		"zero capacity":      base + "offices: [{code: O, name: O, district: d, periods: [{start: '09:00', end: '10:00', capacity: 0}]}]",
		"periods overlap":    base + "offices: [{code: O, name: O, district: d, periods: [{start: '09:00', end: '10:00', capacity: 1}, {start: '09:30', end: '11:00', capacity: 1}]}]",
		"bad weekday":        base + "offices: [{code: O, name: O, district: d, periods: [{start: '09:00', end: '10:00', capacity: 1, weekdays: [8]}]}]",
		"holiday not a date": base + "offices: [{code: O, name: O, district: d}]\ncalendar: {2026: {holidays: {'2026-02-30': x}}}",
		"repeated office":    base + "offices: [{code: O, name: O, district: d}, {code: O, name: P, district: d}]",
	}
	for name, src := range cases {
		if _, err := Parse([]byte(src)); err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), "panic") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// A misspelt key is an error naming it, not a silently empty calendar.
func TestCatalogTypoNamesTheKey(t *testing.T) {
	src := "businesses: [{code: b, name: B}]\ndistricts: [{code: d, name: D}]\noffices: [{code: O, name: O, district: d}]\n" +
		"defaults: {periods: [{start: '09:00', end: '10:00', capacity: 1}]}\ncalendar:\n  2026:\n    holiday:\n      '2026-10-01': 国庆\n"
	_, err := Parse([]byte(src))
	if err == nil || !strings.Contains(err.Error(), "field holiday not found") {
		t.Fatalf("err = %v, want the holiday typo named", err)
	}
}

func TestYearsWithoutHolidays(t *testing.T) {
	c, err := Demo()
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time { t, _ := time.ParseInLocation(time.DateOnly, s, c.Calendar.Loc); return t }
	if got := YearsWithoutHolidays(c, at("2026-12-01"), 14); len(got) != 0 {
		t.Fatalf("December 2026 window: %v, want none missing", got)
	}
	if got := YearsWithoutHolidays(c, at("2027-12-25"), 14); len(got) != 1 || got[0] != 2028 {
		t.Fatalf("window into 2028: %v, want [2028]", got)
	}
}
