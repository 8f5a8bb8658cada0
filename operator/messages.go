package operator

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
)

// errorText is what the console says for each domain error code.
var errorText = map[booking.Code]string{
	booking.EInvalid:     "输入有误",
	booking.ENotFound:    "未找到",
	booking.EFull:        "该时段已约满，请选择其他时段",
	booking.EBlacklisted: "该市民因爽约已被暂停预约",
	booking.EDeadline:    "已超过取消时限（预约日前一天18:00）",
	booking.EActive:      "该市民已有同一业务的有效预约",
	booking.EPhoneLinked: "该手机号已绑定其他身份证号码",
	booking.ENotVerified: "手机尚未通过短信验证",
	booking.EConflict:    "状态已变化或信息冲突",
	booking.EForbidden:   "身份证与预约不符",
	booking.EExpired:     "验证码或保留已过期",
	booking.ERateLimited: "验证码请求或错误次数过多",
}

func escape(s string) string { return url.QueryEscape(s) }

// back redirects to path with the outcome: a flash on success, the error's
// text for a domain error. Internal errors go to the error handler.
func back(ctx *fiber.Ctx, path, flash string, err error) error {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	switch code := booking.ErrorCode(err); code {
	case "":
		return ctx.Redirect(path + sep + "flash=" + escape(flash))
	case booking.EInternal:
		return err
	default:
		msg := errorText[code]
		if code == booking.EBlacklisted {
			msg += "（至" + booking.ErrorUntil(err).In(shanghai).Format("2006-01-02") + "）"
		}
		return ctx.Redirect(path + sep + "error=" + escape(msg))
	}
}
