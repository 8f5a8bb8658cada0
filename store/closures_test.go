package store_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/store/storetest"
)

// closureCatalog has room for 300 bookings on one day at FT01 and a small
// office NS01 (capacity 2) to run out of places on.
const closureCatalog = `
businesses:
  - {code: newborn, name: 新生儿入户, bring: 出生医学证明}
  - {code: idcard, name: 居民身份证申领换领, bring: 户口簿}
districts: [{code: futian, name: 福田区}]
offices:
  - code: FT01
    name: 福田派出所户政室
    district: futian
    periods:
      - {start: "09:00", end: "12:00", capacity: 160}
      - {start: "14:00", end: "17:00", capacity: 160}
  - code: NS01
    name: 南头派出所户政室
    district: futian
    businesses: [newborn]
    periods:
      - {start: "09:00", end: "10:00", capacity: 2}
      - {start: "14:00", end: "15:00", capacity: 2}
`

func count(t *testing.T, e *storetest.Env, query string, args ...any) int {
	t.Helper()
	var n int
	if err := e.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Closing an office for a day with 300 bookings: 300 SMS with the closure
// template and its parameters, every booking cancelled (not a no-show),
// live holds released, no hold possible afterwards through the paths the
// channels use (Hold: IVR, SIP, console; SwitchHold: web and API), the
// day gone from availability, the no-show job skipping it, audit rows;
// reopening takes bookings again.
func TestCloseOfficeDayWith300Bookings(t *testing.T) {
	e := storetest.NewEnv(t, closureCatalog)
	day := booking.MustDate("2026-12-03")
	var booked []booking.Booking
	for i := range 300 {
		start := "09:00"
		if i%2 == 1 {
			start = "14:00"
		}
		booked = append(booked, e.Book(t, e.Citizen(t, i+1), e.Place(t, "FT01", "newborn", "2026-12-03", start)))
	}
	holder := e.Citizen(t, 1001)
	if _, err := e.Svc.Hold(ctx, storetest.Actor, holder.ID, e.Place(t, "FT01", "idcard", "2026-12-03", "09:00").ID); err != nil {
		t.Fatal(err)
	}
	other := e.Book(t, e.Citizen(t, 1002), e.Place(t, "FT01", "newborn", "2026-12-04", "09:00"))
	req := booking.ClosureRequest{Offices: []string{"FT01"}, Date: day, ReasonClass: "typhoon", Action: booking.ClosureCancel, Note: "8号风球"}

	imp, err := e.Svc.PreviewClosure(ctx, req, "")
	if err != nil || imp.Bookings != 300 || imp.Holds != 1 {
		t.Fatalf("preview %+v %v: want 300 bookings, 1 hold", imp, err)
	}
	if _, err := e.Svc.PreviewClosure(ctx, req, "NS01"); booking.ErrorCode(err) != booking.EForbidden {
		t.Fatalf("a manager of NS01 closing FT01: %v", err)
	}
	if n := count(t, e, `SELECT count(*) FROM outbox WHERE kind LIKE 'closure%'`); n != 0 {
		t.Fatalf("the preview queued %d SMS", n)
	}
	admin := booking.Actor{Name: "admin1", Channel: booking.ChannelOperator}
	began := time.Now()
	c, imp, err := e.Svc.Close(ctx, admin, req, "")
	t.Logf("closing 300 bookings took %v", time.Since(began)) // one transaction
	if err != nil || imp.Cancelled != 300 || imp.Moved != 0 || imp.Holds != 1 {
		t.Fatalf("close %+v %v", imp, err)
	}

	rows, err := e.Query(`SELECT booking_id, params FROM outbox WHERE kind = ?`, booking.MsgClosureCancel)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for rows.Next() {
		var id int64
		var raw string
		p := map[string]string{}
		if err := rows.Scan(&id, &raw); err != nil || json.Unmarshal([]byte(raw), &p) != nil {
			t.Fatal(err)
		}
		seen[id] = true
		if p["reason"] != "台风天气" || p["closed_date"] != "2026-12-03" || p["office"] != "福田派出所户政室" ||
			p["business"] != "新生儿入户" || p["ref"] == "" || strings.Contains(raw, "8号风球") {
			t.Fatalf("params %s", raw)
		}
	}
	rows.Close()
	if len(seen) != 300 {
		t.Fatalf("%d closure SMS, want 300", len(seen))
	}
	for _, b := range booked {
		got, err := e.Svc.Booking(ctx, b.ID)
		if err != nil || got.Status != booking.StatusCancelled || !seen[b.ID] {
			t.Fatalf("booking %d: %s %v, texted %v", b.ID, got.Status, err, seen[b.ID])
		}
	}
	if got, _ := e.Svc.Booking(ctx, other.ID); got.Status != booking.StatusBooked {
		t.Fatalf("the next day's booking is %s", got.Status)
	}
	if n := count(t, e, `SELECT count(*) FROM bookings WHERE citizen_id = ? AND status = 'held'`, holder.ID); n != 0 {
		t.Fatal("the hold on the closed day is still live")
	}

	// no channel can book the day any more
	p := e.Place(t, "FT01", "idcard", "2026-12-04", "09:00") // exists, open
	closedPlace := p
	closedPlace.Date = day
	ps, err := e.Svc.Availability(ctx, booking.PlaceFilter{Office: "FT01", From: day, To: day})
	if err != nil || len(ps) != 0 {
		t.Fatalf("availability on the closed day: %d places %v", len(ps), err)
	}
	var dayPlaces []booking.Place
	err = e.Store.View(ctx, func(tx booking.Tx) (err error) {
		dayPlaces, err = tx.Places(booking.PlaceFilter{Office: "FT01", From: day, To: day, OnlyFree: true})
		return err
	})
	if err != nil || len(dayPlaces) == 0 {
		t.Fatalf("free places on the day %d %v", len(dayPlaces), err)
	}
	fresh := e.Citizen(t, 1003)
	e.Verify(t, fresh)
	for name, hold := range map[string]func(int64, int64) (booking.Booking, error){
		"Hold (IVR, SIP, console)": func(c, p int64) (booking.Booking, error) { return e.Svc.Hold(ctx, storetest.Actor, c, p) },
		"SwitchHold (web, API)":    func(c, p int64) (booking.Booking, error) { return e.Svc.SwitchHold(ctx, storetest.Actor, c, p) },
	} {
		for _, dp := range dayPlaces {
			if _, err := hold(fresh.ID, dp.ID); booking.ErrorCode(err) != booking.EFull {
				t.Fatalf("%s on closed %s %s: %v", name, dp.Date, dp.Start, err)
			}
		}
	}

	// the no-show job skips the day (nothing booked is left; a booking
	// that slipped through would still not be marked)
	slipped := booked[0] // as if one had slipped through: booked on the closed day
	err = e.Store.InTx(ctx, func(tx booking.Tx) error {
		b, err := tx.Booking(slipped.ID)
		b.Status, b.CancelledAt = booking.StatusBooked, time.Time{}
		return errors.Join(err, tx.UpdateBooking(b))
	})
	if err != nil {
		t.Fatal(err)
	}
	e.Clock.Set(storetest.At("2026-12-03 20:00"))
	if r, err := e.Svc.MarkNoShows(ctx, storetest.Actor); err != nil || r.Marked != 0 {
		t.Fatalf("no-shows on a closed day: %+v %v", r, err)
	}
	if n := count(t, e, `SELECT count(*) FROM bookings WHERE status = 'noshow'`); n != 0 {
		t.Fatalf("%d no-shows", n)
	}
	if n := count(t, e, `SELECT count(*) FROM audit WHERE action = 'booking.closure_cancel'`); n != 300 {
		t.Fatalf("%d cancel audit rows", n)
	}
	if n := count(t, e, `SELECT count(*) FROM audit WHERE action = 'closure.close' AND actor = 'admin1'`); n != 1 {
		t.Fatalf("%d closure audit rows", n)
	}
	prog, err := func() (booking.ClosureProgress, error) { _, p, err := e.Svc.ClosureStatus(ctx, c.ID); return p, err }()
	if err != nil || prog.Pending != 300 || prog.Cancelled != 300 {
		t.Fatalf("progress %+v %v", prog, err)
	}

	// reopening: the day takes bookings again (back before the day)
	e.Clock.Set(storetest.At("2026-12-01 09:00"))
	if err := e.Svc.Reopen(ctx, admin, c.ID, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.Hold(ctx, storetest.Actor, fresh.ID, dayPlaces[0].ID); err != nil {
		t.Fatalf("hold after reopening: %v", err)
	}
	if n := count(t, e, `SELECT count(*) FROM audit WHERE action = 'closure.reopen'`); n != 1 {
		t.Fatalf("%d reopen audit rows", n)
	}
}

// A closure that moves: each booking to the first free place of its
// business at its office (the earliest date, its own period if free that
// day), keeping its reference, texted the new time; with no free place in
// the window, cancelled and texted so.
func TestCloseMovesBookingsToFirstFreePlace(t *testing.T) {
	e := storetest.NewEnv(t, closureCatalog)
	n := 0
	book := func(date, start string) booking.Booking {
		n++
		return e.Book(t, e.Citizen(t, n), e.Place(t, "NS01", "newborn", date, start))
	}
	for _, s := range []string{"09:00", "09:00", "14:00", "14:00"} {
		book("2026-12-01", s)
	}
	book("2026-12-02", "09:00")
	book("2026-12-02", "09:00")
	a1, a2, b1 := book("2026-12-03", "09:00"), book("2026-12-03", "09:00"), book("2026-12-03", "14:00")
	e.Svc.Rules.WindowDays = 3 // the window ends on the closed day: room only on 12-02 14:00
	_, imp, err := e.Svc.Close(ctx, storetest.Actor, booking.ClosureRequest{Offices: []string{"NS01"},
		Date: booking.MustDate("2026-12-03"), ReasonClass: "outage", Action: booking.ClosureMove}, "")
	if err != nil || imp.Moved != 2 || imp.Cancelled != 1 {
		t.Fatalf("close %+v %v: want 2 moved, 1 cancelled", imp, err)
	}
	for _, b := range []booking.Booking{a1, a2} {
		got, _ := e.Svc.Booking(ctx, b.ID)
		if got.Status != booking.StatusBooked || got.Date.String() != "2026-12-02" || got.Start != "14:00" || got.Reference != b.Reference {
			t.Fatalf("moved booking %+v", got)
		}
	}
	if got, _ := e.Svc.Booking(ctx, b1.ID); got.Status != booking.StatusCancelled {
		t.Fatalf("unplaceable booking is %s", got.Status)
	}
	if got := count(t, e, `SELECT count(*) FROM outbox WHERE kind = ?`, booking.MsgClosureMove); got != 2 {
		t.Fatalf("%d move SMS", got)
	}
	if got := count(t, e, `SELECT count(*) FROM outbox WHERE kind = ? AND booking_id = ?`, booking.MsgClosureCancel, b1.ID); got != 1 {
		t.Fatalf("%d cancel SMS for the unplaced booking", got)
	}
	if got := count(t, e, `SELECT taken FROM places WHERE office = 'NS01' AND date = '2026-12-02' AND start_time = '14:00'`); got != 2 {
		t.Fatalf("target place taken %d", got)
	}
	if got := count(t, e, `SELECT taken FROM places WHERE office = 'NS01' AND date = '2026-12-03' AND start_time = '09:00'`); got != 0 {
		t.Fatalf("closed place still taken %d", got)
	}
}

// A capacity below what is booked is refused with the count; above it,
// it applies at once and is kept when the slots job opens later days.
func TestCapacityChangeNeverBelowBooked(t *testing.T) {
	e := storetest.NewEnv(t, closureCatalog)
	e.Book(t, e.Citizen(t, 1), e.Place(t, "NS01", "newborn", "2026-12-03", "09:00"))
	e.Book(t, e.Citizen(t, 2), e.Place(t, "NS01", "newborn", "2026-12-03", "09:00"))
	ch := booking.CapacityChange{Office: "NS01", Start: "09:00", From: booking.MustDate("2026-12-01"), To: booking.MustDate("2026-12-31"), Capacity: 1}
	err := e.Svc.SetCapacity(ctx, storetest.Actor, ch, "")
	if booking.ErrorCode(err) != booking.EConflict || !strings.Contains(err.Error(), "2 already booked") {
		t.Fatalf("below booked: %v", err)
	}
	if err := e.Svc.SetCapacity(ctx, storetest.Actor, ch, "FT01"); booking.ErrorCode(err) != booking.EForbidden {
		t.Fatalf("another office's manager: %v", err)
	}
	ch.Capacity = 5
	if err := e.Svc.SetCapacity(ctx, storetest.Actor, ch, "NS01"); err != nil {
		t.Fatal(err)
	}
	if p := e.Place(t, "NS01", "newborn", "2026-12-03", "09:00"); p.Capacity != 5 || p.Taken != 2 {
		t.Fatalf("place %+v", p)
	}
	if p := e.Place(t, "NS01", "newborn", "2026-12-03", "14:00"); p.Capacity != 2 {
		t.Fatalf("the other period changed: %+v", p)
	}
	e.Clock.Set(storetest.At("2026-12-07 09:00")) // the window now reaches 12-21
	if _, err := e.Svc.OpenPlaces(ctx); err != nil {
		t.Fatal(err)
	}
	if p := e.Place(t, "NS01", "newborn", "2026-12-21", "09:00"); p.Capacity != 5 {
		t.Fatalf("a place opened later has capacity %d", p.Capacity)
	}
	if p := e.Place(t, "NS01", "newborn", "2026-12-08", "09:00"); p.Capacity != 5 {
		t.Fatalf("the slots job reverted a changed place to %d", p.Capacity)
	}
	if n := count(t, e, `SELECT count(*) FROM audit WHERE action = 'capacity.set'`); n != 1 {
		t.Fatalf("%d capacity audit rows", n)
	}
}

// A closure made on one node is honoured by the other node's next listing
// and hold, and so is its reopening: each node keeps the booking window's
// closures by catalog version, which closing and reopening bump (two
// stores on one database; on PostgreSQL two nodes).
func TestClosureHonouredByOtherNode(t *testing.T) {
	e := storetest.NewEnv(t, closureCatalog)
	other := e.Node(t)
	day := booking.MustDate("2026-12-04")
	f := booking.PlaceFilter{Office: "NS01", From: day, To: day}
	before, err := other.Availability(ctx, f) // the other node keeps the closures it read
	if err != nil || len(before) == 0 {
		t.Fatalf("before: %d places %v", len(before), err)
	}
	p := e.Place(t, "NS01", "newborn", "2026-12-04", "14:00")
	c, _, err := e.Svc.Close(ctx, storetest.Actor, booking.ClosureRequest{Offices: []string{"NS01"}, Date: day,
		ReasonClass: "other", Action: booking.ClosureCancel}, "")
	if err != nil {
		t.Fatal(err)
	}
	if ps, err := other.Availability(ctx, f); err != nil || len(ps) != 0 {
		t.Fatalf("the other node still offers %d places in the closed office (%v)", len(ps), err)
	}
	cz := e.Citizen(t, 1)
	e.Verify(t, cz)
	if _, err := other.Hold(ctx, storetest.Actor, cz.ID, p.ID); booking.ErrorCode(err) != booking.EFull {
		t.Fatalf("the other node held a place in the closed office: %v", err)
	}
	if err := e.Svc.Reopen(ctx, storetest.Actor, c.ID, ""); err != nil {
		t.Fatal(err)
	}
	if ps, err := other.Availability(ctx, f); err != nil || len(ps) != len(before) {
		t.Fatalf("after reopening the other node offers %d places, want %d (%v)", len(ps), len(before), err)
	}
	if _, err := other.Hold(ctx, storetest.Actor, cz.ID, p.ID); err != nil {
		t.Fatalf("hold after reopening: %v", err)
	}
}

// A holiday added on one node is honoured by the other node's next
// request: the calendar is the database's (two stores on one database;
// on PostgreSQL two nodes). A holiday over bookings is refused with the
// count; an extra working day opens its places.
func TestHolidayHonouredByOtherNode(t *testing.T) {
	e := storetest.NewEnv(t, closureCatalog)
	other := e.Node(t)
	day := booking.MustDate("2026-12-04")
	if ps, err := other.Availability(ctx, booking.PlaceFilter{Office: "NS01", From: day, To: day}); err != nil || len(ps) == 0 {
		t.Fatalf("before: %d places %v", len(ps), err)
	}
	b := e.Book(t, e.Citizen(t, 1), e.Place(t, "NS01", "newborn", "2026-12-04", "14:00"))
	err := e.Svc.SetCalendarDay(ctx, storetest.Actor, booking.CalendarDay{Date: day, Kind: booking.DayHoliday, Name: "台风停工"})
	if booking.ErrorCode(err) != booking.EConflict || !strings.Contains(err.Error(), "1 already booked") {
		t.Fatalf("holiday over a booking: %v", err)
	}
	if _, _, err := e.Svc.Close(ctx, storetest.Actor, booking.ClosureRequest{Offices: []string{"NS01"}, Date: day,
		ReasonClass: "other", Action: booking.ClosureCancel}, ""); err != nil {
		t.Fatal(err)
	}
	_ = b
	if err := e.Svc.SetCalendarDay(ctx, storetest.Actor, booking.CalendarDay{Date: day, Kind: booking.DayHoliday, Name: "台风停工"}); err != nil {
		t.Fatal(err)
	}
	ps, err := other.Availability(ctx, booking.PlaceFilter{From: day, To: day})
	if err != nil || len(ps) != 0 {
		t.Fatalf("the other node still offers %d places on the new holiday (%v)", len(ps), err)
	}
	c := e.Citizen(t, 2)
	e.Verify(t, c)
	if _, err := other.Hold(ctx, storetest.Actor, c.ID, e.Place(t, "FT01", "idcard", "2026-12-07", "09:00").ID); err != nil {
		t.Fatal(err)
	}
	// the file's other holiday is kept: the year was seeded before the change
	sat := booking.MustDate("2026-12-12")
	if err := e.Svc.SetCalendarDay(ctx, storetest.Actor, booking.CalendarDay{Date: sat, Kind: booking.DayWorkday, Name: "调休"}); err != nil {
		t.Fatal(err)
	}
	ps, err = other.Availability(ctx, booking.PlaceFilter{Office: "NS01", From: sat, To: sat})
	if err != nil || len(ps) != 2 {
		t.Fatalf("the other node sees %d places on the extra working day (%v)", len(ps), err)
	}
	if n := count(t, e, `SELECT count(*) FROM audit WHERE action = 'calendar.set'`); n != 2 {
		t.Fatalf("%d calendar audit rows", n)
	}
}

// Loading a year's calendar (the State Council's notice) replaces that
// year's days; a holiday over bookings is refused with the count.
func TestLoadCalendarYearReplacesTheYear(t *testing.T) {
	e := storetest.NewEnv(t, closureCatalog+`
calendar:
  2026:
    holidays: {"2026-12-25": 测试假日}
`)
	e.Book(t, e.Citizen(t, 1), e.Place(t, "NS01", "newborn", "2026-12-03", "09:00"))
	day := func(s, kind string) booking.CalendarDay {
		return booking.CalendarDay{Date: booking.MustDate(s), Kind: kind, Name: "测试"}
	}
	err := e.Svc.LoadCalendarYear(ctx, storetest.Actor, 2026, []booking.CalendarDay{day("2026-12-03", booking.DayHoliday)})
	if n, ok := booking.BookedCount(err); !ok || n != 1 {
		t.Fatalf("a holiday over a booking: %v", err)
	}
	if err := e.Svc.LoadCalendarYear(ctx, storetest.Actor, 2026, []booking.CalendarDay{
		day("2026-12-07", booking.DayHoliday), day("2026-12-13", booking.DayWorkday)}); err != nil {
		t.Fatal(err)
	}
	count := func(d string) int {
		ps, err := e.Svc.Availability(ctx, booking.PlaceFilter{Office: "NS01", From: booking.MustDate(d), To: booking.MustDate(d)})
		if err != nil {
			t.Fatal(err)
		}
		return len(ps)
	}
	if count("2026-12-07") != 0 || count("2026-12-13") != 2 {
		t.Fatalf("after loading: 12-07 %d places, 12-13 %d", count("2026-12-07"), count("2026-12-13"))
	}
	h, _ := e.Svc.Catalog.Calendar.Snapshot()
	if _, ok := h[booking.MustDate("2026-12-25")]; ok {
		t.Fatal("the file's old holiday survived the year's replacement")
	}
}

// A catalog version a rolled-back transaction saw is never the version of a
// later committed change: a node that cached the calendar or the closures
// from inside a group-commit batch that then rolled back would otherwise
// take the later change for the one it cached, and keep stale days.
func TestRolledBackCatalogVersionIsNeverReused(t *testing.T) {
	e := storetest.NewEnv(t)
	var seen, committed int64
	abandon := errors.New("abandoned")
	err := e.InTx(ctx, func(tx booking.Tx) (err error) {
		if err = tx.BumpCatalogVersion(); err != nil {
			return err
		}
		if seen, err = tx.CatalogVersion(); err != nil {
			return err
		}
		return abandon
	})
	if !errors.Is(err, abandon) {
		t.Fatalf("first transaction: %v", err)
	}
	err = e.InTx(ctx, func(tx booking.Tx) (err error) {
		if err = tx.BumpCatalogVersion(); err != nil {
			return err
		}
		committed, err = tx.CatalogVersion()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if committed == seen {
		t.Fatalf("the committed change has version %d, the one a rolled-back transaction saw", committed)
	}
}
