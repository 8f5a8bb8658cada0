// Package sms is the SMS channel: verification codes, message templates, the
// outbox worker that sends through twilio-go, inbound commands and delivery
// status callbacks.
package sms

import (
	"fmt"
	"time"
)

// Signature is the default sms.signature: it opens every text a provider
// does not sign itself, as Chinese carriers require.
const Signature = "【深圳户政预约】"

// Render fills the template of kind with an outbox row's params and opens it
// with the default signature; see Renderer for the configured one.
func Render(kind string, params map[string]string) (string, error) {
	return Renderer{}.Text(kind, params, "")
}

var weekdays = [...]string{"日", "一", "二", "三", "四", "五", "六"}

// DayText writes 2026-12-03 as 12月3日(周四).
func DayText(iso string) string {
	d, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	return fmt.Sprintf("%d月%d日(周%s)", d.Month(), d.Day(), weekdays[d.Weekday()])
}

// deadlineText writes "2026-12-02 18:00" as 12月2日18:00.
func deadlineText(s string) string {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		return s
	}
	return fmt.Sprintf("%d月%d日%s", t.Month(), t.Day(), t.Format("15:04"))
}

func hourText(s string) string {
	if len(s) >= 16 {
		return s[11:16]
	}
	return s
}

// Segments counts the UCS-2 segments a body takes: one of 70 characters, or
// 67 each when it must be split.
func Segments(body string) int {
	n := len([]rune(body))
	if n <= 70 {
		return 1
	}
	return (n + 66) / 67
}
