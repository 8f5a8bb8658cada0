package operator

import (
	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
)

// messages lists the latest outbound SMS with what became of each: the
// outbox status, the provider's id and its delivery report with the
// carrier's error code. Numbers are masked; parameters are never shown.
func (c *Console) messages(ctx *fiber.Ctx) error {
	to := ctx.Query("to")
	if to != "" {
		if p, err := booking.NormalizeMobile(to); err == nil {
			to = p
		}
	}
	rows, err := c.Svc.OutboxRows(ctx.UserContext(), to, 200)
	if err != nil {
		return err
	}
	return c.render(ctx, "messages", "短信发送记录", rows)
}
