package postgres_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/catalog"
	"yuyue/store/postgres"
	"yuyue/store/storetest"
)

// SoakEnv sets how long TestPostgresTwoNodesSoak races (a Go duration);
// CI sets a minute (.ci/run), a plain go test runs a few seconds.
const SoakEnv = "YUYUE_TEST_PG_SOAK"

// soakCatalog has one office with a ten-minute period, capacity 10, every
// ten minutes from 08:00 to 18:00: each round takes fresh places.
func soakCatalog() string {
	var ps []string
	for m := 8 * 60; m < 18*60; m += 10 {
		ps = append(ps, fmt.Sprintf(`{start: "%02d:%02d", end: "%02d:%02d", capacity: 10}`, m/60, m%60, (m+10)/60, (m+10)%60))
	}
	return `
businesses: [{code: newborn, name: 新生儿入户}]
districts: [{code: futian, name: 福田区}]
offices:
  - code: FT01
    name: 福田派出所户政室
    district: futian
    periods: [` + strings.Join(ps, ", ") + `]
`
}

// Two nodes on one database racing in a loop on the rules that read
// before they write: never more bookings than a place's capacity, never
// two active bookings for one citizen and business, every wrong code
// entry counted exactly once. Half the time the nodes take no turns after
// conflicts, so that no lock of the service's own orders their serial
// transactions and SERIALIZABLE alone keeps the rules; half the time they
// do, as they run in service. Each half must also have made PostgreSQL
// give transactions up (and the store run them again), or it proved
// nothing about that path.
func TestPostgresTwoNodesSoak(t *testing.T) {
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skipf("%s not set", storetest.PostgresEnv)
	}
	soak := 3 * time.Second
	soaking := os.Getenv(SoakEnv) != ""
	if soaking {
		d, err := time.ParseDuration(os.Getenv(SoakEnv))
		if err != nil {
			t.Fatalf("%s: %v", SoakEnv, err)
		}
		soak = d
	}
	t.Run("serializable alone", func(t *testing.T) { soakTwoNodes(t, soak/2, soaking, false) })
	t.Run("turns after conflicts", func(t *testing.T) { soakTwoNodes(t, soak/2, soaking, true) })
}

func soakTwoNodes(t *testing.T, soak time.Duration, soaking, turns bool) {
	a := storetest.OpenPostgres(t)
	e := storetest.NewEnvOn(t, a, soakCatalog())
	b := storetest.Sibling(t, a).(*postgres.Store)
	cat, err := catalog.Parse([]byte(soakCatalog()))
	if err != nil {
		t.Fatal(err)
	}
	svcB := booking.NewService(b, cat, e.Svc.Rules)
	svcB.Now, svcB.NewReference = e.Svc.Now, e.Svc.NewReference
	nodes := []*booking.Service{e.Svc, svcB}
	rules := booking.CodeRules{TTL: 5 * time.Minute, Attempts: 5, ResendAfter: time.Minute, PerHour: 5, PerDay: 10, PerCallerDay: 10}
	codes := []*booking.Codes{{Svc: e.Svc, Key: []byte("k"), Rules: rules}, {Svc: svcB, Key: []byte("k"), Rules: rules}}

	places, err := e.Svc.Availability(ctx, booking.PlaceFilter{Office: "FT01", Business: "newborn"})
	if err != nil || len(places) < 30 {
		t.Fatalf("%d places (%v)", len(places), err)
	}
	a.SetConflictTurn(turns)
	b.SetConflictTurn(turns)
	retries0 := a.RetryStats() + b.RetryStats()
	n := 0 // citizens registered so far
	fresh := func(k int) []booking.Citizen {
		cs := make([]booking.Citizen, k)
		for i := range cs {
			n++
			cs[i] = e.Citizen(t, n)
			e.Verify(t, cs[i])
		}
		return cs
	}
	deadline := time.Now().Add(soak)
	rounds := 0
	for ; time.Now().Before(deadline) && 3*rounds+3 <= len(places); rounds++ {
		p, p2, p3 := places[3*rounds], places[3*rounds+1], places[3*rounds+2]
		oversell(t, nodes, fresh(24), p)
		oneActive(t, nodes, fresh(6), p2, p3)
		codeAttempts(t, a, codes, fresh(1)[0].Phone, rules.Attempts)
		if t.Failed() {
			break
		}
	}
	for _, p := range places[:3*rounds] {
		var active, taken int
		err := a.Reader().QueryRow(`SELECT (SELECT count(*) FROM bookings WHERE place_id = $1 AND status IN ('held', 'booked')),
			(SELECT taken FROM places WHERE id = $1)`, p.ID).Scan(&active, &taken)
		if err != nil || active > p.Capacity || active != taken {
			t.Fatalf("place %d: %d active bookings, taken %d, capacity %d (%v)", p.ID, active, taken, p.Capacity, err)
		}
	}
	var twice int
	if err := a.Reader().QueryRow(`SELECT count(*) FROM (SELECT citizen_id FROM bookings WHERE status IN ('held', 'booked')
		GROUP BY citizen_id, business HAVING count(*) > 1) x`).Scan(&twice); err != nil || twice != 0 {
		t.Fatalf("%d citizens with two active bookings for one business (%v)", twice, err)
	}
	retries := a.RetryStats() + b.RetryStats() - retries0
	t.Logf("%d rounds in %v, %d citizens, %d transactions re-run", rounds, soak, n, retries)
	if soaking && retries == 0 {
		t.Fatalf("no transaction was given up and re-run in %d rounds: the retry path went untested", rounds)
	}
	turned := a.ConflictTurns() + b.ConflictTurns()
	t.Logf("%d batches took the conflict turn", turned)
	switch {
	case !turns && turned != 0:
		t.Fatalf("%d batches took the conflict turn with the turns switched off", turned)
	case turns && soaking && turned == 0:
		t.Fatalf("no batch took the conflict turn in %d rounds: the turns went untested", rounds)
	}
}

