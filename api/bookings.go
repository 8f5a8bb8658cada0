package api

import (
	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
	"yuyue/present"
)

func (a *API) catalog(c *fiber.Ctx) error {
	return c.JSON(present.Catalog(a.Accounts.Svc.Catalog))
}

// availability lists places with what is left, for a business or an office
// (at least one), over a date range within the booking window.
func (a *API) availability(c *fiber.Ctx) error {
	f := booking.PlaceFilter{Business: c.Query("business"), Office: c.Query("office")}
	if f.Business == "" && f.Office == "" {
		return a.fail(c, booking.Errorf(booking.EInvalid, "give business or office"))
	}
	var err error
	for _, d := range []struct {
		q   string
		out *booking.Date
	}{{"from", &f.From}, {"to", &f.To}} {
		if s := c.Query(d.q); s != "" && err == nil {
			*d.out, err = booking.ParseDate(s)
		}
	}
	if err != nil {
		return a.fail(c, err)
	}
	ps, err := a.Accounts.Svc.Availability(c.UserContext(), f)
	if err != nil {
		return a.fail(c, err)
	}
	return c.JSON(fiber.Map{"days": present.Days(ps)})
}

func (a *API) hold(c *fiber.Ctx) error {
	var in struct {
		PlaceID    int64 `json:"place_id"`
		NoticeRead bool  `json:"notice_read"`
	}
	if err := bind(c, &in); err != nil {
		return a.fail(c, err)
	}
	b, err := a.Accounts.HoldPlace(c.UserContext(), a.actor(c), citizen(c).ID, in.PlaceID, in.NoticeRead)
	if err != nil {
		return a.fail(c, err)
	}
	return c.Status(fiber.StatusCreated).JSON(present.View(a.Accounts.Svc, b))
}

// holdCode sends the booking code to the citizen's own phone.
func (a *API) holdCode(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err == nil {
		_, err = a.Accounts.OwnBooking(c.UserContext(), citizen(c).ID, id)
	}
	if err != nil {
		return a.fail(c, err)
	}
	return a.issue(c, citizen(c).Phone, booking.PurposeBooking, false)
}

func (a *API) confirm(c *fiber.Ctx) error {
	return a.withCode(c, func(id int64, code string) (booking.Booking, error) {
		return a.Accounts.ConfirmWithCode(c.UserContext(), a.actor(c), citizen(c), id, code)
	})
}

// withCode is the shape of the calls that book with the booking code: the
// path's id and the body's code go to act, and the booking it returns is
// the answer.
func (a *API) withCode(c *fiber.Ctx, act func(id int64, code string) (booking.Booking, error)) error {
	var in struct {
		Code string `json:"code"`
	}
	id, err := idParam(c)
	if err == nil {
		err = bind(c, &in)
	}
	if err != nil {
		return a.fail(c, err)
	}
	b, err := act(id, in.Code)
	if err != nil {
		return a.fail(c, err)
	}
	return c.JSON(present.View(a.Accounts.Svc, b))
}

func (a *API) release(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err == nil {
		err = a.Accounts.ReleaseOwnHold(c.UserContext(), a.actor(c), citizen(c).ID, id)
	}
	if err != nil {
		return a.fail(c, err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// bookings lists the citizen's bookings, newest appointments included.
func (a *API) bookings(c *fiber.Ctx) error {
	bs, err := a.Accounts.Svc.Bookings(c.UserContext(), booking.BookingFilter{CitizenID: citizen(c).ID,
		Statuses: []booking.Status{booking.StatusBooked, booking.StatusCheckedIn, booking.StatusCompleted,
			booking.StatusCancelled, booking.StatusNoShow}})
	if err != nil {
		return a.fail(c, err)
	}
	out := []present.BookingView{}
	for _, b := range bs {
		out = append(out, present.View(a.Accounts.Svc, b))
	}
	return c.JSON(fiber.Map{"bookings": out})
}

func (a *API) cancel(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return a.fail(c, err)
	}
	b, err := a.Accounts.CancelOwn(c.UserContext(), a.actor(c), citizen(c).ID, id)
	if err != nil {
		return a.fail(c, err)
	}
	return c.JSON(present.View(a.Accounts.Svc, b))
}

// query finds a booking by reference and ID number, without logging in;
// the ID number travels in the body, never the URL.
func (a *API) query(c *fiber.Ctx) error {
	var in struct {
		Reference string `json:"reference"`
		IDNumber  string `json:"id_number"`
	}
	if err := bind(c, &in); err != nil {
		return a.fail(c, err)
	}
	b, cz, err := a.Accounts.Query(c.UserContext(), in.Reference, in.IDNumber)
	if err != nil {
		return a.fail(c, err)
	}
	return c.JSON(fiber.Map{"booking": present.View(a.Accounts.Svc, b), "name": booking.MaskName(cz.Name)})
}
