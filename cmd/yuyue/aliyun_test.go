package main

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"

	"yuyue/sms"
	"yuyue/sms/aliyuntest"
	"yuyue/store/storetest"
	"yuyue/webhook"
)

const (
	e2eSID     = "ACe2e00000000000000000000000000000"
	e2eToken   = "e2etoken0123456789abcdef0123456"
	e2ePublic  = "https://yuyue.example.cn"
	e2eKeyID   = "LTAI5tE2EKey000000000000"
	e2eSecret  = "e2eSecret0123456789abcdefABCDEF"
	e2eSign    = "深圳公安"
	e2ePushTok = "Gksmfo6SgBeo5rGYJliff79fNfcTOSbnc9"
)

var e2eTemplates = func() map[string]string {
	out := map[string]string{"code": "SMS_200001", "confirmation": "SMS_200002", "reminder": "SMS_200003",
		"cancellation": "SMS_200004", "noshow": "SMS_200005", "blacklist": "SMS_200006",
		"closure_cancel": "SMS_200007", "closure_move": "SMS_200008",
		"rescheduled": "SMS_200009", "waitlist_offer": "SMS_200010",
		"closure_wait_ended": "SMS_200011", "closure_offer_withdrawn": "SMS_200012"}
	for i, k := range sms.ReplyKinds {
		out[k] = fmt.Sprintf("SMS_2001%02d", i)
	}
	return out
}()

// startAliyunServer runs `yuyue serve` with sms.provider=aliyun against a
// fake Aliyun API and returns the server's URL and the fake.
func startAliyunServer(t *testing.T) (*running, *aliyuntest.Fake) {
	t.Helper()
	fake := aliyuntest.New(e2eKeyID, e2eSecret)
	t.Cleanup(fake.Close)
	fake.SignName = e2eSign
	fake.Templates = map[string]bool{}
	fake.RetryDelays = []time.Duration{20 * time.Millisecond}
	env := map[string]string{
		"YUYUE_TWILIO_ACCOUNT_SID": e2eSID, "YUYUE_TWILIO_AUTH_TOKEN": e2eToken, "YUYUE_PUBLIC_URL": e2ePublic,
		"YUYUE_SECRET_KEY": "q7Vn2LxR9sKw4ZpT6bYh3JdM8cFg5AeU", "YUYUE_SMS_PROVIDER": "aliyun", "YUYUE_SMS_POLL_INTERVAL": "50ms",
		"YUYUE_ALIYUN_ACCESS_KEY_ID": e2eKeyID, "YUYUE_ALIYUN_ACCESS_KEY_SECRET": e2eSecret, "YUYUE_ALIYUN_SIGN_NAME": e2eSign,
		"YUYUE_ALIYUN_ENDPOINT": fake.URL, "YUYUE_ALIYUN_PUSH_TOKEN": e2ePushTok, "YUYUE_JOBS_ENABLED": "false",
	}
	for kind, code := range e2eTemplates {
		env["YUYUE_ALIYUN_TEMPLATES_"+strings.ToUpper(kind)] = code
		fake.Templates[code] = true
	}
	return startServer(t, testEnv(t, env)), fake
}

// caller answers the IVR by the step each <Gather> names, so the test
// follows the call whatever order the steps come in.
type caller struct {
	t          *testing.T
	base, from string
	fake       *aliyuntest.Fake
	sid        string
	said       string
}

func (c *caller) post(path string, extra url.Values) string {
	c.t.Helper()
	form := url.Values{"CallSid": {c.sid}, "AccountSid": {e2eSID}, "From": {c.from}, "To": {"+8675500000114"},
		"CallStatus": {"in-progress"}, "Direction": {"inbound"}}
	for k, v := range extra {
		form[k] = v
	}
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", webhook.Sign(e2eToken, e2ePublic+path, form))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		c.t.Fatalf("%s: %d %s", path, resp.StatusCode, b)
	}
	return string(b)
}

// next returns the gather action of a TwiML answer and what it says.
func next(t *testing.T, xml string) (string, string) {
	doc := etree.NewDocument()
	if err := doc.ReadFromString(xml); err != nil {
		t.Fatalf("not TwiML: %s", xml)
	}
	action, said := "", ""
	for _, el := range doc.FindElements("//Say") {
		said += el.Text()
	}
	if g := doc.FindElement("//Gather"); g != nil {
		action = strings.TrimPrefix(g.SelectAttrValue("action", ""), e2ePublic)
	}
	return action, said
}

