package operator

import (
	"strings"

	"yuyue/booking"
	"yuyue/ivr"
)

// Everything the console shows is Chinese; the codes stay in tooltips and
// CSV columns for engineers. Each table is the one place a word is chosen.

// roleNames are the account roles.
var roleNames = map[string]string{
	booking.RoleOperator: "话务员", booking.RoleClerk: "受理员", booking.RoleAdmin: "管理员",
	booking.RoleManager: "受理点负责人",
}

// channelNames are the doors an action came through.
var channelNames = map[string]string{
	booking.ChannelIVR: "电话", booking.ChannelSIP: "电话(SIP)", booking.ChannelSMS: "短信", booking.ChannelOperator: "控制台",
	"web": "网站", "app": "App", booking.ChannelJob: "定时任务", booking.ChannelSystem: "系统",
}

// actionNames are the audit log's actions.
var actionNames = map[string]string{
	"booking.hold": "保留号源", "booking.release_hold": "释放保留", "booking.confirm": "预约确认",
	"booking.cancel": "取消预约", "booking.checkin": "取号", "booking.complete": "办结",
	"booking.attend": "确认到场", "booking.noshow": "爽约", "blacklist.add": "暂停预约",
	"blacklist.lift": "解除暂停", "citizen.register": "实名登记", "citizen.update": "登记更正",
	"citizen.deregister": "注销登记", "citizen.reminders": "提醒设置", "citizen.view": "查看市民",
	"places.release": "释放过期号源", "login.ok": "登录", "login.failed": "登录失败",
	"login.throttled": "登录受限", "logout": "退出", "operator.add": "新增账户",
	"operator.disable": "停用账户", "operator.enable": "启用账户", "operator.reset": "重置密码",
	"operator.role": "修改角色", "operator.password": "修改密码",
	"call.view": "查看来电轨迹",
	// the web site's and the app's citizen accounts
	"account.register": "网站/App注册", "account.password": "网站/App设置密码",
	"account.login_failed": "网站/App登录失败",
	// closures, capacity and the calendar
	"closure.close": "停止办理", "closure.reopen": "恢复办理", "booking.closure_cancel": "停办取消",
	"booking.closure_move": "停办改约", "capacity.set": "调整号源", "calendar.set": "节假日调整",
	"calendar.load": "导入节假日", "calendar.seed": "节假日初始化",
	"booking.reschedule": "改约", "booking.view": "查看预约", "citizen.name_reply": "短信更正姓名",
	// the waitlist (候补)
	booking.ActWaitJoin: "加入候补", booking.ActWaitOffer: "候补递补", booking.ActWaitRequeue: "候补重新排队",
	"waitlist.accepted": "候补确认预约", "waitlist.left": "退出候补", "waitlist.expired": "候补逾期未确认",
	"waitlist.ended": "候补结束",
}

// sendNames are the outbox's send statuses.
var sendNames = map[string]string{
	"pending": "待发送", "sending": "发送中", "sent": "已发送", "failed": "发送失败",
	"unknown": "结果不明（未重发）",
}

// deliveryNames are the providers' delivery reports (Twilio's
// MessageStatus, Aliyun's report mapped to delivered or failed).
var deliveryNames = map[string]string{
	"": "", "queued": "排队中", "accepted": "已接收", "scheduled": "已排期", "sending": "发送中",
	"sent": "已发出", "delivered": "已送达", "undelivered": "未送达", "failed": "失败",
	"read": "已读", "canceled": "已取消", "receiving": "接收中", "received": "已收到",
}

// kindNames are the SMS message kinds.
var kindNames = map[string]string{
	booking.MsgCode: "验证码", booking.MsgConfirmation: "预约确认", booking.MsgReminder: "预约提醒",
	booking.MsgCancellation: "取消通知", booking.MsgNoShow: "爽约通知", booking.MsgBlacklist: "暂停预约通知",
	booking.MsgClosureCancel: "停办取消通知", booking.MsgClosureMove: "停办改约通知",
	booking.MsgClosureWaitEnded: "停办候补结束通知", booking.MsgClosureOfferWithdrawn: "停办候补号撤回通知",
	booking.MsgNameAsk: "姓名核对", booking.MsgNameHeard: "姓名核对",
}

