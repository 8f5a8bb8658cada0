package ivr

import (
	"strconv"

	"yuyue/booking"
)

// startBooking begins the booking proper for a verified caller; a
// blacklisted citizen hears until when, before choosing anything.
func (c *call) startBooking() error {
	cz, err := c.svc.Citizen(c.ctx, c.s.CitizenID)
	if err != nil {
		return wrapf(err, "citizen")
	}
	return c.startBookingFor(cz)
}

// startBookingFor is startBooking with the citizen read already.
func (c *call) startBookingFor(cz booking.Citizen) error {
	if cz.Banned(c.svc.Now()) {
		c.sayError(&booking.Error{Code: booking.EBlacklisted, Until: cz.BannedUntil})
		return c.goTo(StepMenu)
	}
	return c.goTo(StepMode)
}

func (c *call) onMode(in input) error {
	switch in.digits {
	case "1":
		c.s.Mode = "business"
		return c.goTo(StepBusiness)
	case "2":
		c.s.Mode = "office"
		return c.goTo(StepDistrict)
	case "0":
		return c.transfer()
	case "*":
		return nil
	}
	return c.failInput(in, "invalid")
}

func (c *call) chooseBusiness(code string) error {
	c.s.Business = code
	if c.s.Mode == "business" {
		return c.goTo(StepDistrict)
	}
	return c.goTo(StepNotice)
}

func (c *call) chooseDistrict(code string) error {
	c.s.District = code
	return c.goTo(StepOffice)
}

func (c *call) chooseOffice(code string) error {
	c.s.Office = code
	if c.s.Flow == FlowReschedule { // the notice was read when the booking was made
		return c.goTo(StepDate)
	}
	if c.s.Mode == "business" {
		return c.goTo(StepNotice)
	}
	return c.goTo(StepBusiness)
}

// onNotice: 1 "我已阅，继续预约", 2 hear it again.
func (c *call) onNotice(in input) error {
	return c.yesNo(in, func() error { return c.goTo(StepDate) }, func() error { return nil })
}

func (c *call) chooseDate(d string) error {
	c.s.Date = d
	return c.goTo(StepPeriod)
}

// choosePeriod holds the place; the phone passed its code already.
func (c *call) choosePeriod(v string) error {
	placeID, _ := strconv.ParseInt(v, 10, 64)
	if c.s.Flow == FlowReschedule {
		return c.pickTarget(placeID)
	}
	if c.s.HoldID != 0 {
		if err := c.svc.ReleaseHold(c.ctx, c.actor, c.s.HoldID); err != nil {
			return wrapf(err, "release previous hold")
		}
		c.s.HoldID = 0
	}
	h, err := c.svc.Hold(c.ctx, c.actor, c.s.CitizenID, placeID)
	switch booking.ErrorCode(err) {
	case "":
	case booking.EFull:
		c.note("period_taken")
		return c.goTo(StepPeriod)
	case booking.EInvalid:
		return c.goTo(StepDate)
	default:
		if c.sayError(err) {
			return c.goTo(StepMenu)
		}
		return wrapf(err, "hold")
	}
	c.s.HoldID, c.s.Start, c.s.End = h.ID, h.Start, h.End
	return c.goTo(StepConfirm)
}

// abandonHold frees a held place at once and moves on.
func (c *call) abandonHold(next Step) error {
	if c.s.HoldID != 0 {
		if err := c.svc.ReleaseHold(c.ctx, c.actor, c.s.HoldID); err != nil {
			return wrapf(err, "release hold")
		}
		c.s.HoldID = 0
	}
	return c.goTo(next)
}

// onConfirm: 1 books the held place, 2 starts the choice again.
func (c *call) onConfirm(in input) error {
	return c.yesNo(in, c.confirmBooking, func() error { return c.abandonHold(StepMode) })
}

func (c *call) confirmBooking() error {
	b, err := c.svc.Confirm(c.ctx, c.actor, c.s.HoldID)
	switch booking.ErrorCode(err) {
	case "":
	case booking.EExpired:
		c.s.HoldID = 0
		c.note("hold_expired")
		return c.goTo(StepPeriod)
	case booking.ENotVerified: // the verification lapsed while choosing
		c.s.Verified = false
		return c.sendCode()
	default:
		if c.sayError(err) {
			return c.abandonHold(StepMenu)
		}
		return wrapf(err, "confirm")
	}
	c.s.HoldID, c.s.Reference = 0, b.Reference
	if c.overSIP() { // the name is final: a later reply changes nothing
		if err := c.svc.CloseName(c.ctx, c.s.Phone); err != nil {
			return wrapf(err, "close name")
		}
	}
	return c.goTo(StepDone)
}
