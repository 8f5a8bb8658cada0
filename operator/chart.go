package operator

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
)

// bar is one bookable day of the office's chart.
type bar struct {
	X, TextX, CapH, BookedH, HeldH, CapY, BookedY, HeldY int
	Label                                                string
	Capacity, Booked, Held                               int
}

// chart is the booking window of an office: places, bookings and holds per
// day, drawn as inline SVG bars with the numbers written on them.
type chart struct {
	Bars  []bar
	Width int
}

const (
	chartHeight = 120
	barStep     = 56
)

// chart covers exactly the bookable days: tomorrow to the window's end,
// working days only.
func (c *Console) chart(ctx *fiber.Ctx, office string) (chart, error) {
	days := c.Svc.Window()
	if len(days) == 0 {
		return chart{Width: 40}, nil
	}
	places, held, err := c.ops().OfficeLoad(ctx.UserContext(), office, days[0], days[len(days)-1])
	if err != nil {
		return chart{}, err
	}
	capBy, takenBy, heldBy := map[booking.Date]int{}, map[booking.Date]int{}, map[booking.Date]int{}
	for _, p := range places {
		capBy[p.Date] += p.Capacity
		takenBy[p.Date] += p.Taken
	}
	for _, h := range held {
		heldBy[h.Date]++
	}
	peak := 1
	for _, v := range capBy {
		peak = max(peak, v)
	}
	ch := chart{Width: 20 + len(days)*barStep}
	for i, d := range days {
		ch.Bars = append(ch.Bars, makeBar(i, d, capBy[d], takenBy[d]-heldBy[d], heldBy[d], peak))
	}
	return ch, nil
}

func makeBar(i int, d booking.Date, capacity, booked, held, peak int) bar {
	h := func(n int) int { return n * chartHeight / peak }
	b := bar{X: 14 + i*barStep, Capacity: capacity, Booked: booked, Held: held,
		CapH: h(capacity), BookedH: h(booked), HeldH: h(held), Label: strings.TrimPrefix(d.String()[5:], "0")}
	b.TextX = b.X + 18
	b.CapY = 30 + chartHeight - b.CapH
	b.BookedY = 30 + chartHeight - b.BookedH
	b.HeldY = b.BookedY - b.HeldH
	return b
}
