package api

import (
	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
	"yuyue/present"
)

// reschedule moves the citizen's own booking to another place of the same
// business (改约) with the booking code from POST /bookings/{id}/code.
func (a *API) reschedule(c *fiber.Ctx) error {
	var in struct {
		PlaceID int64  `json:"place_id"`
		Code    string `json:"code"`
	}
	id, err := idParam(c)
	if err == nil {
		err = bind(c, &in)
	}
	if err != nil {
		return a.fail(c, err)
	}
	b, err := a.Accounts.RescheduleOwn(c.UserContext(), a.actor(c), citizen(c), id, in.PlaceID, in.Code)
	if err != nil {
		return a.fail(c, err)
	}
	return c.JSON(present.View(a.Accounts.Svc, b))
}

func (a *API) waitlist(c *fiber.Ctx) error {
	ws, err := a.Accounts.Svc.Waitlist(c.UserContext(), citizen(c).ID)
	if err != nil {
		return a.fail(c, err)
	}
	out := []present.WaitView{}
	for _, w := range ws {
		out = append(out, present.WaitlistView(a.Accounts.Svc, w))
	}
	return c.JSON(fiber.Map{"entries": out})
}

func (a *API) joinWaitlist(c *fiber.Ctx) error {
	var in struct {
		Office   string `json:"office"`
		Business string `json:"business"`
		Date     string `json:"date"`
		Start    string `json:"start"`
	}
	if err := bind(c, &in); err != nil {
		return a.fail(c, err)
	}
	d, err := booking.ParseDate(in.Date)
	if err != nil {
		return a.fail(c, booking.Errorf(booking.EInvalid, "date"))
	}
	w, err := a.Accounts.Svc.JoinWaitlist(c.UserContext(), a.actor(c), citizen(c).ID, in.Office, in.Business, d, in.Start)
	if err != nil {
		return a.fail(c, err)
	}
	return c.Status(fiber.StatusCreated).JSON(present.WaitlistView(a.Accounts.Svc, w))
}

func (a *API) leaveWaitlist(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return a.fail(c, err)
	}
	w, err := a.Accounts.Svc.LeaveWaitlist(c.UserContext(), a.actor(c), citizen(c).ID, id)
	if err != nil {
		return a.fail(c, err)
	}
	return c.JSON(present.WaitlistView(a.Accounts.Svc, w))
}

// confirmOffer books the place offered to the citizen's entry with the
// booking code (sent by POST /holds/{offer_hold_id}/code).
func (a *API) confirmOffer(c *fiber.Ctx) error {
	return a.withCode(c, func(id int64, code string) (booking.Booking, error) {
		return a.Accounts.AcceptOwnOffer(c.UserContext(), a.actor(c), citizen(c), id, code)
	})
}
