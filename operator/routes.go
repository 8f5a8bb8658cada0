package operator

import (
	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
)

// Mount adds the console's routes to app. Guards are attached per route:
// a Fiber group's middleware would apply to its whole prefix. Only the
// headers and the error page apply to every /console response.
func (c *Console) Mount(app *fiber.App) {
	g := app.Group("/console", c.headers, c.errorPages)
	g.Get("/login", c.loginPage)
	g.Post("/login", c.login)
	route := func(method, path string, h fiber.Handler, roles ...string) {
		g.Add(method, path, c.authenticate, c.checkCSRF, c.roles(roles...), h)
	}
	const get, post = fiber.MethodGet, fiber.MethodPost
	op, cl, ad, mg := booking.RoleOperator, booking.RoleClerk, booking.RoleAdmin, booking.RoleManager
	route(post, "/logout", c.logout, op, cl, ad, mg)
	route(get, "/", c.home, op, cl, ad, mg)
	route(get, "/password", c.passwordPage, op, cl, ad, mg)
	route(post, "/password", c.changePassword, op, cl, ad, mg)
	route(get, "/citizens", c.findPage, op, ad)
	route(post, "/citizens/find", c.findCitizen, op, ad)
	route(post, "/citizens", c.registerCitizen, op, ad)
	route(post, "/transfers/open", c.openTransfer, op, ad)
	route(get, "/c/:handle", c.citizenPage, op, ad)
	route(post, "/c/:handle/why", c.giveReason, op, ad)
	route(get, "/c/:handle/book", c.bookPage, op, ad)
	route(post, "/c/:handle/code", c.sendCode, op, ad)
	route(post, "/c/:handle/book", c.book, op, ad)
	route(post, "/c/:handle/update", c.updateCitizen, op, ad)
	route(post, "/c/:handle/deregister", c.deregister, op, ad)
	route(post, "/c/:handle/lift", c.lift, ad)
	route(get, "/b/:handle/cancel", c.cancelPage, op, ad)
	route(post, "/b/:handle/cancel", c.cancel, op, ad)
	route(get, "/transfers", c.transfers, op, ad)
	route(get, "/messages", c.messages, op, ad)
	route(get, "/office", c.officePage, cl, ad, mg)
	route(get, "/office/day.csv", c.officeCSV, cl, ad, mg)
	route(post, "/b/:handle/checkin", c.checkIn, cl, ad, mg)
	route(post, "/b/:handle/complete", c.complete, cl, ad, mg)
	c.mountClosures(route, ad, mg)
	route(get, "/dashboard", c.dashboard, ad, mg)
	route(get, "/calls", c.callsPage, op, ad)
	route(post, "/calls/open", c.openJourney, op, ad)
	route(get, "/audit", c.audit, ad)
	route(get, "/audit.csv", c.auditCSV, ad)
	route(get, "/inbox", c.inbox, ad)
	route(get, "/operators", c.accounts, ad)
	route(post, "/operators", c.addAccount, ad)
	route(post, "/operators/:id/active", c.setActive, ad)
	route(post, "/operators/:id/reset", c.resetPassword, ad)
	route(post, "/operators/:id/role", c.setRole, ad)
}

// headers go on every console response, errors and redirects included:
// pages hold personal data, so nothing is cached, framed, sniffed or
// leaked through a Referer.
func (c *Console) headers(ctx *fiber.Ctx) error {
	ctx.Set(fiber.HeaderCacheControl, "no-store")
	ctx.Set("Referrer-Policy", "no-referrer")
	ctx.Set("X-Content-Type-Options", "nosniff")
	ctx.Set("X-Frame-Options", "DENY")
	ctx.Set("Content-Security-Policy", "default-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'")
	if c.Secure {
		ctx.Set("Strict-Transport-Security", "max-age=31536000")
	}
	return ctx.Next()
}

// errorTitles are the error pages' headings, by HTTP status.
var errorTitles = map[int][2]string{
	fiber.StatusBadRequest:      {"请求有误", "提交的内容不完整或有误，请返回重试。"},
	fiber.StatusUnauthorized:    {"请先登录", "登录已过期或已退出，请重新登录。"},
	fiber.StatusForbidden:       {"无权限", "您的账户无权进行此操作，或页面已过期，请返回后重试。"},
	fiber.StatusNotFound:        {"未找到", "没有这个页面或记录。"},
	fiber.StatusTooManyRequests: {"操作过于频繁", "请稍后再试。"},
}

// errorPages turns any error below into a styled Chinese page with a way
// back, instead of the framework's bare English text.
func (c *Console) errorPages(ctx *fiber.Ctx) error {
	err := ctx.Next()
	if err == nil {
		return nil
	}
	code := fiber.StatusInternalServerError
	if fe, ok := err.(*fiber.Error); ok {
		code = fe.Code
	}
	t, ok := errorTitles[code]
	if !ok {
		t = [2]string{"系统出错", "系统暂时出错，请稍后再试；如果一直出错，请联系管理员。"}
	}
	if code >= 500 {
		c.Log.Error("console request failed", "route", ctx.Route().Path, "err", err)
	}
	ctx.Status(code)
	ctx.Locals("state", (*sessionState)(nil)) // already saved: keep its message for the next page
	return c.render(ctx, "error", t[0], t[1])
}
