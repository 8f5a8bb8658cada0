package booking

import (
	"context"
	"testing"
)

// A step whose light attempt had to run again serially goes serial for
// the next serialRuns runs, then tries lightly once more; other steps are
// not affected, and a Service without hints always tries lightly.
func TestLightHintsSkipAfterAnEscalation(t *testing.T) {
	h := &lightHints{}
	if serial, probe := h.serial("period"); serial || probe {
		t.Fatal("serial (or a probe) before any escalation")
	}
	h.escalated("period")
	for i := range serialRuns {
		if serial, _ := h.serial("period"); !serial {
			t.Fatalf("run %d after the escalation tried lightly", i+1)
		}
	}
	if serial, probe := h.serial("period"); serial || !probe {
		t.Fatalf("after %d runs: serial %v, probe %v; want the light probe", serialRuns, serial, probe)
	}
	h.escalated("code")
	if serial, _ := h.serial("mode"); serial {
		t.Fatal("another step's escalation made this one serial")
	}
	var none *lightHints
	none.escalated("period")
	if serial, _ := none.serial("period"); serial {
		t.Fatal("a Service without hints went serial")
	}
}

// While a step's probe is out, the runs that arrive go serially, however
// many: only the probe's light attempt can be thrown away. What the probe
// found decides the next runs.
func TestLightHintsOneProbeAtATime(t *testing.T) {
	h := &lightHints{}
	probeNow := func(why string) {
		t.Helper()
		h.escalated("period")
		for range serialRuns {
			h.serial("period")
		}
		if serial, probe := h.serial("period"); serial || !probe {
			t.Fatalf("%s: serial %v, probe %v; want the probe", why, serial, probe)
		}
		for i := range 3 * serialRuns {
			if serial, probe := h.serial("period"); !serial || probe {
				t.Fatalf("%s: run %d while the probe is out: serial %v, probe %v", why, i+1, serial, probe)
			}
		}
	}
	probeNow("first probe")
	h.probed("period", probeEscalated)
	for i := range serialRuns {
		if serial, _ := h.serial("period"); !serial {
			t.Fatalf("run %d after an escalated probe tried lightly", i+1)
		}
	}
	if _, probe := h.serial("period"); !probe {
		t.Fatal("no probe after the skip")
	}
	h.probed("period", probeNoHint)
	if serial, probe := h.serial("period"); serial || !probe {
		t.Fatalf("after a probe that texted a code: serial %v, probe %v; want another probe", serial, probe)
	}
	h.probed("period", probeLight)
	for i := range 3 {
		if serial, probe := h.serial("period"); serial || probe {
			t.Fatalf("run %d after a light probe: serial %v, probe %v; want light, no probe", i+1, serial, probe)
		}
	}
	probeNow("after the step escalated again")
}

// probeStore is a LightStore whose light attempts all run, ending with
// err; it counts light attempts and serial transactions.
type probeStore struct {
	Store // nil: runStep calls only the two methods below
	err   error
	light int
	inTx  int
}

func (p *probeStore) TryLightTx(context.Context, func(Tx) error) (bool, error) {
	p.light++
	return true, p.err
}

func (p *probeStore) InTx(context.Context, func(Tx) error) error { p.inTx++; return nil }

// A probe whose light attempt failed (a lost compare-and-set, a timeout)
// says nothing of the step: the next run probes again. One that ran
// lightly without error makes the step light again.
func TestLightProbeThatFailsLeavesTheNextRunToProbe(t *testing.T) {
	st := &probeStore{err: Errorf(EConflict, "call state changed")}
	s := &Service{store: st, hints: &lightHints{}}
	s.hints.escalated("period")
	for range serialRuns {
		s.hints.serial("period")
	}
	run := func() error {
		return s.runStep(context.Background(), "period", stepPlain, func(Tx) error { return nil }, func() bool { return false })
	}
	if err := run(); ErrorCode(err) != EConflict || st.light != 1 || st.inTx != 0 {
		t.Fatalf("the probe: %v, %d light attempts, %d serial; want the conflict from one light attempt", err, st.light, st.inTx)
	}
	if _, marked := s.hints.skip["period"]; !marked || s.hints.probing["period"] {
		t.Fatalf("after a failed probe: marked %v, probing %v; want marked, no probe out", marked, s.hints.probing["period"])
	}
	st.err = nil
	if err := run(); err != nil || st.light != 2 {
		t.Fatalf("the next run: %v, %d light attempts; want it to probe (2)", err, st.light)
	}
	if _, marked := s.hints.skip["period"]; marked {
		t.Fatal("a probe that ran lightly left the step marked")
	}
}
