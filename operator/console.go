// Package operator is the web console for 114 operators, office clerks and
// administrators: server-rendered pages under /console, in Chinese, with
// embedded assets. Every action goes through booking.Service with the
// operator's name and channel "operator"; ID numbers are only ever shown
// masked.
package operator

import (
	"embed"
	"html/template"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
	"yuyue/sms"
)

//go:embed templates/*.html
var templateFS embed.FS

// Console serves the pages.
type Console struct {
	Svc    *booking.Service
	Codes  *sms.Codes
	Log    *slog.Logger
	Dev    bool // development mode: the SMS inbox page exists
	Secure bool // cookies only over https (public_url is https)
	// Drain, when set, sends pending SMS at once (the outbox worker's Kick).
	Drain func()

	tmpl *template.Template
}

// New parses the templates.
func New(svc *booking.Service, codes *sms.Codes, log *slog.Logger, dev, secure bool) (*Console, error) {
	t, err := template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	return &Console{Svc: svc, Codes: codes, Log: log, Dev: dev, Secure: secure, tmpl: t}, nil
}

var funcs = template.FuncMap{
	"day":    sms.DayText,
	"status": statusText,
	"maskp":  booking.MaskPhone,
	"time": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(shanghai).Format("01-02 15:04")
	},
	"join": strings.Join,
}

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

var statusNames = map[booking.Status]string{
	booking.StatusHeld: "保留中", booking.StatusBooked: "已预约", booking.StatusCheckedIn: "已取号",
	booking.StatusCompleted: "已办结", booking.StatusCancelled: "已取消", booking.StatusExpired: "已过期",
	booking.StatusNoShow: "爽约",
}

func statusText(s booking.Status) string { return statusNames[s] }

// Mount adds the console's routes to app. Guards are attached per route:
// a Fiber group's middleware would apply to its whole prefix.
func (c *Console) Mount(app *fiber.App) {
	g := app.Group("/console")
	g.Get("/login", c.loginPage)
	g.Post("/login", c.login)
	auth := []fiber.Handler{c.authenticate, c.checkCSRF}
	with := func(roles ...string) []fiber.Handler { return append(auth[:2:2], c.roles(roles...)) }
	route := func(method, path string, h fiber.Handler, roles ...string) {
		g.Add(method, path, append(with(roles...), h)...)
	}
	const get, post = fiber.MethodGet, fiber.MethodPost
	op, ad := booking.RoleOperator, booking.RoleAdmin
	cl := booking.RoleClerk
	route(post, "/logout", c.logout, op, cl, ad)
	route(get, "/", c.home, op, cl, ad)
	route(get, "/citizens", c.findCitizen, op, ad)
	route(post, "/citizens", c.registerCitizen, op, ad)
	route(get, "/citizens/:id", c.citizenPage, op, ad)
	route(get, "/citizens/:id/book", c.bookPage, op, ad)
	route(post, "/citizens/:id/code", c.sendCode, op, ad)
	route(post, "/citizens/:id/book", c.book, op, ad)
	route(post, "/citizens/:id/update", c.updateCitizen, op, ad)
	route(post, "/citizens/:id/deregister", c.deregister, op, ad)
	route(post, "/bookings/:id/cancel", c.cancel, op, ad)
	route(get, "/transfers", c.transfers, op, ad)
	route(get, "/messages", c.messages, op, ad)
	route(get, "/office", c.officePage, cl, ad)
	route(post, "/bookings/:id/checkin", c.checkIn, cl, ad)
	route(post, "/bookings/:id/complete", c.complete, cl, ad)
	route(post, "/citizens/:id/lift", c.lift, ad)
	route(get, "/audit", c.audit, ad)
	route(get, "/inbox", c.inbox, ad)
}

// page is what every template gets.
type page struct {
	Title string
	Op    booking.Operator
	CSRF  string
	Flash string
	Error string
	Dev   bool
	Data  any
}

func (c *Console) render(ctx *fiber.Ctx, name, title string, data any) error {
	p := page{Title: title, Data: data, Dev: c.Dev, Flash: ctx.Query("flash"), Error: ctx.Query("error")}
	if op, ok := ctx.Locals("op").(booking.Operator); ok {
		p.Op, p.CSRF = op, ctx.Locals("csrf").(string)
	}
	if csrf, ok := ctx.Locals("login_csrf").(string); ok {
		p.CSRF = csrf
	}
	if msg, ok := ctx.Locals("error").(string); ok && msg != "" {
		p.Error = msg
	}
	var b strings.Builder
	if err := c.tmpl.ExecuteTemplate(&b, name, p); err != nil {
		return err
	}
	ctx.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	ctx.Set("X-Frame-Options", "DENY")
	ctx.Set("Content-Security-Policy", "default-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:")
	return ctx.SendString(b.String())
}

func (c *Console) actor(ctx *fiber.Ctx) booking.Actor {
	return booking.Actor{Name: ctx.Locals("op").(booking.Operator).Name, Channel: booking.ChannelOperator}
}

func (c *Console) op(ctx *fiber.Ctx) booking.Operator { return ctx.Locals("op").(booking.Operator) }
