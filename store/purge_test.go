package store_test

import (
	"strings"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/store/storetest"
)

// The purge deletes citizen login tokens that expired or were revoked and
// keeps the live one.
func TestPurgeDropsDeadCitizenTokens(t *testing.T) {
	e := storetest.NewEnv(t)
	c := e.Citizen(t, 1)
	now := e.Clock.Now()
	tokens := []booking.CitizenToken{
		{TokenHash: []byte("live"), ExpiresAt: now.Add(time.Hour)},
		{TokenHash: []byte("expired"), ExpiresAt: now.Add(-time.Minute)},
		{TokenHash: []byte("revoked"), ExpiresAt: now.Add(time.Hour)},
	}
	var res booking.PurgeResult
	err := e.Store.InTx(ctx, func(tx booking.Tx) error {
		for _, tok := range tokens {
			tok.CitizenID, tok.Channel, tok.CSRF, tok.CreatedAt = c.ID, "web", "csrf", now.Add(-2*time.Hour)
			if err := tx.InsertCitizenToken(tok); err != nil {
				return err
			}
		}
		if err := tx.RevokeCitizenToken([]byte("revoked"), now.Add(-time.Second)); err != nil {
			return err
		}
		var err error
		res, err = tx.Purge(booking.PurgePolicy{Now: now})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	rows, err := e.Query(`SELECT token_hash FROM citizen_tokens`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var h []byte
		rows.Scan(&h)
		left = append(left, string(h))
	}
	rows.Close()
	if res["tokens"] != 2 || len(left) != 1 || left[0] != "live" {
		t.Fatalf("purged %d tokens, left %q: want 2 purged, the live one left", res["tokens"], left)
	}
}

// A deregistered citizen who had a web account is purged with the account
// and its tokens: their rows reference the citizen, and a purge that
// stopped on the foreign key would purge nothing every night after.
func TestPurgeDeregisteredCitizenWithAccount(t *testing.T) {
	e := storetest.NewEnv(t)
	c := e.Citizen(t, 1)
	now := e.Clock.Now()
	var res booking.PurgeResult
	err := e.Store.InTx(ctx, func(tx booking.Tx) error {
		if err := tx.PutAccount(booking.Account{CitizenID: c.ID, PasswordHash: []byte("hash"), UpdatedAt: now}); err != nil {
			return err
		}
		tok := booking.CitizenToken{TokenHash: []byte("live"), CitizenID: c.ID, Channel: "web", CSRF: "csrf",
			CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := tx.InsertCitizenToken(tok); err != nil {
			return err
		}
		c.Active = false
		if err := tx.UpdateCitizen(c); err != nil {
			return err
		}
		var err error
		// updated_at is the database's own clock (now_ms()), not the test clock.
		res, err = tx.Purge(booking.PurgePolicy{Now: now, BookingsBefore: time.Now().Add(time.Hour)})
		return err
	})
	if err != nil {
		t.Fatalf("purge: %v", err)
	}
	var accounts, tokens, citizens int
	for q, n := range map[string]*int{`SELECT count(*) FROM citizen_accounts`: &accounts,
		`SELECT count(*) FROM citizen_tokens`: &tokens, `SELECT count(*) FROM citizens`: &citizens} {
		if err := e.QueryRow(q).Scan(n); err != nil {
			t.Fatal(err)
		}
	}
	if res["citizens"] != 1 || accounts != 0 || tokens != 0 || citizens != 0 {
		t.Fatalf("purged %v; left %d accounts, %d tokens, %d citizens: want all gone", res, accounts, tokens, citizens)
	}
}

// The purge removes ended calls past retention and calls never ended that
// began more than a day before it; a call in progress stays, however many
// steps it has taken.
func TestPurgeCallSessions(t *testing.T) {
	e := storetest.NewEnv(t)
	now := e.Clock.Now()
	cutoff := now.Add(-30 * 24 * time.Hour)
	calls := []booking.CallRecord{
		{SID: "CAended", CreatedAt: cutoff.Add(-time.Hour), UpdatedAt: cutoff.Add(-time.Minute), EndedAt: cutoff.Add(-time.Minute)},
		{SID: "CAabandoned", CreatedAt: cutoff.Add(-25 * time.Hour), UpdatedAt: cutoff.Add(-25 * time.Hour)},
		{SID: "CAendedlately", CreatedAt: cutoff.Add(-time.Hour), UpdatedAt: cutoff.Add(time.Minute), EndedAt: cutoff.Add(time.Minute)},
		{SID: "CAlive", CreatedAt: now.Add(-time.Minute), UpdatedAt: now},
	}
	var res booking.PurgeResult
	err := e.Store.InTx(ctx, func(tx booking.Tx) (err error) {
		for _, c := range calls {
			c.Step, c.Data = "menu", []byte("{}")
			if err := tx.InsertCall(c); err != nil {
				return err
			}
		}
		res, err = tx.Purge(booking.PurgePolicy{Now: now, CallsBefore: cutoff})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	rows, err := e.Query(`SELECT call_sid FROM call_sessions ORDER BY call_sid`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var sid string
		rows.Scan(&sid)
		left = append(left, sid)
	}
	if res["calls"] != 2 || strings.Join(left, ",") != "CAendedlately,CAlive" {
		t.Fatalf("purged %v, left %v; want the ended and the abandoned call gone", res, left)
	}
}

// The China guard's record of recent sends purges hashes older than two
// days itself, at most once a minute of send times: a send within the
// minute after a purge writes its row only (one statement, not two), and
// a purge drops what is older than two days and nothing newer.
func TestRecordSendPurgesOldHashesOnceAMinute(t *testing.T) {
	s := storetest.Open(t)
	t0 := storetest.At("2026-03-02 08:00")
	record := func(n int, at time.Time, want int64, why string) {
		t.Helper()
		before := s.StatementStats().Writes
		if err := s.InTx(ctx, func(tx booking.Tx) error {
			_, _, err := tx.RecordSend(storetest.Phone(n), []byte{byte(n)}, at, at.Add(-24*time.Hour))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if w := s.StatementStats().Writes - before; w != want {
			t.Fatalf("send %d wrote %d statements, want %d: %s", n, w, want, why)
		}
	}
	kept := func(want ...bool) {
		t.Helper()
		for i, w := range want {
			var hs [][]byte
			if err := s.View(ctx, func(tx booking.Tx) (err error) {
				hs, err = tx.RecentSends(storetest.Phone(i+1), t0.Add(-time.Hour))
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if (len(hs) == 1) != w {
				t.Errorf("send %d kept %v, want %v", i+1, len(hs) == 1, w)
			}
		}
	}
	record(1, t0, 2, "the first send purges")
	record(2, t0.Add(59*time.Second), 1, "59 s after the last purge")
	record(3, t0.Add(48*time.Hour+30*time.Second), 2, "two days on")
	kept(false, true, true) // older than two days at 48 h 30 s: only send 1
	record(4, t0.Add(48*time.Hour+60*time.Second), 1, "30 s after the last purge")
	record(5, t0.Add(48*time.Hour+90*time.Second), 2, "60 s after the last purge")
	kept(false, false, true, true, true)
}

// A bounded purge (PurgePolicy.Limit, as the nightly job runs it) takes
// what one unbounded transaction would, over several transactions: every
// old audit row, every old call journey whole (a call's rows never split
// between transactions, so none is left without its start), and a
// deregistered citizen whose tokens outnumber the limit, once they are
// gone. Each transaction deletes at most the limit of each kind, and
// after the first searches only the kinds that had more.
// purgeableRows writes five audit rows by actor a year old, and
// deregisters a citizen with three live web tokens (whose purge waits for
// their tokens'); it returns the test clock's now.
func purgeableRows(t *testing.T, e *storetest.Env, actor string) time.Time {
	t.Helper()
	c := e.Citizen(t, 1)
	now := e.Clock.Now()
	old := now.Add(-400 * 24 * time.Hour)
	err := e.Store.InTx(ctx, func(tx booking.Tx) error {
		for i := range 5 {
			if err := tx.Audit(booking.AuditEntry{Actor: actor, Action: "old", At: old.Add(time.Duration(i) * time.Second)}); err != nil {
				return err
			}
		}
		for i := range 3 {
			tok := booking.CitizenToken{TokenHash: []byte{'t', byte(i)}, CitizenID: c.ID, Channel: "web", CSRF: "csrf",
				CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
			if err := tx.InsertCitizenToken(tok); err != nil {
				return err
			}
		}
		c.Active = false
		return tx.UpdateCitizen(c)
	})
	if err != nil {
		t.Fatal(err)
	}
	return now
}

func TestBoundedPurgeTakesEverythingInRounds(t *testing.T) {
	e := storetest.NewEnv(t)
	now := purgeableRows(t, e, "bounded")
	old := now.Add(-400 * 24 * time.Hour)
	err := e.Store.InTx(ctx, func(tx booking.Tx) error {
		for i := range 3 { // three journeys of four rows
			sid := "CAold" + string(rune('a'+i))
			for seq := 1; seq <= 4; seq++ {
				ev := booking.CallEvent{SID: sid, Seq: seq, At: old.Add(time.Duration(seq) * time.Second), Kind: "input", Step: "menu"}
				if seq == 1 {
					ev.Kind = "start"
				}
				if err := tx.AddCallEvent(ev); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := e.Store.CommitStats()
	writesBefore := e.Store.StatementStats().Writes
	// updated_at is the database's own clock (now_ms()), not the test clock.
	res, err := e.Svc.Purge(ctx, booking.PurgePolicy{Now: now, AuditBefore: now.Add(-time.Hour), JourneysBefore: now.Add(-time.Hour),
		BookingsBefore: time.Now().Add(time.Hour), Limit: 2})
	if err != nil {
		t.Fatalf("bounded purge: %v", err)
	}
	after, _ := e.Store.CommitStats()
	writes := e.Store.StatementStats().Writes - writesBefore
	left := map[string]int{}
	for q, n := range map[string]string{`SELECT count(*) FROM audit WHERE actor = 'bounded'`: "audit",
		`SELECT count(*) FROM call_events WHERE call_sid LIKE 'CAold%'`: "call_events",
		`SELECT count(*) FROM citizen_tokens`:                           "tokens", `SELECT count(*) FROM citizens`: "citizens"} {
		var v int
		if err := e.QueryRow(q).Scan(&v); err != nil {
			t.Fatal(err)
		}
		left[n] = v
	}
	for kind, n := range left {
		if n != 0 {
			t.Errorf("%d %s rows left after the bounded purge, want 0", n, kind)
		}
	}
	if res["audit"] < 5 || res["call_events"] != 12 || res["account_tokens"] != 3 || res["citizens"] != 1 {
		t.Errorf("purged %v; want at least 5 audit rows, 12 journey rows, 3 tokens, 1 citizen", res)
	}
	// 5 audit rows two at a time: at least three transactions
	if runs := after - before; runs < 3 {
		t.Errorf("the bounded purge ran %d transactions, want at least 3 for 5 rows two at a time", runs)
	}
	// after the first, a transaction searches only the kinds that had more
	// (and the citizen's chain with them), not every kind again
	if kinds := int64(len(res)); writes >= 2*kinds {
		t.Errorf("the bounded purge ran %d deletions for %d kinds, want fewer than %d", writes, kinds, 2*kinds)
	}
}

// A dry run of a bounded purge is one bounded transaction, rolled back,
// however much is due: it reports a kind that reached the bound as
// name+AtLeast, and a citizen's deletions all so when one of them did
// (the citizen waits on them), and changes nothing.
func TestDryRunOfABoundedPurgeIsOneBoundedTransaction(t *testing.T) {
	e := storetest.NewEnv(t)
	now := purgeableRows(t, e, "dry")
	count := func() (n int) {
		t.Helper()
		if err := e.QueryRow(`SELECT (SELECT count(*) FROM audit WHERE actor = 'dry') + (SELECT count(*) FROM citizen_tokens) + (SELECT count(*) FROM citizens)`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	rows := count()
	before, _ := e.Store.CommitStats()
	p := booking.PurgePolicy{Now: now, AuditBefore: now.Add(-time.Hour), JourneysBefore: now.Add(-time.Hour),
		BookingsBefore: time.Now().Add(time.Hour), Limit: 2}
	res, err := e.Svc.DryRun().Purge(ctx, p)
	if err != nil {
		t.Fatalf("dry run: %v", err)
	}
	if after, _ := e.Store.CommitStats(); after-before != 1 {
		t.Errorf("the dry run ran %d transactions, want 1", after-before)
	}
	if n := count(); n != rows {
		t.Errorf("the dry run changed the database: %d rows, were %d", n, rows)
	}
	want := map[string]int{"audit" + booking.AtLeast: 2, "account_tokens" + booking.AtLeast: 2, "citizens" + booking.AtLeast: 0, "calls": 0}
	for kind, n := range want {
		if got, ok := res[kind]; !ok || got != n {
			t.Errorf("dry run %s = %d (reported: %v), want %d", kind, got, ok, n)
		}
	}
	if _, ok := res["audit"]; ok {
		t.Errorf("a kind that reached the bound is also reported plainly: %v", res)
	}
	// Unbounded, a dry run still counts everything in its one transaction.
	p.Limit = 0
	if res, err = e.Svc.DryRun().Purge(ctx, p); err != nil || res["audit"] < 5 || res["account_tokens"] != 3 || res["citizens"] != 1 {
		t.Errorf("unbounded dry run: %v %v, want at least 5 audit rows, 3 tokens, 1 citizen", res, err)
	}
}

// A citizen deregistered while on the waitlist: the entry ends with the
// registration (no place is offered to them later), and the purge takes
// the entry and then the citizen. An entry left behind stopped the whole
// purge on its foreign key, every night.
func TestPurgeDeregisteredCitizenOnTheWaitlist(t *testing.T) {
	e := storetest.NewEnv(t)
	p := e.Place(t, "FT01", "newborn", "2026-12-02", "09:00")
	e.Book(t, e.Citizen(t, 1), p)
	e.Book(t, e.Citizen(t, 2), p)
	c := e.Citizen(t, 3)
	w, err := e.Svc.JoinWaitlist(ctx, storetest.Actor, c.ID, "FT01", "newborn", booking.MustDate("2026-12-02"), "09:00")
	if err != nil || w.Status != booking.WaitWaiting {
		t.Fatalf("join: %+v, %v", w, err)
	}
	if err := e.Svc.Deregister(ctx, storetest.Actor, c.ID, "moved away"); err != nil {
		t.Fatal(err)
	}
	if got, err := e.Svc.WaitEntry(ctx, c.ID, w.ID); err != nil || got.Status != booking.WaitEnded {
		t.Fatalf("entry after deregistration: %+v, %v; want ended", got, err)
	}
	// updated_at is the database's own clock (now_ms()), not the test clock.
	res, err := e.Svc.Purge(ctx, booking.PurgePolicy{Now: e.Clock.Now(), BookingsBefore: time.Now().Add(time.Hour), Limit: 1000})
	if err != nil {
		t.Fatalf("purge: %v", err)
	}
	var entries, citizens int
	if err := e.QueryRow(`SELECT count(*) FROM waitlist WHERE citizen_id = $1`, c.ID).Scan(&entries); err != nil {
		t.Fatal(err)
	}
	if err := e.QueryRow(`SELECT count(*) FROM citizens WHERE id = $1`, c.ID).Scan(&citizens); err != nil {
		t.Fatal(err)
	}
	if res["waitlist"] != 1 || entries != 0 || citizens != 0 {
		t.Fatalf("purged %v; left %d entries and %d citizen rows: want both gone", res, entries, citizens)
	}
}
