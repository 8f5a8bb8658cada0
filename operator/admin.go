package operator

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
)

// audit lists the audit log with filters: who, citizen, booking, date.
func (c *Console) audit(ctx *fiber.Ctx) error {
	f := booking.AuditFilter{Actor: ctx.Query("actor"), Limit: 200}
	f.CitizenID, _ = strconv.ParseInt(ctx.Query("citizen"), 10, 64)
	f.BookingID, _ = strconv.ParseInt(ctx.Query("booking"), 10, 64)
	if d, err := booking.ParseDate(ctx.Query("date")); err == nil {
		f.From, f.To = d.At(0, 0, shanghai), d.AddDays(1).At(0, 0, shanghai)
	}
	entries, err := c.Svc.AuditLog(ctx.UserContext(), f)
	if err != nil {
		return err
	}
	return c.render(ctx, "audit", "审计日志", struct {
		Entries                      []booking.AuditEntry
		Actor, Citizen, Booking, Day string
	}{entries, ctx.Query("actor"), ctx.Query("citizen"), ctx.Query("booking"), ctx.Query("date")})
}

// inbox shows the development SMS inbox; it does not exist in production.
func (c *Console) inbox(ctx *fiber.Ctx) error {
	if !c.Dev {
		return fiber.ErrNotFound
	}
	var ms []booking.DevMessage
	err := c.Svc.Store.View(ctx.UserContext(), func(tx booking.Tx) (err error) {
		ms, err = tx.DevMessages("", 100)
		return err
	})
	if err != nil {
		return err
	}
	return c.render(ctx, "inbox", "开发短信收件箱", ms)
}
