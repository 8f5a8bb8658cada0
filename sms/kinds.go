package sms

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"yuyue/booking"
)

// MsgReply is the answer to a citizen's SMS command when it leaves through
// the outbox (Aliyun up-messages); Twilio answers in TwiML instead.
const MsgReply = "reply"

// Template is one message kind as data: Text has ${param} placeholders and
// is exactly what is registered with Aliyun (docs/sms-templates.md);
// NoReply, when set, is the wording for recipients whose replies cannot
// reach us (Twilio to +86), so it must not ask for one.
type Template struct {
	Text    string
	NoReply string
}

// Templates holds every kind the service sends. Parameters never carry an
// ID number; names arrive masked.
var Templates = map[string]Template{
	booking.MsgCode: {Text: "验证码${code}，5分钟内有效，仅用于户政预约，请勿告诉他人。"},
	booking.MsgConfirmation: {
		Text:    "${name}您好，已预约${business}：${time}，${office}（${address}）。受理号${ref}。请带${bring}及本人身份证。${deadline}前可回复QX取消。",
		NoReply: "${name}您好，已预约${business}：${time}，${office}（${address}）。受理号${ref}。请带${bring}及本人身份证。${deadline}前可拨114取消。",
	},
	booking.MsgReminder: {
		Text:    "提醒：您预约的${business}在明天${time}，${office}（${address}），受理号${ref}。回复1确认到场；不能到场请在今天${hour}前回复QX取消。",
		NoReply: "提醒：您预约的${business}在明天${time}，${office}（${address}），受理号${ref}。不能到场请在今天${hour}前拨114取消。",
	},
	booking.MsgCancellation: {Text: "您${time}的${business}预约（受理号${ref}）已取消。如需重新预约请拨114。"},
	booking.MsgNoShow:       {Text: "您${time}的${business}预约未按时取号，已记爽约一次。${months}个月内爽约${strikes}次将暂停预约资格${months}个月。"},
	booking.MsgBlacklist:    {Text: "因${months}个月内爽约${strikes}次，您的预约资格暂停至${until}。如有异议请拨114。"},
	MsgReply:                {Text: "${result}"},
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
	return d
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
}

// Text renders kind for recipient to (to may be empty).
func (r Renderer) Text(kind string, p map[string]string, to string) (string, error) {
	t, ok := Templates[kind]
	if !ok {
		return "", fmt.Errorf("no template for message kind %q", kind)
	}
	text := t.Text
	if t.NoReply != "" && r.NoReplyTo != nil && r.NoReplyTo(to) {
		text = t.NoReply
	}
	d := derived(p)
	body := placeholder.ReplaceAllStringFunc(text, func(m string) string { return d[m[2:len(m)-1]] })
	return r.sig() + body, nil
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
