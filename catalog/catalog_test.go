package catalog

import (
	"strings"
	"testing"

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
	}
	for name, src := range cases {
		if _, err := Parse([]byte(src)); err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), "panic") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
