package web

import (
	"crypto/subtle"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
)

const (
	sessionCookie = "yuyue_web"
	formCookie    = "yuyue_web_form" // the browser: CSRF token of forms before login, key of its messages
	msgCookie     = "yuyue_web_msg"  // a marker: a message waits for this browser's next page
	messageTTL    = 10 * time.Minute
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

// guard sets the security headers, limits requests per client address and
// refuses oversized forms.
func (s *Site) guard(c *fiber.Ctx) error {
	s.headers(c)
	if !s.byIP.Allow("ip:" + c.IP()) {
		return c.Status(fiber.StatusTooManyRequests).SendString("请求过于频繁，请稍后再试")
	}
	if len(c.Body()) > maxForm {
		return c.Status(fiber.StatusBadRequest).SendString("提交内容过大")
	}
	return c.Next()
}

// headers go on every site response, redirects and refusals included:
// pages hold personal data, so nothing is cached, framed, sniffed or leaked
// through a Referer; over https the browser is told to stay on https.
func (s *Site) headers(c *fiber.Ctx) {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("Referrer-Policy", "no-referrer")
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	if s.Secure {
		c.Set("Strict-Transport-Security", "max-age=31536000")
	}
}

// session gives every browser its cookie (the form token before login,
// and the key of its server-side messages) and loads the logged-in
// citizen, if any.
func (s *Site) session(c *fiber.Ctx) error {
	browser := c.Cookies(formCookie)
	if len(browser) != 64 {
		browser, _ = booking.NewToken()
		c.Cookie(s.cookie(formCookie, browser, s.Accounts.Svc.Now().Add(24*time.Hour)))
	}
	c.Locals("browser", browser)
	c.Locals("csrf", browser)
	if tok := c.Cookies(sessionCookie); tok != "" {
		cz, t, err := s.Accounts.Authenticate(c.UserContext(), tok)
		switch booking.ErrorCode(err) {
		case "":
			c.Locals("citizen", cz)
			c.Locals("csrf", t.CSRF)
		case booking.EUnauthorized:
			c.Cookie(s.cookie(sessionCookie, "", time.Unix(0, 0)))
		default:
			return err
		}
	}
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

// back redirects to path; the message for the next page is kept
// server-side under the browser's cookie (never in the URL, where anyone
// could write a message of their own into a link), with a marker cookie
// so that only a page with a message looks for it.
func (s *Site) back(c *fiber.Ctx, path, flash string) error {
	if err := s.keepMessage(c, flash); err != nil {
		return err
	}
	return c.Redirect(path)
}

func (s *Site) keepMessage(c *fiber.Ctx, msg string) error {
	browser, _ := c.Locals("browser").(string)
	if browser == "" || msg == "" {
		return nil
	}
	err := s.Accounts.Svc.PutSiteMessage(c.UserContext(), booking.HashToken(browser), msg)
	c.Cookie(s.cookie(msgCookie, "1", s.Accounts.Svc.Now().Add(messageTTL)))
	return err
}

// takeMessage returns the message kept for this browser's page, if any.
func (s *Site) takeMessage(c *fiber.Ctx) (string, error) {
	browser, _ := c.Locals("browser").(string)
	if browser == "" || c.Cookies(msgCookie) == "" {
		return "", nil
	}
	c.Cookie(s.cookie(msgCookie, "", time.Unix(0, 0)))
	now := s.Accounts.Svc.Now()
	return s.Accounts.Svc.TakeSiteMessage(c.UserContext(), booking.HashToken(browser), now.Add(-messageTTL))
}

// safeNext keeps a post-login redirect on this site: a path that parses
// as relative, starts with one slash, and holds no backslash, space or
// control character (browsers drop tabs and newlines, so "/\t/evil"
// would become "//evil", another host).
func safeNext(next string) string {
	u, err := url.Parse(next)
	bad := err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsFunc(next, func(r rune) bool { return r <= ' ' || r == '\\' || r == 0x7f || unicode.IsSpace(r) })
	if bad {
		return "/me"
	}
	return next
}
