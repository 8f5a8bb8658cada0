package booking

import "testing"

// A step whose light attempt had to run again serially goes serial for
// the next serialRuns runs, then tries lightly once more; other steps are
// not affected, and a Service without hints always tries lightly.
func TestLightHintsSkipAfterAnEscalation(t *testing.T) {
	h := &lightHints{}
	if h.serial("period") {
		t.Fatal("serial before any escalation")
	}
	h.escalated("period")
	for i := range serialRuns {
		if !h.serial("period") {
			t.Fatalf("run %d after the escalation tried lightly", i+1)
		}
	}
	if h.serial("period") {
		t.Fatalf("still serial after %d runs", serialRuns)
	}
	h.escalated("code")
	if h.serial("mode") {
		t.Fatal("another step's escalation made this one serial")
	}
	var none *lightHints
	none.escalated("period")
	if none.serial("period") {
		t.Fatal("a Service without hints went serial")
	}
}
