package operator

import (
	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
)

// messages lists the latest outbound SMS with what became of each: the
// outbox status, the provider's id and its delivery report with the
// carrier's error code. Numbers are masked; parameters are never shown.
func (c *Console) messages(ctx *fiber.Ctx) error {
	var rows []booking.OutboxRow
	to := ctx.Query("to")
	if to != "" {
		if p, err := booking.NormalizeMobile(to); err == nil {
			to = p
		}
	}
	err := c.Svc.Store.View(ctx.UserContext(), func(tx booking.Tx) (err error) {
		rows, err = tx.OutboxRows(to, 200)
		return err
	})
	if err != nil {
		return err
	}
	return c.render(ctx, "messages", "短信发送记录", rows)
}
