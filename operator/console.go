// Package operator is the web console for 114 operators, office clerks and
// administrators: server-rendered pages under /console, in Chinese, with
// embedded assets. Every action goes through booking.Service with the
// operator's name and channel "operator"; ID numbers are only ever shown
// masked, never put in a URL, and every look at a citizen is audited.
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
	Codes  *booking.Codes
	Log    *slog.Logger
	Dev    bool // development mode: the SMS inbox page exists
	Secure bool // cookies only over https, and HSTS (public_url is https)
	// Drain, when set, sends pending SMS at once (the outbox worker's Kick).
	Drain func()
	// IdleTimeout ends a session unused for this long (console.idle_timeout).
	IdleTimeout time.Duration
	// CallRetention is how far back call journeys go (retention.calls).
	CallRetention time.Duration

	tmpl *template.Template
}

// New parses the templates.
func New(svc *booking.Service, codes *booking.Codes, log *slog.Logger, dev, secure bool) (*Console, error) {
	c := &Console{Svc: svc, Codes: codes, Log: log, Dev: dev, Secure: secure, IdleTimeout: 30 * time.Minute}
	t, err := template.New("").Funcs(c.funcs()).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	c.tmpl = t
	return c, nil
}

func (c *Console) funcs() template.FuncMap {
	return template.FuncMap{
		"day":      sms.DayText,
		"status":   statusText,
		"maskp":    booking.MaskPhone,
		"clean":    booking.CleanText,
		"role":     c.roleText,
		"rolename": func(r string) string { return named(roleNames, r, "未知角色") },
		"channel":  func(s string) string { return named(channelNames, s, "其他") },
		"action":   func(s string) string { return named(actionNames, s, "其他操作") },
		"kind":     kindName,
		"sendst":   func(s string) string { return named(sendNames, s, "其他状态") },
		"delivery": func(s string) string { return named(deliveryNames, s, "其他状态") },
		"actor":    actorText,
		"context":  contextText,
		"detail":   detailText,
		"time": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(shanghai).Format("01-02 15:04")
		},
		"join": strings.Join,
	}
}

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

var statusNames = map[booking.Status]string{
	booking.StatusHeld: "保留中", booking.StatusBooked: "已预约", booking.StatusCheckedIn: "已取号",
	booking.StatusCompleted: "已办结", booking.StatusCancelled: "已取消", booking.StatusExpired: "已过期",
	booking.StatusNoShow: "爽约",
}

func statusText(s booking.Status) string { return statusNames[s] }

// page is what every template gets.
type page struct {
	Title string
	Op    booking.Operator
	Role  string
	CSRF  string
	Flash string
	Error string
	Dev   bool
	Data  any
}

// render writes a page. The flash and error come from the session (taken
// once) or from the handler, never from the URL: a link cannot put an
// official-looking message on the console.
func (c *Console) render(ctx *fiber.Ctx, name, title string, data any) error {
	p := page{Title: title, Data: data, Dev: c.Dev}
	if op, ok := ctx.Locals("op").(booking.Operator); ok {
		p.Op, p.CSRF, p.Role = op, ctx.Locals("csrf").(string), c.roleText(op)
	}
	if st := c.state(ctx); st != nil {
		p.Flash, p.Error = st.takeFlash()
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
	return ctx.SendString(b.String())
}

func (c *Console) actor(ctx *fiber.Ctx) booking.Actor {
	return booking.Actor{Name: c.op(ctx).Name, Channel: booking.ChannelOperator}
}

func (c *Console) op(ctx *fiber.Ctx) booking.Operator { return ctx.Locals("op").(booking.Operator) }

// ops is the console's domain service: accounts, sessions, throttling and
// audited looks.
func (c *Console) ops() booking.Operators { return booking.Operators{Svc: c.Svc} }
