package ivr

import (
	"fmt"
	"strings"
	"time"

	"yuyue/booking"
)

var (
	zhDigits = []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	// zhPhoneDigits read numbers aloud digit by digit, as on the phone.
	zhPhoneDigits = []string{"零", "幺", "二", "三", "四", "五", "六", "七", "八", "九"}
	zhWeekdays    = []string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}
)

// zhNumber writes 0-99 in Chinese numerals: 9 → 九, 12 → 十二, 30 → 三十.
func zhNumber(n int) string {
	switch {
	case n < 10:
		return zhDigits[n]
	case n < 20:
		return "十" + strings.TrimPrefix(zhDigits[n%10], "零")
	case n%10 == 0:
		return zhDigits[n/10] + "十"
	}
	return zhDigits[n/10] + "十" + zhDigits[n%10]
}

// dateText speaks a date: 12月3日星期四 / Thursday, December 3.
func dateText(lang string, d booking.Date) string {
	if lang == LangEN {
		return fmt.Sprintf("%s, %s %d", d.Weekday(), d.Month, d.Day)
	}
	return fmt.Sprintf("%d月%d日%s", d.Month, d.Day, zhWeekdays[d.Weekday()])
}

// clockText speaks "09:30" as 上午九点半 / 9:30 AM.
func clockText(lang, hhmm string) string {
	t, err := time.Parse("15:04", hhmm)
	if err != nil {
		return hhmm
	}
	if lang == LangEN {
		return t.Format("3:04 PM")
	}
	h, m := t.Hour(), t.Minute()
	part := "上午"
	switch {
	case h >= 18:
		part = "晚上"
	case h >= 13:
		part = "下午"
	case h == 12:
		part = "中午"
	}
	hour := h
	if h > 12 {
		hour = h - 12
	}
	h12 := zhNumber(hour)
	if hour == 2 {
		h12 = "两" // 两点, never 二点
	}
	s := part + h12 + "点"
	switch {
	case m == 30:
		s += "半"
	case m > 0:
		s += zhNumber(m) + "分"
	}
	return s
}

// periodText speaks a period: 上午九点到十点 / 9:00 AM to 10:00 AM.
func periodText(lang, start, end string) string {
	if lang == LangEN {
		return clockText(lang, start) + " to " + clockText(lang, end)
	}
	s, e := clockText(lang, start), clockText(lang, end)
	if s[:6] == e[:6] { // same part of the day: 上午九点到十点
		e = e[6:]
	}
	return s + "到" + e
}

// digitsText reads a number digit by digit: 幺，二，三 / 1, 2, 3. One is 幺
// as Chinese telephone convention has it: 一 and 七 are easily confused.
func digitsText(lang, digits string) string {
	parts := make([]string, 0, len(digits))
	for _, r := range digits {
		if r < '0' || r > '9' {
			continue
		}
		if lang == LangEN {
			parts = append(parts, string(r))
		} else {
			parts = append(parts, zhPhoneDigits[r-'0'])
		}
	}
	if lang == LangEN {
		return strings.Join(parts, ", ")
	}
	return strings.Join(parts, "，")
}
