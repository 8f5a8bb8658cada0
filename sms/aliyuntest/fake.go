// Package aliyuntest is a local fake of Aliyun SMS (dysmsapi 2017-05-25):
// it checks the RPC signature of every SendSms with the configured secret
// the way Aliyun does, records what was sent and answers a BizId, and pushes
// up-messages (上行) and delivery reports to our endpoints, re-pushing after
// failures like Aliyun's message service.
package aliyuntest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// Send is one SendSms the fake accepted.
type Send struct {
	BizID        string
	Phone        string
	SignName     string
	TemplateCode string
	ParamJSON    string
	Params       map[string]string
	OutID        string
}

// Reply scripts one answer: an HTTP status (200 with Code "OK" accepts) or
// a business Code and Message with HTTP 200, or a delay before answering.
type Reply struct {
	Status  int
	Code    string
	Message string
	Delay   time.Duration
}

// SendSms refusals as Aliyun words them (错误码 list of dysmsapi). The
// level of flow control is only in the message.
var (
	MinuteLimit     = Reply{Code: "isv.BUSINESS_LIMIT_CONTROL", Message: "触发分钟级流控Permits:1"}
	HourLimit       = Reply{Code: "isv.BUSINESS_LIMIT_CONTROL", Message: "触发小时级流控Permits:5"}
	DayLimit        = Reply{Code: "isv.BUSINESS_LIMIT_CONTROL", Message: "触发天级流控Permits:10"}
	AmountNotEnough = Reply{Code: "isv.AMOUNT_NOT_ENOUGH", Message: "账户余额不足"}
	OutOfService    = Reply{Code: "isv.OUT_OF_SERVICE", Message: "业务停机"}
	MobileIllegal   = Reply{Code: "isv.MOBILE_NUMBER_ILLEGAL", Message: "非法手机号"}
)

// FlowControl is Aliyun's default flow control for one number: sends
// accepted within the last minute, hour and day (Aliyun: 1, 5, 10).
type FlowControl struct {
	Minute, Hour, Day int
	// Now is the flow control's clock (tests move it; the signature check
	// keeps Fake.Now).
	Now func() time.Time
}

// Fake is the fake API server.
type Fake struct {
	*httptest.Server
	KeyID, Secret string
	// SignName and Templates, when set, are what is registered: another
	// sign or template code is refused as Aliyun refuses it.
	SignName  string
	Templates map[string]bool
	// RetryDelays are the waits before each re-push of a batch our endpoint
	// did not accept (Aliyun: 1, 5 and 10 minutes).
	RetryDelays []time.Duration
	// Now is the fake's clock for the Timestamp check.
	Now func() time.Time
	// Flow, when set, refuses sends over its limits per number with
	// isv.BUSINESS_LIMIT_CONTROL, as Aliyun does.
	Flow *FlowControl
	// NoBalance makes every send fail with isv.AMOUNT_NOT_ENOUGH.
	NoBalance bool

	mu       sync.Mutex
	sends    []Send
	accepted map[string][]time.Time // flow control: accepted sends per number
	nonces   map[string]bool
	script   []Reply
	requests int
}

// New starts a fake for one AccessKey; Close it when done.
func New(keyID, secret string) *Fake {
	f := &Fake{KeyID: keyID, Secret: secret, nonces: map[string]bool{}, Now: time.Now,
		RetryDelays: []time.Duration{time.Minute, 5 * time.Minute, 10 * time.Minute}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// Script queues answers for the next SendSms requests that pass the
// signature check; after them every request is accepted.
func (f *Fake) Script(r ...Reply) { f.mu.Lock(); f.script = append(f.script, r...); f.mu.Unlock() }

// Sends returns the accepted messages in order.
func (f *Fake) Sends() []Send {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Send(nil), f.sends...)
}

// SendsTo returns the accepted messages to one number (as SendSms got it).
func (f *Fake) SendsTo(phone string) []Send {
	var out []Send
	for _, s := range f.Sends() {
		if s.Phone == phone {
			out = append(out, s)
		}
	}
	return out
}

// Requests counts SendSms requests, accepted or not.
func (f *Fake) Requests() int { f.mu.Lock(); defer f.mu.Unlock(); return f.requests }

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		apiError(w, http.StatusBadRequest, "InvalidParameter", "bad form")
		return
	}
	f.mu.Lock()
	f.requests++
	f.mu.Unlock()
	if status, code, msg := f.authenticate(r); status != 0 {
		apiError(w, status, code, msg)
		return
	}
	if r.Form.Get("Action") != "SendSms" || r.Form.Get("Version") != "2017-05-25" {
		apiError(w, http.StatusNotFound, "InvalidAction.NotFound", "action "+r.Form.Get("Action"))
		return
	}
	reply := f.next()
	if reply.Delay > 0 {
		time.Sleep(reply.Delay)
	}
	switch {
	case reply.Status != 0 && reply.Status != http.StatusOK:
		apiError(w, reply.Status, "ServiceUnavailable", "scripted failure")
	case reply.Code != "":
		answer(w, map[string]string{"Code": reply.Code, "Message": firstOf(reply.Message, "scripted"), "RequestId": requestID()})
	default:
		f.accept(w, r)
	}
}

