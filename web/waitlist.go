package web

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
	"yuyue/present"
)

// mountWaitlist adds 改约 (reschedule) and 候补 (waitlist) to the site.
func (s *Site) mountWaitlist(app *fiber.App) {
	const get, post = fiber.MethodGet, fiber.MethodPost
	auth := func(m, p string, h fiber.Handler) { app.Add(m, p, s.guard, s.session, s.mustLogin, s.checkCSRF, h) }
	auth(get, "/me/bookings/:id/reschedule", s.reschedulePage)
	auth(post, "/me/bookings/:id/reschedule/code", s.sendRescheduleCode)
	auth(post, "/me/bookings/:id/reschedule", s.reschedule)
	auth(get, "/me/waitlist", s.waitlistPage)
	auth(post, "/me/waitlist", s.joinWaitlist)
	auth(post, "/me/waitlist/:id/leave", s.leaveWaitlist)
}

// reschedulePage shows the booking and the free periods of its business
// at the chosen office (its own by default), the other offices handling
// the business, and the code form.
func (s *Site) reschedulePage(c *fiber.Ctx) error {
	b, err := s.own(c)
	if err != nil {
		return s.notFound(c, err)
	}
	if b.Status != booking.StatusBooked {
		return c.Redirect("/me/bookings/" + itoa(b.ID))
	}
	svc := s.Accounts.Svc
	office := b.Office
	if o, ok := svc.Catalog.Office(c.Query("office")); ok {
		office = o.Code
	}
	ps, err := svc.Availability(c.UserContext(), booking.PlaceFilter{Business: b.Business, Office: office})
	if err != nil {
		return err
	}
	var offices []booking.Office
	for _, g := range s.groups(b.Business) {
		offices = append(offices, g.Offices...)
	}
	return s.render(c, "reschedule", "改约", fiber.Map{"Booking": present.View(svc, b), "Office": office,
		"Offices": offices, "Days": present.Days(ps)})
}

func (s *Site) sendRescheduleCode(c *fiber.Ctx) error {
	b, err := s.own(c)
	if err != nil {
		return s.notFound(c, err)
	}
	phone := citizen(c).Phone
	if err := s.Codes.Issue(c.UserContext(), phone, booking.PurposeBooking, "ip:"+c.IP()); err != nil {
		return s.fail(c, present.NotSent(c.UserContext(), s.Codes, phone, booking.PurposeBooking, err), s.reschedulePage)
	}
	return s.back(c, "/me/bookings/"+itoa(b.ID)+"/reschedule?office="+c.FormValue("office"), present.SentText(s.Codes, phone))
}

// reschedule moves the booking with the booking code; the 预约单 shows the
// new time under the same reference.
func (s *Site) reschedule(c *fiber.Ctx) error {
	id, err := parseID(c.Params("id"))
	if err != nil {
		return s.notFound(c, err)
	}
	place, err := parseID(c.FormValue("place_id"))
	if err != nil {
		return s.fail(c, booking.Errorf(booking.EInvalid, "choose_period"), s.reschedulePage)
	}
	b, err := s.Accounts.RescheduleOwn(c.UserContext(), actor(c), citizen(c), id, place, c.FormValue("code"))
	if err != nil {
		return s.fail(c, err, s.reschedulePage)
	}
	return s.back(c, "/me/bookings/"+itoa(b.ID), "改约成功，受理号不变，短信已发送至您的手机。")
}

// waitView is an entry with the catalog's names and, while offered, the
// offer's hold to confirm.
type waitView struct {
	present.WaitView
	Until string
}

// waitlistPage is 个人中心 → 我的候补.
func (s *Site) waitlistPage(c *fiber.Ctx) error {
	svc := s.Accounts.Svc
	ws, err := svc.Waitlist(c.UserContext(), citizen(c).ID)
	if err != nil {
		return err
	}
	var out []waitView
	for _, w := range ws {
		v := waitView{WaitView: present.WaitlistView(svc, w)}
		if w.Status == booking.WaitOffered {
			v.Until = w.OfferExpiresAt.In(svc.Catalog.Calendar.Loc).Format("01-02 15:04")
		}
		out = append(out, v)
	}
	return s.render(c, "waitlist", "我的候补", out)
}

// joinWaitlist joins from a full period of the time page.
func (s *Site) joinWaitlist(c *fiber.Ctx) error {
	d, err := booking.ParseDate(c.FormValue("date"))
	if err == nil {
		_, err = s.Accounts.Svc.JoinWaitlist(c.UserContext(), actor(c), citizen(c).ID,
			c.FormValue("office"), c.FormValue("business"), d, c.FormValue("start"))
	}
	if err != nil {
		return s.fail(c, err, s.waitlistPage)
	}
	return s.back(c, "/me/waitlist", "已加入候补。有号源时将短信通知您，并为您保留"+minutes(s.Accounts.Svc.Rules.WaitlistOfferTTL)+"。")
}

func (s *Site) leaveWaitlist(c *fiber.Ctx) error {
	id, err := parseID(c.Params("id"))
	if err == nil {
		_, err = s.Accounts.Svc.LeaveWaitlist(c.UserContext(), actor(c), citizen(c).ID, id)
	}
	if err != nil {
		return s.fail(c, err, s.waitlistPage)
	}
	return s.back(c, "/me/waitlist", "已退出候补")
}

// minutes writes a duration as 30分钟.
func minutes(d time.Duration) string { return strconv.Itoa(int(d/time.Minute)) + "分钟" }

var waitStatusNames = map[string]string{"waiting": "候补中", "offered": "有号待确认", "accepted": "已约上",
	"left": "已退出", "expired": "已超时", "ended": "已结束"}

// waitJoin is what the 候补 button of a full period posts.
type waitJoin struct {
	CSRF, Office, Business, Date, Start string
}

func init() {
	funcs["waitstatus"] = func(s string) string { return waitStatusNames[s] }
	funcs["mins"] = func(d time.Duration) int { return int(d / time.Minute) }
	funcs["waitjoin"] = func(csrf string, ch choice, date string, p present.PeriodView) waitJoin {
		return waitJoin{CSRF: csrf, Office: ch.Office.Code, Business: ch.Business.Code, Date: date, Start: p.Start}
	}
}
