package operator

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
)

// choice is a business or office the operator can pick, with whether it
// goes with the other choice.
type choice struct {
	Code, Name      string
	Chosen, Offered bool
}

// bookPage lets an operator book for a citizen in a few clicks: business
// and office (either first), then a day-by-period grid of the window with
// the places left, and the code field beside it.
func (c *Console) bookPage(ctx *fiber.Ctx) error {
	cz, ok, err := c.viewCitizen(ctx, "代为预约")
	if !ok || err != nil {
		return err
	}
	business, office := ctx.Query("business"), ctx.Query("office")
	place, _ := strconv.ParseInt(ctx.Query("place"), 10, 64)
	var g grid
	if business != "" && office != "" && c.offers(office, business) {
		ps, err := c.Svc.Availability(ctx.UserContext(), booking.PlaceFilter{Business: business, Office: office})
		if err != nil {
			return err
		}
		g = makeGrid(c.Svc.Window(), ps)
	}
	return c.render(ctx, "book", "代为预约", struct {
		Citizen             citizenView
		Businesses, Offices []choice
		Business, Office    string
		Grid                grid
		Place               int64
	}{view(cz, ctx.Params("handle"), c.Svc.Now()), c.businessChoices(business, office), c.officeChoices(business, office),
		business, office, g, place})
}

// offers reports whether office handles business.
func (c *Console) offers(office, business string) bool {
	for _, o := range c.Svc.Catalog.OfficesFor(business, "") {
		if o.Code == office {
			return true
		}
	}
	return false
}

func (c *Console) businessChoices(business, office string) []choice {
	var out []choice
	for _, b := range c.Svc.Catalog.Businesses {
		out = append(out, choice{b.Code, b.Name, b.Code == business, office == "" || c.offers(office, b.Code)})
	}
	return out
}

func (c *Console) officeChoices(business, office string) []choice {
	var out []choice
	for _, o := range c.Svc.Catalog.Offices {
		out = append(out, choice{o.Code, o.Name, o.Code == office, business == "" || c.offers(o.Code, business)})
	}
	return out
}

// bookPath is the booking page with the operator's choices kept.
func bookPath(ctx *fiber.Ctx) string {
	return "/console/c/" + ctx.Params("handle") + "/book?business=" + escape(ctx.FormValue("business")) +
		"&office=" + escape(ctx.FormValue("office")) + "&place=" + escape(ctx.FormValue("place"))
}

// sendCode texts a booking code to the citizen's phone; the citizen reads
// it to the operator. The chosen cell stays chosen.
func (c *Console) sendCode(ctx *fiber.Ctx) error {
	cz, err := c.citizenOf(ctx)
	if err != nil {
		return err
	}
	err = c.Codes.Issue(ctx.UserContext(), cz.Phone, booking.PurposeBooking, "operator:"+c.op(ctx).Name)
	if err == nil && c.Drain != nil {
		c.Drain()
	}
	return back(ctx, bookPath(ctx), "验证码已发送到尾号"+cz.Phone[len(cz.Phone)-4:]+"的手机，请市民告知", err)
}

// book checks the code the citizen read out, then holds and confirms, under
// the same rules as the IVR.
func (c *Console) book(ctx *fiber.Ctx) error {
	cz, err := c.citizenOf(ctx)
	if err != nil {
		return err
	}
	retry := bookPath(ctx)
	placeID, _ := strconv.ParseInt(ctx.FormValue("place"), 10, 64)
	if placeID == 0 {
		return fail(ctx, retry, "请在表格中选择日期和时段")
	}
	if err := c.Codes.Verify(ctx.UserContext(), cz.Phone, booking.PurposeBooking, ctx.FormValue("code")); err != nil {
		return back(ctx, retry, "", err)
	}
	h, err := c.Svc.Hold(ctx.UserContext(), c.actor(ctx), cz.ID, placeID)
	if err != nil {
		return c.bookFailed(ctx, retry, cz, err)
	}
	b, err := c.Svc.Confirm(ctx.UserContext(), c.actor(ctx), h.ID)
	if err != nil {
		c.Svc.ReleaseHold(ctx.UserContext(), c.actor(ctx), h.ID)
		return c.bookFailed(ctx, retry, cz, err)
	}
	if c.Drain != nil {
		c.Drain()
	}
	return back(ctx, "/console/c/"+ctx.Params("handle"), "预约成功，预约受理号 "+b.Reference, nil)
}

// bookFailed words a refusal for the operator, naming the booking that is
// in the way when there is one.
func (c *Console) bookFailed(ctx *fiber.Ctx, retry string, cz booking.Citizen, err error) error {
	if booking.ErrorCode(err) != booking.EActive {
		return back(ctx, retry, "", err)
	}
	biz, _ := c.Svc.Catalog.Business(ctx.FormValue("business"))
	bs, _ := c.Svc.ActiveBookings(ctx.UserContext(), cz.ID)
	for _, b := range bs {
		if b.Business == biz.Code && b.Reference != "" {
			return fail(ctx, retry, "该市民已有"+biz.Name+"的有效预约（受理号 "+b.Reference+"，"+b.Date.String()+" "+b.Start+"）")
		}
	}
	return fail(ctx, retry, "该市民已有"+biz.Name+"的有效预约")
}
