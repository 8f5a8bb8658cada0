package sms

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/twilio/twilio-go/twiml"

	"yuyue/booking"
	"yuyue/webhook"
)

// Replies to commands, without the signature: Twilio answers them in TwiML,
// Aliyun sends them as reply messages.
const (
	replyHelp       = "回复1确认到场，QX加受理号取消预约，CX查询预约，TD退订提醒。预约请拨114。"
	replyUnknown    = "未找到与本号码绑定的实名登记。预约请拨114。"
	replyNone       = "您目前没有有效预约。预约请拨114。"
	replyStop       = "已退订预约提醒短信。验证码和预约确认短信仍会发送。"
	replyApology    = "系统繁忙，请稍后再试或拨114。"
	replyNoSuchRef  = "未找到该受理号的有效预约，回复CX查询您的预约。"
	replyCancelDone = "已取消受理号%s的预约，取消通知随后发送。"
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
	var reply string
	var fresh bool
	err := h.Svc.Store.InTx(ctx, func(tx booking.Tx) (err error) {
		reply, fresh, err = tx.ClaimInbound(sid, from, h.Svc.Now())
		return err
	})
	if err != nil {
		h.Log.Error("sms inbound: claim", "err", err)
		return message(c, h.sig()+replyApology)
	}
	if !fresh {
		return message(c, h.sig()+firstNonEmpty(reply, replyHelp))
	}
	reply = h.Answer(ctx, from, body)
	if err := h.Svc.Store.InTx(ctx, func(tx booking.Tx) error { return tx.SetInboundReply(sid, reply) }); err != nil {
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

func (h *Inbound) answer(ctx context.Context, from string, cmd Command) string {
	if cmd.Kind == CmdHelp {
		return replyHelp
	}
	phone, err := booking.NormalizeMobile(from)
	if err != nil {
		return replyUnknown
	}
	cz, err := h.Svc.CitizenByPhone(ctx, phone)
	if booking.ErrorCode(err) == booking.ENotFound {
		return replyUnknown
	} else if err != nil {
		h.Log.Error("sms inbound: citizen lookup", "err", err)
		return replyApology
	}
	actor := booking.Actor{Name: booking.MaskPhone(phone), Channel: booking.ChannelSMS}
	reply, err := h.run(ctx, actor, cz, cmd)
	if booking.ErrorCode(err) == booking.EInternal {
		h.Log.Error("sms inbound: command", "command", cmd.Kind, "err", err)
		return replyApology
	}
	return reply
}

func (h *Inbound) run(ctx context.Context, a booking.Actor, cz booking.Citizen, cmd Command) (string, error) {
	switch cmd.Kind {
	case CmdStop:
		return replyStop, h.Svc.SetReminders(ctx, a, cz.ID, false)
	case CmdConfirm:
		b, err := h.Svc.ConfirmAttendance(ctx, a, cz.ID)
		if booking.ErrorCode(err) == booking.ENotFound {
			return replyNone, nil
		}
		return "已确认到场：" + h.describe(b) + "。请按时携带本人身份证取号。", err
	case CmdQuery:
		bs, err := h.Svc.ActiveBookings(ctx, cz.ID)
		if err != nil || len(bs) == 0 {
			return replyNone, err
		}
		return "您的有效预约：" + h.list(bs) + "。取消请回复QX加受理号。", nil
	}
	return h.cancel(ctx, a, cz, cmd.Ref)
}

func (h *Inbound) cancel(ctx context.Context, a booking.Actor, cz booking.Citizen, ref string) (string, error) {
	bs, err := h.Svc.Bookings(ctx, booking.BookingFilter{CitizenID: cz.ID, Statuses: []booking.Status{booking.StatusBooked}})
	if err != nil {
		return "", err
	}
	var target *booking.Booking
	for i := range bs {
		if ref == "" && len(bs) == 1 || bs[i].Reference == ref {
			target = &bs[i]
		}
	}
	switch {
	case len(bs) == 0:
		return replyNone, nil
	case ref == "" && len(bs) > 1:
		return fmt.Sprintf("您有%d个有效预约：%s。请回复QX加受理号取消，如QX %s。", len(bs), h.list(bs), bs[0].Reference), nil
	case target == nil:
		return replyNoSuchRef, nil
	}
	_, err = h.Svc.Cancel(ctx, a, target.ID)
	switch booking.ErrorCode(err) {
	case "":
		return fmt.Sprintf(replyCancelDone, target.Reference), nil
	case booking.EDeadline:
		return fmt.Sprintf("已超过取消时限（预约日前一天%02d:00），受理号%s的预约不能取消。如不能到场将记爽约。",
			h.Svc.Rules.CancelHour, target.Reference), nil
	}
	return "", err
}

func (h *Inbound) describe(b booking.Booking) string {
	biz, _ := h.Svc.Catalog.Business(b.Business)
	off, _ := h.Svc.Catalog.Office(b.Office)
	return fmt.Sprintf("%s%s-%s %s %s", DayText(b.Date.String()), b.Start, b.End, off.Name, biz.Name)
}

func (h *Inbound) list(bs []booking.Booking) string {
	parts := make([]string, len(bs))
	for i, b := range bs {
		biz, _ := h.Svc.Catalog.Business(b.Business)
		parts[i] = fmt.Sprintf("%d)%s %s%s 受理号%s", i+1, biz.Name, DayText(b.Date.String()), b.Start, b.Reference)
	}
	return strings.Join(parts, "；")
}
