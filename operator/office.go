package operator

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
)

// officeOf is the office a page or action is about: a clerk's own, always;
// an administrator picks any.
func (c *Console) officeOf(ctx *fiber.Ctx) string {
	if op := c.op(ctx); officeScoped(op.Role) {
		return op.Office
	}
	if o := ctx.Query("office"); o != "" {
		return o
	}
	return c.Svc.Catalog.Offices[0].Code
}

// dayOf is the day whose list is shown: today unless another is asked for.
func (c *Console) dayOf(ctx *fiber.Ctx) booking.Date {
	if d, err := booking.ParseDate(ctx.Query("date")); err == nil {
		return d
	}
	return booking.DateOf(c.Svc.Now(), shanghai)
}

// period groups a day's bookings by time period.
type period struct {
	Start, End string
	Bookings   []bookingView
}

// dayList is an office's bookings of one day.
func (c *Console) dayList(ctx *fiber.Ctx, office string, day booking.Date) ([]bookingView, error) {
	bs, err := c.Svc.Bookings(ctx.UserContext(), booking.BookingFilter{Office: office, From: day, To: day,
		Statuses: []booking.Status{booking.StatusBooked, booking.StatusCheckedIn, booking.StatusCompleted, booking.StatusNoShow}})
	if err != nil {
		return nil, err
	}
	return c.views(ctx, bs)
}

func (c *Console) officePage(ctx *fiber.Ctx) error {
	office, day := c.officeOf(ctx), c.dayOf(ctx)
	off, ok := c.Svc.Catalog.Office(office)
	if !ok {
		return fiber.ErrNotFound
	}
	list, err := c.dayList(ctx, office, day)
	if err != nil {
		return err
	}
	var periods []period
	for _, b := range list {
		if n := len(periods); n == 0 || periods[n-1].Start != b.Start {
			periods = append(periods, period{Start: b.Start, End: b.End})
		}
		periods[len(periods)-1].Bookings = append(periods[len(periods)-1].Bookings, b)
	}
	ch, err := c.chart(ctx, office)
	if err != nil {
		return err
	}
	return c.render(ctx, "office", off.Name, struct {
		Office  booking.Office
		Offices []booking.Office
		Day     string
		Today   bool
		Periods []period
		Chart   chart
	}{off, c.Svc.Catalog.Offices, day.String(), day == booking.DateOf(c.Svc.Now(), shanghai), periods, ch})
}

// bookingInOffice loads a booking a clerk may act on: their office only.
func (c *Console) bookingInOffice(ctx *fiber.Ctx) (booking.Booking, error) {
	b, err := c.loadBooking(ctx)
	if err != nil {
		return b, err
	}
	if op := c.op(ctx); officeScoped(op.Role) && b.Office != op.Office {
		return b, fiber.ErrForbidden
	}
	return b, nil
}

// checkIn matches the presented ID card and gives a queue number (取号).
func (c *Console) checkIn(ctx *fiber.Ctx) error {
	b, err := c.bookingInOffice(ctx)
	if err != nil {
		return err
	}
	got, err := c.Svc.CheckIn(ctx.UserContext(), c.actor(ctx), b.ID, ctx.FormValue("id_number"))
	return back(ctx, "/console/office?office="+escape(b.Office), fmt.Sprintf("已取号：%03d号（受理号 %s）", got.QueueNo, got.Reference), err)
}

func (c *Console) complete(ctx *fiber.Ctx) error {
	b, err := c.bookingInOffice(ctx)
	if err != nil {
		return err
	}
	_, err = c.Svc.Complete(ctx.UserContext(), c.actor(ctx), b.ID)
	return back(ctx, "/console/office?office="+escape(b.Office), "已办结 "+b.Reference, err)
}
