package operator

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
)

// bookPage lets an operator choose a place for a citizen: business, office,
// then a free period in the window.
func (c *Console) bookPage(ctx *fiber.Ctx) error {
	cz, err := c.citizenOf(ctx)
	if err != nil {
		return err
	}
	business, office := ctx.Query("business"), ctx.Query("office")
	var places []booking.Place
	if business != "" && office != "" {
		if places, err = c.Svc.Availability(ctx.UserContext(), booking.PlaceFilter{Business: business, Office: office, OnlyFree: true}); err != nil {
			return err
		}
	}
	return c.render(ctx, "book", "代为预约", struct {
		Citizen          citizenView
		Catalog          *booking.Catalog
		Offices          []booking.Office
		Business, Office string
		Places           []booking.Place
	}{view(cz, c.Svc.Now()), c.Svc.Catalog, c.Svc.Catalog.OfficesFor(business, ""), business, office, places})
}

// sendCode texts a booking code to the citizen's phone; the citizen reads
// it to the operator.
func (c *Console) sendCode(ctx *fiber.Ctx) error {
	cz, err := c.citizenOf(ctx)
	if err != nil {
		return err
	}
	path := "/console/citizens/" + strconv.FormatInt(cz.ID, 10) + "/book?business=" + escape(ctx.FormValue("business")) + "&office=" + escape(ctx.FormValue("office"))
	err = c.Codes.Issue(ctx.UserContext(), cz.Phone, booking.PurposeBooking, "operator:"+c.op(ctx).Name)
	return back(ctx, path, "验证码已发送到尾号"+cz.Phone[len(cz.Phone)-4:]+"的手机，请市民告知", err)
}

// book checks the code the citizen read out, then holds and confirms.
func (c *Console) book(ctx *fiber.Ctx) error {
	cz, err := c.citizenOf(ctx)
	if err != nil {
		return err
	}
	path := "/console/citizens/" + strconv.FormatInt(cz.ID, 10)
	retry := path + "/book?business=" + escape(ctx.FormValue("business")) + "&office=" + escape(ctx.FormValue("office"))
	placeID, _ := strconv.ParseInt(ctx.FormValue("place"), 10, 64)
	if placeID == 0 {
		return ctx.Redirect(retry + "&error=" + escape("请选择时段"))
	}
	if err := c.Codes.Verify(ctx.UserContext(), cz.Phone, booking.PurposeBooking, ctx.FormValue("code")); err != nil {
		return back(ctx, retry, "", err)
	}
	h, err := c.Svc.Hold(ctx.UserContext(), c.actor(ctx), cz.ID, placeID)
	if err != nil {
		return back(ctx, retry, "", err)
	}
	b, err := c.Svc.Confirm(ctx.UserContext(), c.actor(ctx), h.ID)
	if err != nil {
		c.Svc.ReleaseHold(ctx.UserContext(), c.actor(ctx), h.ID)
		return back(ctx, retry, "", err)
	}
	if c.Drain != nil {
		c.Drain()
	}
	return back(ctx, path, "预约成功，预约受理号 "+b.Reference, nil)
}
