package operator

import (
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
)

// mountClosures adds the closure, capacity and calendar pages: an
// administrator for every office, an office manager for their own; the
// working-day calendar is the city's, so an administrator's only.
func (c *Console) mountClosures(route func(method, path string, h fiber.Handler, roles ...string), ad, mg string) {
	const get, post = fiber.MethodGet, fiber.MethodPost
	route(get, "/closures", c.closuresPage, ad, mg)
	route(post, "/closures/preview", c.previewClosure, ad, mg)
	route(post, "/closures", c.closeOffices, ad, mg)
	route(get, "/closures/:id", c.closurePage, ad, mg)
	route(post, "/closures/:id/reopen", c.reopenClosure, ad, mg)
	route(get, "/capacity", c.capacityPage, ad, mg)
	route(post, "/capacity", c.setCapacity, ad, mg)
	route(post, "/calendar/day", c.setCalendarDay, ad)
	route(post, "/calendar/load", c.loadCalendar, ad)
}

// scope is the office a manager is limited to; "" for an administrator.
func (c *Console) scope(ctx *fiber.Ctx) string {
	if op := c.op(ctx); op.Role == booking.RoleManager {
		return op.Office
	}
	return ""
}

// offices are the offices the account may choose.
func (c *Console) offices(ctx *fiber.Ctx) []booking.Office {
	if s := c.scope(ctx); s != "" {
		o, _ := c.Svc.Catalog.Office(s)
		return []booking.Office{o}
	}
	return c.Svc.Catalog.Offices
}

// periodStarts lists the period start times of the offices, in order.
func periodStarts(offices []booking.Office) []string {
	var out []string
	for _, o := range offices {
		for _, p := range o.Periods {
			if !slices.Contains(out, p.Start) {
				out = append(out, p.Start)
			}
		}
	}
	slices.Sort(out)
	return out
}

type reasonOption struct{ Code, Text string }

func reasonOptions() []reasonOption {
	var out []reasonOption
	for _, code := range booking.ClosureReasonCodes {
		out = append(out, reasonOption{code, booking.ClosureReasons[code]})
	}
	return out
}

// closureRow is a closure as the list shows it.
type closureRow struct {
	booking.Closure
	OfficeNames, PeriodsText, Reason, ActionText string
}

func (c *Console) closureRow(cl booking.Closure) closureRow {
	r := closureRow{Closure: cl, Reason: booking.ClosureReasons[cl.ReasonClass], PeriodsText: "全天", ActionText: "取消预约（不记爽约）"}
	var names []string
	for _, code := range cl.Offices {
		if o, ok := c.Svc.Catalog.Office(code); ok {
			names = append(names, o.Name)
		}
	}
	r.OfficeNames = strings.Join(names, "、")
	if len(cl.Periods) > 0 {
		r.PeriodsText = strings.Join(cl.Periods, "、") + " 时段"
	}
	if cl.Action == booking.ClosureMove {
		r.ActionText = "改约到最近的空余号源"
	}
	return r
}

func (c *Console) closuresPage(ctx *fiber.Ctx) error {
	cs, err := c.Svc.Closures(ctx.UserContext(), 30)
	if err != nil {
		return err
	}
	scope := c.scope(ctx)
	var rows []closureRow
	for _, cl := range cs {
		if scope == "" || slices.Contains(cl.Offices, scope) {
			rows = append(rows, c.closureRow(cl))
		}
	}
	offices := c.offices(ctx)
	return c.render(ctx, "closures", "停止办理", struct {
		Offices  []booking.Office
		Starts   []string
		Reasons  []reasonOption
		Closures []closureRow
		Tomorrow string
	}{offices, periodStarts(offices), reasonOptions(), rows, booking.DateOf(c.Svc.Now(), shanghai).AddDays(1).String()})
}

