package operator

import (
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
)

const auditPageSize = 50

// auditQuery is the audit log's filter as the form shows it.
type auditQuery struct {
	From, To, Actor, Citizen, Action string
	Page                             int
}

// filter turns the form into a store filter; the citizen is given by
// handle, so no personal number is ever in the URL.
func (c *Console) auditFilter(ctx *fiber.Ctx) (auditQuery, booking.AuditFilter, error) {
	q := auditQuery{From: ctx.Query("from"), To: ctx.Query("to"), Actor: strings.TrimSpace(ctx.Query("actor")),
		Citizen: ctx.Query("citizen"), Action: ctx.Query("action")}
	q.Page, _ = strconv.Atoi(ctx.Query("page"))
	q.Page = max(q.Page, 1)
	f := booking.AuditFilter{Actor: q.Actor, Action: q.Action}
	if d, err := booking.ParseDate(q.From); err == nil {
		f.From = d.At(0, 0, shanghai)
	}
	if d, err := booking.ParseDate(q.To); err == nil {
		f.To = d.AddDays(1).At(0, 0, shanghai)
	}
	if q.Citizen != "" {
		var err error
		if f.CitizenID, err = c.ops().CitizenIDByHandle(ctx.UserContext(), q.Citizen); err != nil {
			return q, f, fiber.ErrNotFound
		}
	}
	return q, f, nil
}

// auditRow is an audit entry with the citizen's handle for a link.
type auditRow struct {
	booking.AuditEntry
	Handle string
}

// audit lists the audit log, a page at a time, with filters.
func (c *Console) audit(ctx *fiber.Ctx) error {
	q, f, err := c.auditFilter(ctx)
	if err != nil {
		return err
	}
	f.Limit, f.Offset = auditPageSize+1, (q.Page-1)*auditPageSize
	rows, err := c.auditRows(ctx, f)
	if err != nil {
		return err
	}
	more := len(rows) > auditPageSize
	if more {
		rows = rows[:auditPageSize]
	}
	return c.render(ctx, "audit", "审计日志", struct {
		Q          auditQuery
		Rows       []auditRow
		Actions    [][2]string
		Prev, Next string
		Export     string
	}{q, rows, actionChoices(), pageLink(ctx, q.Page-1, q.Page > 1), pageLink(ctx, q.Page+1, more), exportLink(ctx)})
}

func (c *Console) auditRows(ctx *fiber.Ctx, f booking.AuditFilter) ([]auditRow, error) {
	es, hs, err := c.ops().AuditWithHandles(ctx.UserContext(), f)
	var rows []auditRow
	for _, e := range es {
		rows = append(rows, auditRow{e, hs[e.CitizenID]})
	}
	return rows, err
}

// pageLink is the audit page n with the same filters, or "" when there is none.
func pageLink(ctx *fiber.Ctx, n int, ok bool) string {
	if !ok {
		return ""
	}
	args := ctx.Request().URI().QueryArgs()
	v := make(map[string]string)
	args.VisitAll(func(k, val []byte) { v[string(k)] = string(val) })
	v["page"] = strconv.Itoa(n)
	return "/console/audit?" + encode(v)
}

func exportLink(ctx *fiber.Ctx) string {
	return "/console/audit.csv?" + string(ctx.Request().URI().QueryArgs().QueryString())
}

func encode(v map[string]string) string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = escape(k) + "=" + escape(v[k])
	}
	return strings.Join(parts, "&")
}

// actionChoices are the actions to filter by, in Chinese, sorted by code.
func actionChoices() [][2]string {
	out := make([][2]string, 0, len(actionNames))
	for code, name := range actionNames {
		out = append(out, [2]string{code, name})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

// auditCSV exports the filtered audit log (at most 100,000 entries).
func (c *Console) auditCSV(ctx *fiber.Ctx) error {
	_, f, err := c.auditFilter(ctx)
	if err != nil {
		return err
	}
	f.Limit = 100000
	es, err := c.Svc.AuditLog(ctx.UserContext(), f)
	if err != nil {
		return err
	}
	rows := [][]string{{"时间（北京时间）", "操作人", "渠道", "操作", "市民编号", "预约编号", "说明", "channel", "action", "detail"}}
	for _, e := range es {
		rows = append(rows, []string{e.At.In(shanghai).Format("2006-01-02 15:04:05"), actorText(e),
			named(channelNames, e.Channel, "其他"), named(actionNames, e.Action, "其他操作"), idText(e.CitizenID),
			idText(e.BookingID), csvDetail(e.Detail), e.Channel, e.Action, booking.CleanText(e.Detail)})
	}
	return sendCSV(ctx, "audit.csv", rows)
}

// csvDetail is the detail in Chinese where the console translates it; a
// spreadsheet has no tooltip, so an untranslated one stays as written (the
// detail column always has the original).
func csvDetail(d string) string {
	if t := detailText(d); t != "（见提示）" {
		return t
	}
	return booking.CleanText(d)
}

func idText(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// inbox shows the development SMS inbox; it does not exist in production.
func (c *Console) inbox(ctx *fiber.Ctx) error {
	if !c.Dev {
		return fiber.ErrNotFound
	}
	ms, err := c.Svc.DevMessages(ctx.UserContext(), "", 100)
	if err != nil {
		return err
	}
	return c.render(ctx, "inbox", "开发短信收件箱", ms)
}