// kindName names a message kind; every answer to a citizen's SMS command
// (reply_help, reply_booking …) is a 短信回复.
func kindName(kind string) string {
	if strings.HasPrefix(kind, "reply_") {
		return "短信回复"
	}
	return named(kindNames, kind, "其他短信")
}

// jobNames are the scheduled jobs, which act under their own names.
var jobNames = map[string]string{
	"release": "释放过期保留", "noshow": "爽约标记", "remind": "预约提醒", "slots": "开放号源",
	"purge": "数据清理",
}

// stepNames are the IVR steps a transferred caller can have left from.
// Keyed by ivr's constants; TestEveryStepHasAName holds it to ivr.Steps().
var stepNames = map[ivr.Step]string{
	ivr.StepMenu: "主菜单", ivr.StepIDNumber: "输入身份证号", ivr.StepName: "说出姓名", ivr.StepNameConfirm: "确认姓名",
	ivr.StepPhoneChoice: "选择手机", ivr.StepPhoneNumber: "输入手机号", ivr.StepMode: "选择方式", ivr.StepBusiness: "选择业务",
	ivr.StepNotice: "业务须知", ivr.StepDistrict: "选择区域", ivr.StepOffice: "选择受理点", ivr.StepDate: "选择日期",
	ivr.StepPeriod: "选择时段", ivr.StepCode: "输入验证码", ivr.StepConfirm: "确认预约", ivr.StepPickBooking: "选择预约",
	ivr.StepCancelConfirm: "确认取消", ivr.StepDone: "完成", ivr.StepOperator: "转人工",
	ivr.StepGoodbye:     "结束通话",
	ivr.StepQueryAction: "查询后操作", ivr.StepRescheduleWhere: "改约方式", ivr.StepRescheduleConfirm: "确认改约",
	ivr.StepWaitlistJoin: "加入候补", ivr.StepWaitlistLeave: "退出候补",
	ivr.StepNameReply: "短信回复姓名",
}

// contextKeys name the parts of a transferred call's context.
var contextKeys = map[string]string{
	"step": "离开步骤", "flow": "办理事项", "verified": "短信验证", "name": "姓名", "id": "身份证", "phone": "手机",
	"business": "业务", "office": "受理点", "date": "日期",
}

var verifiedNames = map[string]string{"yes": "已验证", "no": "未验证"}

// callVerified reports whether a transferred call's caller passed a code;
// a context without the mark (older records) counts as not verified.
func callVerified(context string) bool {
	for _, part := range strings.Split(context, "; ") {
		if part == "verified=yes" {
			return true
		}
	}
	return false
}

var flowNames = map[string]string{"book": "预约", "query": "查询", "cancel": "取消", "manage": "查询取消"}

// named looks s up in m and falls back to a neutral word, never the code.
// stepName is a step as the console says it; one it does not know is 其他.
func stepName(s string) string {
	if n, ok := stepNames[ivr.Step(s)]; ok {
		return n
	}
	return "其他"
}

func named(m map[string]string, s, unknown string) string {
	if n, ok := m[s]; ok {
		return n
	}
	return unknown
}

// roleText is how an account is introduced: 受理员·福田派出所户政室.
func (c *Console) roleText(o booking.Operator) string {
	r := named(roleNames, o.Role, "未知角色")
	if off, ok := c.Svc.Catalog.Office(o.Office); ok && o.Office != "" {
		r += "·" + off.Name
	}
	return r
}

// actorText names who acted: a job by its Chinese name, others as stored.
func actorText(e booking.AuditEntry) string {
	if e.Channel == booking.ChannelJob {
		return named(jobNames, e.Actor, e.Actor)
	}
	return booking.CleanText(e.Actor)
}

// contextText renders "step=menu; flow=book; …" in Chinese.
func contextText(s string) string {
	var out []string
	for _, part := range strings.Split(s, "; ") {
		k, v, ok := strings.Cut(part, "=")
		if !ok || v == "" {
			continue
		}
		switch k {
		case "step":
			v = stepName(v)
		case "flow":
			v = named(flowNames, v, "其他")
		case "verified":
			v = named(verifiedNames, v, "未验证")
		}
		if name, ok := contextKeys[k]; ok {
			out = append(out, name+"："+booking.CleanText(v))
		}
	}
	if len(out) == 0 && !englishWord.MatchString(s) {
		return booking.CleanText(s) // already prose, e.g. written in Chinese
	}
	return strings.Join(out, "；")
}