// closureForm reads a closure request from the form.
func closureForm(ctx *fiber.Ctx) (booking.ClosureRequest, error) {
	d, err := booking.ParseDate(ctx.FormValue("date"))
	if err != nil {
		return booking.ClosureRequest{}, booking.Errorf(booking.EInvalid, "bad date")
	}
	r := booking.ClosureRequest{Date: d, ReasonClass: ctx.FormValue("reason"), Note: ctx.FormValue("note"), Action: ctx.FormValue("action")}
	args := ctx.Request().PostArgs()
	for _, v := range args.PeekMulti("office") {
		r.Offices = append(r.Offices, string(v))
	}
	for _, v := range args.PeekMulti("period") {
		r.Periods = append(r.Periods, string(v))
	}
	return r, nil
}

// previewClosure shows what closing would touch and asks to confirm.
func (c *Console) previewClosure(ctx *fiber.Ctx) error {
	r, err := closureForm(ctx)
	if err == nil {
		var imp booking.ClosureImpact
		if imp, err = c.Svc.PreviewClosure(ctx.UserContext(), r, c.scope(ctx)); err == nil {
			row := c.closureRow(booking.Closure{Date: r.Date, Offices: r.Offices, Periods: r.Periods, ReasonClass: r.ReasonClass, Action: r.Action})
			return c.render(ctx, "closure_preview", "确认停止办理", struct {
				Request booking.ClosureRequest
				Row     closureRow
				Impact  booking.ClosureImpact
			}{r, row, imp})
		}
	}
	return c.closureBack(ctx, "/console/closures", "", err)
}

// closureBack is back with the console's words for a closure's refusals.
func (c *Console) closureBack(ctx *fiber.Ctx, path, flash string, err error) error {
	switch booking.ErrorCode(err) {
	case booking.EForbidden:
		return fail(ctx, path, "受理点负责人只能操作本受理点")
	case booking.EInvalid:
		return fail(ctx, path, "请选择受理点、今天或以后的日期、原因和处理方式（时段须是所选受理点的）")
	}
	return back(ctx, path, flash, err)
}

// closeOffices performs the closure (one audited transaction) and shows
// its progress.
func (c *Console) closeOffices(ctx *fiber.Ctx) error {
	r, err := closureForm(ctx)
	if err != nil {
		return c.closureBack(ctx, "/console/closures", "", err)
	}
	cl, imp, err := c.Svc.Close(ctx.UserContext(), c.actor(ctx), r, c.scope(ctx))
	if err != nil {
		return c.closureBack(ctx, "/console/closures", "", err)
	}
	return redirect(ctx, "/console/closures/"+strconv.FormatInt(cl.ID, 10),
		"已停止办理：取消 "+strconv.Itoa(imp.Cancelled)+" 个预约，改约 "+strconv.Itoa(imp.Moved)+" 个，释放保留 "+strconv.Itoa(imp.Holds)+" 个，涉及候补 "+strconv.Itoa(imp.Waitlist)+" 项；通知短信正在发送", "")
}

func closureID(ctx *fiber.Ctx) int64 {
	id, _ := strconv.ParseInt(ctx.Params("id"), 10, 64)
	return id
}

// closurePage shows a closure's SMS progress; while any is pending the
// page refreshes itself (server-rendered, no script).
func (c *Console) closurePage(ctx *fiber.Ctx) error {
	cl, p, err := c.Svc.ClosureStatus(ctx.UserContext(), closureID(ctx))
	if booking.ErrorCode(err) == booking.ENotFound {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	if s := c.scope(ctx); s != "" && !slices.Contains(cl.Offices, s) {
		return fiber.ErrForbidden
	}
	total := p.Sent + p.Pending + p.Failed
	pct := func(n int) int {
		if total == 0 {
			return 0
		}
		return n * 100 / total
	}
	return c.render(ctx, "closure", "停止办理进度", struct {
		Row                       closureRow
		Progress                  booking.ClosureProgress
		Total                     int
		SentPct, PendPct, FailPct int
		Refresh                   bool
	}{c.closureRow(cl), p, total, pct(p.Sent), pct(p.Pending), pct(p.Failed), p.Pending > 0})
}

func (c *Console) reopenClosure(ctx *fiber.Ctx) error {
	id := closureID(ctx)
	err := c.Svc.Reopen(ctx.UserContext(), c.actor(ctx), id, c.scope(ctx))
	return c.closureBack(ctx, "/console/closures/"+strconv.FormatInt(id, 10), "已恢复办理：可重新预约", err)
}
