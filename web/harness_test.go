package web_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/crypto/bcrypt"

	"yuyue/api"
	"yuyue/booking"
	"yuyue/ivr"
	"yuyue/operator"
	"yuyue/present"
	"yuyue/sms"
	"yuyue/store/storetest"
	"yuyue/web"
	"yuyue/webhook"
)

var ctx = context.Background()

const (
	password  = "a-long-secret"
	authToken = "testauthtoken0123456789abcdef01"
	publicURL = "https://yuyue.test"
)

// env is the whole service on one Fiber app: the site, the API, the
// console and the IVR webhooks, on a real SQLite file with a test clock.
type env struct {
	*storetest.Env
	t      *testing.T
	app    *fiber.App
	worker *sms.Worker
	codes  *booking.Codes // tests may change its Rules
	base   string
}

// newEnv builds the service; secure (optional) is a https public_url.
func newEnv(t *testing.T, limits present.Limits, secure ...bool) *env {
	t.Helper()
	e := storetest.NewEnv(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	codes := &booking.Codes{Svc: e.Svc, Key: []byte("k"), Rules: booking.CodeRules{TTL: 5 * time.Minute, Attempts: 5,
		ResendAfter: time.Minute, PerHour: 50, PerDay: 100, PerCallerDay: 1000}}
	w := &sms.Worker{Svc: e.Svc, Sender: &sms.DevSender{Svc: e.Svc, Log: log, Now: e.Clock.Now}, Log: log,
		Now: e.Clock.Now, Rate: 1000, Concurrency: 1, MaxAttempts: 3, RetryBase: time.Second, Poll: time.Second}
	pol := booking.DefaultAccountPolicy()
	pol.Cost = bcrypt.MinCost
	ac := &booking.Accounts{Svc: e.Svc, Codes: codes, Policy: pol}
	app := fiber.New(fiber.Config{Immutable: true, DisableStartupMessage: true})
	site, err := web.New(ac, codes, log, len(secure) > 0 && secure[0], limits)
	if err != nil {
		t.Fatal(err)
	}
	site.Mount(app)
	api.New(ac, codes, log, limits).Mount(app)
	console, err := operator.New(e.Svc, codes, log, true, false)
	if err != nil {
		t.Fatal(err)
	}
	console.Mount(app)
	operator.PasswordCost = bcrypt.MinCost
	for _, a := range [][2]string{{"op1", booking.RoleOperator}, {"admin1", booking.RoleAdmin}} {
		if _, err := operator.AddOperator(e.Svc, a[0], a[1], "", password); err != nil {
			t.Fatal(err)
		}
	}
	v, err := ivr.New(e.Svc, codes, ivr.Voice{ZHLanguage: "cmn-CN", ZHVoice: "Polly.Zhiyu", ENLanguage: "en-US",
		ENVoice: "Polly.Joanna", SpeechLanguage: "cmn-Hans-CN", Timeout: 6}, publicURL, make([]byte, 32), log)
	if err != nil {
		t.Fatal(err)
	}
	tw := app.Group("/twilio", webhook.Verify(publicURL, authToken))
	tw.Post("/voice", v.VoiceHook)
	tw.Post("/voice/gather", v.GatherHook)
	return &env{Env: e, t: t, app: app, worker: w, codes: codes}
}

var roomy = present.Limits{IPRate: 1000, IPBurst: 1000, AccountRate: 1000, AccountBurst: 1000, MaxBody: 16 << 10}

// listen serves the app on 127.0.0.1.
func (e *env) listen() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.t.Fatal(err)
	}
	go e.app.Listener(ln)
	e.t.Cleanup(func() { e.app.ShutdownWithTimeout(time.Second) })
	e.base = "http://" + ln.Addr().String()
	return e.base
}

var codeRe = regexp.MustCompile(`验证码(\d{6})`)

// code sends the outbox and reads the newest code in the development inbox.
func (e *env) code(phone string) string {
	e.t.Helper()
	if _, err := e.worker.Drain(ctx); err != nil {
		e.t.Fatal(err)
	}
	var ms []booking.DevMessage
	e.View(ctx, func(tx booking.Tx) (err error) { ms, err = tx.DevMessages(phone, 20); return err })
	for _, m := range ms {
		if m.Kind == booking.MsgCode {
			return codeRe.FindStringSubmatch(m.Body)[1]
		}
	}
	e.t.Fatalf("no code in the development inbox for %s", phone)
	return ""
}

var actionRe = regexp.MustCompile(`action="([^"]+)"`)

// ivrQuery calls the IVR from phone, asks for the bookings (menu 2), enters
// the code and returns what the IVR said.
func (e *env) ivrQuery(phone string) string {
	e.t.Helper()
	sid := "CA00000000000000000000000000web1"
	post := func(path string, extra url.Values) string {
		f := url.Values{"CallSid": {sid}, "AccountSid": {"ACtest"}, "From": {phone}, "To": {"+8675500000000"},
			"CallStatus": {"in-progress"}, "Direction": {"inbound"}}
		for k, v := range extra {
			f[k] = v
		}
		req := httptest.NewRequest("POST", path, strings.NewReader(f.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Twilio-Signature", webhook.Sign(authToken, publicURL+path, f))
		res, err := e.app.Test(req, -1)
		if err != nil || res.StatusCode != 200 {
			e.t.Fatalf("ivr %s: %v %v", path, err, res)
		}
		b, _ := io.ReadAll(res.Body)
		return string(b)
	}
	next := func(xml string) string {
		m := actionRe.FindStringSubmatch(xml)
		if m == nil {
			e.t.Fatalf("no gather in %s", xml)
		}
		return strings.ReplaceAll(m[1], "&amp;", "&")
	}
	xml := post("/twilio/voice", nil)
	xml = post(next(xml), url.Values{"Digits": {"2"}})
	return post(next(xml), url.Values{"Digits": {e.code(phone)}})
}
