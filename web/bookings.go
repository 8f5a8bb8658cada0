package web

import (
	"encoding/base64"
	"fmt"
	"html/template"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	qrcode "github.com/skip2/go-qrcode"

	"yuyue/booking"
	"yuyue/present"
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
	return s.render(c, "message", "未找到", present.Message(err))
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
	return s.render(c, "confirm", "确认预约", s.holdView(b))
}

// holdPage is the confirm page's hold: when it lapses, as a clock time and
// as what is left, for the countdown.
type holdPage struct {
	present.BookingView
	Live    bool
	Until   string // HH:MM in the catalog's time zone
	Left    string // 9分59秒, as the countdown starts
	LeftSec int    // seconds left, for the countdown script (the page's clock, not the browser's)
	TTL     int    // booking.hold_ttl in minutes
}

// ttlOf is how long the hold was made for: a waitlist offer is held longer.
func ttlOf(svc *booking.Service, b booking.Booking) time.Duration {
	if b.Channel == booking.ChannelWaitlist {
		return svc.Rules.WaitlistOfferTTL
	}
	return svc.Rules.HoldTTL
}

func (s *Site) holdView(b booking.Booking) holdPage {
	svc := s.Accounts.Svc
	left := b.HoldExpiresAt.Sub(svc.Now()).Truncate(time.Second)
	v := holdPage{BookingView: present.View(svc, b), Until: b.HoldExpiresAt.In(svc.Catalog.Calendar.Loc).Format("15:04"),
		LeftSec: int(left / time.Second), TTL: int(ttlOf(svc, b) / time.Minute),
		Live: b.Status == booking.StatusHeld && left > 0}
	if v.Live {
		v.Left = fmt.Sprintf("%d分%02d秒", int(left/time.Minute), int(left%time.Minute/time.Second))
	}
	return v
}

// abandon gives the citizen's own hold back (放弃 on the confirm page).
func (s *Site) abandon(c *fiber.Ctx) error {
	id, err := parseID(c.Params("id"))
	if err == nil {
		err = s.Accounts.ReleaseOwnHold(c.UserContext(), actor(c), citizen(c).ID, id)
	}
	if err != nil {
		return s.notFound(c, err)
	}
	return s.back(c, "/book", "已放弃保留的号源，可重新选择")
}

func (s *Site) sendBookingCode(c *fiber.Ctx) error {
	b, err := s.own(c)
	if err != nil {
		return s.notFound(c, err)
	}
	phone := citizen(c).Phone
	if err := s.Codes.Issue(c.UserContext(), phone, booking.PurposeBooking, "ip:"+c.IP()); err != nil {
		return s.fail(c, present.NotSent(c.UserContext(), s.Codes, phone, booking.PurposeBooking, err), s.confirmPage)
	}
	return s.back(c, "/book/confirm/"+itoa(b.ID), present.SentText(s.Codes, phone))
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
	present.BookingView
	Name       string
	New        bool
	QR         template.URL // data: URI of a PNG QR code of the reference (ours, so trusted)
	Calendar   bool         // an appointment to come: offer the .ics and the address for a map app
	MapAddress string
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
	v := slip{BookingView: present.View(s.Accounts.Svc, b), Name: booking.MaskName(citizen(c).Name), New: c.Query("new") == "1",
		Calendar: b.Status == booking.StatusBooked || b.Status == booking.StatusCheckedIn}
	v.MapAddress = mapAddress(v.Office)
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
		Statuses: []booking.Status{booking.StatusHeld, booking.StatusBooked, booking.StatusCheckedIn, booking.StatusCompleted,
			booking.StatusCancelled, booking.StatusNoShow}})
	if err != nil {
		return err
	}
	var vs []holdPage
	for _, b := range bs {
		v := s.holdView(b)
		if b.Status == booking.StatusHeld && !v.Live {
			continue // a lapsed hold is nothing to come back to
		}
		vs = append(vs, v)
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
	return s.render(c, "query", "查询预约信息", fiber.Map{"Found": present.View(s.Accounts.Svc, b), "Name": booking.MaskName(cz.Name)})
}
