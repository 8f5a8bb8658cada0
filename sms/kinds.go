package sms

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"yuyue/booking"
)

// Reply kinds: the answers to a citizen's SMS command, one registered
// template each, because Aliyun accepts neither a template made only of
// variables nor a variable longer than 35 characters. With Aliyun each
// leaves through the outbox; Twilio answers their texts in TwiML.
const (
	ReplyHelp      = "reply_help"
	ReplyUnknown   = "reply_unknown"
	ReplyNone      = "reply_none"
	ReplyStop      = "reply_stop"
	ReplyBusy      = "reply_busy"
	ReplyNoSuchRef = "reply_no_such_ref"
	ReplyCancelled = "reply_cancelled"
	ReplyTooLate   = "reply_too_late"
	ReplyConfirmed = "reply_confirmed"
	ReplyWhich     = "reply_which"
	ReplyBooking   = "reply_booking"
	// ReplyReschedule answers GY: how to reschedule, by phone or the web.
	ReplyReschedule = "reply_reschedule"
	// ReplyRescheduleLate answers GY for a booking past the deadline.
	ReplyRescheduleLate = "reply_reschedule_late"
	// ReplyOfferTaken answers QR that confirmed a waitlist offer.
	ReplyOfferTaken = "reply_offer_taken"
	// ReplyWaitlistLeft and ReplyWaitlistNone answer TC (退出候补): the
	// sender's waitlist entries ended, or there were none.
	ReplyWaitlistLeft = "reply_waitlist_left"
	ReplyWaitlistNone = "reply_waitlist_none"
	// ReplyNameSet and ReplyNameNone answer XM 张三, the name of a SIP
	// caller confirmed in writing.
	ReplyNameSet  = "reply_name_set"
	ReplyNameNone = "reply_name_none"
)

// ReplyKinds lists the reply kinds in the order docs/sms-templates.md
// shows them.
var ReplyKinds = []string{ReplyHelp, ReplyUnknown, ReplyNone, ReplyStop, ReplyBusy, ReplyNoSuchRef,
	ReplyCancelled, ReplyTooLate, ReplyConfirmed, ReplyWhich, ReplyBooking,
	ReplyReschedule, ReplyRescheduleLate, ReplyOfferTaken, ReplyWaitlistLeft, ReplyWaitlistNone,
	ReplyNameSet, ReplyNameNone}

// Template is one message kind as data: Text has ${param} placeholders and
// is exactly what is registered with Aliyun (docs/sms-templates.md);
// NoReply, when set, is the wording for recipients whose replies cannot
// reach us (Twilio to +86), so it must not ask for one. Code marks the
// 验证码 template (Aliyun's verification-code type).
type Template struct {
	Text    string
	NoReply string
	Code    bool
}

// TextSettings are the configured numbers a template states as fixed
// text: Aliyun's 验证码 type allows one variable only, so the code's
// validity is registered text, not a parameter.
type TextSettings struct {
	CodeTTL time.Duration // sms.code_ttl
}

// DefaultTextSettings are the configuration defaults, which the texts in
// docs/sms-templates.md are written with.
var DefaultTextSettings = TextSettings{CodeTTL: 5 * time.Minute}

// Templates are the kinds rendered with DefaultTextSettings.
var Templates = TemplatesFor(DefaultTextSettings)