// code waits for the code SendSms to this caller and returns its param.
func (c *caller) code(used map[string]bool) string {
	c.t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		for _, s := range c.fake.SendsTo(strings.TrimPrefix(c.from, "+86")) {
			if s.TemplateCode == e2eTemplates["code"] && !used[s.BizID] {
				used[s.BizID] = true
				return s.Params["code"]
			}
		}
	}
	c.t.Fatal("no code SendSms arrived")
	return ""
}

// book calls in, registers with the ID and books the first business at the
// first office on the second date (its cancel deadline is always ahead).
func (c *caller) book(id string) {
	c.t.Helper()
	answers := map[string]string{"menu": "1", "id_number": id, "name_confirm": "1", "phone_choice": "1", "mode": "1",
		"business": "1", "district": "1", "office": "1", "notice": "1", "date": "2", "period": "1", "confirm": "1"}
	used := map[string]bool{}
	action, said := next(c.t, c.post("/twilio/voice", nil))
	for i := 0; action != ""; i++ {
		if i > 40 {
			c.t.Fatalf("call does not end; last heard: %s", said)
		}
		u, _ := url.Parse(action)
		step := u.Query().Get("step")
		form := url.Values{}
		switch step {
		case "name":
			form.Set("SpeechResult", "张三")
			form.Set("Confidence", "0.9")
		case "code":
			form.Set("Digits", c.code(used))
		default:
			d, ok := answers[step]
			if !ok {
				c.t.Fatalf("no answer for step %q; heard: %s", step, said)
			}
			form.Set("Digits", d)
		}
		action, said = next(c.t, c.post(action, form))
	}
	c.said = said
}

func (c *caller) waitFor(kind string, n int) []aliyuntest.Send {
	c.t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		var got []aliyuntest.Send
		for _, s := range c.fake.SendsTo(strings.TrimPrefix(c.from, "+86")) {
			if s.TemplateCode == e2eTemplates[kind] {
				got = append(got, s)
			}
		}
		if len(got) >= n {
			return got
		}
	}
	c.t.Fatalf("fewer than %d %s messages: %+v", n, kind, c.fake.Sends())
	return nil
}

// A whole IVR booking with Aliyun as the provider, then CX and QX replies
// pushed as Aliyun pushes them.
func TestServeAliyunBookingAndReplies(t *testing.T) {
	srv, fake := startAliyunServer(t)
	base := srv.base
	c := &caller{t: t, base: base, from: storetest.Phone(7), fake: fake, sid: "CA" + strings.Repeat("7", 32)}
	c.book(strings.ReplaceAll(storetest.ID(7), "X", "*"))
	if !strings.Contains(c.said, "预约成功") {
		t.Fatalf("booking did not succeed: %s", c.said)
	}
	conf := c.waitFor("confirmation", 1)[0]
	ref := conf.Params["ref"]
	if conf.SignName != e2eSign || len(ref) < 8 || conf.Params["business"] != "新生儿入户" || conf.OutID == "" {
		t.Fatalf("confirmation SendSms: %+v", conf)
	}
	codes := c.waitFor("code", 1)
	if codes[0].SignName != e2eSign || len(codes[0].Params["code"]) != 6 || len(codes[0].Params) != 1 {
		t.Fatalf("code SendSms: %+v", codes[0])
	}

	up := base + "/aliyun/sms/up/" + e2ePushTok
	// Aliyun's console checks both URLs with a GET before saving them.
	for _, u := range []string{up, base + "/aliyun/sms/report/" + e2ePushTok} {
		if code, body := get(t, u); code != 200 || body != `{"code":0,"msg":"成功"}` {
			t.Fatalf("GET %s: %d %s", u, code, body)
		}
	}
	if code, _ := get(t, base+"/aliyun/sms/report/"+strings.ToLower(e2ePushTok)); code != 403 {
		t.Fatalf("GET with a wrong token: %d", code)
	}
	phone := strings.TrimPrefix(c.from, "+86")
	if at := fake.PushUp(up, aliyuntest.Up{PhoneNumber: phone, Content: "CX", SequenceID: 5001}); !at[0].Accepted {
		t.Fatalf("CX push: %+v", at)
	}
	if r := c.waitFor(sms.ReplyBooking, 1)[0].Params; r["ref"] != ref || r["business"] != "新生儿入户" {
		t.Fatalf("CX reply does not list the booking %s: %v", ref, r)
	}
	for range 2 {
		if at := fake.PushUp(up, aliyuntest.Up{PhoneNumber: phone, Content: "ＱＸ", SequenceID: 5002}); !at[0].Accepted {
			t.Fatalf("QX push: %+v", at)
		}
	}
	notice := c.waitFor("cancellation", 1)
	replies := c.waitFor(sms.ReplyCancelled, 1)
	if notice[0].Params["ref"] != ref || replies[0].Params["ref"] != ref {
		t.Fatalf("cancellation %+v, replies %+v", notice, replies)
	}
	time.Sleep(300 * time.Millisecond) // a second notice or reply would have left by now
	if n, r := len(c.waitFor("cancellation", 1)), len(c.waitFor(sms.ReplyCancelled, 1)); n != 1 || r != 1 {
		t.Fatalf("%d cancellation notices and %d replies after QX pushed twice", n, r)
	}
	if at := aliyuntest.PushOnce(base+"/aliyun/sms/up/not-the-token", []byte(`[]`)); at.Status != 403 {
		t.Fatalf("forged push: %+v", at)
	}
}

