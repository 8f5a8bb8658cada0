package sms_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
	"yuyue/sms"
	"yuyue/sms/aliyuntest"
	"yuyue/store/storetest"
)

const (
	aliKeyID     = "LTAI5tTestKeyId0000000"
	aliSecret    = "testSecret0123456789abcdefABCDEF"
	aliSign      = "深圳公安"
	aliPushToken = "38MNlBRvp4CKgwJiLwL2cU9Zd4NQnrr4P3"
)

var aliTemplates = templateCodes()

// templateCodes registers a code for every kind, SMS_1000nn.
func templateCodes() map[string]string {
	out := map[string]string{booking.MsgCode: "SMS_100001", booking.MsgConfirmation: "SMS_100002",
		booking.MsgReminder: "SMS_100003", booking.MsgCancellation: "SMS_100004", booking.MsgNoShow: "SMS_100005",
		booking.MsgBlacklist: "SMS_100006"}
	for i, k := range sms.ReplyKinds {
		out[k] = fmt.Sprintf("SMS_1001%02d", i)
	}
	return out
}

// kindOf is the kind a template code was registered for.
func kindOf(code string) string {
	for k, c := range aliTemplates {
		if c == code {
			return k
		}
	}
	return ""
}

// aliyunEnv is a store, the fake Aliyun API, a worker sending through the
// SDK and our push endpoints on a real listener.
type aliyunEnv struct {
	*storetest.Env
	fake   *aliyuntest.Fake
	worker *sms.Worker
	base   string // our server
	// loseAnswers is how many more push answers are replaced by a 502
	// after the handler ran, as a proxy timing out would.
	loseAnswers atomic.Int32
}

