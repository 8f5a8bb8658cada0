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
