package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/catalog"
	"yuyue/store"
)

// `yuyue catalog export` writes the database's calendar and capacity
// changes over the catalog file; the file parses back to the same state
// and exports to the same bytes.
func TestCatalogExportRoundTrips(t *testing.T) {
	e := testEnv(t, nil)
	dbPath := e.getenv("YUYUE_DATABASE")
	if err := run(context.Background(), []string{"migrate"}, e); err != nil {
		t.Fatal(err)
	}
	secret, err := os.ReadFile(filepath.Join(filepath.Dir(dbPath), ".dev-secret-key"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), dbPath, strings.TrimSpace(string(secret)))
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := catalog.Demo()
	svc := booking.NewService(st, cat, booking.DefaultRules())
	ctx := context.Background()
	a := booking.Actor{Name: "admin", Channel: booking.ChannelOperator}
	if err := svc.SeedCatalog(ctx, a); err != nil {
		t.Fatal(err)
	}
	next := booking.DateOf(time.Now(), cat.Calendar.Loc).AddDays(40) // beyond the window: no bookings
	for next.Weekday() == time.Saturday || next.Weekday() == time.Sunday {
		next = next.AddDays(1)
	}
	if err := svc.SetCalendarDay(ctx, a, booking.CalendarDay{Date: next, Kind: booking.DayHoliday, Name: "测试停工"}); err != nil {
		t.Fatal(err)
	}
	if err := svc.SetCapacity(ctx, a, booking.CapacityChange{Office: "FT01", Start: "09:00", From: next, To: next.AddDays(7), Capacity: 11}, ""); err != nil {
		t.Fatal(err)
	}
	st.Close()

	out := filepath.Join(t.TempDir(), "catalog.yaml")
	if err := run(ctx, []string{"catalog", "export", "--out", out}, e); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	back, err := catalog.Parse(b)
	if err != nil {
		t.Fatalf("the export does not parse: %v", err)
	}
	h, w := back.Calendar.Snapshot()
	if h[next] != "测试停工" || h[booking.MustDate("2026-10-01")] != "国庆节" {
		t.Fatalf("exported calendar lacks the console's holiday or the file's: %q %q", h[next], h[booking.MustDate("2026-10-01")])
	}
	var changes []booking.CapacityChange
	for _, o := range back.Offices {
		changes = append(changes, o.CapacityChanges...)
	}
	if len(changes) != 1 || changes[0].Capacity != 11 || changes[0].Office != "FT01" || changes[0].From != next {
		t.Fatalf("exported capacity changes %+v", changes)
	}
	again, err := catalog.Export(back, booking.CatalogState{Holidays: h, Workdays: w, Changes: changes})
	if err != nil || !bytes.Equal(again, b) {
		t.Fatalf("exporting the exported file differs (%v)", err)
	}
}
