package web_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"yuyue/booking"
	"yuyue/store/storetest"
)

// icsFile is a fetched calendar file: its content type and body.
type icsFile struct {
	Type string `json:"type"`
	Body string `json:"body"`
}

// parseICS checks the RFC 5545 framing (CRLF line ends, lines of at most
// 75 octets, folded with a leading space) and returns the unfolded content
// lines.
func parseICS(t *testing.T, body string) []string {
	t.Helper()
	if !strings.HasSuffix(body, "\r\n") || strings.Count(body, "\n") != strings.Count(body, "\r\n") {
		t.Fatalf("not CRLF-terminated lines:\n%q", body)
	}
	for _, l := range strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n") {
		if len(l) > 75 {
			t.Fatalf("line of %d octets: %q", len(l), l)
		}
	}
	unfolded := strings.ReplaceAll(body, "\r\n ", "")
	return strings.Split(strings.TrimSuffix(unfolded, "\r\n"), "\r\n")
}

// prop finds the value of the first content line named name (with any
// parameters) after the line begin, TEXT-unescaped.
func prop(lines []string, begin, name string) (params, value string) {
	in := begin == ""
	for _, l := range lines {
		if l == begin {
			in = true
		}
		key, v, _ := strings.Cut(l, ":")
		n, p, _ := strings.Cut(key, ";")
		if in && n == name {
			return p, strings.NewReplacer(`\\`, `\`, `\,`, ",", `\;`, ";", `\n`, "\n", `\N`, "\n").Replace(v)
		}
	}
	return "", ""
}

// The 预约单 and the page that confirms a booking offer the appointment as
// an .ics file (Asia/Shanghai, the office's name and address, the
// reference; nothing of the person) and the address as text to copy into a
// map app.
func TestSlipOffersCalendarFileAndMapAddress(t *testing.T) {
	chromium(t)
	e := newEnv(t, roomy)
	e.listen()
	b := e.browser(t, 390, 844)
	b.register(5)
	b.do("book", chromedp.Click(css("#by-business")), chromedp.WaitVisible(css("a.business")),
		chromedp.Click(css("a.business")), chromedp.WaitVisible(css("a.office")), chromedp.Click(css("a.office")),
		chromedp.WaitVisible(css("#ack")), chromedp.Click(css("#ack")), chromedp.WaitVisible(css("button.period")),
		chromedp.Click(css("button.period")))
	b.confirmWithCode(5)
	c, _ := e.Svc.CitizenByPhone(ctx, storetest.Phone(5))
	bk := e.only(t, c.ID, booking.StatusBooked)
	o, _ := e.Svc.Catalog.Office(bk.Office)
	biz, _ := e.Svc.Catalog.Business(bk.Business)

	for _, page := range []string{"confirmation", "slip"} {
		if page == "slip" {
			b.open(fmt.Sprintf("/me/bookings/%d", bk.ID), "#ics")
		} else if got := b.text("#success"); !strings.Contains(got, "预约已成功提交") {
			t.Fatalf("not the confirmation page: %q", got)
		}
		addr, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.getElementById("map-address").value`))
		if want := "深圳市" + o.Address + " " + o.Name; err != nil || addr != want {
			t.Fatalf("%s: map address %q (%v), want %q", page, addr, err, want)
		}
		copyShown, _ := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`!document.querySelector("[data-copy]").hidden`))
		if !copyShown {
			t.Fatalf("%s: no copy button where JavaScript runs", page)
		}
		raw, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`fetch(document.getElementById("ics").href).then(r =>
			r.text().then(body => JSON.stringify({type: r.headers.get("content-type"), body: body})))`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("%s: fetch the .ics: %v", page, err)
		}
		var f icsFile
		if err := json.Unmarshal([]byte(raw), &f); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(f.Type, "text/calendar") {
			t.Fatalf("%s: .ics served as %q", page, f.Type)
		}
		lines := parseICS(t, f.Body)
		if lines[0] != "BEGIN:VCALENDAR" || lines[len(lines)-1] != "END:VCALENDAR" {
			t.Fatalf("not a VCALENDAR: %q", f.Body)
		}
		if _, v := prop(lines, "", "VERSION"); v != "2.0" {
			t.Fatalf("VERSION %q", v)
		}
		if _, tz := prop(lines, "BEGIN:VTIMEZONE", "TZID"); tz != "Asia/Shanghai" {
			t.Fatalf("VTIMEZONE TZID %q", tz)
		}
		if _, off := prop(lines, "BEGIN:VTIMEZONE", "TZOFFSETTO"); off != "+0800" {
			t.Fatalf("VTIMEZONE offset %q", off)
		}
		day := strings.ReplaceAll(bk.Date.String(), "-", "")
		for name, hhmm := range map[string]string{"DTSTART": bk.Start, "DTEND": bk.End} {
			p, v := prop(lines, "BEGIN:VEVENT", name)
			if want := day + "T" + strings.ReplaceAll(hhmm, ":", "") + "00"; p != "TZID=Asia/Shanghai" || v != want {
				t.Fatalf("%s;%s:%s, want TZID=Asia/Shanghai:%s", name, p, v, want)
			}
		}
		for name, wants := range map[string][]string{
			"SUMMARY":     {bk.Reference, biz.Name},
			"LOCATION":    {o.Name, o.Address},
			"DESCRIPTION": {bk.Reference, o.Address, "\n"},
			"UID":         {bk.Reference},
			"DTSTAMP":     {"Z"},
		} {
			_, v := prop(lines, "BEGIN:VEVENT", name)
			for _, w := range wants {
				if !strings.Contains(v, w) {
					t.Fatalf("%s %q lacks %q", name, v, w)
				}
			}
		}
		for _, secret := range []string{c.IDNumber, c.IDNumber[6:14], c.Name, c.Phone[3:]} {
			if strings.Contains(f.Body, secret) {
				t.Fatalf("the .ics carries personal data %q", secret)
			}
		}
	}
	b.shot("slip-calendar.png")

	// a cancelled booking offers no calendar file
	if _, err := e.Svc.Cancel(ctx, storetest.Actor, bk.ID); err != nil {
		t.Fatal(err)
	}
	b.open(fmt.Sprintf("/me/bookings/%d", bk.ID), "#slip")
	status, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](fmt.Sprintf(`fetch("/me/bookings/%d/ics").then(r => r.status)`, bk.ID), chromedp.EvalAwaitPromise))
	if err != nil || status == 200 {
		t.Fatalf("the .ics of a cancelled booking: %d %v", status, err)
	}
	if n, _ := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("#ics").length`)); n != 0 {
		t.Fatal("a cancelled booking's slip offers a calendar file")
	}
}
