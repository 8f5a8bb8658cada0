package web

import (
	"net/url"
	"regexp"
	"time"

	"github.com/gofiber/fiber/v2"
)

// elderCookie remembers 长辈模式 (large text, high contrast, simpler
// pages) for a year. It is a preference, not a secret: no JavaScript is
// needed to set it (the header's link does, through elderToggle).
const elderCookie = "yuyue_elder"

func elder(c *fiber.Ctx) bool { return c.Cookies(elderCookie) == "1" }

// elderToggle (GET /elder?on=1|0&back=/path) sets or clears the cookie and
// goes back to the page the link was on, on this site only.
func (s *Site) elderToggle(c *fiber.Ctx) error {
	ck := s.cookie(elderCookie, "1", s.Accounts.Svc.Now().Add(365*24*time.Hour))
	if c.Query("on") != "1" {
		ck = s.cookie(elderCookie, "", time.Unix(0, 0))
	}
	c.Cookie(ck)
	back := c.Query("back")
	if back == "" {
		back = "/"
	}
	return c.Redirect(safeNext(back))
}

// here is the page the toggle should return to (the template escapes it):
// this one for a GET, the home page after a POST (whose path may take no
// GET). Of the query only the navigation keys pages use are kept, with
// code-like values: nothing typed into a URL is written into the page.
func here(c *fiber.Ctx) string {
	if c.Method() != fiber.MethodGet || !sitePath.MatchString(c.Path()) {
		return "/"
	}
	q := url.Values{}
	for _, k := range []string{"business", "office", "ack", "new"} {
		if v := c.Query(k); codeLike.MatchString(v) {
			q.Set(k, v)
		}
	}
	if len(q) == 0 {
		return c.Path()
	}
	return c.Path() + "?" + q.Encode()
}

var sitePath = regexp.MustCompile(`^/[A-Za-z0-9/_-]{0,100}$`)

var codeLike = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)