// TemplatesFor holds every kind the service sends, its configured numbers
// filled in. Parameters never carry an ID number; names arrive masked.
func TemplatesFor(s TextSettings) map[string]Template {
	t := map[string]Template{
		booking.MsgCode: {Code: true, Text: "验证码${code}，" + minutesText(s.CodeTTL) + "内有效，仅用于户政预约，请勿告诉他人。"},
		booking.MsgConfirmation: {
			Text:    "${name}您好，已预约${business}：${time}，${office}（${address}）。受理号${ref}。请带${bring}及本人身份证。${deadline}前可回复QX取消。",
			NoReply: "${name}您好，已预约${business}：${time}，${office}（${address}）。受理号${ref}。请带${bring}及本人身份证。${deadline}前可拨114取消。",
		},
		booking.MsgReminder: {
			Text:    "提醒：您预约的${business}在明天${time}，${office}（${address}），受理号${ref}。回复1确认到场；不能到场请在今天${hour}前回复QX取消。",
			NoReply: "提醒：您预约的${business}在明天${time}，${office}（${address}），受理号${ref}。不能到场请在今天${hour}前拨114取消。",
		},
		booking.MsgCancellation:  {Text: "您${time}的${business}预约（受理号${ref}）已取消。如需重新预约请拨114。"},
		booking.MsgNoShow:        {Text: "您${time}的${business}预约未按时取号，已记爽约一次。${window}个月内爽约${strikes}次将暂停预约资格${months}个月。"},
		booking.MsgBlacklist:     {Text: "因${months}个月内爽约${strikes}次，您的预约资格暂停至${until}。如有异议请拨114。"},
		booking.MsgClosureCancel: {Text: "因${reason}，${office}在${closed}暂停办理业务，您当天的${business}预约（受理号${ref}）已取消，不记爽约。如需重新预约请拨114。"},
		booking.MsgClosureMove: {
			Text:    "因${reason}，${office}在${closed}暂停办理业务，您的${business}预约（受理号${ref}）已改到${time}。不便前往可回复QX取消或拨114改约。",
			NoReply: "因${reason}，${office}在${closed}暂停办理业务，您的${business}预约（受理号${ref}）已改到${time}。不便前往可拨114取消或改约。",
		},
		booking.MsgClosureWaitEnded:      {Text: "因${reason}，${office}在${closed}暂停办理业务，您在当天的${business}候补已结束。您可另选日期预约，请拨114或登录网站。"},
		booking.MsgClosureOfferWithdrawn: {Text: "因${reason}，${office}在${closed}部分时段暂停办理业务，为您候补保留的${business}号（${time}）已取消。您仍在候补中，有号将短信通知。"},
		booking.MsgRescheduled: {
			Text:    "${name}您好，您的${business}预约已改至${time}，${office}（${address}），受理号${ref}不变。${deadline}前可回复QX取消。",
			NoReply: "${name}您好，您的${business}预约已改至${time}，${office}（${address}），受理号${ref}不变。${deadline}前可拨114取消。",
		},
		booking.MsgWaitlistOffer: {
			Text:    "${name}您好，您候补的${business}有号了：${time}，${office}。为您保留至${expires}，回复QR确认预约，或登录网站在个人中心确认。",
			NoReply: "${name}您好，您候补的${business}有号了：${time}，${office}。为您保留至${expires}，请登录网站在个人中心确认或拨114。",
		},
		booking.MsgNameAsk: {Text: "您正在电话预约中办理实名登记，请直接回复本短信：XM加您的姓名，例如XM张三，然后回到电话中继续。",
			NoReply: "您正在电话预约中办理实名登记，姓名需由人工核对，请在电话中按0转人工服务。"},
		booking.MsgNameHeard: {Text: "您在电话预约中登记的姓名为：${heard}。如有误，请在确认预约前回复XM加正确姓名，例如XM张三。",
			NoReply: "您在电话预约中登记的姓名为：${heard}。如有误，请在电话中按0转人工服务更正。"},
	}
	for k, v := range replyTemplates {
		t[k] = Template{Text: v}
	}
	return t
}

var replyTemplates = map[string]string{
	ReplyHelp:           "回复1确认到场，回复QX加受理号取消预约，回复CX查询预约，回复TC退出候补，回复TD不再接收预约提醒。预约请拨114。",
	ReplyUnknown:        "未找到与本号码绑定的实名登记。预约请拨114。",
	ReplyNone:           "您目前没有有效预约。预约请拨114。",
	ReplyStop:           "已停止发送预约提醒短信。验证码和预约确认短信仍会发送。",
	ReplyBusy:           "系统繁忙，请稍后再试或拨114。",
	ReplyNoSuchRef:      "未找到该受理号的有效预约，回复CX查询您的预约。",
	ReplyCancelled:      "已取消受理号${ref}的预约，取消通知随后发送。",
	ReplyTooLate:        "已超过取消时限（预约日前一天${hour}），受理号${ref}的预约不能取消。如不能到场将记爽约。",
	ReplyConfirmed:      "已确认到场：${business}，${time}，${office}。请按时携带本人身份证取号。",
	ReplyWhich:          "您有${count}个有效预约，未取消任何预约。请回复QX加受理号选择要取消的预约，受理号见以下短信。",
	ReplyBooking:        "您的有效预约：${business}，${time}，${office}，受理号${ref}。取消请回复QX加受理号。",
	ReplyReschedule:     "改约（同一业务换日期、时段或受理点）可在预约日前一天${hour}前办理：拨114查询预约后按提示选择改约，或登录网站在个人中心的已预约记录中点改约。受理号不变。",
	ReplyRescheduleLate: "已超过改约时限（预约日前一天${hour}），受理号${ref}的预约不能改约。",
	ReplyOfferTaken:     "候补预约成功：${business}，${time}，${office}，受理号${ref}。确认短信随后发送。",
	ReplyWaitlistLeft:   "已退出您的${count}项候补，不再为您保留空出的号。预约请拨114。",
	ReplyWaitlistNone:   "您目前没有候补，未作任何更改。预约请拨114。",
	ReplyNameSet:        "已收到您的姓名：${heard}。请回到电话中按1继续；确认预约前可再次回复XM更正。",
	ReplyNameNone:       "没有等待核对的姓名，未作任何更改。预约请拨114。",
}

