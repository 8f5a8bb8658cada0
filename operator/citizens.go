package operator

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
)

func (c *Console) home(ctx *fiber.Ctx) error {
	switch c.op(ctx).Role {
	case booking.RoleClerk:
		return ctx.Redirect("/console/office")
	case booking.RoleAdmin:
		return c.render(ctx, "admin", "管理", nil)
	}
	return ctx.Redirect("/console/citizens")
}

// findCitizen looks a citizen up by mobile number or full ID number (through
// the keyed hash); the page shows only the masked ID.
func (c *Console) findCitizen(ctx *fiber.Ctx) error {
	q := strings.TrimSpace(ctx.Query("q"))
	if q == "" {
		return c.render(ctx, "find", "查找市民", nil)
	}
	var cz booking.Citizen
	var err error
	if phone, perr := booking.NormalizeMobile(q); perr == nil {
		cz, err = c.Svc.CitizenByPhone(ctx.UserContext(), phone)
	} else {
		cz, err = c.Svc.CitizenByIDNumber(ctx.UserContext(), q)
	}
	if err != nil {
		return back(ctx, "/console/citizens", "", err)
	}
	return ctx.Redirect("/console/citizens/" + strconv.FormatInt(cz.ID, 10))
}

func (c *Console) registerCitizen(ctx *fiber.Ctx) error {
	cz, err := c.Svc.Register(ctx.UserContext(), c.actor(ctx), booking.Registration{
		Name: ctx.FormValue("name"), IDNumber: ctx.FormValue("id_number"), Phone: ctx.FormValue("phone")})
	if err != nil {
		return back(ctx, "/console/citizens", "", err)
	}
	return back(ctx, "/console/citizens/"+strconv.FormatInt(cz.ID, 10), "已登记", nil)
}

// citizenView is what a page may show of a citizen: never the full ID.
type citizenView struct {
	ID          int64
	Name        string
	IDMasked    string
	Phone       string
	Banned      bool
	BannedUntil string
	NoReminders bool
}

func view(cz booking.Citizen, now time.Time) citizenView {
	v := citizenView{ID: cz.ID, Name: cz.Name, IDMasked: cz.IDMasked, Phone: cz.Phone, NoReminders: cz.NoReminders}
	if cz.Banned(now) {
		v.Banned, v.BannedUntil = true, cz.BannedUntil.In(shanghai).Format("2006-01-02 15:04")
	}
	return v
}

// bookingView is a booking with the catalog's names.
type bookingView struct {
	booking.Booking
	BusinessName, OfficeName string
	Cancellable              bool
}

func (c *Console) views(bs []booking.Booking) []bookingView {
	out := make([]bookingView, len(bs))
	now := c.Svc.Now()
	for i, b := range bs {
		biz, _ := c.Svc.Catalog.Business(b.Business)
		off, _ := c.Svc.Catalog.Office(b.Office)
		out[i] = bookingView{Booking: b, BusinessName: biz.Name, OfficeName: off.Name,
			Cancellable: b.Status == booking.StatusBooked && c.Svc.Rules.CanCancel(now, b.Date, shanghai)}
	}
	return out
}

func (c *Console) citizenOf(ctx *fiber.Ctx) (booking.Citizen, error) {
	id, err := strconv.ParseInt(ctx.Params("id"), 10, 64)
	if err != nil {
		return booking.Citizen{}, fiber.ErrNotFound
	}
	cz, err := c.Svc.Citizen(ctx.UserContext(), id)
	if booking.ErrorCode(err) == booking.ENotFound {
		return cz, fiber.ErrNotFound
	}
	return cz, err
}

func (c *Console) citizenPage(ctx *fiber.Ctx) error {
	cz, err := c.citizenOf(ctx)
	if err != nil {
		return err
	}
	bs, err := c.Svc.Bookings(ctx.UserContext(), booking.BookingFilter{CitizenID: cz.ID})
	if err != nil {
		return err
	}
	return c.render(ctx, "citizen", "市民 "+cz.IDMasked, struct {
		Citizen  citizenView
		Bookings []bookingView
		Catalog  *booking.Catalog
	}{view(cz, c.Svc.Now()), c.views(bs), c.Svc.Catalog})
}

func (c *Console) cancel(ctx *fiber.Ctx) error {
	id, _ := strconv.ParseInt(ctx.Params("id"), 10, 64)
	b, err := c.Svc.Cancel(ctx.UserContext(), c.actor(ctx), id)
	return back(ctx, "/console/citizens/"+strconv.FormatInt(b.CitizenID, 10), "已取消预约 "+b.Reference, err)
}

// updateCitizen corrects one thing: the name, the ID number or the phone;
// name and ID number never together (SPEC §2.12). The registration copy
// must have been checked.
func (c *Console) updateCitizen(ctx *fiber.Ctx) error {
	cz, err := c.citizenOf(ctx)
	if err != nil {
		return err
	}
	path := "/console/citizens/" + strconv.FormatInt(cz.ID, 10)
	if ctx.FormValue("checked") != "on" {
		return ctx.Redirect(path + "?error=" + escape("请先核对户籍证明材料并勾选"))
	}
	ch := booking.Change{Name: strings.TrimSpace(ctx.FormValue("name")), IDNumber: strings.TrimSpace(ctx.FormValue("id_number")),
		Phone: strings.TrimSpace(ctx.FormValue("phone")), Note: "登记材料已核对: " + ctx.FormValue("note")}
	_, err = c.Svc.UpdateCitizen(ctx.UserContext(), c.actor(ctx), cz.ID, ch)
	return back(ctx, path, "已更正", err)
}

func (c *Console) deregister(ctx *fiber.Ctx) error {
	cz, err := c.citizenOf(ctx)
	if err != nil {
		return err
	}
	if ctx.FormValue("checked") != "on" {
		return ctx.Redirect("/console/citizens/" + strconv.FormatInt(cz.ID, 10) + "?error=" + escape("请先核对户籍证明材料并勾选"))
	}
	err = c.Svc.Deregister(ctx.UserContext(), c.actor(ctx), cz.ID, "登记材料已核对: "+ctx.FormValue("note"))
	return back(ctx, "/console/citizens", "已注销登记", err)
}

// transfers lists calls handed over by the IVR in the last 30 minutes.
func (c *Console) transfers(ctx *fiber.Ctx) error {
	var recs []booking.CallRecord
	err := c.Svc.Store.View(ctx.UserContext(), func(tx booking.Tx) (err error) {
		recs, err = tx.Transfers(c.Svc.Now().Add(-30 * time.Minute))
		return err
	})
	if err != nil {
		return err
	}
	return c.render(ctx, "transfers", "转接来电", recs)
}

func (c *Console) lift(ctx *fiber.Ctx) error {
	cz, err := c.citizenOf(ctx)
	if err != nil {
		return err
	}
	err = c.Svc.LiftBlacklist(ctx.UserContext(), c.actor(ctx), cz.ID, ctx.FormValue("reason"))
	return back(ctx, "/console/citizens/"+strconv.FormatInt(cz.ID, 10), "已解除暂停", err)
}
