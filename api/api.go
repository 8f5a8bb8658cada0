// Package api is the JSON API of the web and app channel under /api/v1,
// documented in openapi.yaml. Handlers only translate: every rule is in
// booking (Service and Accounts). App clients authenticate with
// "Authorization: Bearer <token>"; errors are {"code": …, "message": …}
// with booking's codes.
package api

import (
	_ "embed"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
	"yuyue/present"
)

//go:embed openapi.yaml
var openAPI []byte

// Prefix is where the API is mounted.
const Prefix = "/api/v1"

// API serves /api/v1.
type API struct {
	Accounts *booking.Accounts
	Codes    present.CodeIssuer
	Log      *slog.Logger

	maxBody   int
	byIP      *present.Limiter
	byAccount *present.Limiter
}

// New returns the API with its rate limiters.
func New(ac *booking.Accounts, codes present.CodeIssuer, log *slog.Logger, l present.Limits) *API {
	return &API{Accounts: ac, Codes: codes, Log: log, maxBody: l.MaxBody,
		byIP: present.NewLimiter(l.IPRate, l.IPBurst), byAccount: present.NewLimiter(l.AccountRate, l.AccountBurst)}
}

// Route is one method and path of the API, in OpenAPI's {param} form.
type Route struct{ Method, Path string }

type route struct {
	Route
	auth bool
	h    fiber.Handler
}

func (a *API) routes() []route {
	const get, post, del = fiber.MethodGet, fiber.MethodPost, fiber.MethodDelete
	return []route{
		{Route{get, "/openapi.yaml"}, false, a.spec},
		{Route{get, "/catalog"}, false, a.catalog},
		{Route{get, "/availability"}, false, a.availability},
		{Route{post, "/codes"}, false, a.sendCode},
		{Route{post, "/register"}, false, a.register},
		{Route{post, "/login"}, false, a.login},
		{Route{post, "/password/reset"}, false, a.resetPassword},
		{Route{post, "/bookings/query"}, false, a.query},
		{Route{post, "/logout"}, true, a.logout},
		{Route{get, "/me"}, true, a.me},
		{Route{post, "/password"}, true, a.changePassword},
		{Route{post, "/holds"}, true, a.hold},
		{Route{post, "/holds/{id}/code"}, true, a.holdCode},
		{Route{post, "/holds/{id}/confirm"}, true, a.confirm},
		{Route{del, "/holds/{id}"}, true, a.release},
		{Route{get, "/bookings"}, true, a.bookings},
		{Route{post, "/bookings/{id}/cancel"}, true, a.cancel},
		{Route{post, "/bookings/{id}/code"}, true, a.holdCode},
		{Route{post, "/bookings/{id}/reschedule"}, true, a.reschedule},
		{Route{get, "/waitlist"}, true, a.waitlist},
		{Route{post, "/waitlist"}, true, a.joinWaitlist},
		{Route{del, "/waitlist/{id}"}, true, a.leaveWaitlist},
		{Route{post, "/waitlist/{id}/confirm"}, true, a.confirmOffer},
	}
}

// Routes lists every route the API serves.
func (a *API) Routes() []Route {
	var out []Route
	for _, r := range a.routes() {
		out = append(out, r.Route)
	}
	return out
}

// Mount adds the API to app. Anything else under the prefix is a JSON 404.
func (a *API) Mount(app *fiber.App) {
	g := app.Group(Prefix, a.guard)
	for _, r := range a.routes() {
		hs := []fiber.Handler{r.h}
		if r.auth {
			hs = []fiber.Handler{a.authenticate, r.h}
		}
		g.Add(r.Method, fiberPath(r.Path), hs...)
	}
	g.All("/*", func(c *fiber.Ctx) error {
		return a.fail(c, booking.Errorf(booking.ENotFound, "no such endpoint"))
	})
}

// fiberPath turns /holds/{id} into /holds/:id.
func fiberPath(p string) string {
	out := []byte{}
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '{':
			out = append(out, ':')
		case '}':
		default:
			out = append(out, p[i])
		}
	}
	return string(out)
}

func (a *API) spec(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "application/yaml")
	return c.Send(openAPI)
}
