package ivr

import (
	"context"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
	"yuyue/webhook"
)

// VoiceHook answers the incoming call (POST /twilio/voice). A repeated
// request for a known CallSid (a retry, the fallback URL) replays the
// current prompt.
func (v *IVR) VoiceHook(c *fiber.Ctx) error {
	sid, from := webhook.Param(c, "CallSid"), webhook.Param(c, "From")
	if sid == "" {
		return v.apology(c, LangZH)
	}
	cl, err := v.start(c, sid, from)
	if err != nil {
		v.Log.Error("ivr: start call", "err", err)
		return v.apology(c, LangZH)
	}
	return v.send(c, cl)
}

// start loads the call or creates it at the main menu. Nothing about the
// caller is looked up yet: the calling number proves nothing until a code
// sent to it comes back.
func (v *IVR) start(c *fiber.Ctx, sid, from string) (*call, error) {
	return v.startCtx(c.UserContext(), sid, from)
}

func (v *IVR) startCtx(ctx context.Context, sid, from string) (*call, error) {
	cl, err := v.load(ctx, sid)
	if err == nil || booking.ErrorCode(err) != booking.ENotFound {
		return cl, err
	}
	now := v.Svc.Now()
	rec := booking.CallRecord{SID: sid, From: from, Step: string(StepMenu), Seq: 1, CreatedAt: now}
	cl = v.newCall(ctx, rec, &Session{Lang: LangZH})
	cl.note("welcome")
	if err := cl.save(0, true); booking.ErrorCode(err) == booking.EConflict {
		return v.load(ctx, sid) // another request created it
	} else if err != nil {
		return nil, err
	}
	return cl, nil
}

// GatherHook applies one <Gather> result (POST /twilio/voice/gather?step=&seq=).
func (v *IVR) GatherHook(c *fiber.Ctx) error {
	sid := webhook.Param(c, "CallSid")
	if sid == "" {
		return v.apology(c, LangZH)
	}
	cl, err := v.start(c, sid, webhook.Param(c, "From"))
	if err != nil {
		v.Log.Error("ivr: load call", "err", err)
		return v.apology(c, LangZH)
	}
	if c.Query("step") != cl.rec.Step || c.Query("seq") != strconv.Itoa(cl.rec.Seq) || !cl.rec.EndedAt.IsZero() {
		return v.send(c, cl) // a retry, a late request or a call already over: replay, apply nothing
	}
	step := cl.rec.Step
	err = cl.applyAndSave(inputOf(c))
	switch booking.ErrorCode(err) {
	case "":
		return v.send(c, cl)
	case booking.EConflict: // another request advanced the call: replay
		if cl, err = v.load(c.UserContext(), sid); err == nil {
			return v.send(c, cl)
		}
	}
	v.Log.Error("ivr: step failed", "step", step, "err", err)
	return v.apology(c, cl.s.Lang)
}

// input is what the caller gave: keys, or recognised speech.
type input struct {
	digits string
	speech string
}

func inputOf(c *fiber.Ctx) input {
	digits := strings.TrimSpace(webhook.Param(c, "Digits"))
	if len(digits) > 1 {
		// Twilio strips the finish key; a client that does not is forgiven.
		digits = strings.TrimSuffix(digits, "#")
	}
	return input{digits: digits, speech: strings.TrimSpace(webhook.Param(c, "SpeechResult"))}
}

// StatusHook records the end of a call (POST /twilio/voice/status); a
// caller who hangs up before confirming frees the held place at once.
func (v *IVR) StatusHook(c *fiber.Ctx) error {
	sid, status := webhook.Param(c, "CallSid"), webhook.Param(c, "CallStatus")
	if sid == "" || status == "" {
		return c.Status(fiber.StatusBadRequest).SendString("CallSid and CallStatus are required")
	}
	switch status {
	case "completed", "busy", "failed", "no-answer", "canceled":
	default:
		return c.SendStatus(fiber.StatusNoContent)
	}
	switch err := v.endCall(c.UserContext(), sid); booking.ErrorCode(err) {
	case "", booking.ENotFound:
		return c.SendStatus(fiber.StatusNoContent)
	case booking.EConflict:
		return c.SendStatus(fiber.StatusServiceUnavailable) // Twilio retries the callback
	default:
		v.Log.Error("ivr: end call", "err", err)
		return c.SendStatus(fiber.StatusInternalServerError)
	}
}

// endCall marks a call over and frees its held place; EConflict when
// requests racing the hang-up kept winning the compare-and-set.
func (v *IVR) endCall(ctx context.Context, sid string) error {
	for range 3 { // a gather racing the hang-up may win the compare-and-set
		cl, err := v.load(ctx, sid)
		if err != nil {
			return err
		}
		if !cl.rec.EndedAt.IsZero() {
			return nil
		}
		if err = cl.inTx(cl.hangUp); booking.ErrorCode(err) != booking.EConflict {
			return err
		}
	}
	return booking.Errorf(booking.EConflict, "call %s kept changing while it ended", sid)
}

// hangUp frees a held place and marks the call over.
func (c *call) hangUp() error {
	if c.s.HoldID != 0 {
		if err := c.svc.ReleaseHold(c.ctx, c.actor, c.s.HoldID); err != nil {
			return wrapf(err, "release hold on hang-up")
		}
		c.s.HoldID = 0
	}
	c.rec.EndedAt = c.svc.Now()
	c.ev = booking.CallEvent{Kind: booking.CallEnd}
	return nil
}

func (v *IVR) send(c *fiber.Ctx, cl *call) error {
	xml, err := v.Voice.render(cl.s.Lang, v.PublicURL, cl.view())
	if err != nil {
		v.Log.Error("ivr: render", "err", err)
		return v.apology(c, cl.s.Lang)
	}
	return sendXML(c, xml)
}

// apology is the answer to anything unexpected: valid TwiML that says sorry
// and hands the caller to an operator, or says goodbye.
func (v *IVR) apology(c *fiber.Ctx, lang string) error {
	w := view{lines: []string{say(lang, "apology")}, end: "hangup", seq: "0"}
	if v.Voice.HasOperator() {
		w.lines, w.end = append(w.lines, say(lang, "transfer")), "operator"
	} else {
		w.lines = append(w.lines, say(lang, "goodbye"))
	}
	xml, err := v.Voice.render(lang, v.PublicURL, w)
	if err != nil { // cannot happen with fixed verbs; still never HTML
		xml = `<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>`
	}
	return sendXML(c, xml)
}

func sendXML(c *fiber.Ctx, xml string) error {
	c.Set(fiber.HeaderContentType, "text/xml; charset=utf-8")
	return c.SendString(xml)
}
