package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// rushGate lines the rush callers up at the period menu: each waits there
// until every caller has arrived (or given up) — the day opens — then
// presses within reaction and records its further webhooks in after.
type rushGate struct {
	mu      sync.Mutex
	left    int
	opened  time.Time     // when the last caller arrived or left
	release chan struct{} // closed then
	after   *stats
	// reaction spreads the presses: each caller presses a random part of
	// it after the release (0: all at once).
	reaction time.Duration
}

func newRushGate(n int, after *stats, reaction time.Duration) *rushGate {
	g := &rushGate{left: n, release: make(chan struct{}), after: after, reaction: reaction}
	if n == 0 {
		g.open()
	}
	return g
}

func (g *rushGate) open() { g.opened = time.Now(); close(g.release) }

// leave counts one caller out: arrived, or gone before arriving. The last
// one opens the day.
func (g *rushGate) leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.left--; g.left == 0 {
		g.open()
	}
}

// openedAt is when the day opened, once every caller has left or arrived.
func (g *rushGate) openedAt() time.Time {
	<-g.release
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.opened
}

// wait is one caller at the gate: it returns, with the stats the caller
// records in from then on, when the day opens and its reaction has passed.
func (g *rushGate) wait(ctx context.Context) *stats {
	g.leave()
	select {
	case <-g.release:
	case <-ctx.Done():
	}
	if g.reaction > 0 {
		select {
		case <-time.After(rand.N(g.reaction)):
		case <-ctx.Done():
		}
	}
	return g.after
}

// emptyPresses is the rush's baseline: n callers each open a connection
// to the empty Fiber handler with one request, wait at a gate like the
// rush's, and press once; it returns the presses' latencies.
func emptyPresses(ctx context.Context, o options, dir string, fake *provider) (summary, error) {
	empty, err := spawnEmpty(ctx, dir)
	if err != nil {
		return summary{}, err
	}
	defer empty.stop()
	warm, presses, cl := newStats(), newStats(), client(o.contention)
	gate := newRushGate(o.contention, presses, o.reaction)
	var wg sync.WaitGroup
	for i := range o.contention {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := newCaller(900000+i, empty.base, cl, warm, fake.Fake, 0, 0)
			_, action, err := c.post(ctx, "warm", "/twilio/voice", nil)
			c.stats = gate.wait(ctx)
			if err == nil {
				c.post(ctx, "press", action, nil)
			}
		}()
	}
	wg.Wait()
	all, _, errs, _ := presses.snapshot()
	if len(errs) > 0 {
		return all, fmt.Errorf("empty handler presses: %v", errs)
	}
	return all, nil
}
