package booking

import (
	"context"
	"strings"
	"testing"
)

// labelStore notes the work label of each transaction a step asks for.
type labelStore struct {
	Store // nil: runStep calls only the two methods below
	got   []string
}

func (l *labelStore) TryLightTx(ctx context.Context, _ func(Tx) error) (bool, error) {
	l.got = append(l.got, WorkLabel(ctx))
	return true, nil
}

func (l *labelStore) InTx(ctx context.Context, _ func(Tx) error) error {
	l.got = append(l.got, WorkLabel(ctx))
	return nil
}

// A call step's transactions carry the step's work label, light attempt
// and serial run alike, so the store can say which steps the database
// gave up; other work is "other".
func TestCallStepsCarryTheirWorkLabel(t *testing.T) {
	st := &labelStore{}
	s := &Service{store: st, hints: &lightHints{}}
	noop := func(*Service) (CallRecord, CallEvent, error) { return CallRecord{}, CallEvent{}, nil }
	if err := s.Step(context.Background(), 0, "period", noop); err != nil {
		t.Fatal(err)
	}
	s.hints.escalated("confirm") // its next run is serial
	if err := s.Step(context.Background(), 0, "confirm", noop); err != nil {
		t.Fatal(err)
	}
	if want := []string{"ivr.period", "ivr.confirm"}; len(st.got) != 2 || st.got[0] != want[0] || st.got[1] != want[1] {
		t.Errorf("labels %v, want %v (a light attempt, then a serial run)", st.got, want)
	}
	if got := WorkLabel(context.Background()); got != "other" {
		t.Errorf("unlabelled work: %q, want other", got)
	}
}

// guardStore notes which of its transactions a step asked for: every
// light attempt escalates, and a guarded one runs when ranGuarded.
type guardStore struct {
	Store
	ranGuarded bool
	got        []string
}

func (g *guardStore) TryLightTx(context.Context, func(Tx) error) (bool, error) {
	g.got = append(g.got, "light")
	return false, nil
}

func (g *guardStore) TryGuardedTx(context.Context, func(Tx) error) (bool, error) {
	g.got = append(g.got, "guarded")
	return g.ranGuarded, nil
}

func (g *guardStore) InTx(context.Context, func(Tx) error) error {
	g.got = append(g.got, "serial")
	return nil
}

// A step the channel marks guarded that must run with more than a light
// attempt's writes tries a guarded transaction before a serial one; a
// plain step never does.
func TestGuardedStepsTryGuardedBeforeSerial(t *testing.T) {
	noop := func(*Service) (CallRecord, CallEvent, error) { return CallRecord{}, CallEvent{}, nil }
	for _, c := range []struct {
		guarded, ranGuarded bool
		want                string
	}{
		{true, true, "light guarded"},
		{true, false, "light guarded serial"},
		{false, true, "light serial"},
	} {
		st := &guardStore{ranGuarded: c.ranGuarded}
		s := &Service{store: st, hints: &lightHints{}}
		run := s.Step
		if c.guarded {
			run = s.GuardedStep
		}
		if err := run(context.Background(), 0, "code", noop); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(st.got, " "); got != c.want {
			t.Errorf("guarded %v, a guarded run that ran %v: %s, want %s", c.guarded, c.ranGuarded, got, c.want)
		}
	}
	// A step the light hints already send serially goes guarded first too.
	st := &guardStore{ranGuarded: true}
	s := &Service{store: st, hints: &lightHints{}}
	s.hints.escalated("code")
	if err := s.GuardedStep(context.Background(), 0, "code", noop); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(st.got, " "); got != "guarded" {
		t.Errorf("a guarded step the hints send serially: %s, want guarded", got)
	}
}

// lightStore notes which transaction each piece of work asked for, with
// its label; every light attempt runs.
type lightStore struct {
	Store
	got []string
}

func (l *lightStore) TryLightTx(ctx context.Context, _ func(Tx) error) (bool, error) {
	l.got = append(l.got, "light "+WorkLabel(ctx))
	return true, nil
}

func (l *lightStore) InTx(ctx context.Context, _ func(Tx) error) error {
	l.got = append(l.got, "serial "+WorkLabel(ctx))
	return nil
}

// A new call's first save writes only its own session and journey rows:
// it is tried lightly, as ivr.start, not run in the serializable batches
// of the steps that book. A later save of the call stays serial.
func TestNewCallIsSavedLightly(t *testing.T) {
	st := &lightStore{}
	s := &Service{store: st, hints: &lightHints{}}
	if err := s.SaveCall(context.Background(), CallRecord{SID: "CA1"}, 0, true, CallEvent{}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveCall(context.Background(), CallRecord{SID: "CA1", Seq: 2}, 1, false, CallEvent{}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(st.got, ", "); got != "light ivr.start, serial other" {
		t.Errorf("transactions %q, want a light start, then a serial save", got)
	}
}
