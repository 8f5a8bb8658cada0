package ivr

import (
	"context"
	"strings"

	"yuyue/booking"
)

// SIPCallPrefix starts the call id of every call that arrives over the SIP
// trunk instead of Twilio: the audit names their channel by it, so the
// record alone says which door a call came through.
const SIPCallPrefix = "sip-"

func channelOf(sid string) string {
	if strings.HasPrefix(sid, SIPCallPrefix) {
		return booking.ChannelSIP
	}
	return booking.ChannelIVR
}

// View is what the caller hears next, for a renderer other than TwiML (the
// SIP front end): the same lines, gather and end the TwiML is built from.
type View struct {
	Lang   string
	Lines  []string
	Gather *Gather // nil when the view ends the call or transfers it
	End    string  // "", "hangup" or "operator"
	Step   string  // the step an answer to Gather belongs to
	Seq    int     // its sequence: the compare-and-set an answer carries back
	Agent  string  // the context for the agents' desktop (no ID number)
	Rate   int     // speaking rate in percent of normal (ElderRate for an older caller)
}

// Gather is how the caller answers a view.
type Gather struct {
	NumDigits   int    // collect this many keys …
	FinishOnKey string // … or stop at this key
	Speech      bool   // the step takes speech (a name)
	Timeout     int    // seconds of silence before an empty answer
}

// Answer starts a call or applies one answer to it, as GatherHook does for
// Twilio: step and seq must be the ones the caller was asked under, else
// nothing is applied and the current view is replayed. An empty step only
// loads (or creates) the call.
func (v *IVR) Answer(ctx context.Context, sid, from, step string, seq int, digits, speech string) (View, error) {
	cl, err := v.startCtx(ctx, sid, from)
	if err != nil {
		return View{}, err
	}
	if step == "" || step != cl.rec.Step || seq != cl.rec.Seq || !cl.rec.EndedAt.IsZero() {
		return v.neutral(cl), nil
	}
	err = cl.applyAndSave(input{digits: strings.TrimSpace(digits), speech: strings.TrimSpace(speech)})
	if booking.ErrorCode(err) == booking.EConflict {
		if cl, err = v.load(ctx, sid); err == nil {
			return v.neutral(cl), nil
		}
	}
	if err != nil {
		return View{}, wrapf(err, "step "+step)
	}
	return v.neutral(cl), nil
}

// HangUp is the end of a call that is not Twilio's: the held place is
// freed at once, as the status callback does.
func (v *IVR) HangUp(ctx context.Context, sid string) error {
	if err := v.endCall(ctx, sid); booking.ErrorCode(err) != booking.ENotFound {
		return err
	}
	return nil
}

// TransferEnded moves a call on from a transfer the SIP side tried:
// "completed" ends it, anything else brings the caller back to the menu
// with the same apology as a failed <Dial>.
func (v *IVR) TransferEnded(ctx context.Context, sid string, seq int, status string) (View, error) {
	cl, err := v.load(ctx, sid)
	if err != nil {
		return View{}, err
	}
	if cl.step() != StepOperator || cl.rec.Seq != seq || !cl.rec.EndedAt.IsZero() {
		return v.neutral(cl), nil
	}
	if err := cl.inTx(func() error { return cl.onDialEnd(status) }); err != nil {
		return View{}, err
	}
	return v.neutral(cl), nil
}

// Apology is what a renderer says when a step failed unexpectedly.
func (v *IVR) Apology(lang string) View {
	return View{Lang: lang, Lines: []string{say(lang, "apology"), say(lang, "goodbye")}, End: "hangup", Rate: 100}
}

func (v *IVR) neutral(cl *call) View {
	w := cl.view()
	out := View{Lang: cl.s.Lang, Lines: w.lines, End: w.end, Step: cl.rec.Step, Seq: cl.rec.Seq, Agent: w.agent, Rate: w.rate}
	if g := w.gather; g != nil {
		out.Gather = &Gather{NumDigits: g.numDigits, FinishOnKey: g.finishOnKey, Speech: g.speech, Timeout: v.Voice.Timeout}
	}
	if out.End == "" && out.Gather == nil { // a step that gathers nothing: end rather than hang in silence
		out.End = "hangup"
	}
	return out
}