// race runs f(i) for i < n at once and returns each one's error code.
func race(n int, f func(i int) error) []booking.Code {
	out := make([]booking.Code, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = f(i)
			out[i] = booking.ErrorCode(errs[i])
		}()
	}
	close(start)
	wg.Wait()
	for i, c := range out {
		if c == booking.EInternal {
			out[i] = booking.Code("internal: " + errs[i].Error())
		}
	}
	return out
}

func tally(cs []booking.Code) map[booking.Code]int {
	m := map[booking.Code]int{}
	for _, c := range cs {
		m[c]++
	}
	return m
}

// oversell: more citizens than places hold and confirm on both nodes.
func oversell(t *testing.T, nodes []*booking.Service, cs []booking.Citizen, p booking.Place) {
	t.Helper()
	got := tally(race(len(cs), func(i int) error {
		svc := nodes[i%2]
		h, err := svc.Hold(ctx, storetest.Actor, cs[i].ID, p.ID)
		if err == nil {
			_, err = svc.Confirm(ctx, storetest.Actor, h.ID)
		}
		return err
	}))
	if got[""] != p.Capacity || got[booking.EFull] != len(cs)-p.Capacity {
		t.Errorf("place %d (capacity %d): outcomes %v", p.ID, p.Capacity, got)
	}
}

// oneActive: each citizen holds two places of one business at once, one
// on each node; exactly one hold may stand.
func oneActive(t *testing.T, nodes []*booking.Service, cs []booking.Citizen, p2, p3 booking.Place) {
	t.Helper()
	got := race(2*len(cs), func(i int) error {
		p := p2
		if i%2 == 1 {
			p = p3
		}
		_, err := nodes[i%2].Hold(ctx, storetest.Actor, cs[i/2].ID, p.ID)
		return err
	})
	for i := range cs {
		if pair := tally(got[2*i : 2*i+2]); pair[""] != 1 || pair[booking.EActive] != 1 {
			t.Errorf("citizen %d holding two places on two nodes: %v, want one hold and one %s", cs[i].ID, got[2*i:2*i+2], booking.EActive)
		}
	}
}

// codeAttempts: more wrong entries than a code allows, on both nodes at
// once; each is counted, none lost, and the rest are refused.
func codeAttempts(t *testing.T, st booking.Store, codes []*booking.Codes, phone string, allowed int) {
	t.Helper()
	if err := codes[0].Issue(ctx, phone, booking.PurposeBooking, phone); err != nil {
		t.Fatal(err)
	}
	const tries = 8
	got := tally(race(tries, func(i int) error {
		return codes[i%2].Verify(context.Background(), phone, booking.PurposeBooking, "wrong")
	}))
	var stored int
	err := st.View(ctx, func(tx booking.Tx) error {
		c, err := tx.LatestCode(phone, booking.PurposeBooking)
		stored = c.Attempts
		return err
	})
	if err != nil || got[booking.EInvalid] != allowed || got[booking.ERateLimited] != tries-allowed || stored != allowed {
		t.Errorf("%d wrong entries on two nodes: %v, %d attempts stored (%v); want %d counted and %d refused",
			tries, got, stored, err, allowed, tries-allowed)
	}
}
