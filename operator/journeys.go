package operator

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
)

// Call journeys (来电轨迹): the 114 centre's staff — operators and their
// supervisors, who work with operator accounts, and administrators — find
// a call of the last retention.calls by time and the calling number's tail
// and, giving a reason that is audited, see each step it went through.

// eventNames are the journey's kinds of row.
var eventNames = map[string]string{
	booking.CallStart: "来电接入", booking.CallInput: "按键/语音", booking.CallTransfer: "转人工结果", booking.CallEnd: "挂断",
}

type callRow struct {
	booking.CallSummary
	Last string
}

type callsView struct {
	Days                 int
	Date, From, To, Tail string
	Calls                []callRow
}

type eventRow struct {
	At, Kind, From, To, Keys, SMS, Detail string
}

type journeyView struct {
	Caller, Channel, Reason string
	Start                   time.Time
	Events                  []eventRow
}

func (c *Console) callRetention() time.Duration {
	if c.CallRetention > 0 {
		return c.CallRetention
	}
	return 30 * 24 * time.Hour
}

// callsPage lists the calls of one day (today unless asked), between two
// times, optionally by the calling number's last digits.
func (c *Console) callsPage(ctx *fiber.Ctx) error {
	now := c.Svc.Now().In(shanghai)
	v := callsView{Days: int(c.callRetention().Hours() / 24), Date: now.Format(time.DateOnly), From: "00:00", To: "23:59", Tail: strings.TrimSpace(ctx.Query("tail"))}
	if d, err := booking.ParseDate(ctx.Query("date")); err == nil {
		v.Date = d.String()
	}
	v.From, v.To = clockQuery(ctx, "from", v.From), clockQuery(ctx, "to", v.To)
	from, _ := time.ParseInLocation("2006-01-02 15:04", v.Date+" "+v.From, shanghai)
	to, _ := time.ParseInLocation("2006-01-02 15:04", v.Date+" "+v.To, shanghai)
	calls, err := c.Svc.SearchCalls(ctx.UserContext(), booking.CallFilter{From: from, To: to.Add(time.Minute), Tail: v.Tail}, c.callRetention())
	if booking.ErrorCode(err) == booking.EInvalid {
		ctx.Locals("error", "来电尾号请填最多4位数字")
	} else if err != nil {
		return err
	}
	for _, s := range calls {
		v.Calls = append(v.Calls, callRow{CallSummary: s, Last: stepName(s.LastStep)})
	}
	return c.render(ctx, "calls", "来电轨迹", v)
}

// openJourney shows one call's steps; the reason is required and the view
// audited (call.view). The page is the POST's answer: the call id never
// becomes a link one could open without a reason.
func (c *Console) openJourney(ctx *fiber.Ctx) error {
	reason := booking.CleanText(ctx.FormValue("reason"))
	evs, err := c.Svc.CallJourney(ctx.UserContext(), c.actor(ctx), ctx.FormValue("sid"), reason, c.callRetention())
	switch booking.ErrorCode(err) {
	case "":
	case booking.EInvalid:
		return fail(ctx, "/console/calls", "请填写查看这通来电轨迹的原因")
	case booking.ENotFound:
		return fail(ctx, "/console/calls", "没有这通来电，或已超过保留期限")
	default:
		return err
	}
	v := journeyView{Caller: evs[0].Caller, Channel: evs[0].Channel, Reason: reason, Start: evs[0].At}
	for _, e := range evs {
		r := eventRow{At: e.At.In(shanghai).Format("15:04:05"), Kind: named(eventNames, e.Kind, "其他"), To: stepName(e.Step),
			Keys: e.Keys, Detail: e.Detail}
		if e.FromStep != "" {
			r.From = stepName(e.FromStep)
		}
		var kinds []string
		for _, k := range strings.Split(e.SMS, ",") {
			if k != "" {
				kinds = append(kinds, kindName(k))
			}
		}
		r.SMS = strings.Join(kinds, "、")
		v.Events = append(v.Events, r)
	}
	return c.render(ctx, "journey", "来电轨迹", v)
}

// clockQuery is the HH:MM in the query parameter key, or def.
func clockQuery(ctx *fiber.Ctx, key, def string) string {
	if _, err := time.Parse("15:04", ctx.Query(key)); err == nil {
		return ctx.Query(key)
	}
	return def
}