// A template code missing for a kind the service sends stops start-up
// naming the key and its variable.
func TestAliyunMissingTemplateStopsStartup(t *testing.T) {
	env := map[string]string{
		"YUYUE_TWILIO_ACCOUNT_SID": e2eSID, "YUYUE_TWILIO_AUTH_TOKEN": e2eToken, "YUYUE_PUBLIC_URL": e2ePublic,
		"YUYUE_SECRET_KEY": "q7Vn2LxR9sKw4ZpT6bYh3JdM8cFg5AeU", "YUYUE_SMS_PROVIDER": "aliyun",
		"YUYUE_ALIYUN_ACCESS_KEY_ID": e2eKeyID, "YUYUE_ALIYUN_ACCESS_KEY_SECRET": e2eSecret, "YUYUE_ALIYUN_SIGN_NAME": e2eSign,
		"YUYUE_ALIYUN_PUSH_TOKEN": e2ePushTok,
	}
	for kind, code := range e2eTemplates {
		if kind != "reply_help" {
			env["YUYUE_ALIYUN_TEMPLATES_"+strings.ToUpper(kind)] = code
		}
	}
	e := testEnv(t, env)
	e.stdin, e.stdout, e.stderr = strings.NewReader(""), io.Discard, io.Discard
	err := run(t.Context(), []string{"serve"}, e)
	if err == nil || !strings.Contains(err.Error(), "aliyun.templates.reply_help") || !strings.Contains(err.Error(), "YUYUE_ALIYUN_TEMPLATES_REPLY_HELP") {
		t.Fatalf("err = %v, want aliyun.templates.reply_help named", err)
	}
	if strings.Contains(err.Error(), "aliyun.templates.code") {
		t.Fatalf("a configured template named as missing: %v", err)
	}
}

// Aliyun refusing every send for the account (balance) shows on /readyz as
// a warning and in the metric the alert watches; the next send that goes
// through clears both.
func TestServeAliyunBalanceShowsOnReadyzAndMetrics(t *testing.T) {
	srv, fake := startAliyunServer(t)
	up := srv.base + "/aliyun/sms/up/" + e2ePushTok
	fake.NoBalance = true
	if at := fake.PushUp(up, aliyuntest.Up{PhoneNumber: "13900009999", Content: "CX", SequenceID: 9101}); !at[0].Accepted {
		t.Fatalf("push: %+v", at)
	}
	waitBody(t, srv.base+"/readyz", "isv.AMOUNT_NOT_ENOUGH", 200)
	waitBody(t, srv.admin+"/metrics", "yuyue_sms_provider_account_blocked 1", 200)
	fake.NoBalance = false
	if at := fake.PushUp(up, aliyuntest.Up{PhoneNumber: "13900009999", Content: "CX", SequenceID: 9102}); !at[0].Accepted {
		t.Fatalf("push: %+v", at)
	}
	waitBody(t, srv.admin+"/metrics", "yuyue_sms_provider_account_blocked 0", 200)
	if code, body := get(t, srv.base+"/readyz"); code != 200 || strings.Contains(body, "AMOUNT_NOT_ENOUGH") {
		t.Fatalf("/readyz after a send went through: %d %s", code, body)
	}
}

// waitBody polls url until its body holds want (the outbox sends in the
// background), then checks the status.
func waitBody(t *testing.T, url, want string, status int) {
	t.Helper()
	var code int
	var body string
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if code, body = get(t, url); strings.Contains(body, want) {
			if code != status {
				t.Fatalf("%s = %d, want %d: %s", url, code, status, body)
			}
			return
		}
	}
	t.Fatalf("%s never said %q: %d %s", url, want, code, body)
}
