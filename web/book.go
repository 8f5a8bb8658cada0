package web

import (
	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
	"yuyue/present"
)

// choice is where the citizen is in 我要预约: a business and an office, in
// the order the mode implies.
type choice struct {
	Business booking.Business
	Office   booking.Office
	District booking.District
}

func (s *Site) choice(c *fiber.Ctx) (choice, bool) {
	cat := s.Accounts.Svc.Catalog
	b, ok1 := cat.Business(c.Query("business"))
	o, ok2 := cat.Office(c.Query("office"))
	d, _ := cat.District(o.District)
	return choice{Business: b, Office: o, District: d}, ok1 && ok2
}

func (s *Site) modePage(c *fiber.Ctx) error { return s.render(c, "mode", "我要预约", nil) }

// group is the offices of one district.
type group struct {
	District booking.District
	Offices  []booking.Office
}

func (s *Site) groups(business string) []group {
	cat := s.Accounts.Svc.Catalog
	var out []group
	for _, d := range cat.Districts {
		if os := cat.OfficesFor(business, d.Code); len(os) > 0 {
			out = append(out, group{District: d, Offices: os})
		}
	}
	return out
}

// businessPage starts from the business (业务开始): the businesses, then,
// once one is chosen, the offices handling it by district.
func (s *Site) businessPage(c *fiber.Ctx) error {
	cat := s.Accounts.Svc.Catalog
	b, ok := cat.Business(c.Query("business"))
	if !ok {
		return s.render(c, "businesses", "选择业务", fiber.Map{"Businesses": cat.Businesses, "Office": ""})
	}
	return s.render(c, "offices", "选择受理点", fiber.Map{"Business": b, "Groups": s.groups(b.Code)})
}

// officePage starts from the office (从受理点开始): the offices by district,
// then the businesses the chosen office handles.
func (s *Site) officePage(c *fiber.Ctx) error {
	cat := s.Accounts.Svc.Catalog
	o, ok := cat.Office(c.Query("office"))
	if !ok {
		return s.render(c, "offices", "选择受理点", fiber.Map{"Groups": s.groups("")})
	}
	var bs []booking.Business
	for _, code := range o.Businesses {
		if b, ok := cat.Business(code); ok {
			bs = append(bs, b)
		}
	}
	return s.render(c, "businesses", "选择业务", fiber.Map{"Businesses": bs, "Office": o.Code})
}

// noticePage is 业务须知, acknowledged with "我已阅，继续预约".
func (s *Site) noticePage(c *fiber.Ctx) error {
	ch, ok := s.choice(c)
	if !ok {
		return c.Redirect("/book")
	}
	return s.render(c, "notice", "业务须知", ch)
}

// timePage lists the dates and periods with what is left; without the
// notice acknowledged it sends the citizen back to it.
func (s *Site) timePage(c *fiber.Ctx) error {
	ch, ok := s.choice(c)
	if !ok {
		return c.Redirect("/book")
	}
	if c.Query("ack") != "1" {
		return c.Redirect("/book/notice?business=" + ch.Business.Code + "&office=" + ch.Office.Code)
	}
	ps, err := s.Accounts.Svc.Availability(c.UserContext(), booking.PlaceFilter{Business: ch.Business.Code, Office: ch.Office.Code})
	if err != nil {
		return err
	}
	return s.render(c, "time", "选择日期和时段", fiber.Map{"Choice": ch, "Days": present.Days(ps)})
}

// hold takes the chosen place; a refusal (full, one active booking per
// business, blacklist) is shown on the time page in Chinese.
func (s *Site) hold(c *fiber.Ctx) error {
	id, err := parseID(c.FormValue("place_id"))
	if err != nil {
		return s.fail(c, err, s.timePage)
	}
	b, err := s.Accounts.HoldPlace(c.UserContext(), actor(c), citizen(c).ID, id, c.FormValue("ack") == "1")
	if err != nil {
		c.Request().URI().QueryArgs().Set("ack", "1")
		return s.fail(c, err, s.timePage)
	}
	return c.Redirect("/book/confirm/" + itoa(b.ID))
}
