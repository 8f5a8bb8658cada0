package sms_test

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
	"yuyue/sms"
	"yuyue/store/storetest"
	"yuyue/webhook"
)

func smsApp(e *storetest.Env) *fiber.App {
	app := fiber.New()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	g := app.Group("/twilio", webhook.Verify(publicURL, authToken))
	g.Post("/sms", (&sms.Inbound{Svc: e.Svc, Log: log}).Handle)
	g.Post("/sms/status", (&sms.Status{Svc: e.Svc, Log: log}).Handle)
	return app
}

// post sends a Twilio-shaped form, signed unless sig is given.
func post(t *testing.T, app *fiber.App, path string, form url.Values, sig ...string) (int, string) {
	t.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if len(sig) == 0 {
		req.Header.Set("X-Twilio-Signature", webhook.Sign(authToken, publicURL+path, form))
	} else if sig[0] != "" {
		req.Header.Set("X-Twilio-Signature", sig[0])
	}
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var sidSeq int

func inboundForm(from, body string) url.Values {
	sidSeq++
	return url.Values{"MessageSid": {"SM" + strings.Repeat("0", 30) + string(rune('a'+sidSeq%26)) + string(rune('a'+sidSeq/26%26))},
		"AccountSid": {accountSID}, "From": {from}, "To": {smsFrom}, "Body": {body}, "NumMedia": {"0"}}
}

// replyText parses the TwiML and returns the one <Message> body.
func replyText(t *testing.T, xml string) string {
	t.Helper()
	doc := etree.NewDocument()
	if err := doc.ReadFromString(xml); err != nil {
		t.Fatalf("reply is not XML: %v\n%s", err, xml)
	}
	msgs := doc.FindElements("/Response/Message")
	if doc.Root() == nil || doc.Root().Tag != "Response" || len(msgs) != 1 || len(doc.Root().ChildElements()) != 1 {
		t.Fatalf("reply is not TwiML with one <Message>:\n%s", xml)
	}
	return msgs[0].Text()
}

func TestInboundCommands(t *testing.T) {
	e := storetest.NewEnv(t)
	app := smsApp(e)
	c := e.Citizen(t, 1)
	b1 := e.Book(t, c, e.Place(t, "FT01", "newborn", "2026-12-03", "14:00"))
	b2 := e.Book(t, c, e.Place(t, "FT01", "idcard", "2026-12-04", "09:00"))
	say := func(body string) string {
		code, xml := post(t, app, "/twilio/sms", inboundForm(c.Phone, body))
		if code != 200 {
			t.Fatalf("%q: status %d", body, code)
		}
		return replyText(t, xml)
	}
	for _, body := range []string{"CX", "查询", "ｃｘ"} {
		if r := say(body); !strings.Contains(r, b1.Reference) || !strings.Contains(r, b2.Reference) {
			t.Errorf("%q: %s", body, r)
		}
	}
	for _, body := range []string{"2", "QX", "ＱＸ", "取消"} {
		if r := say(body); !strings.Contains(r, "2个有效预约") || !strings.Contains(r, "QX") {
			t.Errorf("%q with two bookings must list them: %s", body, r)
		}
	}
	if r := say("取消 " + b2.Reference); !strings.Contains(r, "已取消") {
		t.Fatalf("取消 <ref>: %s", r)
	}
	if got, _ := e.Svc.Booking(ctx, b2.ID); got.Status != booking.StatusCancelled {
		t.Fatalf("booking not cancelled: %s", got.Status)
	}
	for _, body := range []string{"1", "QR", "确认", "１"} {
		if r := say(body); !strings.Contains(r, "已确认到场") {
			t.Errorf("%q: %s", body, r)
		}
	}
	if got, _ := e.Svc.Booking(ctx, b1.ID); !got.Attending {
		t.Error("attendance not recorded")
	}
	if r := say("TD"); !strings.Contains(r, "已停止发送预约提醒") {
		t.Errorf("TD: %s", r)
	}
	if cz, _ := e.Svc.Citizen(ctx, c.ID); !cz.NoReminders {
		t.Error("TD did not stop reminders")
	}
	for _, body := range []string{"hello", "", "12", "QX abc"} {
		if r := say(body); !strings.Contains(r, "回复1确认到场") {
			t.Errorf("%q: want help, got %s", body, r)
		}
	}
	// a reference with a typo (its check digit fails) is no such booking
	typo := b1.Reference[:len(b1.Reference)-1] + string('0'+(b1.Reference[len(b1.Reference)-1]-'0'+1)%10)
	for _, body := range []string{"QX " + typo, "QX 123", "取消" + typo[:4]} {
		if r := say(body); !strings.Contains(r, "未找到该受理号") {
			t.Errorf("%q: want no such booking, got %s", body, r)
		}
	}
	if got, _ := e.Svc.Booking(ctx, b1.ID); got.Status != booking.StatusBooked {
		t.Fatal("a mistyped reference cancelled a booking")
	}
	// one booking left: QX alone cancels it
	if r := say("qx"); !strings.Contains(r, b1.Reference) || !strings.Contains(r, "已取消") {
		t.Errorf("qx with one booking: %s", r)
	}
	if r := say("QX"); !strings.Contains(r, "没有有效预约") {
		t.Errorf("QX with none: %s", r)
	}
	if r := replyText(t, mustPost(t, app, inboundForm(storetest.Phone(77), "CX"))); !strings.Contains(r, "未找到") {
		t.Errorf("unregistered sender: %s", r)
	}
}

func mustPost(t *testing.T, app *fiber.App, form url.Values) string {
	code, xml := post(t, app, "/twilio/sms", form)
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	return xml
}

func TestInboundCancelAfterDeadlineRefused(t *testing.T) {
	e := storetest.NewEnv(t)
	app := smsApp(e)
	c := e.Citizen(t, 1)
	b := e.Book(t, c, e.Place(t, "FT01", "newborn", "2026-12-03", "14:00"))
	e.Clock.Set(storetest.At("2026-12-02 18:00"))
	r := replyText(t, mustPost(t, app, inboundForm(c.Phone, "QX "+b.Reference)))
	if !strings.Contains(r, "已超过取消时限") || !strings.Contains(r, "18:00") {
		t.Fatalf("reply: %s", r)
	}
	if got, _ := e.Svc.Booking(ctx, b.ID); got.Status != booking.StatusBooked {
		t.Fatal("cancelled after the deadline")
	}
}

func TestInboundSameMessageSidOnce(t *testing.T) {
	e := storetest.NewEnv(t)
	app := smsApp(e)
	c := e.Citizen(t, 1)
	b1 := e.Book(t, c, e.Place(t, "FT01", "newborn", "2026-12-03", "14:00"))
	e.Book(t, c, e.Place(t, "FT01", "idcard", "2026-12-04", "09:00"))
	form := inboundForm(c.Phone, "QX "+b1.Reference)
	first := replyText(t, mustPost(t, app, form))
	// the booking is cancelled; a new booking of the business follows …
	b3 := e.Book(t, c, e.Place(t, "FT01", "newborn", "2026-12-07", "09:00"))
	// … and Twilio retries the same message: no second effect, same reply
	second := replyText(t, mustPost(t, app, form))
	if first != second {
		t.Fatalf("retry got another reply:\n%s\n%s", first, second)
	}
	if got, _ := e.Svc.Booking(ctx, b3.ID); got.Status != booking.StatusBooked {
		t.Fatal("the retried message had a second effect")
	}
	var cancels int
	e.QueryRow(`SELECT count(*) FROM outbox WHERE kind = 'cancellation'`).Scan(&cancels)
	if cancels != 1 {
		t.Fatalf("%d cancellation notices, want 1", cancels)
	}
}

func TestInboundForgedOrMissingSignature(t *testing.T) {
	e := storetest.NewEnv(t)
	app := smsApp(e)
	c := e.Citizen(t, 1)
	b := e.Book(t, c, e.Place(t, "FT01", "newborn", "2026-12-03", "14:00"))
	form := inboundForm(c.Phone, "QX "+b.Reference)
	forged := webhook.Sign("not-the-token", publicURL+"/twilio/sms", form)
	for _, sig := range []string{"", forged} {
		if code, _ := post(t, app, "/twilio/sms", form, sig); code != 403 {
			t.Fatalf("signature %q: %d, want 403", sig, code)
		}
	}
	if got, _ := e.Svc.Booking(ctx, b.ID); got.Status != booking.StatusBooked {
		t.Fatal("a forged request had an effect")
	}
	if code, _ := post(t, app, "/twilio/sms", url.Values{"Body": {"CX"}}); code != 400 {
		t.Fatalf("signed but malformed: %d, want 400", code)
	}
}

func TestStatusCallbacksOutOfOrder(t *testing.T) {
	e := storetest.NewEnv(t)
	fake := twiliotestNew(t)
	app := smsApp(e)
	w := newWorker(t, e, fake, time.Second, &lockedBuffer{})
	e.Book(t, e.Citizen(t, 1), e.Place(t, "FT01", "newborn", "2026-12-03", "14:00"))
	w.Drain(ctx)
	sid := fake.Messages()[0].SID
	for _, st := range []string{"delivered", "sent", "queued"} {
		if code, _ := post(t, app, "/twilio/sms/status", url.Values{"MessageSid": {sid}, "MessageStatus": {st}, "AccountSid": {accountSID}}); code != 204 {
			t.Fatalf("%s: %d", st, code)
		}
	}
	var status string
	e.QueryRow(`SELECT delivery_status FROM outbox WHERE message_sid = ?`, sid).Scan(&status)
	if status != "delivered" {
		t.Fatalf("delivery_status %q after delivered, sent, queued; want delivered", status)
	}
	if code, _ := post(t, app, "/twilio/sms/status", url.Values{"MessageSid": {sid}}); code != 400 {
		t.Fatalf("status without MessageStatus: %d", code)
	}
}

// The deadline in the reply is the configured one, not a fixed 18:00.
func TestInboundDeadlineSaysTheConfiguredHour(t *testing.T) {
	e := storetest.NewEnv(t)
	e.Svc.Rules.CancelHour = 17
	app := smsApp(e)
	c := e.Citizen(t, 1)
	b := e.Book(t, c, e.Place(t, "FT01", "newborn", "2026-12-03", "14:00"))
	e.Clock.Set(storetest.At("2026-12-02 17:00"))
	r := replyText(t, mustPost(t, app, inboundForm(c.Phone, "QX "+b.Reference)))
	if !strings.Contains(r, "预约日前一天17:00") || strings.Contains(r, "18:00") {
		t.Fatalf("reply: %s", r)
	}
}
