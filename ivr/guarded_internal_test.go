package ivr

import (
	"testing"

	"yuyue/booking"
)

// A code entered runs guarded, but not a code asked for again (it texts)
// nor the code step of a SIP caller about to be registered under the name
// they text, which an SMS reply may correct at the same moment.
func TestCodeEnteredRunsGuardedExceptWhereANameReplyMayRace(t *testing.T) {
	sip, twilio := SIPCallPrefix+"1", "CA0123"
	newCaller := func() *Session { return &Session{SealedID: []byte{1}, Flow: FlowBook} }
	for _, c := range []struct {
		what  string
		sid   string
		step  Step
		s     *Session
		texts bool
		want  bool
	}{
		{"a code entered on the Twilio line, new caller", twilio, StepCode, newCaller(), false, true},
		{"a code entered over SIP by a registered citizen", sip, StepCode, &Session{CitizenID: 5, Flow: FlowBook}, false, true},
		{"a code entered over SIP by a caller to register", sip, StepCode, newCaller(), false, false},
		{"a new code asked for (*)", twilio, StepCode, newCaller(), true, false},
		{"another step", twilio, StepPeriod, newCaller(), false, false},
	} {
		cl := &call{rec: booking.CallRecord{SID: c.sid, Step: string(c.step)}, s: c.s, texts: c.texts}
		if got := cl.guarded(); got != c.want {
			t.Errorf("%s: guarded %v, want %v", c.what, got, c.want)
		}
	}
}