func newAliyunEnv(t testing.TB, secret string) *aliyunEnv {
	t.Helper()
	e := storetest.NewEnv(t)
	fake := aliyuntest.New(aliKeyID, aliSecret)
	t.Cleanup(fake.Close)
	fake.SignName = aliSign
	fake.Templates = map[string]bool{}
	for _, c := range aliTemplates {
		fake.Templates[c] = true
	}
	fake.RetryDelays = []time.Duration{10 * time.Millisecond, 20 * time.Millisecond, 30 * time.Millisecond}
	sender, err := sms.NewAliyunSender(sms.AliyunOptions{AccessKeyID: aliKeyID, AccessKeySecret: secret, SignName: aliSign,
		Endpoint: fake.URL, Templates: aliTemplates, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	w := &sms.Worker{Svc: e.Svc, Sender: sender, Log: log, Now: e.Clock.Now, Rate: 1000, Concurrency: 2,
		MaxAttempts: 3, RetryBase: time.Second, Poll: time.Second}
	a := &aliyunEnv{Env: e, fake: fake, worker: w}
	app := fiber.New(fiber.Config{Immutable: true, DisableStartupMessage: true})
	app.Use(func(c *fiber.Ctx) error {
		err := c.Next()
		if a.loseAnswers.Add(-1) >= 0 {
			c.Response().Reset()
			return c.SendStatus(fiber.StatusBadGateway)
		}
		return err
	})
	(&sms.AliyunPush{Commands: &sms.Inbound{Svc: e.Svc, Log: log}, Token: aliPushToken, Log: log}).Mount(app)
	a.base = listen(t, app)
	return a
}

func listen(t testing.TB, app *fiber.App) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	t.Cleanup(func() { app.Shutdown() })
	return "http://" + ln.Addr().String()
}

func (a *aliyunEnv) drain(t *testing.T) {
	t.Helper()
	if _, err := a.worker.Drain(ctx); err != nil {
		t.Fatal(err)
	}
}

func (a *aliyunEnv) rows(t *testing.T) []booking.OutboxRow {
	t.Helper()
	var rows []booking.OutboxRow
	err := a.View(ctx, func(tx booking.Tx) (err error) { rows, err = tx.OutboxRows("", 100); return err })
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func (a *aliyunEnv) up(content string, seq int64, phone string) []aliyuntest.Attempt {
	return a.fake.PushUp(a.base+"/aliyun/sms/up/"+aliPushToken, aliyuntest.Up{PhoneNumber: strings.TrimPrefix(phone, "+86"),
		Content: content, SendTime: "2026-11-30 10:00:00", DestCode: "1234", SequenceID: seq})
}

func TestAliyunConfirmationThroughSDK(t *testing.T) {
	a := newAliyunEnv(t, aliSecret)
	c := a.Citizen(t, 1)
	b := a.Book(t, c, a.Place(t, "FT01", "newborn", "2026-12-03", "14:00"))
	a.drain(t)
	sends := a.fake.SendsTo(strings.TrimPrefix(c.Phone, "+86"))
	if len(sends) != 1 {
		t.Fatalf("sends: %+v", a.fake.Sends())
	}
	s := sends[0]
	if s.SignName != aliSign || s.TemplateCode != aliTemplates[booking.MsgConfirmation] || s.Params["ref"] != b.Reference ||
		s.Params["time"] != "12月3日(周四)14:00-15:00" || s.Params["office"] != "福田派出所户政室" {
		t.Fatalf("SendSms got %+v", s)
	}
	rows := a.rows(t)
	if rows[0].Status != "sent" || rows[0].ProviderID != s.BizID || s.OutID == "" || s.OutID != jsonID(rows[0].ID) {
		t.Fatalf("row %+v, send %+v", rows[0], s)
	}
	for k := range s.Params {
		if !strings.Contains(sms.Templates[booking.MsgConfirmation].Text, "${"+k+"}") {
			t.Fatalf("param %s is not in the template", k)
		}
	}
}

func jsonID(id int64) string { b, _ := json.Marshal(id); return string(b) }

// The fake checks the SDK's signature: a wrong secret is refused and the
// message is failed, not sent.
func TestAliyunWrongSecretRefusedBySignatureCheck(t *testing.T) {
	a := newAliyunEnv(t, "notTheSecret0123456789abcdefABCD")
	a.Citizen(t, 2)
	if err := a.InTx(ctx, func(tx booking.Tx) error {
		return tx.Enqueue(booking.Message{To: storetest.Phone(2), Kind: booking.MsgCode, Params: map[string]string{"code": "123456"}})
	}); err != nil {
		t.Fatal(err)
	}
	a.drain(t)
	rows := a.rows(t)
	if len(a.fake.Sends()) != 0 || a.fake.Requests() != 1 || rows[0].Status != "failed" || !strings.Contains(rows[0].LastError, "SignatureDoesNotMatch") {
		t.Fatalf("sends %d requests %d row %+v", len(a.fake.Sends()), a.fake.Requests(), rows[0])
	}
}

// Aliyun throttling or a 5xx is retried later, never counted as sent.
func TestAliyunServerErrorRetried(t *testing.T) {
	a := newAliyunEnv(t, aliSecret)
	a.fake.Script(aliyuntest.Reply{Status: 503})
	a.Citizen(t, 3)
	a.InTx(ctx, func(tx booking.Tx) error {
		return tx.Enqueue(booking.Message{To: storetest.Phone(3), Kind: booking.MsgCode, Params: map[string]string{"code": "654321"}})
	})
	a.drain(t)
	if rows := a.rows(t); rows[0].Status != "pending" || len(a.fake.Sends()) != 0 {
		t.Fatalf("after 503: %+v", rows[0])
	}
	a.Clock.Advance(time.Minute)
	a.drain(t)
	if rows := a.rows(t); rows[0].Status != "sent" || len(a.fake.Sends()) != 1 || a.fake.Sends()[0].Params["code"] != "654321" {
		t.Fatalf("after retry: %+v %+v", rows[0], a.fake.Sends())
	}
}
