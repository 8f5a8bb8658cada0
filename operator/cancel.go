package operator

import (
	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
)

// loadBooking loads the booking of the :handle parameter: an opaque handle,
// never the sequence id, so that no URL walks the bookings one by one.
func (c *Console) loadBooking(ctx *fiber.Ctx) (booking.Booking, error) {
	id, err := c.ops().BookingIDByHandle(ctx.UserContext(), ctx.Params("handle"))
	var b booking.Booking
	if err == nil {
		b, err = c.Svc.Booking(ctx.UserContext(), id)
	}
	if booking.ErrorCode(err) == booking.ENotFound {
		return b, fiber.ErrNotFound
	}
	return b, err
}

// viewBooking loads the booking of a page for its citizen's operator: with
// the reason given for looking at that citizen, audited like a citizen
// page; without one it asks for the reason and shows nothing.
func (c *Console) viewBooking(ctx *fiber.Ctx, what string) (booking.Booking, string, bool, error) {
	b, err := c.loadBooking(ctx)
	if err != nil {
		return b, "", false, err
	}
	h, err := c.handle(ctx, b.CitizenID)
	if err != nil {
		return b, "", false, err
	}
	why := c.state(ctx).reason(b.CitizenID)
	if why == "" {
		if ctx.Method() != fiber.MethodGet {
			return b, h, false, back(ctx, "/console/c/"+h, "", errNoReason)
		}
		return b, h, false, c.render(ctx, "why", "查看原因", h)
	}
	err = c.ops().ViewBooking(ctx.UserContext(), c.op(ctx).Name, b, what, why)
	return b, h, err == nil, err
}

// cancelPage asks for confirmation, showing what would be cancelled and
// whether the deadline still allows it.
func (c *Console) cancelPage(ctx *fiber.Ctx) error {
	b, h, ok, err := c.viewBooking(ctx, "取消预约页面")
	if !ok || err != nil {
		return err
	}
	vs, err := c.views(ctx, []booking.Booking{b})
	if err != nil {
		return err
	}
	return c.render(ctx, "cancel", "确认取消预约", struct {
		Booking bookingView
		Handle  string
	}{vs[0], h})
}

func (c *Console) cancel(ctx *fiber.Ctx) error {
	b, h, ok, err := c.viewBooking(ctx, "取消预约")
	if !ok || err != nil {
		return err
	}
	b, err = c.Svc.Cancel(ctx.UserContext(), c.actor(ctx), b.ID)
	return back(ctx, "/console/c/"+h, "已取消预约 "+b.Reference, err)
}

// bookingHandles returns the opaque handle of each booking, in order,
// giving one to those that have none yet.
func (c *Console) bookingHandles(ctx *fiber.Ctx, bs []booking.Booking) ([]string, error) {
	ids := make([]int64, len(bs))
	for i, b := range bs {
		ids[i] = b.ID
	}
	return c.ops().BookingHandles(ctx.UserContext(), ids, newHandle)
}
