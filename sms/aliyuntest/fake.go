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
// a business Code with HTTP 200, or a delay before answering.
type Reply struct {
	Status int
	Code   string
	Delay  time.Duration
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

	mu       sync.Mutex
	sends    []Send
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
		answer(w, map[string]string{"Code": reply.Code, "Message": "scripted", "RequestId": requestID()})
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
	if code := f.check(&s); code != "" {
		answer(w, map[string]string{"Code": code, "Message": code, "RequestId": requestID()})
		return
	}
	f.mu.Lock()
	s.BizID = fmt.Sprintf("%d^%d", 900000000+len(f.sends)+1, time.Now().UnixNano()%1e9)
	f.sends = append(f.sends, s)
	f.mu.Unlock()
	answer(w, map[string]string{"Code": "OK", "Message": "OK", "BizId": s.BizID, "RequestId": requestID()})
}

// check applies SendSms's business rules; it returns Aliyun's error code.
func (f *Fake) check(s *Send) string {
	switch {
	case s.Phone == "":
		return "isv.MOBILE_NUMBER_ILLEGAL"
	case s.SignName == "" || f.SignName != "" && s.SignName != f.SignName:
		return "isv.SMS_SIGNATURE_ILLEGAL"
	case s.TemplateCode == "" || f.Templates != nil && !f.Templates[s.TemplateCode]:
		return "isv.SMS_TEMPLATE_ILLEGAL"
	}
	if s.ParamJSON != "" && json.Unmarshal([]byte(s.ParamJSON), &s.Params) != nil {
		return "isv.INVALID_JSON_PARAM"
	}
	return ""
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
