package operator

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
)

// officeOf is the office a page or action is about: a clerk's own, always;
// an administrator may choose.
func (c *Console) officeOf(ctx *fiber.Ctx) string {
	if op := c.op(ctx); op.Role == booking.RoleClerk {
		return op.Office
	}
	if o := ctx.Query("office"); o != "" {
		return o
	}
	return c.Svc.Catalog.Offices[0].Code
}

// period groups a day's bookings by time period.
type period struct {
	Start, End string
	Bookings   []bookingView
}

func (c *Console) officePage(ctx *fiber.Ctx) error {
	office := c.officeOf(ctx)
	off, ok := c.Svc.Catalog.Office(office)
	if !ok {
		return fiber.ErrNotFound
	}
	today := booking.DateOf(c.Svc.Now(), shanghai)
	bs, err := c.Svc.Bookings(ctx.UserContext(), booking.BookingFilter{Office: office, From: today, To: today,
		Statuses: []booking.Status{booking.StatusBooked, booking.StatusCheckedIn, booking.StatusCompleted, booking.StatusNoShow}})
	if err != nil {
		return err
	}
	var periods []period
	for _, b := range c.views(bs) {
		if n := len(periods); n == 0 || periods[n-1].Start != b.Start {
			periods = append(periods, period{Start: b.Start, End: b.End})
		}
		periods[len(periods)-1].Bookings = append(periods[len(periods)-1].Bookings, b)
	}
	chart, err := c.chart(ctx, office, today)
	if err != nil {
		return err
	}
	return c.render(ctx, "office", off.Name, struct {
		Office  booking.Office
		Today   string
		Periods []period
		Chart   any
	}{off, today.String(), periods, chart})
}

// bookingInOffice loads a booking a clerk may act on: their office only.
func (c *Console) bookingInOffice(ctx *fiber.Ctx) (booking.Booking, error) {
	id, _ := strconv.ParseInt(ctx.Params("id"), 10, 64)
	b, err := c.Svc.Booking(ctx.UserContext(), id)
	if booking.ErrorCode(err) == booking.ENotFound {
		return b, fiber.ErrNotFound
	}
	if err != nil {
		return b, err
	}
	if op := c.op(ctx); op.Role == booking.RoleClerk && b.Office != op.Office {
		return b, fiber.NewError(fiber.StatusForbidden, "another office's booking")
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

// bar is one day of the utilization chart.
type bar struct {
	X, CapH, BookedH, CapY, BookedY int
	Label                           string
	Capacity, Booked                int
}

// chart is 14 days of places against bookings, drawn as inline SVG bars.
func (c *Console) chart(ctx *fiber.Ctx, office string, today booking.Date) (any, error) {
	var places []booking.Place
	err := c.Svc.Store.View(ctx.UserContext(), func(tx booking.Tx) (err error) {
		places, err = tx.Places(booking.PlaceFilter{Office: office, From: today, To: today.AddDays(13)})
		return err
	})
	if err != nil {
		return nil, err
	}
	capBy, bookedBy := map[booking.Date]int{}, map[booking.Date]int{}
	for _, p := range places {
		capBy[p.Date] += p.Capacity
		bookedBy[p.Date] += p.Taken
	}
	peak := 1
	for _, v := range capBy {
		peak = max(peak, v)
	}
	const height, width = 120, 36
	var bars []bar
	for i := range 14 {
		d := today.AddDays(i)
		capH, bookedH := capBy[d]*height/peak, bookedBy[d]*height/peak
		bars = append(bars, bar{X: 30 + i*width, CapH: capH, BookedH: bookedH, CapY: 10 + height - capH, BookedY: 10 + height - bookedH,
			Label: strings.TrimPrefix(d.String()[5:], "0"), Capacity: capBy[d], Booked: bookedBy[d]})
	}
	return struct {
		Bars  []bar
		Width int
	}{bars, 30 + 14*width}, nil
}
