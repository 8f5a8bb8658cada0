package web

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
	"yuyue/present"
)

// The 预约单 as an iCalendar file (RFC 5545) a phone's calendar imports:
// one VEVENT at the booked period in Asia/Shanghai (with its VTIMEZONE:
// UTC+8 all year, no daylight saving since 1991), the office's name and
// address as LOCATION, the reference in SUMMARY and DESCRIPTION. Nothing
// of the person: no name, no ID number, no phone.

// mapAddress is the office as a map app finds it: city, address, name.
func mapAddress(o present.OfficeRef) string {
	addr := o.Address
	if !strings.HasPrefix(addr, "深圳市") {
		addr = "深圳市" + addr
	}
	return addr + " " + o.Name
}

// slipICS serves GET /me/bookings/:id/ics for a booked appointment.
func (s *Site) slipICS(c *fiber.Ctx) error {
	b, err := s.own(c)
	if err != nil {
		return s.notFound(c, err)
	}
	if b.Status != booking.StatusBooked && b.Status != booking.StatusCheckedIn {
		return s.notFound(c, booking.Errorf(booking.ENotFound, "no appointment to add to a calendar"))
	}
	svc := s.Accounts.Svc
	body := bookingICS(present.View(svc, b), svc.Now(), s.Accounts.Svc.Rules.CancelHour)
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="yuyue-`+b.Reference+`.ics"`)
	return c.SendString(body)
}

// bookingICS writes the calendar of one booking; now stamps it (DTSTAMP).
func bookingICS(v present.BookingView, now time.Time, cancelHour int) string {
	day := strings.ReplaceAll(v.Date, "-", "")
	clock := func(hhmm string) string { return strings.ReplaceAll(hhmm, ":", "") + "00" }
	desc := fmt.Sprintf("预约受理号：%s\n业务：%s\n受理点：%s\n地址：%s\n须携带：%s，本人居民身份证\n请按时到受理点凭本人身份证取号。如需取消，请在预约日前一天%d:00前操作。",
		v.Reference, v.Business.Name, v.Office.Name, mapAddress(v.Office), v.Bring, cancelHour)
	lines := []string{
		"BEGIN:VCALENDAR",
		"VERSION:2.0",
		"PRODID:-//yuyue//深圳市公安局户政业务预约平台//ZH",
		"CALSCALE:GREGORIAN",
		"METHOD:PUBLISH",
		"BEGIN:VTIMEZONE",
		"TZID:Asia/Shanghai",
		"BEGIN:STANDARD",
		"DTSTART:19700101T000000",
		"TZOFFSETFROM:+0800",
		"TZOFFSETTO:+0800",
		"TZNAME:CST",
		"END:STANDARD",
		"END:VTIMEZONE",
		"BEGIN:VEVENT",
		"UID:booking-" + v.Reference + "@yuyue",
		"DTSTAMP:" + now.UTC().Format("20060102T150405Z"),
		"DTSTART;TZID=Asia/Shanghai:" + day + "T" + clock(v.Start),
		"DTEND;TZID=Asia/Shanghai:" + day + "T" + clock(v.End),
		"SUMMARY:" + icsText("户政预约："+v.Business.Name+"（受理号"+v.Reference+"）"),
		"LOCATION:" + icsText(v.Office.Name+"，"+mapAddress(v.Office)),
		"DESCRIPTION:" + icsText(desc),
		"STATUS:CONFIRMED",
		"TRANSP:OPAQUE",
		"END:VEVENT",
		"END:VCALENDAR",
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(fold(l))
	}
	return b.String()
}

// icsText escapes a TEXT value (RFC 5545 3.3.11): backslash, semicolon,
// comma, and line breaks as \n.
func icsText(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s)
}

// fold ends a content line with CRLF and folds it at 75 octets (RFC 5545
// 3.1), never inside a UTF-8 character: each continuation starts with a
// space, which counts towards its 75.
func fold(line string) string {
	var b strings.Builder
	limit := 75
	for len(line) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		b.WriteString(line[:cut])
		b.WriteString("\r\n ")
		line = line[cut:]
		limit = 74
	}
	b.WriteString(line)
	b.WriteString("\r\n")
	return b.String()
}
