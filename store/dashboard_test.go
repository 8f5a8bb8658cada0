package store_test

import (
	"database/sql"
	"fmt"
	"sort"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/store/storetest"
)

// seedDashboard fills the env with bookings on every channel and status in
// and around the booking window and the 90 no-show days, outbox rows of two
// providers in every state, and calls with journeys in and out of the last
// 24 hours. The figures come out uneven so that a wrong group shows.
func seedDashboard(t *testing.T, e *storetest.Env) {
	t.Helper()
	days := e.Svc.Window()
	channels := []string{booking.ChannelIVR, booking.ChannelSIP, booking.ChannelWeb, booking.ChannelApp, booking.ChannelOperator, booking.ChannelSMS}
	windowStatuses := []booking.Status{booking.StatusBooked, booking.StatusBooked, booking.StatusHeld, booking.StatusCheckedIn, booking.StatusCancelled}
	pastStatuses := []booking.Status{booking.StatusNoShow, booking.StatusCompleted, booking.StatusCompleted, booking.StatusCancelled, booking.StatusNoShow, booking.StatusCompleted}
	today := booking.DateOf(e.Clock.Now(), storetest.Shanghai)
	now := e.Clock.Now()
	for i := range 23 {
		c := e.Citizen(t, 100+i)
		err := e.Store.InTx(ctx, func(tx booking.Tx) error {
			office := []string{"FT01", "NS01"}[i%3/2]
			ps, err := tx.Places(booking.PlaceFilter{Office: office, Business: "newborn", From: days[i%len(days)], To: days[i%len(days)], OnlyFree: true})
			if err != nil || len(ps) == 0 {
				return fmt.Errorf("no free place for %d: %v", i, err)
			}
			p := ps[i%len(ps)]
			st := windowStatuses[i%len(windowStatuses)]
			if st != booking.StatusCancelled {
				if err := tx.TakePlace(p.ID); err != nil {
					return err
				}
			}
			b := booking.Booking{CitizenID: c.ID, PlaceID: p.ID, Business: p.Business, Office: p.Office, Date: p.Date,
				Start: p.Start, End: p.End, Status: st, CreatedAt: now, Channel: channels[i%len(channels)]}
			if err := tx.InsertBooking(&b); err != nil {
				return err
			}
			// past bookings of the other business: 0 to 100 days back
			for k := range 1 + i%3 {
				back := (i*13 + k*37) % 101
				d := booking.DateOf(now.AddDate(0, 0, -back), storetest.Shanghai)
				st := pastStatuses[(i+k)%len(pastStatuses)]
				if back == 0 {
					d = today
				}
				pb := booking.Booking{CitizenID: c.ID, PlaceID: p.ID, Business: "idcard", Office: []string{"FT01", "NS01"}[(i/2+k)%2],
					Date: d, Start: "09:00", End: "10:00", Status: st, CreatedAt: now, Channel: channels[(i+k)%len(channels)]}
				if err := tx.InsertBooking(&pb); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// SMS: 17 messages, two providers, every outcome; three are older than 24 h.
	err := e.Store.InTx(ctx, func(tx booking.Tx) error {
		for i := range 17 {
			if err := tx.Enqueue(booking.Message{To: storetest.Phone(i), Kind: booking.MsgReminder, Params: map[string]string{}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := e.Query(`SELECT id FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	err = e.Store.InTx(ctx, func(tx booking.Tx) error {
		for i, id := range ids {
			provider := []string{"aliyun", "twilio"}[i%2]
			sid := fmt.Sprintf("SM%032d", i)
			var err error
			switch i % 6 {
			case 0, 1: // delivered
				if err = tx.FinishMessage(booking.SendResult{ID: id, Outcome: booking.SendSent, SID: sid, At: now, Provider: provider}); err == nil {
					_, err = tx.SetDeliveryStatus(sid, "delivered", "")
				}
			case 2: // sent, then reported undelivered
				if err = tx.FinishMessage(booking.SendResult{ID: id, Outcome: booking.SendSent, SID: sid, At: now, Provider: provider}); err == nil {
					_, err = tx.SetDeliveryStatus(sid, "undelivered", "30007")
				}
			case 3: // refused
				err = tx.FinishMessage(booking.SendResult{ID: id, Outcome: booking.SendFailed, Error: "bad number", At: now, Provider: provider})
			case 4: // sent, no report yet
				err = tx.FinishMessage(booking.SendResult{ID: id, Outcome: booking.SendSent, SID: sid, At: now, Provider: provider})
			case 5: // never tried: no provider
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids[:3] {
		if _, err := writer(e).Exec(storetest.Rebind(e.Store, `UPDATE outbox SET created_at = ? WHERE id = ?`), now.Add(-25*time.Hour).UnixMilli(), id); err != nil {
			t.Fatal(err)
		}
	}
	// Calls: 31, started from 30 h ago to now, each leaving at some step.
	steps := []string{"menu", "id_number", "code", "business", "date", "confirm", "done", "operator"}
	err = e.Store.InTx(ctx, func(tx booking.Tx) error {
		for i := range 31 {
			sid := fmt.Sprintf("CA%032d", i)
			at := now.Add(-time.Duration(i*59) * time.Minute)
			if err := tx.AddCallEvent(booking.CallEvent{SID: sid, Seq: 1, At: at, Kind: booking.CallStart, Channel: "ivr",
				Caller: booking.MaskPhone(storetest.Phone(i)), Step: "menu"}); err != nil {
				return err
			}
			for k := 1; k <= i%len(steps); k++ {
				if err := tx.AddCallEvent(booking.CallEvent{SID: sid, Seq: k + 1, At: at.Add(time.Duration(k) * time.Second), Kind: booking.CallInput,
					FromStep: steps[k-1], Step: steps[k], Keys: "1"}); err != nil {
					return err
				}
			}
			if i%4 == 0 {
				n := i%len(steps) + 2
				if err := tx.AddCallEvent(booking.CallEvent{SID: sid, Seq: n, At: at.Add(time.Minute), Kind: booking.CallEnd,
					FromStep: steps[i%len(steps)], Step: steps[i%len(steps)]}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// writer is a pool the test may write through: SQLite's one writer, or
// PostgreSQL's pool. (The outbox stamps rows with the database's clock; the
// seed moves three back a day.)
func writer(e *storetest.Env) *sql.DB {
	if w, ok := e.Store.(interface{ Writer() *sql.DB }); ok {
		return w.Writer()
	}
	return e.Store.Reader()
}

// Every figure of the dashboard equals a count the test makes its own way,
// and the funnel's exits add up to the calls of the 24 hours.
func TestDashboardFiguresMatchCounts(t *testing.T) {
	e := storetest.NewEnv(t)
	seedDashboard(t, e)
	d, err := e.Svc.Dashboard(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	days := e.Svc.Window()
	from, to := days[0].String(), days[len(days)-1].String()

	got := map[string]int{}
	for _, r := range d.Bookings {
		got[r.Date.String()+"/"+r.Channel] += r.N
	}
	total := 0
	for _, day := range days {
		for _, ch := range []string{"ivr", "sip", "web", "app", "operator", "sms"} {
			want := count(t, e, `SELECT count(*) FROM bookings WHERE date = ? AND channel = ?
				AND status NOT IN ('held', 'cancelled', 'expired', 'noshow')`, day.String(), ch)
			if got[day.String()+"/"+ch] != want {
				t.Errorf("bookings %s %s: dashboard %d, SQL %d", day, ch, got[day.String()+"/"+ch], want)
			}
			total += want
		}
	}
	if total == 0 || len(d.Bookings) == 0 {
		t.Fatal("seed made no bookings in the window")
	}

	if len(d.Fill) != 2 {
		t.Fatalf("fill for %d offices, want 2", len(d.Fill))
	}
	for _, f := range d.Fill {
		places := count(t, e, `SELECT count(*) FROM places WHERE office = ? AND date BETWEEN ? AND ?`, f.Office, from, to)
		held := count(t, e, `SELECT count(*) FROM bookings WHERE office = ? AND date BETWEEN ? AND ? AND status IN ('held', 'booked', 'checked_in')`, f.Office, from, to)
		if f.Capacity != 2*places || f.Taken != held || held == 0 {
			t.Errorf("fill %s: %d of %d, SQL %d of %d", f.Office, f.Taken, f.Capacity, held, 2*places)
		}
	}

	nsFrom := booking.DateOf(e.Clock.Now().AddDate(0, 0, -90), storetest.Shanghai).String()
	today := booking.DateOf(e.Clock.Now(), storetest.Shanghai).String()
	if len(d.NoShows) != 2 {
		t.Fatalf("no-shows for %d offices, want 2", len(d.NoShows))
	}
	for _, n := range d.NoShows {
		noshow := count(t, e, `SELECT count(*) FROM bookings WHERE office = ? AND status = 'noshow' AND date >= ? AND date <= ?`, n.Office, nsFrom, today)
		attended := count(t, e, `SELECT count(*) FROM bookings WHERE office = ? AND status IN ('checked_in', 'completed') AND date >= ? AND date <= ?`, n.Office, nsFrom, today)
		if n.NoShow != noshow || n.Due != noshow+attended || noshow == 0 {
			t.Errorf("no-shows %s: %d of %d, SQL %d of %d", n.Office, n.NoShow, n.Due, noshow, noshow+attended)
		}
	}
	if old := count(t, e, `SELECT count(*) FROM bookings WHERE status = 'noshow' AND date < ?`, nsFrom); old == 0 {
		t.Error("seed has no no-show older than 90 days: the window's edge is untested")
	}

	since := e.Clock.Now().Add(-24 * time.Hour).UnixMilli()
	if len(d.SMS) != 3 {
		t.Fatalf("SMS rows %+v, want aliyun, twilio and not yet sent", d.SMS)
	}
	for _, s := range d.SMS {
		delivered := count(t, e, `SELECT count(*) FROM outbox WHERE provider = ? AND created_at >= ? AND delivery_status = 'delivered'`, s.Provider, since)
		failed := count(t, e, `SELECT count(*) FROM outbox WHERE provider = ? AND created_at >= ? AND (status = 'failed' OR delivery_status = 'undelivered')`, s.Provider, since)
		all := count(t, e, `SELECT count(*) FROM outbox WHERE provider = ? AND created_at >= ?`, s.Provider, since)
		if s.Delivered != delivered || s.Failed != failed || s.Pending != all-delivered-failed {
			t.Errorf("SMS %q: %d/%d/%d, SQL %d/%d/%d", s.Provider, s.Delivered, s.Failed, s.Pending, delivered, failed, all-delivered-failed)
		}
	}

	start := d.HourStart
	if !start.Equal(e.Clock.Now().Truncate(time.Hour).Add(-23 * time.Hour)) {
		t.Errorf("hours start %s", start)
	}
	calls := 0
	for h, n := range d.CallsPerHour {
		want := count(t, e, `SELECT count(*) FROM call_events WHERE kind = 'start' AND at >= ? AND at < ?`,
			start.Add(time.Duration(h)*time.Hour).UnixMilli(), start.Add(time.Duration(h+1)*time.Hour).UnixMilli())
		if n != want {
			t.Errorf("calls in hour %d: %d, SQL %d", h, n, want)
		}
		calls += n
	}
	// where each call left: its last row, found in Go
	rows, err := e.Query(`SELECT call_sid, seq, step FROM call_events WHERE call_sid IN
		(SELECT call_sid FROM call_events WHERE kind = 'start' AND at >= ? AND at < ?) ORDER BY call_sid, seq`,
		start.UnixMilli(), start.Add(24*time.Hour).UnixMilli())
	if err != nil {
		t.Fatal(err)
	}
	last := map[string]string{}
	for rows.Next() {
		var sid, step string
		var seq int
		rows.Scan(&sid, &seq, &step)
		last[sid] = step
	}
	rows.Close()
	want := map[string]int{}
	for _, step := range last {
		want[step]++
	}
	exits, sum := map[string]int{}, 0
	for _, x := range d.Exits {
		exits[x.Step] = x.N
		sum += x.N
	}
	if fmt.Sprint(exits) != fmt.Sprint(want) || sum != calls || calls != len(last) || calls == 0 {
		t.Errorf("exits %v (sum %d), want %v; calls per hour sum %d, calls %d", exits, sum, want, calls, len(last))
	}
	if all := count(t, e, `SELECT count(*) FROM call_events WHERE seq = 1`); all <= calls {
		t.Errorf("every seeded call is in the 24 hours (%d of %d): the edge is untested", calls, all)
	}
}

// A manager's dashboard counts only their office.
func TestDashboardOneOffice(t *testing.T) {
	e := storetest.NewEnv(t)
	seedDashboard(t, e)
	d, err := e.Svc.Dashboard(ctx, "NS01")
	if err != nil {
		t.Fatal(err)
	}
	days := e.Svc.Window()
	n := 0
	for _, r := range d.Bookings {
		n += r.N
	}
	want := count(t, e, `SELECT count(*) FROM bookings WHERE office = 'NS01' AND date BETWEEN ? AND ?
		AND status IN ('booked', 'checked_in', 'completed')`, days[0].String(), days[len(days)-1].String())
	if n != want || want == 0 {
		t.Errorf("NS01 bookings %d, SQL %d", n, want)
	}
	if len(d.Fill) != 1 || d.Fill[0].Office != "NS01" || len(d.NoShows) != 1 || d.NoShows[0].Office != "NS01" {
		t.Errorf("fill %+v, no-shows %+v: want NS01 only", d.Fill, d.NoShows)
	}
}

// The journey search finds calls by start time and the masked number's
// tail, within retention only; opening one needs a reason and is audited;
// purge deletes a call's journey whole once it is past retention.calls.
func TestCallJourneysSearchAuditPurge(t *testing.T) {
	e := storetest.NewEnv(t)
	seedDashboard(t, e)
	keep := 20 * time.Hour
	all, err := e.Svc.SearchCalls(ctx, booking.CallFilter{}, keep)
	if err != nil {
		t.Fatal(err)
	}
	inKeep := count(t, e, `SELECT count(*) FROM call_events WHERE seq = 1 AND at >= ?`, e.Clock.Now().Add(-keep).UnixMilli())
	if len(all) != inKeep || inKeep == 0 {
		t.Fatalf("found %d calls, SQL %d within retention", len(all), inKeep)
	}
	for i := 1; i < len(all); i++ {
		if all[i].StartedAt.After(all[i-1].StartedAt) {
			t.Fatal("calls not newest first")
		}
	}
	tail := storetest.Phone(6)[len(storetest.Phone(6))-4:]
	got, err := e.Svc.SearchCalls(ctx, booking.CallFilter{Tail: tail}, keep)
	if err != nil || len(got) != 1 || got[0].SID != fmt.Sprintf("CA%032d", 6) || got[0].Caller != booking.MaskPhone(storetest.Phone(6)) {
		t.Fatalf("search by tail %s: %+v, %v", tail, got, err)
	}
	if got[0].LastStep != "done" || got[0].Events != 7 {
		t.Errorf("call 6 at %q after %d rows, want done after 7", got[0].LastStep, got[0].Events)
	}
	if _, err := e.Svc.SearchCalls(ctx, booking.CallFilter{Tail: "12a"}, keep); booking.ErrorCode(err) != booking.EInvalid {
		t.Errorf("tail 12a: %v, want invalid", err)
	}
	op := booking.Actor{Name: "supervisor1", Channel: booking.ChannelOperator}
	if _, err := e.Svc.CallJourney(ctx, op, got[0].SID, " ", keep); booking.ErrorCode(err) != booking.EInvalid {
		t.Errorf("no reason: %v, want invalid", err)
	}
	steps, err := e.Svc.CallJourney(ctx, op, got[0].SID, "来电投诉核查", keep)
	if err != nil || len(steps) != 7 || steps[0].Kind != booking.CallStart || steps[6].Step != "done" {
		t.Fatalf("journey: %+v, %v", steps, err)
	}
	if n := count(t, e, `SELECT count(*) FROM audit WHERE action = 'call.view' AND actor = 'supervisor1' AND detail LIKE ?`, "%来电投诉核查%"); n != 1 {
		t.Errorf("%d audit rows for the view, want 1", n)
	}
	old := fmt.Sprintf("CA%032d", 30) // started 29.5 h ago
	if _, err := e.Svc.CallJourney(ctx, op, old, "核查", keep); booking.ErrorCode(err) != booking.ENotFound {
		t.Errorf("call past retention: %v, want not found", err)
	}

	before := count(t, e, `SELECT count(*) FROM call_events`)
	gone := count(t, e, `SELECT count(*) FROM call_events WHERE call_sid IN (SELECT call_sid FROM call_events WHERE seq = 1 AND at < ?)`,
		e.Clock.Now().Add(-keep).UnixMilli())
	var res booking.PurgeResult
	err = e.Store.InTx(ctx, func(tx booking.Tx) (err error) {
		res, err = tx.Purge(booking.PurgePolicy{Now: e.Clock.Now(), JourneysBefore: e.Clock.Now().Add(-keep)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	after := count(t, e, `SELECT count(*) FROM call_events`)
	orphans := count(t, e, `SELECT count(*) FROM call_events e WHERE NOT EXISTS (SELECT 1 FROM call_events s WHERE s.call_sid = e.call_sid AND s.seq = 1)`)
	if gone == 0 || res["call_events"] != gone || after != before-gone || orphans != 0 {
		t.Errorf("purged %d rows (want %d): %d → %d, %d rows without their call's start", res["call_events"], gone, before, after, orphans)
	}
	var sids []string
	for _, c := range all {
		sids = append(sids, c.SID)
	}
	sort.Strings(sids)
	if left := count(t, e, `SELECT count(DISTINCT call_sid) FROM call_events`); left != len(sids) {
		t.Errorf("%d calls left, want the %d within retention", left, len(sids))
	}
}
