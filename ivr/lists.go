package ivr

import (
	"strconv"

	"yuyue/booking"
)

// pageSize is how many options one page reads: keys 1–8, 9 for more.
const pageSize = 8

// fill computes a list step's options when the call enters it.
func (c *call) fill(step Step) error {
	if d, ok := steps[step]; ok && d.list != nil {
		return d.list.fill(c)
	}
	return nil
}

// onList: 1–8 choose, 9 next page (when there is one), * repeat, 0 operator;
// * a second time in a row goes back to the main menu. Every key is one
// key Twilio delivers at once (numDigits=1): a lone # never arrives, and
// all other keys of a list are taken.
func (c *call) onList(in input) error {
	d := in.digits
	again := c.s.Starred
	c.s.Starred = false
	switch {
	case d == "*" && again:
		c.note("back_to_menu")
		return c.abandonHold(StepMenu)
	case d == "*":
		c.s.Starred = true
		c.note("star_again")
		return nil
	case d == "0":
		return c.transfer()
	case d == "9" && (c.s.Page+1)*pageSize < len(c.s.Options):
		c.s.Page++
		return nil
	case len(d) == 1 && d >= "1" && d <= "8":
		i := c.s.Page*pageSize + int(d[0]-'1')
		if i < len(c.s.Options) {
			return steps[c.step()].list.choose(c, c.s.Options[i].Value)
		}
	}
	return c.failInput(in, "invalid")
}

func (c *call) fillBusinesses() error {
	cat := c.svc.Catalog
	codes := make([]string, 0, len(cat.Businesses))
	if c.s.Mode == "office" {
		o, _ := cat.Office(c.s.Office)
		codes = o.Businesses
	} else {
		for _, b := range cat.Businesses {
			codes = append(codes, b.Code)
		}
	}
	for _, code := range codes {
		b, _ := cat.Business(code)
		c.s.Options = append(c.s.Options, Option{Label: c.bizName(b), Value: code})
	}
	return nil
}

func (c *call) fillDistricts() error {
	cat := c.svc.Catalog
	business := ""
	if c.s.Mode == "business" {
		business = c.s.Business
	}
	for _, d := range cat.Districts {
		if len(cat.OfficesFor(business, d.Code)) > 0 {
			label := d.Name
			if c.s.Lang == LangEN && d.NameEn != "" {
				label = d.NameEn
			}
			c.s.Options = append(c.s.Options, Option{Label: label, Value: d.Code})
		}
	}
	return nil
}

func (c *call) fillOffices() error {
	business := ""
	if c.s.Mode == "business" {
		business = c.s.Business
	}
	for _, o := range c.svc.Catalog.OfficesFor(business, c.s.District) {
		c.s.Options = append(c.s.Options, Option{Label: o.Name, Value: o.Code})
	}
	return nil
}

func (c *call) fillDates() error {
	ps, err := c.svc.Availability(c.ctx, booking.PlaceFilter{Office: c.s.Office, Business: c.s.Business, OnlyFree: true})
	if err != nil {
		return wrapf(err, "availability")
	}
	seen := map[booking.Date]bool{}
	for _, p := range ps {
		if !seen[p.Date] {
			seen[p.Date] = true
			c.s.Options = append(c.s.Options, Option{Label: dateText(c.s.Lang, p.Date), Value: p.Date.String()})
		}
	}
	if len(c.s.Options) == 0 && c.s.Flow == FlowBook {
		// the office is full across the window: its first date's waitlist
		d, err := c.firstFullDate()
		if err != nil {
			return wrapf(err, "full dates")
		}
		if d != "" {
			c.s.Date = d
			return c.goTo(StepWaitlistJoin)
		}
	}
	if len(c.s.Options) == 0 {
		c.note("no_dates")
		return c.goTo(StepOffice)
	}
	return nil
}

func (c *call) fillPeriods() error {
	d, err := booking.ParseDate(c.s.Date)
	if err != nil {
		return c.goTo(StepDate)
	}
	ps, err := c.svc.Availability(c.ctx, booking.PlaceFilter{Office: c.s.Office, Business: c.s.Business, From: d, To: d, OnlyFree: true})
	if err != nil {
		return wrapf(err, "availability")
	}
	for _, p := range ps {
		c.s.Options = append(c.s.Options, Option{Label: periodText(c.s.Lang, p.Start, p.End), Value: strconv.FormatInt(p.ID, 10)})
	}
	if len(c.s.Options) == 0 {
		c.note("day_full")
		if c.s.Flow == FlowBook { // the full day's waitlist, or (2) the other dates
			return c.goTo(StepWaitlistJoin)
		}
		return c.goTo(StepDate)
	}
	return nil
}

func (c *call) fillBookings() error {
	bs, err := c.svc.ActiveBookings(c.ctx, c.s.CitizenID)
	if err != nil {
		return wrapf(err, "active bookings")
	}
	if c.s.Flow == FlowCancel {
		bs = onlyBooked(bs)
	}
	for _, b := range bs {
		c.s.Options = append(c.s.Options, Option{Label: c.describe(b), Value: strconv.FormatInt(b.ID, 10)})
	}
	if len(c.s.Options) == 0 {
		c.note("no_bookings")
		return c.goTo(StepMenu)
	}
	c.note("bookings", len(c.s.Options))
	return nil
}

func onlyBooked(bs []booking.Booking) []booking.Booking {
	out := bs[:0]
	for _, b := range bs {
		if b.Status == booking.StatusBooked {
			out = append(out, b)
		}
	}
	return out
}

// describe says a booking: business, office, date and period.
func (c *call) describe(b booking.Booking) string {
	cat := c.svc.Catalog
	biz, _ := cat.Business(b.Business)
	off, _ := cat.Office(b.Office)
	return c.bizName(biz) + "，" + off.Name + "，" + dateText(c.s.Lang, b.Date) + periodText(c.s.Lang, b.Start, b.End)
}
