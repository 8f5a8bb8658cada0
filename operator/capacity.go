package operator

import (
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
	"yuyue/catalog"
)

// changeRow is a capacity change with the names the page shows.
type changeRow struct {
	booking.CapacityChange
	OfficeName, BusinessName string
}

// calendarRow is one database calendar day as the page lists it.
type calendarRow struct {
	Date, Kind, Name string
}

func (c *Console) capacityPage(ctx *fiber.Ctx) error {
	if err := c.Svc.RefreshCalendar(ctx.UserContext()); err != nil {
		return err
	}
	changes, err := c.Svc.CapacityChanges(ctx.UserContext())
	if err != nil {
		return err
	}
	scope := c.scope(ctx)
	var shown []changeRow
	for i := len(changes) - 1; i >= 0 && len(shown) < 30; i-- {
		if ch := changes[i]; scope == "" || ch.Office == scope {
			r := changeRow{CapacityChange: ch, OfficeName: ch.Office, BusinessName: "全部业务"}
			if o, ok := c.Svc.Catalog.Office(ch.Office); ok {
				r.OfficeName = o.Name
			}
			if b, ok := c.Svc.Catalog.Business(ch.Business); ok {
				r.BusinessName = b.Name
			}
			shown = append(shown, r)
		}
	}
	today := booking.DateOf(c.Svc.Now(), shanghai)
	h, w := c.Svc.Catalog.Calendar.Snapshot()
	var days []calendarRow
	for d, n := range h {
		if !d.Before(today) && d.Year <= today.Year+1 {
			days = append(days, calendarRow{d.String(), "节假日", n})
		}
	}
	for d, n := range w {
		if !d.Before(today) && d.Year <= today.Year+1 {
			days = append(days, calendarRow{d.String(), "调休上班", n})
		}
	}
	sort.Slice(days, func(i, j int) bool { return days[i].Date < days[j].Date })
	offices := c.offices(ctx)
	return c.render(ctx, "capacity", "号源与节假日", struct {
		Offices    []booking.Office
		Businesses []booking.Business
		Starts     []string
		Changes    []changeRow
		Days       []calendarRow
		Admin      bool
		From, To   string
		NextYear   int
	}{offices, c.Svc.Catalog.Businesses, periodStarts(offices), shown, days, scope == "",
		today.AddDays(1).String(), today.AddDays(14).String(), today.Year + 1})
}

// setCapacity changes a period's capacity for a date range; below what
// is booked it is refused with the count.
func (c *Console) setCapacity(ctx *fiber.Ctx) error {
	const path = "/console/capacity"
	from, err1 := booking.ParseDate(ctx.FormValue("from"))
	to, err2 := booking.ParseDate(ctx.FormValue("to"))
	n, err3 := strconv.Atoi(ctx.FormValue("capacity"))
	if err1 != nil || err2 != nil || err3 != nil {
		return fail(ctx, path, "请填写日期范围和号源数")
	}
	ch := booking.CapacityChange{Office: ctx.FormValue("office"), Business: ctx.FormValue("business"),
		Start: ctx.FormValue("start"), From: from, To: to, Capacity: n}
	err := c.Svc.SetCapacity(ctx.UserContext(), c.actor(ctx), ch, c.scope(ctx))
	if booked, ok := booking.BookedCount(err); ok {
		return fail(ctx, path, fmt.Sprintf("不能低于已预约数：该时段已有 %d 个预约（含保留），号源至少为 %d", booked, booked))
	}
	if booking.ErrorCode(err) == booking.EInvalid {
		return fail(ctx, path, "请选择本受理点办理的业务和时段，日期范围不能为空")
	}
	off, _ := c.Svc.Catalog.Office(ch.Office)
	return c.closureBack(ctx, path, fmt.Sprintf("已将%s %s 时段 %s 至 %s 的号源调整为 %d", off.Name, ch.Start, from, to, n), err)
}

// setCalendarDay adds a holiday or an extra working day.
func (c *Console) setCalendarDay(ctx *fiber.Ctx) error {
	const path = "/console/capacity"
	d, err := booking.ParseDate(ctx.FormValue("date"))
	if err != nil {
		return fail(ctx, path, "请填写日期")
	}
	day := booking.CalendarDay{Date: d, Kind: ctx.FormValue("kind"), Name: ctx.FormValue("name")}
	err = c.Svc.SetCalendarDay(ctx.UserContext(), c.actor(ctx), day)
	if booked, ok := booking.BookedCount(err); ok {
		return fail(ctx, path, fmt.Sprintf("%s 已有 %d 个预约，不能直接设为节假日：请先在“停止办理”中关闭各受理点（会短信通知市民）", d, booked))
	}
	what := "节假日"
	if day.Kind == booking.DayWorkday {
		what = "调休上班日（号源已开放）"
	}
	return back(ctx, path, "已将 "+d.String()+" 设为"+what, err)
}

// loadCalendar replaces a year's holidays and make-up days from a file in
// the catalog's format.
func (c *Console) loadCalendar(ctx *fiber.Ctx) error {
	const path = "/console/capacity"
	fh, err := ctx.FormFile("file")
	if err != nil {
		return fail(ctx, path, "请选择节假日文件（目录文件格式，calendar: 下按年份列出）")
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil {
		return err
	}
	years, err := catalog.ParseCalendar(b)
	if err != nil {
		return fail(ctx, path, "文件格式有误："+err.Error())
	}
	var loaded []string
	for y, days := range years {
		err := c.Svc.LoadCalendarYear(ctx.UserContext(), c.actor(ctx), y, days)
		if booked, ok := booking.BookedCount(err); ok {
			return fail(ctx, path, fmt.Sprintf("%d 年的节假日中有一天已有 %d 个预约，未导入：请先关闭受理点", y, booked))
		}
		if err != nil {
			return back(ctx, path, "", err)
		}
		loaded = append(loaded, fmt.Sprintf("%d 年 %d 天", y, len(days)))
	}
	sort.Strings(loaded)
	return redirect(ctx, path, fmt.Sprintf("已导入节假日：%v", loaded), "")
}
