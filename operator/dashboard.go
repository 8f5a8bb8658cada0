package operator

import (
	"fmt"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
	"yuyue/ivr"
)

// dashChannels are the bookings chart's channels in the order the
// platform names them, from the stored booking channel; anything else
// (SMS, jobs, older rows) is 其他.
var dashChannels = []struct{ code, name, fill string }{
	{booking.ChannelIVR, "114", "#1f4e79"},
	{booking.ChannelSIP, "SIP", "#6fa8dc"},
	{booking.ChannelWeb, "网站", "#e0a030"},
	{booking.ChannelApp, "App", "#5a9e3a"},
	{booking.ChannelOperator, "窗口", "#a33a3a"},
	{"", "其他", "#9aa3ad"},
}

// providerNames are the SMS providers as the dashboard names them.
var providerNames = map[string]string{"aliyun": "阿里云", "twilio": "Twilio", "dev": "开发收件箱", "": "尚未发送"}

// flowOrder is the IVR's steps in the order a call meets them
// (docs/call-flow.md), for the funnel; a step missing here goes last.
var flowOrder = []ivr.Step{
	ivr.StepMenu, ivr.StepIDNumber, ivr.StepName, ivr.StepNameConfirm, ivr.StepPhoneChoice, ivr.StepPhoneNumber,
	ivr.StepCode, ivr.StepMode, ivr.StepBusiness, ivr.StepDistrict, ivr.StepOffice, ivr.StepNotice, ivr.StepDate,
	ivr.StepPeriod, ivr.StepConfirm, ivr.StepDone, ivr.StepPickBooking, ivr.StepCancelConfirm, ivr.StepOperator, ivr.StepGoodbye,
}

// dashView is the dashboard page.
type dashView struct {
	Office  string // "" for all
	Offices []booking.Office
	Pick    bool // the account may choose an office
	Charts  []svgChart
	Calls   int
}

// dashOffice is the office the dashboard shows: an administrator's
// choice (all by default); any other role that reaches the page (an office
// manager) sees its own office only.
func (c *Console) dashOffice(ctx *fiber.Ctx) (string, bool) {
	op := c.op(ctx)
	if op.Role != booking.RoleAdmin {
		return op.Office, false
	}
	if o, ok := c.Svc.Catalog.Office(ctx.Query("office")); ok {
		return o.Code, true
	}
	return "", true
}

func (c *Console) dashboard(ctx *fiber.Ctx) error {
	office, pick := c.dashOffice(ctx)
	d, err := c.Svc.Dashboard(ctx.UserContext(), office)
	if err != nil {
		return err
	}
	v := dashView{Office: office, Offices: c.Svc.Catalog.Offices, Pick: pick}
	v.Charts = []svgChart{c.bookingsChart(d), c.fillChart(d), c.noShowChart(d), smsChart(d), callsChart(d)}
	funnel, calls := funnelChart(d)
	v.Charts, v.Calls = append(v.Charts, funnel), calls
	title := "运行概览"
	if office != "" {
		if o, ok := c.Svc.Catalog.Office(office); ok {
			title += " · " + o.Name
		}
	}
	return c.render(ctx, "dashboard", title, v)
}

func dashChannel(code string) int {
	for i, ch := range dashChannels {
		if ch.code == code {
			return i
		}
	}
	return len(dashChannels) - 1
}

func (c *Console) bookingsChart(d booking.Dashboard) svgChart {
	counts := map[booking.Date][]float64{}
	for _, day := range d.Days {
		counts[day] = make([]float64, len(dashChannels))
	}
	for _, r := range d.Bookings {
		if cs, ok := counts[r.Date]; ok {
			cs[dashChannel(r.Channel)] += float64(r.N)
		}
	}
	var groups []barGroup
	var legend []seg
	for _, ch := range dashChannels {
		legend = append(legend, seg{Name: ch.name, Fill: ch.fill})
	}
	total := 0
	for _, day := range d.Days {
		g := barGroup{Label: fmt.Sprintf("%d/%d", day.Month, day.Day)}
		n := 0
		for i, ch := range dashChannels {
			g.Segs = append(g.Segs, seg{Name: ch.name, Fill: ch.fill, Value: counts[day][i]})
			n += int(counts[day][i])
		}
		g.Figure = fmt.Sprint(n)
		total += n
		groups = append(groups, g)
	}
	desc := fmt.Sprintf("可预约窗口内每天的有效预约（已预约、已取号、已办结），按渠道分色叠加，共%d个。", total)
	return columns("chart-bookings", "每日预约量（按渠道）", desc, "预约日期", "预约数", groups, legend)
}

func (c *Console) officeName(code string) string {
	if o, ok := c.Svc.Catalog.Office(code); ok {
		return o.Name
	}
	return code
}

func pct(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return 100 * float64(n) / float64(d)
}

