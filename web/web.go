// Package web is the citizen site at "/": server-rendered Chinese pages in
// the order of the platform's published flow (注册, 登录, 我要预约, 业务须知,
// date and period, 预约已成功提交 with a printable 预约单, 个人中心 →
// 已预约记录, 查询预约信息). Pages work without JavaScript and at 360 px;
// every rule is booking's (Service and Accounts), bookings carry channel web.
package web

import (
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"

	"yuyue/booking"
	"yuyue/present"
	"yuyue/sms"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Site serves the citizen pages.
type Site struct {
	Accounts *booking.Accounts
	Codes    present.CodeIssuer
	Log      *slog.Logger
	Secure   bool // cookies only over https

	tmpl      *template.Template
	byIP      *present.Limiter
	byAccount *present.Limiter
}

// New parses the templates; l limits requests per address and per citizen.
func New(ac *booking.Accounts, codes present.CodeIssuer, log *slog.Logger, secure bool, l present.Limits) (*Site, error) {
	t, err := template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	return &Site{Accounts: ac, Codes: codes, Log: log, Secure: secure, tmpl: t,
		byIP: present.NewLimiter(l.IPRate, l.IPBurst), byAccount: present.NewLimiter(l.AccountRate, l.AccountBurst)}, nil
}

var funcs = template.FuncMap{
	"day":   sms.DayText,
	"maskn": booking.MaskName,
	"maskp": booking.MaskPhone,
	"join":  strings.Join,
	"status": func(s string) string {
		if t, ok := statusNames[s]; ok {
			return t
		}
		return s
	},
}

var statusNames = map[string]string{"held": "保留中", "booked": "已预约", "checked_in": "已取号", "completed": "已办结",
	"cancelled": "已取消", "expired": "已过期", "noshow": "爽约"}

// Mount adds the site's routes to app.
func (s *Site) Mount(app *fiber.App) {
	static, _ := fs.Sub(staticFS, "static")
	app.Use("/static", func(c *fiber.Ctx) error { c.Set("X-Content-Type-Options", "nosniff"); return c.Next() }, filesystem.New(filesystem.Config{Root: httpFS(static), MaxAge: 3600}))
	// Guards are attached per route: middleware on a "/" group would run
	// for every path of the app, the webhooks and the console included.
	const get, post = fiber.MethodGet, fiber.MethodPost
	open := func(m, p string, h fiber.Handler) { app.Add(m, p, s.guard, s.session, s.checkCSRF, h) }
	auth := func(m, p string, h fiber.Handler) { app.Add(m, p, s.guard, s.session, s.mustLogin, s.checkCSRF, h) }
	open(get, "/", s.home)
	open(get, "/elder", s.elderToggle)
	open(get, "/register", s.registerPage)
	open(post, "/register", s.register)
	open(get, "/login", s.loginPage)
	open(post, "/login", s.login)
	open(get, "/forgot", s.forgotPage)
	open(post, "/forgot", s.forgot)
	open(get, "/query", s.queryPage)
	open(post, "/query", s.query)
	auth(post, "/logout", s.logout)
	auth(get, "/book", s.modePage)
	auth(get, "/book/business", s.businessPage)
	auth(get, "/book/office", s.officePage)
	auth(get, "/book/notice", s.noticePage)
	auth(get, "/book/time", s.timePage)
	auth(post, "/book/hold", s.hold)
	auth(get, "/book/confirm/:id", s.confirmPage)
	auth(post, "/book/confirm/:id/code", s.sendBookingCode)
	auth(post, "/book/confirm/:id", s.confirm)
	auth(post, "/book/confirm/:id/abandon", s.abandon)
	auth(get, "/me", s.mePage)
	auth(get, "/me/bookings", s.bookingsPage)
	auth(get, "/me/bookings/:id", s.slipPage)
	auth(get, "/me/bookings/:id/ics", s.slipICS)
	auth(post, "/me/bookings/:id/cancel", s.cancel)
	auth(get, "/me/password", s.passwordPage)
	auth(post, "/me/password", s.changePassword)
	s.mountWaitlist(app)
}

// page is what every template gets.
type page struct {
	Title   string
	Citizen *booking.Citizen
	CSRF    string
	Flash   string
	Error   string
	Data    any
	Rules   booking.Rules // the configured numbers pages state
	Elder   bool          // 长辈模式: large text, high contrast, simpler pages
	Here    string        // this page's path and query, for the 长辈模式 link to come back to
}

func (s *Site) render(c *fiber.Ctx, name, title string, data any) error {
	p := page{Title: title, Data: data, CSRF: csrf(c), Rules: s.Accounts.Svc.Rules, Elder: elder(c), Here: here(c)}
	if msg, err := s.takeMessage(c); err != nil {
		return err
	} else if msg != "" {
		p.Flash = msg
	}
	if cz, ok := c.Locals("citizen").(booking.Citizen); ok {
		p.Citizen = &cz
	}
	if msg, ok := c.Locals("flash").(string); ok && msg != "" {
		p.Flash = msg
	}
	if msg, ok := c.Locals("error").(string); ok && msg != "" {
		p.Error = msg
	}
	var b strings.Builder
	if err := s.tmpl.ExecuteTemplate(&b, name, p); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.SendString(b.String())
}

// fail shows a page again with the Chinese text of err (and its status).
func (s *Site) fail(c *fiber.Ctx, err error, again func(*fiber.Ctx) error) error {
	if booking.ErrorCode(err) == booking.EInternal {
		s.Log.Error("web request failed", "route", c.Route().Path, "err", err)
	}
	c.Locals("error", present.Message(err))
	if st := statusOf(err); st != 0 {
		c.Status(st)
	}
	return again(c)
}

func statusOf(err error) int {
	switch booking.ErrorCode(err) {
	case booking.EInternal:
		return fiber.StatusInternalServerError
	case booking.ERateLimited:
		return fiber.StatusTooManyRequests
	case booking.EUnauthorized:
		return fiber.StatusUnauthorized
	}
	return fiber.StatusUnprocessableEntity
}