func (f *Fake) next() Reply {
	f.mu.Lock()
	defer f.mu.Unlock()
	var r Reply
	if len(f.script) > 0 {
		r, f.script = f.script[0], f.script[1:]
	}
	return r
}

func (f *Fake) accept(w http.ResponseWriter, r *http.Request) {
	s := Send{Phone: r.Form.Get("PhoneNumbers"), SignName: r.Form.Get("SignName"), TemplateCode: r.Form.Get("TemplateCode"),
		ParamJSON: r.Form.Get("TemplateParam"), OutID: r.Form.Get("OutId")}
	if r := f.check(&s); r.Code != "" {
		answer(w, map[string]string{"Code": r.Code, "Message": firstOf(r.Message, r.Code), "RequestId": requestID()})
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if r := f.flowLimited(s.Phone); r.Code != "" {
		answer(w, map[string]string{"Code": r.Code, "Message": r.Message, "RequestId": requestID()})
		return
	}
	s.BizID = fmt.Sprintf("%d^%d", 900000000+len(f.sends)+1, time.Now().UnixNano()%1e9)
	f.sends = append(f.sends, s)
	answer(w, map[string]string{"Code": "OK", "Message": "OK", "BizId": s.BizID, "RequestId": requestID()})
}

// check applies SendSms's business rules; it returns Aliyun's refusal.
func (f *Fake) check(s *Send) Reply {
	switch {
	case !validPhone(s.Phone):
		return MobileIllegal
	case f.NoBalance:
		return AmountNotEnough
	case s.SignName == "" || f.SignName != "" && s.SignName != f.SignName:
		return Reply{Code: "isv.SMS_SIGNATURE_ILLEGAL", Message: "该账号下找不到对应签名"}
	case s.TemplateCode == "" || f.Templates != nil && !f.Templates[s.TemplateCode]:
		return Reply{Code: "isv.SMS_TEMPLATE_ILLEGAL", Message: "该账号下找不到对应模板"}
	}
	if s.ParamJSON != "" && json.Unmarshal([]byte(s.ParamJSON), &s.Params) != nil {
		return Reply{Code: "isv.INVALID_JSON_PARAM", Message: "JSON参数不合法，只接受字符串值"}
	}
	return Reply{}
}

// validPhone: a domestic mobile (11 digits from 1) or an international
// number with its country code, digits only.
func validPhone(p string) bool {
	for _, c := range p {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(p) == 11 && p[0] == '1' || len(p) > 11 && len(p) <= 15 && p[:2] != "86"
}

// flowLimited applies Flow to phone and records an accepted send; f.mu
// is held.
func (f *Fake) flowLimited(phone string) Reply {
	if f.Flow == nil {
		return Reply{}
	}
	now := f.Flow.Now()
	var minute, hour, day int
	for _, at := range f.accepted[phone] {
		switch age := now.Sub(at); {
		case age < time.Minute:
			minute++
			fallthrough
		case age < time.Hour:
			hour++
			fallthrough
		case age < 24*time.Hour:
			day++
		}
	}
	switch {
	case day >= f.Flow.Day:
		return Reply{Code: DayLimit.Code, Message: fmt.Sprintf("触发天级流控Permits:%d", f.Flow.Day)}
	case hour >= f.Flow.Hour:
		return Reply{Code: HourLimit.Code, Message: fmt.Sprintf("触发小时级流控Permits:%d", f.Flow.Hour)}
	case minute >= f.Flow.Minute:
		return Reply{Code: MinuteLimit.Code, Message: fmt.Sprintf("触发分钟级流控Permits:%d", f.Flow.Minute)}
	}
	if f.accepted == nil {
		f.accepted = map[string][]time.Time{}
	}
	f.accepted[phone] = append(f.accepted[phone], now)
	return Reply{}
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func answer(w http.ResponseWriter, v map[string]string) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	json.NewEncoder(w).Encode(v)
}

func apiError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"Code": code, "Message": msg, "RequestId": requestID(),
		"Recommend": "https://api.aliyun.com/troubleshoot?q=" + code})
}

var reqSeq struct {
	sync.Mutex
	n int
}

func requestID() string {
	reqSeq.Lock()
	defer reqSeq.Unlock()
	reqSeq.n++
	return fmt.Sprintf("FAKE-%08d-0000-0000-0000-000000000000", reqSeq.n)
}
