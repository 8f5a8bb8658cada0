package ivr

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
	"yuyue/webhook"
)

// DialHook hears how a transfer ended (POST /twilio/voice/dial, the <Dial>
// action): busy, no answer or a failed leg brings the caller back to the
// main menu with an apology; a finished conversation ends with goodbye.
// A report for a step the call has left (a retry) replays the current prompt.
func (v *IVR) DialHook(c *fiber.Ctx) error {
	sid := webhook.Param(c, "CallSid")
	if sid == "" {
		return v.goodbye(c, LangZH)
	}
	cl, err := v.load(c.UserContext(), sid)
	if err != nil {
		if booking.ErrorCode(err) != booking.ENotFound {
			v.Log.Error("ivr: dial result load", "err", err)
		}
		return v.goodbye(c, LangZH)
	}
	if c.Query("step") != cl.rec.Step || c.Query("seq") != strconv.Itoa(cl.rec.Seq) || !cl.rec.EndedAt.IsZero() {
		return v.send(c, cl)
	}
	status := webhook.Param(c, "DialCallStatus")
	err = cl.inTx(func() error { return cl.onDialEnd(status) })
	switch booking.ErrorCode(err) {
	case "":
		return v.send(c, cl)
	case booking.EConflict:
		if cl, err = v.load(c.UserContext(), sid); err == nil {
			return v.send(c, cl)
		}
	}
	v.Log.Error("ivr: dial result", "status", status, "err", err)
	return v.goodbye(c, cl.s.Lang)
}

// onDialEnd moves the call on from a transfer by the <Dial>'s outcome.
func (c *call) onDialEnd(status string) error {
	c.ev = booking.CallEvent{Kind: booking.CallTransfer, Detail: dialOutcome(status)}
	switch status {
	case "completed", "answered", "canceled":
		// The agent spoke with the caller, or the caller hung up while it rang.
		return c.goTo(StepGoodbye)
	}
	c.note("operator_busy")           // busy, no-answer, failed, or anything unknown
	c.rec.TransferredAt = time.Time{} // nobody took it: not a transferred call
	return c.goTo(StepMenu)
}

// goodbye answers a dial report that belongs to no call: never a second
// transfer, which could loop on an exchange that keeps failing.
func (v *IVR) goodbye(c *fiber.Ctx, lang string) error {
	xml, err := v.Voice.render(lang, v.PublicURL, view{lines: []string{say(lang, "goodbye")}, end: "hangup"})
	if err != nil {
		xml = `<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>`
	}
	return sendXML(c, xml)
}
