package operator

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
)

// errorText is what the console says for each domain error code.
var errorText = map[booking.Code]string{
	booking.EInvalid:     "输入有误，请检查后重试",
	booking.ENotFound:    "未找到",
	booking.EFull:        "该时段已约满，请选择其他时段",
	booking.EBlacklisted: "该市民因爽约已被暂停预约",
	booking.EDeadline:    "已超过取消时限",
	booking.EActive:      "该市民已有同一业务的有效预约",
	booking.EPhoneLinked: "该手机号已绑定其他身份证号码",
	booking.ENotVerified: "手机尚未通过短信验证，请先发送验证码并由市民告知",
	booking.EConflict:    "状态已变化或信息冲突，请刷新后重试",
	booking.EForbidden:   "身份证与预约不符",
	booking.EExpired:     "验证码或保留已过期，请重新发送验证码",
	booking.ERateLimited: "验证码请求或错误次数过多，请稍后再试",
}

// back redirects to path with the outcome kept in the session (never in
// the URL): a flash on success, the error's text for a domain error.
// Internal errors go to the error page.
func back(ctx *fiber.Ctx, path, flash string, err error) error {
	switch code := booking.ErrorCode(err); code {
	case "":
		return redirect(ctx, path, flash, "")
	case booking.EInternal:
		return err
	default:
		msg := errorText[code]
		switch u := booking.ErrorUntil(err); {
		case u.IsZero():
		case code == booking.EBlacklisted:
			msg += "（至" + u.In(shanghai).Format("2006-01-02") + "）"
		case code == booking.EDeadline: // the configured hour, not a fixed one
			msg += "（预约日前一天" + u.In(shanghai).Format("15:04") + "）"
		}
		return redirect(ctx, path, "", msg)
	}
}

// fail redirects to path with an error message of the console's own.
func fail(ctx *fiber.Ctx, path, msg string) error { return redirect(ctx, path, "", msg) }

func redirect(ctx *fiber.Ctx, path, flash, msg string) error {
	if st, ok := ctx.Locals("state").(*sessionState); ok {
		st.setFlash(flash, msg)
	}
	return ctx.Redirect(path)
}

func escape(s string) string { return url.QueryEscape(s) }
