package ivr

import (
	"strings"

	"yuyue/booking"
)

// Call journeys: every saved step of a call writes one call_events row in
// the step's own transaction (booking.Service.Step and SaveCall), so the console's 来电轨迹 and the
// dashboard's funnel see exactly the steps that committed.

// maskedSteps take digits that are personal data or secrets: the ID
// number, a phone number, the SMS code. Their keys are masked before they
// are stored; only the step's commands are kept as pressed.
var maskedSteps = map[Step]bool{StepIDNumber: true, StepPhoneNumber: true, StepCode: true}

// commandKeys are the commands of the masked steps (`*#` new code, `0#`
// operator, `9#` another phone, `*`/`**` repeat and main menu; the `#` is
// stripped before here).
var commandKeys = map[string]bool{"*": true, "**": true, "0": true, "9": true}

// journeyKeys is what the journey keeps of an input: the keys, masked at
// the masked steps (one • per key, so a short entry shows as short);
// speech is never kept, only that there was some.
func journeyKeys(step Step, in input) string {
	keys := in.digits
	if maskedSteps[step] && !commandKeys[keys] {
		keys = strings.Repeat("•", len([]rune(keys)))
	}
	if in.speech != "" {
		keys = strings.TrimSpace(keys + " (语音)")
	}
	return keys
}

// dialOutcome names a <Dial>'s end for the journey.
func dialOutcome(status string) string {
	switch status {
	case "completed", "answered":
		return "接通"
	case "canceled":
		return "来电方挂断"
	case "busy":
		return "忙"
	case "no-answer":
		return "无人接听"
	case "failed":
		return "失败"
	}
	return "未知(" + status + ")"
}

// event is the journey row of the step being saved (booking writes it in
// the step's transaction, with the kinds of the SMS the step queued): seq
// is the call's new seq, so a step is recorded once; the first row carries
// the masked calling number the console searches by.
func (c *call) event(insert bool) booking.CallEvent {
	e := c.ev
	c.ev = booking.CallEvent{}
	e.SID, e.Seq, e.At, e.Step = c.rec.SID, c.rec.Seq, c.rec.UpdatedAt, c.rec.Step
	if insert {
		e.Kind, e.Channel, e.Caller, e.FromStep = booking.CallStart, channelOf(c.rec.SID), booking.MaskPhone(c.rec.From), ""
	}
	if e.Kind == "" {
		e.Kind = booking.CallInput
	}
	if e.Kind == booking.CallInput && e.Step == string(StepOperator) && e.FromStep != string(StepOperator) {
		e.Detail = "转人工"
	}
	return e
}
