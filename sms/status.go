package sms

import (
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
	"yuyue/webhook"
)

// Status records Twilio's delivery status callbacks (POST /twilio/sms/status).
type Status struct {
	Svc *booking.Service
	Log *slog.Logger
}

// Handle records the status unless a later one is already known.
func (s *Status) Handle(c *fiber.Ctx) error {
	sid, status, code := webhook.Param(c, "MessageSid"), webhook.Param(c, "MessageStatus"), webhook.Param(c, "ErrorCode")
	if sid == "" || status == "" {
		return c.Status(fiber.StatusBadRequest).SendString("MessageSid and MessageStatus are required")
	}
	changed, err := s.Svc.SetDeliveryStatus(c.UserContext(), sid, status, code)
	switch booking.ErrorCode(err) {
	case "":
	case booking.ENotFound:
		s.Log.Warn("sms status for an unknown message", "sid", sid, "status", status)
		return c.SendStatus(fiber.StatusNoContent)
	default:
		s.Log.Error("sms status: record", "err", err)
		return c.SendStatus(fiber.StatusInternalServerError)
	}
	if changed && (status == "failed" || status == "undelivered") {
		smsDelivery.WithLabelValues(status, code).Inc()
		s.Log.Warn("sms not delivered", "sid", sid, "status", status, "error_code", code)
	}
	return c.SendStatus(fiber.StatusNoContent)
}
