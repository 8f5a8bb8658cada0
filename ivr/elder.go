package ivr

import "yuyue/booking"

// ElderRate is how fast prompts are spoken to an older caller, in percent
// of the voice's normal rate: SSML <prosody rate="80%"> on Twilio (Polly
// and Google voices honour it), a slower espeak-ng rate over SIP.
const ElderRate = 80

// markElder runs once a caller is verified as the citizen whose ID number
// is idNumber: a caller Voice.ElderAge or older (by the birth date the ID
// number carries, on today's date in the catalog's time zone) is marked in
// the session, which is sealed in the call's row, so every later prompt of
// the call, on any node, is spoken slower; and the way to a person comes
// first ("按0直接转人工服务"), said once, before anything else this step
// says. No operator configured: no hint (0 would only say goodbye), but the
// slower speech stays.
func (c *call) markElder(idNumber string) {
	if c.s.Elder || c.v.Voice.ElderAge <= 0 {
		return
	}
	age, ok := booking.AgeOn(idNumber, booking.DateOf(c.svc.Now(), c.svc.Catalog.Calendar.Loc))
	if !ok || age < c.v.Voice.ElderAge {
		return
	}
	c.s.Elder = true
	if c.v.Voice.HasOperator() {
		c.notes = append([]string{say(c.s.Lang, "elder_hint")}, c.notes...)
	}
}

// rate is the speaking rate of the call's prompts in percent (100 normal).
func (c *call) rate() int {
	if c.s.Elder {
		return ElderRate
	}
	return 100
}
