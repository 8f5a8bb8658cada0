package web

import (
	"encoding/base64"
	"html/template"
	"strconv"

	"github.com/gofiber/fiber/v2"
	qrcode "github.com/skip2/go-qrcode"

	"yuyue/api"
	"yuyue/booking"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func parseID(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, booking.Errorf(booking.EInvalid, "id must be a positive integer")
	}
	return n, nil
}

// own loads the citizen's own booking named by the :id parameter.
func (s *Site) own(c *fiber.Ctx) (booking.Booking, error) {
	id, err := parseID(c.Params("id"))
	if err != nil {
		return booking.Booking{}, err
	}
	return s.Accounts.OwnBooking(c.UserContext(), citizen(c).ID, id)
}

// notFound answers a booking the citizen cannot see.
func (s *Site) notFound(c *fiber.Ctx, err error) error {
	if booking.ErrorCode(err) == booking.EInternal {
		return err
	}
	c.Status(statusOf(err))
	return s.render(c, "message", "未找到", api.Message(err))
}

// confirmPage summarises the hold and asks for the booking code.
func (s *Site) confirmPage(c *fiber.Ctx) error {
	b, err := s.own(c)
	if err != nil {
		return s.notFound(c, err)
	}
	if b.Status == booking.StatusBooked {
		return c.Redirect("/me/bookings/" + itoa(b.ID))
	}
	return s.render(c, "confirm", "确认预约", api.View(s.Accounts.Svc, b))
}

func (s *Site) sendBookingCode(c *fiber.Ctx) error {
	b, err := s.own(c)
	if err != nil {
		return s.notFound(c, err)
	}
	if err := s.Codes.Issue(c.UserContext(), citizen(c).Phone, booking.PurposeBooking, "ip:"+c.IP()); err != nil {
		return s.fail(c, err, s.confirmPage)
	}
	return s.back(c, "/book/confirm/"+itoa(b.ID), "验证码已发送至"+booking.MaskPhone(citizen(c).Phone))
}

func (s *Site) confirm(c *fiber.Ctx) error {
	id, err := parseID(c.Params("id"))
	if err != nil {
		return s.notFound(c, err)
	}
	b, err := s.Accounts.ConfirmWithCode(c.UserContext(), actor(c), citizen(c), id, c.FormValue("code"))
	if err != nil {
		return s.fail(c, err, s.confirmPage)
	}
	return c.Redirect("/me/bookings/" + itoa(b.ID) + "?new=1")
}

// slip is the printable 预约单.
type slip struct {
	api.BookingView
	Name string
	New  bool
	QR   template.URL // data: URI of a PNG QR code of the reference (ours, so trusted)
}

// slipPage shows "恭喜您预约已成功提交" after booking, and the 预约单.
func (s *Site) slipPage(c *fiber.Ctx) error {
	b, err := s.own(c)
	if err != nil {
		return s.notFound(c, err)
	}
	if b.Status == booking.StatusHeld {
		return c.Redirect("/book/confirm/" + itoa(b.ID))
	}
	v := slip{BookingView: api.View(s.Accounts.Svc, b), Name: booking.MaskName(citizen(c).Name), New: c.Query("new") == "1"}
	if b.Reference != "" {
		png, err := qrcode.Encode(b.Reference, qrcode.Medium, 256)
		if err != nil {
			return err
		}
		v.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	}
	return s.render(c, "slip", "预约单", v)
}

// bookingsPage is 个人中心 → 预约信息 → 已预约记录.
func (s *Site) bookingsPage(c *fiber.Ctx) error {
	bs, err := s.Accounts.Svc.Bookings(c.UserContext(), booking.BookingFilter{CitizenID: citizen(c).ID,
		Statuses: []booking.Status{booking.StatusBooked, booking.StatusCheckedIn, booking.StatusCompleted,
			booking.StatusCancelled, booking.StatusNoShow}})
	if err != nil {
		return err
	}
	var vs []api.BookingView
	for _, b := range bs {
		vs = append(vs, api.View(s.Accounts.Svc, b))
	}
	return s.render(c, "bookings", "已预约记录", vs)
}

// cancel cancels one's own booking; a refusal (the 18:00 deadline) is shown
// on the record page in Chinese.
func (s *Site) cancel(c *fiber.Ctx) error {
	id, err := parseID(c.Params("id"))
	if err == nil {
		_, err = s.Accounts.CancelOwn(c.UserContext(), actor(c), citizen(c).ID, id)
	}
	if err != nil {
		return s.fail(c, err, s.bookingsPage)
	}
	return s.back(c, "/me/bookings", "预约已取消")
}

func (s *Site) queryPage(c *fiber.Ctx) error {
	return s.render(c, "query", "查询预约信息", fiber.Map{"Reference": c.FormValue("reference")})
}

// query finds a booking by reference and ID number without logging in; the
// form is POSTed so the ID number never appears in a URL.
func (s *Site) query(c *fiber.Ctx) error {
	b, cz, err := s.Accounts.Query(c.UserContext(), c.FormValue("reference"), c.FormValue("id_number"))
	if err != nil {
		return s.fail(c, err, s.queryPage)
	}
	return s.render(c, "query", "查询预约信息", fiber.Map{"Found": api.View(s.Accounts.Svc, b), "Name": booking.MaskName(cz.Name)})
}
