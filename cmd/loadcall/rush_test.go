package main

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The rush gate lets nobody press before every caller has arrived or gone,
// and hands each the stats of the rush.
func TestRushGateReleasesOnlyWhenAllAreThere(t *testing.T) {
	const n = 50
	after := newStats()
	g := newRushGate(n, after, 0)
	var passed atomic.Int32
	var wg sync.WaitGroup
	for i := 1; i < n; i++ { // caller 0 is the test's own, last to come
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%10 == 0 { // gave up before the period menu
				g.leave()
				return
			}
			if st := g.wait(context.Background()); st != after {
				t.Error("a caller at the gate did not get the rush's stats")
			}
			passed.Add(1)
		}()
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		g.mu.Lock()
		left := g.left
		g.mu.Unlock()
		if left == 1 || time.Now().After(deadline) {
			break
		}
	}
	time.Sleep(20 * time.Millisecond)
	if p := passed.Load(); p != 0 {
		t.Fatalf("%d callers pressed before the release", p)
	}
	g.leave() // the last caller gives up: the day opens
	wg.Wait()
	if p := passed.Load(); p != n-n/10 {
		t.Fatalf("%d callers pressed, want %d", p, n-n/10)
	}
	if g.openedAt().IsZero() {
		t.Fatal("no opening time")
	}
}

func TestBoundOfCumulativeBuckets(t *testing.T) {
	b := map[float64]float64{0.5: 10, 1: 90, 2: 99, 5: 100, math.Inf(1): 100}
	if got, n := boundOf(b, 0.99); got != 2 || n != 100 {
		t.Fatalf("p99 bound %g of %g, want 2 of 100", got, n)
	}
	if got, _ := boundOf(b, 0.5); got != 1 {
		t.Fatalf("p50 bound %g, want 1", got)
	}
	if got, _ := boundOf(map[float64]float64{1: 1, math.Inf(1): 100}, 0.99); got != 1e9 {
		t.Fatalf("p99 beyond the last bucket: %g, want 1e9", got)
	}
	if got, n := boundOf(map[float64]float64{}, 0.99); got != 0 || n != 0 {
		t.Fatalf("empty histogram: %g of %g", got, n)
	}
}

// The rush's row says what the nodes ran on when they were capped: a
// reader comparing rushes must not take a capped rush for an uncapped one.
func TestRushRowNamesTheNodesCap(t *testing.T) {
	row := func(c *contentionReport) string {
		var b strings.Builder
		r := &report{Postgres: &pgReport{Nodes: 2, Contention: c}}
		r.pgMarkdown(func(f string, a ...any) { fmt.Fprintf(&b, f, a...) })
		for line := range strings.Lines(b.String()) {
			if strings.Contains(line, "attempts on") {
				return line
			}
		}
		t.Fatalf("no rush row in\n%s", b.String())
		return ""
	}
	c := &contentionReport{Attempts: 2000, Places: 100, BookingsInDB: 100, BookedCalls: 100}
	if got := row(c); !strings.Contains(got, "across 2 nodes → exactly 100") {
		t.Errorf("uncapped rush row: %s", got)
	}
	c.NodeCPU, c.Procs = 0.25, []int{1}
	if got := row(c); !strings.Contains(got, "across 2 nodes (each capped at 0.25 cores, GOMAXPROCS 1) → exactly 100") {
		t.Errorf("capped rush row: %s", got)
	}
}

// The rush's one open day is never tomorrow: a run started a minute before
// midnight in Shanghai reaches its rush after midnight, and its day must
// still be ahead then. Every other day of the 20 is closed.
func TestRushDayIsStillAheadAfterMidnight(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		now, open string
	}{
		{"2026-12-07 23:59", "2026-12-09"}, // Monday night: Wednesday, not Tuesday
		{"2026-12-10 12:00", "2026-12-14"}, // Thursday: Friday is tomorrow, so Monday
		{"2026-12-12 08:00", "2026-12-14"}, // Saturday: Monday is two days ahead
	} {
		now, err := time.ParseInLocation("2006-01-02 15:04", c.now, loc)
		if err != nil {
			t.Fatal(err)
		}
		closed := closuresAfterFirst(now)
		if strings.Contains(closed, c.open) {
			t.Errorf("at %s the open day %s is closed: %s", c.now, c.open, closed)
		}
		for i := 1; i <= 20; i++ {
			day := now.AddDate(0, 0, i).Format(time.DateOnly)
			if day != c.open && !strings.Contains(closed, `"`+day+`"`) {
				t.Errorf("at %s, %s is open as well as %s", c.now, day, c.open)
			}
		}
	}
}
