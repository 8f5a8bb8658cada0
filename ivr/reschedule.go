package ivr

import (
	"strings"

	"yuyue/booking"
)

// The reschedule (改约) and waitlist (候补) steps. A caller who heard a
// booking's reference in the query flow may reschedule it (query_action),
// at the same office or another (reschedule_where), through the date and
// period lists, confirming the move (reschedule_confirm). A caller booking
// a full day, or an office full across the window, may join that date's
// waitlist (waitlist_join).

// FlowReschedule is the flow of a caller moving a booking.
const FlowReschedule = "reschedule"

// reschedulable reports whether the query flow offers 改约 for b.
func (c *call) reschedulable(b booking.Booking) bool {
	return b.Status == booking.StatusBooked && c.svc.Rules.CanCancel(c.svc.Now(), b.Date, c.svc.Catalog.Calendar.Loc)
}

// onQueryAction: 1 reschedules the booking just read, 2 back to the list.
func (c *call) onQueryAction(in input) error {
	return c.yesNo(in, func() error {
		b, err := c.svc.Booking(c.ctx, c.s.Picked)
		if err != nil || b.CitizenID != c.s.CitizenID {
			return c.fail("invalid")
		}
		c.s.Flow, c.s.Business, c.s.Office, c.s.Mode = FlowReschedule, b.Business, b.Office, "business"
		return c.goTo(StepRescheduleWhere)
	}, func() error { return c.goTo(StepPickBooking) })
}

// onRescheduleWhere: 1 the same office, 2 another office.
func (c *call) onRescheduleWhere(in input) error {
	return c.yesNo(in, func() error { return c.goTo(StepDate) }, func() error { return c.goTo(StepDistrict) })
}

// pickTarget is choosePeriod in the reschedule flow: no hold, the move is
// confirmed first and made in one step.
func (c *call) pickTarget(placeID int64) error {
	p, err := c.svc.Place(c.ctx, placeID)
	if err != nil {
		return c.goTo(StepDate)
	}
	c.s.Target, c.s.Start, c.s.End = p.ID, p.Start, p.End
	return c.goTo(StepRescheduleConfirm)
}

func (c *call) promptRescheduleConfirm() view {
	p, _ := c.svc.Place(c.ctx, c.s.Target)
	b := booking.Booking{Business: p.Business, Office: p.Office, Date: p.Date, Start: p.Start, End: p.End}
	return view{lines: []string{say(c.s.Lang, "reschedule_confirm", c.describe(b))}, gather: digitsGather(1, "")}
}

// onRescheduleConfirm: 1 moves the booking, 2 chooses again.
func (c *call) onRescheduleConfirm(in input) error {
	return c.yesNo(in, func() error {
		b, err := c.svc.Reschedule(c.ctx, c.actor, c.s.Picked, c.s.Target)
		switch booking.ErrorCode(err) {
		case "":
			ref := digitsText(c.s.Lang, b.Reference)
			c.note("rescheduled", c.describe(b), ref)
		case booking.EFull:
			c.note("period_taken")
			return c.goTo(StepPeriod)
		case booking.EInvalid, booking.EConflict:
			c.note("invalid")
		default:
			if !c.sayError(err) {
				return wrapf(err, "reschedule")
			}
		}
		c.s.Flow, c.s.Target = FlowQuery, 0
		return c.goTo(StepMenu)
	}, func() error { return c.goTo(StepDate) })
}

func (c *call) promptWaitlistJoin() view {
	d, _ := booking.ParseDate(c.s.Date)
	minutes := int(c.svc.Rules.WaitlistOfferTTL.Minutes())
	return view{lines: []string{say(c.s.Lang, "waitlist_join", dateText(c.s.Lang, d), minutes)}, gather: digitsGather(1, "")}
}

// onWaitlistJoin: 1 joins the date's waitlist (any period), 2 goes on to
// choose another office.
func (c *call) onWaitlistJoin(in input) error {
	return c.yesNo(in, func() error {
		d, err := booking.ParseDate(c.s.Date)
		if err != nil {
			return c.goTo(StepDate)
		}
		_, err = c.svc.JoinWaitlist(c.ctx, c.actor, c.s.CitizenID, c.s.Office, c.s.Business, d, "")
		switch {
		case err == nil:
			c.note("waitlist_joined")
		case c.sayError(err):
		default:
			return wrapf(err, "join waitlist")
		}
		return c.goTo(StepMenu)
	}, c.otherDates)
}

// otherDates is "2" at waitlist_join: the office's other dates when it has
// free ones, else another office.
func (c *call) otherDates() error {
	ps, err := c.svc.Availability(c.ctx, booking.PlaceFilter{Office: c.s.Office, Business: c.s.Business, OnlyFree: true})
	if err != nil {
		return wrapf(err, "availability")
	}
	if len(ps) > 0 {
		return c.goTo(StepDate)
	}
	return c.goTo(StepDistrict)
}

// firstFullDate is the earliest bookable date the office has places of
// the business on, all taken ("" when it has none).
func (c *call) firstFullDate() (string, error) {
	ps, err := c.svc.Availability(c.ctx, booking.PlaceFilter{Office: c.s.Office, Business: c.s.Business})
	if err != nil || len(ps) == 0 {
		return "", err
	}
	return ps[0].Date.String(), nil
}

// promptWaitlistLeave reads the caller's live waitlist entries (business,
// office, date) in the query flow and offers to leave them.
func (c *call) promptWaitlistLeave() view {
	ws, _ := c.svc.Waitlist(c.ctx, c.s.CitizenID)
	sep := map[string]string{LangZH: "；", LangEN: "; "}[c.s.Lang]
	parts := make([]string, len(ws))
	for i, w := range ws {
		biz, _ := c.svc.Catalog.Business(w.Business)
		off, _ := c.svc.Catalog.Office(w.Office)
		parts[i] = c.bizName(biz) + "，" + off.Name + "，" + dateText(c.s.Lang, w.Date)
	}
	return view{lines: []string{say(c.s.Lang, "waitlist_leave", strings.Join(parts, sep))}, gather: digitsGather(1, "")}
}

// onWaitlistLeave: 1 leaves every entry read (an offered place is
// released, as on the web), 2 goes on to the bookings; both then list them.
func (c *call) onWaitlistLeave(in input) error {
	return c.yesNo(in, func() error {
		ws, err := c.svc.Waitlist(c.ctx, c.s.CitizenID)
		if err != nil {
			return wrapf(err, "waitlist")
		}
		for _, w := range ws {
			if _, err := c.svc.LeaveWaitlist(c.ctx, c.actor, c.s.CitizenID, w.ID); err != nil {
				return wrapf(err, "leave waitlist")
			}
		}
		c.note("waitlist_left")
		return c.goTo(StepPickBooking)
	}, func() error { return c.goTo(StepPickBooking) })
}
