package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"yuyue/sms/twiliotest"
)

// rushGate lines the rush callers up at the period menu: each waits there
// until every caller has arrived (or given up), then all press at once and
// record their further webhooks in after.
type rushGate struct {
	mu      sync.Mutex
	left    int
	all     chan struct{} // closed when nobody is left to arrive
	release chan struct{} // closed by the run: press now
	after   *stats
	// reaction spreads the presses: each caller presses a random part of
	// it after the release (0: all at once).
	reaction time.Duration
}

func newRushGate(n int, after *stats, reaction time.Duration) *rushGate {
	g := &rushGate{left: n, all: make(chan struct{}), release: make(chan struct{}), after: after, reaction: reaction}
	if n == 0 {
		close(g.all)
	}
	return g
}

// leave counts one caller out: arrived, or gone before arriving.
func (g *rushGate) leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.left--; g.left == 0 {
		close(g.all)
	}
}

// wait is one caller at the gate: it returns, with the stats the caller
// records in from then on, when the run releases everybody.
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
func emptyPresses(ctx context.Context, o options, dir string, fake *twiliotest.Fake) (summary, error) {
	empty, err := spawnEmpty(ctx, dir)
	if err != nil {
		return summary{}, err
	}
	defer empty.stop()
	warm, presses, cl := newStats(), newStats(), client(o.contention)
	gate := newRushGate(o.contention, presses, o.reaction)
	go func() {
		<-gate.all
		close(gate.release)
	}()
	var wg sync.WaitGroup
	for i := range o.contention {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := newCaller(900000+i, empty.base, cl, warm, fake, 0, 0)
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
