package operator

import (
	"crypto/rand"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
)

func (c *Console) home(ctx *fiber.Ctx) error {
	switch c.op(ctx).Role {
	case booking.RoleClerk, booking.RoleManager:
		return ctx.Redirect("/console/office")
	case booking.RoleAdmin:
		return c.render(ctx, "admin", "管理", nil)
	}
	return ctx.Redirect("/console/citizens")
}

// findPage offers the search (with the reason it needs) and registration.
func (c *Console) findPage(ctx *fiber.Ctx) error {
	recs, err := c.recentTransfers(ctx)
	if err != nil {
		return err
	}
	return c.render(ctx, "find", "查找市民", recs)
}

// findCitizen looks a citizen up by mobile number or full ID number (a POST:
// the number never reaches a URL, the history or a proxy log). A reason is
// required; it is audited with every view of the citizen's page.
func (c *Console) findCitizen(ctx *fiber.Ctx) error {
	q, why := strings.TrimSpace(ctx.FormValue("q")), booking.CleanText(ctx.FormValue("reason"))
	if why == "" {
		return back(ctx, "/console/citizens", "", errNoReason)
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
	return c.openCitizen(ctx, cz.ID, why, "")
}

var errNoReason = booking.Errorf(booking.EInvalid, "a reason is required")

// openCitizen records why the citizen is looked at and goes to their page
// by its opaque handle.
func (c *Console) openCitizen(ctx *fiber.Ctx, citizenID int64, why, flash string) error {
	h, err := c.handle(ctx, citizenID)
	if err != nil {
		return err
	}
	c.state(ctx).setReason(citizenID, why)
	return back(ctx, "/console/c/"+h, flash, nil)
}

// newHandle is a citizen page's opaque id: 24 random lowercase letters
// (112 bits), and no digits, so that no URL ever looks like a phone or ID
// number to a log scrubber or a test.
func newHandle() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = 'a' + b[i]%26
	}
	return string(b)
}

func (c *Console) handle(ctx *fiber.Ctx, citizenID int64) (string, error) {
	return c.ops().CitizenHandle(ctx.UserContext(), citizenID, newHandle())
}

func (c *Console) registerCitizen(ctx *fiber.Ctx) error {
	cz, err := c.Svc.Register(ctx.UserContext(), c.actor(ctx), booking.Registration{
		Name: ctx.FormValue("name"), IDNumber: ctx.FormValue("id_number"), Phone: ctx.FormValue("phone")})
	if err != nil {
		return back(ctx, "/console/citizens", "", err)
	}
	return c.openCitizen(ctx, cz.ID, "代为实名登记", "已登记")
}

// citizenView is what a page may show of a citizen: never the full ID.
type citizenView struct {
	ID          int64
	Handle      string
	Name        string
	IDMasked    string
	Phone       string
	Banned      bool
	BannedUntil string
	NoReminders bool
}

func view(cz booking.Citizen, handle string, now time.Time) citizenView {
	v := citizenView{ID: cz.ID, Handle: handle, Name: booking.CleanText(cz.Name), IDMasked: cz.IDMasked,
		Phone: booking.MaskPhone(cz.Phone), NoReminders: cz.NoReminders}
	if cz.Banned(now) {
		v.Banned, v.BannedUntil = true, cz.BannedUntil.In(shanghai).Format("2006-01-02 15:04")
	}
	return v
}

// citizenOf loads the citizen a handle stands for.
func (c *Console) citizenOf(ctx *fiber.Ctx) (booking.Citizen, error) {
	cz, err := c.ops().CitizenByHandle(ctx.UserContext(), ctx.Params("handle"))
	if booking.ErrorCode(err) == booking.ENotFound {
		return cz, fiber.ErrNotFound
	}
	return cz, err
}

// viewCitizen loads the citizen of a page and audits the look, with the
// reason given for it; without one it asks for it and shows nothing.
func (c *Console) viewCitizen(ctx *fiber.Ctx, what string) (booking.Citizen, bool, error) {
	cz, err := c.citizenOf(ctx)
	if err != nil {
		return cz, false, err
	}
	why := c.state(ctx).reason(cz.ID)
	if why == "" {
		return cz, false, c.render(ctx, "why", "查看原因", ctx.Params("handle"))
	}
	err = c.ops().ViewCitizen(ctx.UserContext(), c.op(ctx).Name, cz.ID, what, why)
	return cz, err == nil, err
}