// minutesText writes a validity as Chinese text: 5分钟, 90秒.
func minutesText(d time.Duration) string {
	if d%time.Minute == 0 {
		return fmt.Sprintf("%d分钟", int(d/time.Minute))
	}
	return fmt.Sprintf("%d秒", int(d/time.Second))
}

var placeholder = regexp.MustCompile(`\$\{([a-z_]+)\}`)

// Names lists the ${param} names of a template text, sorted.
func Names(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range placeholder.FindAllStringSubmatch(text, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	sort.Strings(out)
	return out
}

// derived turns an outbox row's raw params (ISO dates, times) into the
// values a citizen reads.
func derived(p map[string]string) map[string]string {
	d := map[string]string{}
	for k, v := range p {
		d[k] = v
	}
	d["time"] = DayText(p["date"]) + p["start"] + "-" + p["end"]
	d["deadline"] = deadlineText(p["deadline"])
	d["hour"] = hourText(p["deadline"])
	d["until"] = DayText(p["until"])
	d["closed"] = DayText(p["closed_date"])
	d["expires"] = deadlineText(p["expires"])
	d["window"] = p["months"] // the look-back is ban_months, as long as the ban
	d["name"] = shortName(p["name"])
	return d
}

// shortName keeps a masked name within a few characters (张**): a name
// may be longer than the 35 characters an Aliyun variable holds, and the
// greeting needs only the surname.
func shortName(masked string) string {
	r := []rune(masked)
	if len(r) <= 3 {
		return masked
	}
	return string(r[0]) + "**"
}

// Params are the template parameters of kind, exactly the names its Text
// holds, filled from an outbox row's params: what Aliyun gets as
// TemplateParam.
func Params(kind string, p map[string]string) (map[string]string, error) {
	t, ok := Templates[kind]
	if !ok {
		return nil, fmt.Errorf("no template for message kind %q", kind)
	}
	d := derived(p)
	out := map[string]string{}
	for _, n := range Names(t.Text) {
		out[n] = d[n]
	}
	return out, nil
}

// Renderer writes the text of a message for providers that carry text
// (Twilio, the development inbox).
type Renderer struct {
	Signature string // empty: the default Signature
	// NoReplyTo reports recipients whose replies cannot arrive; they get
	// each kind's NoReply wording.
	NoReplyTo func(to string) bool
	// UnsignedTo reports recipients the provider signs for itself (Twilio
	// to +86 adds its own signature): their text carries none of ours.
	UnsignedTo func(to string) bool
	// Settings are the configured numbers in the texts; zero: defaults.
	Settings TextSettings
}

// Text renders kind for recipient to (to may be empty).
func (r Renderer) Text(kind string, p map[string]string, to string) (string, error) {
	body, err := r.Body(kind, p, to)
	if err != nil || r.UnsignedTo != nil && r.UnsignedTo(to) {
		return body, err
	}
	return r.sig() + body, nil
}

// Body renders kind without any signature.
func (r Renderer) Body(kind string, p map[string]string, to string) (string, error) {
	set := Templates
	if r.Settings != (TextSettings{}) {
		set = TemplatesFor(r.Settings)
	}
	t, ok := set[kind]
	if !ok {
		return "", fmt.Errorf("no template for message kind %q", kind)
	}
	text := t.Text
	if t.NoReply != "" && r.NoReplyTo != nil && r.NoReplyTo(to) {
		text = t.NoReply
	}
	d := derived(p)
	return placeholder.ReplaceAllStringFunc(text, func(m string) string { return d[m[2:len(m)-1]] }), nil
}

func (r Renderer) sig() string {
	if r.Signature != "" {
		return r.Signature
	}
	return Signature
}

// MainlandNoReply is NoReplyTo for Twilio: it cannot carry replies from
// mainland China numbers.
func MainlandNoReply(to string) bool { return strings.HasPrefix(to, "+86") }
