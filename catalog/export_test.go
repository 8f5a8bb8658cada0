package catalog

import (
	"bytes"
	"reflect"
	"testing"

	"yuyue/booking"
)

// Export round-trips: the exported file parses to the same catalog and
// state, and exporting that again gives the same bytes.
func TestExportRoundTrips(t *testing.T) {
	c, err := Demo()
	if err != nil {
		t.Fatal(err)
	}
	h, w := c.Calendar.Snapshot()
	h[booking.MustDate("2026-12-04")] = "台风停工"
	w[booking.MustDate("2026-12-12")] = "调休"
	st := booking.CatalogState{Holidays: h, Workdays: w, Changes: []booking.CapacityChange{
		{Office: "FT01", Start: "09:00", From: booking.MustDate("2026-12-01"), To: booking.MustDate("2026-12-31"), Capacity: 9},
		{Office: "DP01", Business: "idcard", Start: "14:00", From: booking.MustDate("2027-01-04"), To: booking.MustDate("2027-01-08"), Capacity: 1},
	}}
	out, err := Export(c, st)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(out)
	if err != nil {
		t.Fatalf("the export does not parse: %v\n%s", err, out)
	}
	bh, bw := back.Calendar.Snapshot()
	if !reflect.DeepEqual(bh, h) || !reflect.DeepEqual(bw, w) {
		t.Fatal("calendar changed in the round trip")
	}
	var changes []booking.CapacityChange
	for _, o := range back.Offices {
		changes = append(changes, o.CapacityChanges...)
	}
	if len(changes) != 2 || changes[0].Capacity != 9 || changes[1].Business != "idcard" || changes[1].Office != "DP01" {
		t.Fatalf("capacity changes %+v", changes)
	}
	for i, o := range back.Offices {
		if !reflect.DeepEqual(o.Periods, c.Offices[i].Periods) || !reflect.DeepEqual(o.Businesses, c.Offices[i].Businesses) {
			t.Fatalf("office %s changed", o.Code)
		}
	}
	again, err := Export(back, booking.CatalogState{Holidays: bh, Workdays: bw, Changes: changes})
	if err != nil || !bytes.Equal(again, out) {
		t.Fatalf("a second export differs (%v)", err)
	}
}

func TestParseCalendarFile(t *testing.T) {
	days, err := ParseCalendar([]byte("calendar:\n  2027:\n    holidays: {\"2027-01-01\": 元旦}\n    workdays: {\"2027-02-07\": 春节调休}\n"))
	if err != nil || len(days[2027]) != 2 || days[2027][0].Kind != booking.DayHoliday {
		t.Fatalf("%+v %v", days, err)
	}
	if _, err := ParseCalendar([]byte("calendar:\n  2027:\n    holidays: {\"2028-01-01\": 元旦}\n")); err == nil {
		t.Fatal("a date outside its year was accepted")
	}
}
