package present

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"yuyue/booking"
)

// byCode is what a citizen reads for each code, in Chinese.
var byCode = map[booking.Code]string{
	booking.EInvalid:      "输入有误，请检查后重试",
	booking.ENotFound:     "未找到相关信息",
	booking.EFull:         "该时段号源已约满，请选择其他时段",
	booking.EBlacklisted:  "因爽约次数过多，您暂时不能预约",
	booking.EDeadline:     "已超过取消时限，不能取消",
	booking.EActive:       "您已有该业务的有效预约，同一业务只能有一个有效预约",
	booking.EPhoneLinked:  "该手机号已与其他身份证号码绑定，请使用本人手机号或拨打114",
	booking.ENotVerified:  "请先完成短信验证",
	booking.EConflict:     "状态已变化，请刷新后重试",
	booking.EForbidden:    "无权进行此操作",
	booking.EExpired:      "已过期，请重新操作",
	booking.ERateLimited:  "操作过于频繁，请稍后再试",
	booking.EUnauthorized: "请先登录",
	booking.EInternal:     "系统繁忙，请稍后再试",
}

// byMessage refines some answers by the domain error's message key.
var byMessage = map[string]string{
	"wrong_login":                   "账号或密码错误",
	"wrong_password":                "原密码错误",
	"account_locked":                "密码错误次数过多，账号已暂时锁定，请稍后再试或找回密码",
	"password_too_short":            "密码太短",
	"password_too_long":             "密码不能超过72个字节",
	"password_is_id_number":         "密码不能是身份证号码",
	"password_is_phone":             "密码不能包含手机号码",
	"already_registered":            "该身份证号码已注册，请直接登录；忘记密码可通过短信找回",
	"registration_conflict":         "身份证号码或手机号码已用其他信息登记，请拨打114更正",
	"id_and_phone_do_not_match":     "身份证号码与手机号码不匹配",
	"notice_not_acknowledged":       "请先阅读业务须知并点击“我已阅，继续预约”",
	"not_your_booking":              "这不是您的预约",
	"resend_too_soon":               "验证码未发送：获取过于频繁",
	"resend_too_soon_use_last":      "验证码未重新发送：刚才发送的验证码仍然有效，请直接输入",
	"hourly_cap":                    "验证码未发送：该号码一小时内获取验证码次数已达上限",
	"daily_cap":                     "验证码未发送：该号码24小时内获取验证码次数已达上限",
	"caller_cap":                    "验证码未发送：获取验证码次数过多",
	"unverified_budget":             "验证码未发送：系统繁忙",
	"too many wrong entries":        "验证码错误次数过多，请重新获取",
	"no code was sent":              "请先获取验证码",
	"code expired":                  "验证码已过期，请重新获取",
	"code already used or replaced": "验证码已失效，请重新获取",
	"the hold has expired":          "保留时间已过，请重新选择时段",
	"login_not_id_or_phone":         "请输入身份证号码或手机号码",
	"too_many_requests":             "请求过于频繁，请稍后再试",
	"body_too_large":                "请求内容过大",
	"passwords_differ":              "两次输入的密码不一致",
}

// byPrefix covers validation messages that carry details.
var byPrefix = []struct{ prefix, text string }{
	{"wrong code", "验证码不正确"},
	{"id number", "身份证号码不正确"},
	{"phone number", "请输入正确的大陆手机号码"},
	{"name must", "姓名应为1至30个字"},
	{"not a booking reference", "预约受理号不正确"},
	{"date ", "日期不正确"},
}

// Message is the Chinese text for a domain error, for the API and the site.
func Message(err error) string {
	var e *booking.Error
	if !errors.As(err, &e) {
		return byCode[booking.EInternal]
	}
	if m, ok := byMessage[e.Message]; ok {
		return m + untilText(e)
	}
	if e.Code == booking.EDeadline && !e.Until.IsZero() {
		return fmt.Sprintf("已超过取消时限（预约日前一天%s），不能取消", e.Until.In(shanghai).Format("15:04"))
	}
	for _, p := range byPrefix {
		if strings.HasPrefix(e.Message, p.prefix) {
			return p.text
		}
	}
	if m, ok := byCode[e.Code]; ok {
		return m
	}
	return byCode[booking.EInternal]
}

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

// untilText says when a refused code may be asked for again, as a clock
// time in Asia/Shanghai (the refusal carries it; no text guesses).
func untilText(e *booking.Error) string {
	if e.Code != booking.ERateLimited || e.Until.IsZero() || !isCodeRefusal[e.Message] {
		return ""
	}
	u := e.Until.In(shanghai)
	if e.Message == "resend_too_soon" || e.Message == "resend_too_soon_use_last" {
		return "，" + u.Format("15:04:05") + "后可重新获取"
	}
	return "，" + u.Format("1月2日15:04") + "后可重新获取"
}

var isCodeRefusal = map[string]bool{"resend_too_soon": true, "resend_too_soon_use_last": true,
	"hourly_cap": true, "daily_cap": true, "caller_cap": true}