func (c *Console) fillChart(d booking.Dashboard) svgChart {
	var groups []barGroup
	for _, f := range d.Fill {
		p := pct(f.Taken, f.Capacity)
		groups = append(groups, barGroup{Label: c.officeName(f.Office), Segs: []seg{{Name: "已占用", Fill: "#1f4e79", Value: p}},
			Figure: fmt.Sprintf("%.0f%%（%d/%d）", p, f.Taken, f.Capacity)})
	}
	desc := "可预约窗口内各受理点已占用的号源（预约与保留）占全部号源的比例。"
	return rows("chart-fill", "号源使用率（按受理点）", desc, "已占用号源比例", "受理点", groups, nil, true)
}

func (c *Console) noShowChart(d booking.Dashboard) svgChart {
	var groups []barGroup
	for _, n := range d.NoShows {
		p := pct(n.NoShow, n.Due)
		groups = append(groups, barGroup{Label: c.officeName(n.Office), Segs: []seg{{Name: "爽约", Fill: "#a33a3a", Value: p}},
			Figure: fmt.Sprintf("%.1f%%（%d/%d）", p, n.NoShow, n.Due)})
	}
	desc := fmt.Sprintf("%s至今日，各受理点到期的预约（已取号、已办结、爽约）中爽约的比例。", d.NoShowFrom)
	return rows("chart-noshow", fmt.Sprintf("爽约率（近%d天，按受理点）", booking.NoShowDays), desc, "爽约比例", "受理点", groups, nil, true)
}

func smsChart(d booking.Dashboard) svgChart {
	legend := []seg{{Name: "已送达", Fill: "#5a9e3a"}, {Name: "失败", Fill: "#a33a3a"}, {Name: "待确认", Fill: "#c9d0d8"}}
	var groups []barGroup
	for _, s := range d.SMS {
		groups = append(groups, barGroup{Label: named(providerNames, s.Provider, s.Provider),
			Segs: []seg{
				{Name: legend[0].Name, Fill: legend[0].Fill, Value: float64(s.Delivered)},
				{Name: legend[1].Name, Fill: legend[1].Fill, Value: float64(s.Failed)},
				{Name: legend[2].Name, Fill: legend[2].Fill, Value: float64(s.Pending)}},
			Figure: fmt.Sprintf("送达%d 失败%d 待确认%d", s.Delivered, s.Failed, s.Pending)})
	}
	desc := "最近24小时写入发件箱的短信，按服务商：已送达（有送达回执）、失败（被拒或回执未送达）、待确认（待发送、已发出未回执、结果不明）。"
	return rows("chart-sms", "短信送达情况（最近24小时，按服务商）", desc, "短信数", "服务商", groups, legend, false)
}

func callsChart(d booking.Dashboard) svgChart {
	var groups []barGroup
	total := 0
	for h, n := range d.CallsPerHour {
		at := d.HourStart.Add(time.Duration(h) * time.Hour).In(shanghai)
		groups = append(groups, barGroup{Label: at.Format("15"), Segs: []seg{{Name: "来电", Fill: "#1f4e79", Value: float64(n)}}, Figure: fmt.Sprint(n)})
		total += n
	}
	desc := fmt.Sprintf("最近24个整点小时（北京时间%s起）每小时开始的来电数，共%d通。", d.HourStart.In(shanghai).Format("01-02 15:04"), total)
	return columns("chart-calls", "每小时来电量（最近24小时）", desc, "时（北京时间）", "来电数", groups, nil)
}

// funnelChart is where the calls of the 24 hours left the IVR: each call
// counted once, at the step of its last journey row, so the rows add up to
// the calls.
func funnelChart(d booking.Dashboard) (svgChart, int) {
	byStep := map[string]int{}
	calls := 0
	for _, x := range d.Exits {
		byStep[x.Step] += x.N
		calls += x.N
	}
	var order []string
	for _, s := range flowOrder {
		order = append(order, string(s))
	}
	for _, x := range d.Exits {
		if !slices.Contains(order, x.Step) {
			order = append(order, x.Step)
		}
	}
	var groups []barGroup
	for _, s := range order {
		n, ok := byStep[s]
		if !ok {
			continue
		}
		groups = append(groups, barGroup{Label: stepName(s), Segs: []seg{{Name: "离开", Fill: "#e0a030", Value: float64(n)}},
			Figure: fmt.Sprintf("%d（%.0f%%）", n, pct(n, calls))})
	}
	desc := fmt.Sprintf("最近24小时的%d通来电各在哪一步结束或离开语音导航（含转人工、完成预约）；各步相加等于来电总数。", calls)
	return rows("chart-funnel", fmt.Sprintf("来电离开语音导航的步骤（共%d通）", calls), desc, "来电数", "步骤", groups, nil, false), calls
}
