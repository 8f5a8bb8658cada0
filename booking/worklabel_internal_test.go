package booking

import (
	"context"
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