// giveReason records a typed reason for looking at a citizen.
func (c *Console) giveReason(ctx *fiber.Ctx) error {
	cz, err := c.citizenOf(ctx)
	if err != nil {
		return err
	}
	why := booking.CleanText(ctx.FormValue("reason"))
	if why == "" {
		return back(ctx, "/console/c/"+ctx.Params("handle"), "", errNoReason)
	}
	return c.openCitizen(ctx, cz.ID, why, "")
}

func (c *Console) citizenPage(ctx *fiber.Ctx) error {
	cz, ok, err := c.viewCitizen(ctx, "市民页面")
	if !ok || err != nil {
		return err
	}
	bs, err := c.Svc.Bookings(ctx.UserContext(), booking.BookingFilter{CitizenID: cz.ID})
	if err != nil {
		return err
	}
	vs, err := c.views(ctx, bs)
	if err != nil {
		return err
	}
	return c.render(ctx, "citizen", "市民 "+cz.IDMasked, struct {
		Citizen    citizenView
		Bookings   []bookingView
		Businesses []booking.Business
	}{view(cz, ctx.Params("handle"), c.Svc.Now()), vs, c.Svc.Catalog.Businesses})
}

// bookingView is a booking with the catalog's names.
type bookingView struct {
	booking.Booking
	Handle                   string // the opaque id of its console pages
	BusinessName, OfficeName string
	Cancellable              bool
	Deadline                 string
}

func (c *Console) views(ctx *fiber.Ctx, bs []booking.Booking) ([]bookingView, error) {
	out := make([]bookingView, len(bs))
	handles, err := c.bookingHandles(ctx, bs)
	if err != nil {
		return nil, err
	}
	now := c.Svc.Now()
	for i, b := range bs {
		biz, _ := c.Svc.Catalog.Business(b.Business)
		off, _ := c.Svc.Catalog.Office(b.Office)
		out[i] = bookingView{Booking: b, Handle: handles[i], BusinessName: biz.Name, OfficeName: off.Name,
			Cancellable: b.Status == booking.StatusBooked && c.Svc.Rules.CanCancel(now, b.Date, shanghai),
			Deadline:    c.Svc.Rules.CancelDeadline(b.Date, shanghai).Format("01-02 15:04")}
	}
	return out, nil
}

// updateCitizen corrects one thing: the name, the ID number or the phone;
// name and ID number never together (SPEC §2.12). The registration copy
// must have been checked.
func (c *Console) updateCitizen(ctx *fiber.Ctx) error {
	cz, err := c.citizenOf(ctx)
	if err != nil {
		return err
	}
	path := "/console/c/" + ctx.Params("handle")
	if ctx.FormValue("checked") != "on" {
		return fail(ctx, path, "请先核对户籍证明材料并勾选")
	}
	ch := booking.Change{Name: strings.TrimSpace(ctx.FormValue("name")), IDNumber: strings.TrimSpace(ctx.FormValue("id_number")),
		Phone: strings.TrimSpace(ctx.FormValue("phone")), Note: "登记材料已核对：" + booking.CleanText(ctx.FormValue("note"))}
	_, err = c.Svc.UpdateCitizen(ctx.UserContext(), c.actor(ctx), cz.ID, ch)
	return back(ctx, path, "已更正", err)
}

func (c *Console) deregister(ctx *fiber.Ctx) error {
	cz, err := c.citizenOf(ctx)
	if err != nil {
		return err
	}
	if ctx.FormValue("checked") != "on" {
		return fail(ctx, "/console/c/"+ctx.Params("handle"), "请先核对户籍证明材料并勾选")
	}
	err = c.Svc.Deregister(ctx.UserContext(), c.actor(ctx), cz.ID, "登记材料已核对："+booking.CleanText(ctx.FormValue("note")))
	return back(ctx, "/console/citizens", "已注销登记", err)
}

func (c *Console) lift(ctx *fiber.Ctx) error {
	cz, err := c.citizenOf(ctx)
	if err != nil {
		return err
	}
	err = c.Svc.LiftBlacklist(ctx.UserContext(), c.actor(ctx), cz.ID, booking.CleanText(ctx.FormValue("reason")))
	return back(ctx, "/console/c/"+ctx.Params("handle"), "已解除暂停", err)
}
