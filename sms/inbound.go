package sms

import (
	"context"
	"log/slog"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/twilio/twilio-go/twiml"

	"yuyue/booking"
	"yuyue/webhook"
)

// Inbound answers replies from citizens (POST /twilio/sms). A MessageSid
// seen before gets the same reply and no second effect.
type Inbound struct {
	Svc *booking.Service
	Log *slog.Logger
	// Signature opens TwiML replies (sms.signature); empty: the default.
	Signature string
}

// Handle is the Fiber handler; the signature middleware runs before it.
func (h *Inbound) Handle(c *fiber.Ctx) error {
	sid, from, body := webhook.Param(c, "MessageSid"), webhook.Param(c, "From"), webhook.Param(c, "Body")
	if sid == "" || from == "" {
		return c.Status(fiber.StatusBadRequest).SendString("MessageSid and From are required")
	}
	ctx := c.UserContext()
	reply, fresh, err := h.Svc.ClaimInbound(ctx, sid, from)
	if err != nil {
		h.Log.Error("sms inbound: claim", "err", err)
		return message(c, h.sig()+h.Text(one(ReplyBusy, nil)))
	}
	if !fresh {
		return message(c, h.sig()+firstNonEmpty(reply, h.Text(one(ReplyHelp, nil))))
	}
	reply = h.Text(h.Answer(ctx, from, body))
	if err := h.Svc.SetInboundReply(ctx, sid, reply); err != nil {
		h.Log.Error("sms inbound: store reply", "err", err)
	}
	return message(c, h.sig()+reply)
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func message(c *fiber.Ctx, text string) error {
	xml, err := twiml.Messages([]twiml.Element{&twiml.MessagingMessage{Body: text}})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/xml; charset=utf-8")
	return c.SendString(xml)
}

func (h *Inbound) answer(ctx context.Context, from string, cmd Command) []Reply {
	if cmd.Kind == CmdHelp {
		return one(ReplyHelp, nil)
	}
	phone, err := booking.NormalizeMobile(from)
	if err != nil {
		return one(ReplyUnknown, nil)
	}
	if cmd.Kind == CmdName { // the caller may not be registered yet
		return h.name(ctx, phone, cmd.Name)
	}
	cz, err := h.Svc.CitizenByPhone(ctx, phone)
	if booking.ErrorCode(err) == booking.ENotFound {
		return one(ReplyUnknown, nil)
	} else if err != nil {
		h.Log.Error("sms inbound: citizen lookup", "err", err)
		return one(ReplyBusy, nil)
	}
	actor := booking.Actor{Name: booking.MaskPhone(phone), Channel: booking.ChannelSMS}
	reply, err := h.run(ctx, actor, cz, cmd)
	if booking.ErrorCode(err) == booking.EInternal {
		h.Log.Error("sms inbound: command", "command", cmd.Kind, "err", err)
		return one(ReplyBusy, nil)
	}
	return reply
}

// name sets or corrects the name pending for phone's SIP call.
func (h *Inbound) name(ctx context.Context, phone, name string) []Reply {
	actor := booking.Actor{Name: booking.MaskPhone(phone), Channel: booking.ChannelSMS}
	name, err := h.Svc.ReplyName(ctx, actor, phone, name)
	switch booking.ErrorCode(err) {
	case "":
		return one(ReplyNameSet, map[string]string{"heard": name})
	case booking.ENotFound, booking.EInvalid:
		return one(ReplyNameNone, nil)
	}
	h.Log.Error("sms inbound: name reply", "err", err)
	return one(ReplyBusy, nil)
}

func (h *Inbound) run(ctx context.Context, a booking.Actor, cz booking.Citizen, cmd Command) ([]Reply, error) {
	switch cmd.Kind {
	case CmdStop:
		return one(ReplyStop, nil), h.Svc.SetReminders(ctx, a, cz.ID, false)
	case CmdConfirm:
		// an open waitlist offer first: QR is what its SMS asks for
		if b, err := h.Svc.AcceptOfferByReply(ctx, a, cz.ID); booking.ErrorCode(err) != booking.ENotFound {
			return one(ReplyOfferTaken, h.bookingParams(b)), err
		}
		b, err := h.Svc.ConfirmAttendance(ctx, a, cz.ID)
		if booking.ErrorCode(err) == booking.ENotFound {
			return one(ReplyNone, nil), nil
		}
		return one(ReplyConfirmed, h.bookingParams(b)), err
	case CmdQuery:
		bs, err := h.Svc.ActiveBookings(ctx, cz.ID)
		if err != nil || len(bs) == 0 {
			return one(ReplyNone, nil), err
		}
		return h.list(bs), nil
	case CmdReschedule:
		return h.reschedule(ctx, cz, cmd.Ref)
	case CmdLeaveWaitlist:
		return h.leaveWaitlist(ctx, a, cz)
	}
	return h.cancel(ctx, a, cz, cmd.Ref)
}

func (h *Inbound) cancel(ctx context.Context, a booking.Actor, cz booking.Citizen, ref string) ([]Reply, error) {
	bs, err := h.Svc.Bookings(ctx, booking.BookingFilter{CitizenID: cz.ID, Statuses: []booking.Status{booking.StatusBooked}})
	if err != nil {
		return nil, err
	}
	var target *booking.Booking
	for i := range bs {
		if ref == "" && len(bs) == 1 || bs[i].Reference == ref {
			target = &bs[i]
		}
	}
	switch {
	case len(bs) == 0:
		return one(ReplyNone, nil), nil
	case ref == "" && len(bs) > 1:
		return append(one(ReplyWhich, map[string]string{"count": strconv.Itoa(len(bs))}), h.list(bs)...), nil
	case target == nil:
		return one(ReplyNoSuchRef, nil), nil
	}
	_, err = h.Svc.Cancel(ctx, a, target.ID)
	switch booking.ErrorCode(err) {
	case "":
		return one(ReplyCancelled, map[string]string{"ref": target.Reference}), nil
	case booking.EDeadline:
		deadline := h.Svc.Rules.CancelDeadline(target.Date, h.Svc.Catalog.Calendar.Loc).Format("2006-01-02 15:04")
		return one(ReplyTooLate, map[string]string{"ref": target.Reference, "deadline": deadline}), nil
	}
	return nil, err
}

// bookingParams are a booking's raw params for the reply templates, the
// same names the notices use (derived turns them into time).
func (h *Inbound) bookingParams(b booking.Booking) map[string]string {
	biz, _ := h.Svc.Catalog.Business(b.Business)
	off, _ := h.Svc.Catalog.Office(b.Office)
	return map[string]string{"business": biz.Name, "office": off.Name, "ref": b.Reference,
		"date": b.Date.String(), "start": b.Start, "end": b.End}
}

// list answers with one message per booking, each within Aliyun's
// variable lengths however many bookings there are.
func (h *Inbound) list(bs []booking.Booking) []Reply {
	out := make([]Reply, len(bs))
	for i, b := range bs {
		out[i] = Reply{Kind: ReplyBooking, Params: h.bookingParams(b)}
	}
	return out
}

// reschedule answers GY [reference] with how to reschedule by phone or on
// the web (a text cannot choose a new time); a reference past the
// deadline is told so.
func (h *Inbound) reschedule(ctx context.Context, cz booking.Citizen, ref string) ([]Reply, error) {
	loc := h.Svc.Catalog.Calendar.Loc
	hour := map[string]string{"deadline": h.Svc.Rules.CancelDeadline(booking.DateOf(h.Svc.Now(), loc), loc).Format("2006-01-02 15:04")}
	if ref == "" {
		return one(ReplyReschedule, hour), nil
	}
	bs, err := h.Svc.Bookings(ctx, booking.BookingFilter{CitizenID: cz.ID, Statuses: []booking.Status{booking.StatusBooked}})
	if err != nil {
		return nil, err
	}
	for _, b := range bs {
		if b.Reference != ref {
			continue
		}
		if !h.Svc.Rules.CanCancel(h.Svc.Now(), b.Date, loc) {
			deadline := h.Svc.Rules.CancelDeadline(b.Date, loc).Format("2006-01-02 15:04")
			return one(ReplyRescheduleLate, map[string]string{"ref": ref, "deadline": deadline}), nil
		}
		return one(ReplyReschedule, hour), nil
	}
	return one(ReplyNoSuchRef, nil), nil
}

// leaveWaitlist answers TC (退出候补): every live entry of the sender's
// ends as on the web, an offer's held place going to the next entry.
func (h *Inbound) leaveWaitlist(ctx context.Context, a booking.Actor, cz booking.Citizen) ([]Reply, error) {
	ws, err := h.Svc.Waitlist(ctx, cz.ID)
	if err != nil {
		return nil, err
	}
	if len(ws) == 0 {
		return one(ReplyWaitlistNone, nil), nil
	}
	for _, w := range ws {
		if _, err := h.Svc.LeaveWaitlist(ctx, a, cz.ID, w.ID); err != nil {
			return nil, err
		}
	}
	return one(ReplyWaitlistLeft, map[string]string{"count": strconv.Itoa(len(ws))}), nil
}
