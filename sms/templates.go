// Package sms is the SMS channel: verification codes, message templates, the
// outbox worker that sends through twilio-go, inbound commands and delivery
// status callbacks.
package sms

import (
	"fmt"
	"strings"
	"text/template"
	"time"

	"yuyue/booking"
)

// Signature opens every message, as Chinese carriers require.
const Signature = "【深圳户政预约】"

// templates are the Chinese bodies of every outbound kind. Params come from
// booking.Service (never an ID number; names are masked already).
var templates = map[string]*template.Template{
	booking.MsgCode:         tmpl("验证码{{.code}}，5分钟内有效，仅用于户政预约，请勿告诉他人。"),
	booking.MsgConfirmation: tmpl("{{.name}}您好，已预约{{.business}}：{{day .date}}{{.start}}-{{.end}}，{{.office}}（{{.address}}）。受理号{{.ref}}。请带{{.bring}}及本人身份证。{{deadline .deadline}}前可回复QX取消。"),
	booking.MsgReminder:     tmpl("提醒：您预约的{{.business}}在明天{{day .date}}{{.start}}-{{.end}}，{{.office}}（{{.address}}），受理号{{.ref}}。回复1确认到场；不能到场请在今天{{hour .deadline}}前回复QX取消。"),
	booking.MsgCancellation: tmpl("您{{day .date}}{{.start}}-{{.end}}的{{.business}}预约（受理号{{.ref}}）已取消。如需重新预约请拨114。"),
	booking.MsgNoShow:       tmpl("您{{day .date}}{{.start}}-{{.end}}的{{.business}}预约未按时取号，已记爽约一次。{{.months}}个月内爽约{{.strikes}}次将暂停预约资格{{.months}}个月。"),
	booking.MsgBlacklist:    tmpl("因{{.months}}个月内爽约{{.strikes}}次，您的预约资格暂停至{{day .until}}。如有异议请拨114。"),
}

func tmpl(body string) *template.Template {
	return template.Must(template.New("").Option("missingkey=zero").Funcs(template.FuncMap{
		"day": DayText, "deadline": deadlineText, "hour": hourText,
	}).Parse(Signature + body))
}

// Render fills the template of kind with params.
func Render(kind string, params map[string]string) (string, error) {
	t, ok := templates[kind]
	if !ok {
		return "", fmt.Errorf("no template for message kind %q", kind)
	}
	var b strings.Builder
	if err := t.Execute(&b, params); err != nil {
		return "", fmt.Errorf("render %s: %w", kind, err)
	}
	return strings.ReplaceAll(b.String(), "<no value>", ""), nil
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
