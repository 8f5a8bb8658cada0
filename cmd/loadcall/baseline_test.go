package main

import (
	"context"
	"net"
	"testing"
	"time"

	"yuyue/sms/twiliotest"
)

// The empty-handler baseline must carry a caller through as many steps as
// yuyue's calls take; a gather action the harness cannot follow ends every
// baseline call after its first request and voids the report's ratio.
func TestEmptyBaselineCallerFollowsGather(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	app := emptyApp(ln.Addr().String())
	go app.Listener(ln)
	defer app.Shutdown()
	fake := twiliotest.New(accountSID, authToken)
	defer fake.Close()
	st := newStats()
	c := newCaller(1, "http://"+ln.Addr().String(), client(1), st, fake, 0, 0)
	if out, err := c.emptyCall(context.Background(), 5); err != nil || out != outBooked {
		t.Fatalf("baseline call: %v %v", out, err)
	}
	if all, _, errs, _ := st.snapshot(); all.Count != 5 || len(errs) != 0 {
		t.Fatalf("want 5 steps and no errors, got %d steps, errors %v", all.Count, errs)
	}
}

// The raw loop is reported as the median of its samples, with the spread.
func TestRawBaselineMedianOfSamples(t *testing.T) {
	r, err := rawBaseline(context.Background(), t.TempDir(), 150*time.Millisecond, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Samples) != 3 || r.Latency.Count == 0 || !(r.Min <= r.Median && r.Median <= r.Max) || r.Min <= 0 {
		t.Fatalf("%+v", r)
	}
	if m := median([]float64{1, 2, 10}); m != 2 {
		t.Fatalf("median of 1,2,10 = %v", m)
	}
	if m := median([]float64{1, 2, 4, 10}); m != 3 {
		t.Fatalf("median of 1,2,4,10 = %v", m)
	}
}
