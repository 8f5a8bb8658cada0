package operator

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
)

// loadBooking loads the booking of the :id parameter.
func (c *Console) loadBooking(ctx *fiber.Ctx) (booking.Booking, error) {
	id, _ := strconv.ParseInt(ctx.Params("id"), 10, 64)
	b, err := c.Svc.Booking(ctx.UserContext(), id)
	if booking.ErrorCode(err) == booking.ENotFound {
		return b, fiber.ErrNotFound
	}
	return b, err
}

// cancelPage asks for confirmation, showing what would be cancelled and
// whether the deadline still allows it.
func (c *Console) cancelPage(ctx *fiber.Ctx) error {
	b, err := c.loadBooking(ctx)
	if err != nil {
		return err
	}
	h, err := c.handle(ctx, b.CitizenID)
	if err != nil {
		return err
	}
	return c.render(ctx, "cancel", "确认取消预约", struct {
		Booking bookingView
		Handle  string
	}{c.views([]booking.Booking{b})[0], h})
}

func (c *Console) cancel(ctx *fiber.Ctx) error {
	b, err := c.loadBooking(ctx)
	if err != nil {
		return err
	}
	h, err := c.handle(ctx, b.CitizenID)
	if err != nil {
		return err
	}
	b, err = c.Svc.Cancel(ctx.UserContext(), c.actor(ctx), b.ID)
	return back(ctx, "/console/c/"+h, "已取消预约 "+b.Reference, err)
}
