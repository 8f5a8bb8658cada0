package web

import (
	"crypto/subtle"
	"fmt"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
)

const (
	sessionCookie = "yuyue_web"
	formCookie    = "yuyue_web_form" // CSRF token of forms before login
	maxForm       = 16 << 10
)

// cookie lives until expires by the service's clock, sent as Max-Age (a
// duration from now) so a browser whose clock differs from the server's
// does not drop a fresh cookie; an expiry not in the future deletes it.
func (s *Site) cookie(name, value string, expires time.Time) *fiber.Cookie {
	ck := &fiber.Cookie{Name: name, Value: value, Path: "/", HTTPOnly: true, SameSite: "Lax", Secure: s.Secure}
	if secs := int(expires.Sub(s.Accounts.Svc.Now()) / time.Second); secs > 0 {
		ck.MaxAge = secs
	} else {
		ck.Expires = time.Unix(1, 0) // long past: the browser deletes it
	}
	return ck
}

// guard limits requests per client address and refuses oversized forms.
func (s *Site) guard(c *fiber.Ctx) error {
	if !s.byIP.Allow("ip:" + c.IP()) {
		return c.Status(fiber.StatusTooManyRequests).SendString("请求过于频繁，请稍后再试")
	}
	if len(c.Body()) > maxForm {
		return c.Status(fiber.StatusBadRequest).SendString("提交内容过大")
	}
	return c.Next()
}

// session loads the logged-in citizen, if any, and makes sure a browser
// without a session has a form token.
func (s *Site) session(c *fiber.Ctx) error {
	if tok := c.Cookies(sessionCookie); tok != "" {
		cz, t, err := s.Accounts.Authenticate(c.UserContext(), tok)
		switch booking.ErrorCode(err) {
		case "":
			c.Locals("citizen", cz)
			c.Locals("csrf", t.CSRF)
			return c.Next()
		case booking.EUnauthorized:
			c.Cookie(s.cookie(sessionCookie, "", time.Unix(0, 0)))
		default:
			return err
		}
	}
	tok := c.Cookies(formCookie)
	if len(tok) != 64 {
		tok, _ = booking.NewToken()
		c.Cookie(s.cookie(formCookie, tok, s.Accounts.Svc.Now().Add(24*time.Hour)))
	}
	c.Locals("csrf", tok)
	return c.Next()
}

// mustLogin sends a browser without a session to the login page, and limits
// a logged-in citizen's requests.
func (s *Site) mustLogin(c *fiber.Ctx) error {
	cz, ok := c.Locals("citizen").(booking.Citizen)
	if !ok {
		return c.Redirect("/login?next=" + url.QueryEscape(c.OriginalURL()))
	}
	if !s.byAccount.Allow(fmt.Sprint("citizen:", cz.ID)) {
		return c.Status(fiber.StatusTooManyRequests).SendString("请求过于频繁，请稍后再试")
	}
	return c.Next()
}

// checkCSRF refuses a POST whose form token is not the session's (or, before
// login, the browser's form cookie).
func (s *Site) checkCSRF(c *fiber.Ctx) error {
	if c.Method() != fiber.MethodPost {
		return c.Next()
	}
	want, got := csrf(c), c.FormValue("csrf")
	if want == "" || subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
		return c.Status(fiber.StatusForbidden).SendString("表单已过期，请返回刷新页面后重试")
	}
	return c.Next()
}

func csrf(c *fiber.Ctx) string { s, _ := c.Locals("csrf").(string); return s }

func citizen(c *fiber.Ctx) booking.Citizen { return c.Locals("citizen").(booking.Citizen) }

func actor(c *fiber.Ctx) booking.Actor {
	return booking.Actor{Name: booking.MaskPhone(citizen(c).Phone), Channel: booking.ChannelWeb}
}

// back redirects to path with a flash message.
func back(c *fiber.Ctx, path, flash string) error {
	return c.Redirect(path + "?flash=" + url.QueryEscape(flash))
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if len(next) > 1 && next[0] == '/' && next[1] != '/' && next[1] != '\\' {
		return next
	}
	return "/me"
}
