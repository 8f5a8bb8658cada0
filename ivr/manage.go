package ivr

import (
	"strconv"

	"yuyue/booking"
)

// startManage lists a verified caller's bookings; a query first reads
// the caller's live waitlist (候补) entries and offers to leave them.
func (c *call) startManage() error {
	if c.s.Flow == FlowQuery {
		ws, err := c.svc.Waitlist(c.ctx, c.s.CitizenID)
		if err != nil {
			return wrapf(err, "waitlist")
		}
		if len(ws) > 0 {
			return c.goTo(StepWaitlistLeave)
		}
	}
	return c.goTo(StepPickBooking)
}

// chooseBooking reads a booking's reference (query) or asks to cancel it.
func (c *call) chooseBooking(v string) error {
	id, _ := strconv.ParseInt(v, 10, 64)
	b, err := c.svc.Booking(c.ctx, id)
	if err != nil || b.CitizenID != c.s.CitizenID {
		return c.fail("invalid")
	}
	if c.s.Flow == FlowCancel {
		c.s.Picked = b.ID
		return c.goTo(StepCancelConfirm)
	}
	ref := digitsText(c.s.Lang, b.Reference)
	c.note("booking_detail", c.describe(b), ref, ref)
	if c.reschedulable(b) {
		c.s.Picked = b.ID
		return c.goTo(StepQueryAction)
	}
	return nil
}

// onCancelConfirm: 1 cancels, 2 goes back to the list.
func (c *call) onCancelConfirm(in input) error {
	return c.yesNo(in, func() error {
		_, err := c.svc.Cancel(c.ctx, c.actor, c.s.Picked)
		switch {
		case err == nil:
			c.note("cancelled")
		case c.sayError(err):
		case booking.ErrorCode(err) == booking.EConflict:
			c.note("no_bookings")
		default:
			return wrapf(err, "cancel")
		}
		return c.goTo(StepMenu)
	}, func() error { return c.goTo(StepPickBooking) })
}
