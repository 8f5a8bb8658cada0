package ivr_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
	"yuyue/ivr"
	"yuyue/sms"
	"yuyue/sms/twiliotest"
	"yuyue/store/storetest"
	"yuyue/webhook"
)

const (
	accountSID = "ACtest00000000000000000000000000"
	authToken  = "testauthtoken0123456789abcdef01"
	publicURL  = "https://yuyue.test"
	operator   = "sip:114agents@pbx.test"
	trunkID    = "+8675500000114" // the 114 trunk's number: callerId of transfers
)

var ctx = context.Background()

type harness struct {
	t      testing.TB
	e      *storetest.Env
	app    *fiber.App
	fake   *twiliotest.Fake
	worker *sms.Worker
	codes  *booking.Codes // tests may change its Rules before dialling
	calls  int

	mkApp func(*booking.Service) *fiber.App // another node's app (nodes_test.go)
	apps  []*fiber.App                      // when set, webhooks go round-robin to these
	sent  atomic.Int64
}

func newHarness(t testing.TB, withOperator bool, catalogYAML ...string) *harness {
	t.Helper()
	e := storetest.NewEnv(t, catalogYAML...)
	fake := twiliotest.New(accountSID, authToken)
	t.Cleanup(fake.Close)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	sender, err := sms.NewTwilioSender(sms.TwilioOptions{AccountSID: accountSID, AuthToken: authToken, From: "+14155550100",
		APIURL: fake.URL, PublicURL: publicURL, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	// One sender at a time: the fake then receives messages in outbox
	// order, so the last code it holds for a number is the newest code
	// issued (two concurrent sends of an old and a new code could arrive
	// the other way round, and a test would type the replaced one).
	w := &sms.Worker{Svc: e.Svc, Sender: sender, Log: log, Now: e.Clock.Now, Rate: 1000, Concurrency: 1,
		MaxAttempts: 3, RetryBase: time.Second, Poll: time.Second}
	codes := &booking.Codes{Svc: e.Svc, Key: []byte("k"), Rules: booking.CodeRules{TTL: 5 * time.Minute, Attempts: 5,
		ResendAfter: time.Minute, PerHour: 50, PerDay: 100, PerCallerDay: 100}}
	voice := ivr.Voice{ZHLanguage: "cmn-CN", ZHVoice: "Polly.Zhiyu", ENLanguage: "en-US", ENVoice: "Polly.Joanna",
		SpeechLanguage: "cmn-Hans-CN", Timeout: 6, ElderAge: 65}
	if withOperator {
		voice.Operator = ivr.Transfer{Kind: ivr.TransferSIP, Address: operator, CallerID: trunkID, Timeout: 30}
	}
	app := newApp(t, e.Svc, codes, voice, log)
	mk := func(svc *booking.Service) *fiber.App {
		c := *codes // another node: its own service, the rules as they are now
		c.Svc = svc
		return newApp(t, svc, &c, voice, log)
	}
	return &harness{t: t, e: e, app: app, fake: fake, worker: w, codes: codes, mkApp: mk}
}

// newApp is one node's voice webhooks on svc.
func newApp(t testing.TB, svc *booking.Service, codes *booking.Codes, voice ivr.Voice, log *slog.Logger) *fiber.App {
	t.Helper()
	v, err := ivr.New(svc, codes, voice, publicURL, make([]byte, 32), log)
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New(fiber.Config{Immutable: true})
	g := app.Group("/twilio", webhook.Verify(publicURL, authToken))
	g.Post("/voice", v.VoiceHook)
	g.Post("/voice/gather", v.GatherHook)
	g.Post("/voice/status", v.StatusHook)
	g.Post("/voice/dial", v.DialHook)
	return app
}

// post sends a signed Twilio form to path and returns status and body.
func (h *harness) post(path string, form url.Values) (int, string) {
	h.t.Helper()
	return h.do(h.t, path, form)
}

// do is post for a given test (fuzz functions get their own t).
func (h *harness) do(t testing.TB, path string, form url.Values) (int, string) {
	t.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", webhook.Sign(authToken, publicURL+path, form))
	app := h.app
	if len(h.apps) > 0 { // several nodes behind a balancer without affinity
		app = h.apps[int(h.sent.Add(1)-1)%len(h.apps)]
	}
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// phone is one simulated call.
type phone struct {
	h        *harness
	sid      string
	from     string
	action   string // path+query of the current <Gather> action
	dial     string // path+query of the current <Dial> action
	finish   string // the current <Gather>'s finishOnKey
	digits   int    // the current <Gather>'s numDigits (0 = unlimited)
	waited   bool   // the last press waited for the gather's timeout
	said     string // everything <Say> said in the last response
	xml      string
	history  []request
	heardAll []string // everything said during the call
	sentAt   int      // how many SMS the fake held when the call began
}

type request struct {
	path string
	form url.Values
}

func (h *harness) dial(from string) *phone {
	h.calls++
	p := &phone{h: h, sid: "CA" + strings.Repeat("0", 28) + string(rune('a'+h.calls/26)) + string(rune('a'+h.calls%26)), from: from,
		sentAt: len(h.fake.Messages())}
	p.send("/twilio/voice", url.Values{})
	return p
}

func (p *phone) form(extra url.Values) url.Values {
	f := url.Values{"CallSid": {p.sid}, "AccountSid": {accountSID}, "From": {p.from}, "To": {"+8675500000000"},
		"CallStatus": {"in-progress"}, "Direction": {"inbound"}}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

func (p *phone) send(path string, extra url.Values) {
	p.h.t.Helper()
	f := p.form(extra)
	p.history = append(p.history, request{path, f})
	code, xml := p.h.post(path, f)
	if code != 200 {
		p.h.t.Fatalf("%s: status %d: %s", path, code, xml)
	}
	p.xml = xml
	p.said, p.action = checkTwiML(p.h.t, xml)
	p.heardAll = append(p.heardAll, p.said)
	p.readGather(xml)
}

// press presses keys into the current gather and posts what Twilio would
// (see webhook.GatherDigits): "" is silence until the timeout, a lone #
// arrives as empty Digits.
func (p *phone) press(keys string) *phone {
	p.h.t.Helper()
	if p.action == "" {
		p.h.t.Fatalf("no gather to press %q into; last response:\n%s", keys, p.xml)
	}
	digits, waited := webhook.GatherDigits(keys, p.digits, p.finish)
	p.send(p.action, url.Values{"Digits": {digits}})
	p.waited = waited
	return p
}

// speak sends recognised speech to the current gather.
func (p *phone) speak(text string) *phone {
	p.h.t.Helper()
	p.send(p.action, url.Values{"SpeechResult": {text}, "Confidence": {"0.93"}})
	return p
}

func (p *phone) step() string {
	u, _ := url.Parse(p.action)
	return u.Query().Get("step")
}

func (p *phone) expect(step string, heard ...string) *phone {
	p.h.t.Helper()
	if p.step() != step {
		p.h.t.Fatalf("at step %q, want %q; heard: %s", p.step(), step, p.said)
	}
	p.heard(heard...)
	return p
}

func (p *phone) heard(parts ...string) *phone {
	p.h.t.Helper()
	for _, s := range parts {
		if !strings.Contains(p.said, s) {
			p.h.t.Fatalf("did not hear %q in: %s", s, p.said)
		}
	}
	return p
}

// hangup sends the call's status callback.
func (p *phone) hangup() {
	p.h.t.Helper()
	code, _ := p.h.post("/twilio/voice/status", p.form(url.Values{"CallStatus": {"completed"}, "CallDuration": {"42"}}))
	if code != 204 {
		p.h.t.Fatalf("status callback: %d", code)
	}
}

// verify passes the code step with the newest code this call had sent to
// phone.
func (p *phone) verify(phone string) *phone {
	p.h.t.Helper()
	return p.expect("code").press(p.code(phone))
}

var sixDigits = regexp.MustCompile(`验证码(\d{6})`)

// code is "the code sent to this phone" as a caller means it: the newest
// code SMS to phone sent since this call began (never one an earlier call
// triggered, which this call's code replaced).
func (p *phone) code(phone string) string {
	p.h.t.Helper()
	return p.h.newestCode(phone, p.sentAt)
}

// code delivers pending SMS through the fake Twilio API and returns the
// newest code sent to phone by any call.
func (h *harness) code(phone string) string {
	h.t.Helper()
	return h.newestCode(phone, 0)
}

// newestCode drains the outbox (one sender, so the fake holds messages in
// outbox order) and returns the last code to phone among the fake's
// messages from index from on.
func (h *harness) newestCode(phone string, from int) string {
	h.t.Helper()
	h.drain()
	ms := h.fake.Messages()
	for i := len(ms) - 1; i >= from; i-- {
		if m := sixDigits.FindStringSubmatch(ms[i].Body); ms[i].To == phone && m != nil {
			return m[1]
		}
	}
	h.t.Fatalf("no code SMS to %s since message %d", phone, from)
	return ""
}

func (h *harness) drain() {
	h.t.Helper()
	if _, err := h.worker.Drain(ctx); err != nil {
		h.t.Fatal(err)
	}
}

var twilioVerbs = map[string]bool{"Say": true, "Gather": true, "Dial": true, "Hangup": true,
	"Redirect": true, "Pause": true, "Play": true, "Reject": true}

// checkTwiML parses a response and enforces the contract: only Twilio
// verbs; every <Gather> has an action naming step and seq; every <Say> has
// voice and language. It returns what is said and the gather action.
func checkTwiML(t testing.TB, xml string) (said, action string) {
	t.Helper()
	doc := etree.NewDocument()
	if err := doc.ReadFromString(xml); err != nil {
		t.Fatalf("unparseable TwiML: %v\n%s", err, xml)
	}
	root := doc.Root()
	if root == nil || root.Tag != "Response" {
		t.Fatalf("TwiML root is not <Response>:\n%s", xml)
	}
	if bad := twimlViolations(root); len(bad) > 0 {
		t.Fatalf("TwiML breaks Twilio's rules:\n  %s\n%s", strings.Join(bad, "\n  "), xml)
	}
	var texts []string
	for _, el := range root.ChildElements() {
		if !twilioVerbs[el.Tag] {
			t.Fatalf("not a Twilio verb: <%s>\n%s", el.Tag, xml)
		}
		says := []*etree.Element{el}
		if el.Tag == "Gather" {
			a := el.SelectAttrValue("action", "")
			u, err := url.Parse(a)
			if err != nil || !strings.HasPrefix(a, publicURL+"/twilio/voice/gather?") || u.Query().Get("step") == "" || u.Query().Get("seq") == "" {
				t.Fatalf("gather action %q lacks step and seq", a)
			}
			action = strings.TrimPrefix(a, publicURL)
			says = el.ChildElements()
		}
		for _, s := range says {
			if s.Tag != "Say" {
				continue
			}
			if s.SelectAttrValue("voice", "") == "" || s.SelectAttrValue("language", "") == "" {
				t.Fatalf("<Say> without voice or language:\n%s", xml)
			}
			texts = append(texts, sayText(s))
		}
	}
	return strings.Join(texts, " "), action
}

func bookingCount(t testing.TB, e *storetest.Env, f booking.BookingFilter) int {
	bs, err := e.Svc.Bookings(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	return len(bs)
}

// checkTwiMLQuiet is checkTwiML for goroutines: no t.Fatal.
func checkTwiMLQuiet(xml string) (said, action string) {
	doc := etree.NewDocument()
	if doc.ReadFromString(xml) != nil || doc.Root() == nil {
		return "unparseable", ""
	}
	for _, el := range doc.Root().ChildElements() {
		if el.Tag == "Gather" {
			action = el.SelectAttrValue("action", "")
			for _, s := range el.ChildElements() {
				said += sayText(s)
			}
		} else if el.Tag == "Say" {
			said += sayText(el)
		}
	}
	return said, action
}
