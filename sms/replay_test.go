package sms_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/jobs"
	"yuyue/store/storetest"
	"yuyue/webhook"
)

// A captured signed inbound SMS replayed after its sender and reply were
// purged is still known by its MessageSid and changes nothing.
func TestInboundReplayAfterPurgeChangesNothing(t *testing.T) {
	e := storetest.NewEnv(t)
	app := smsApp(e)
	c := e.Citizen(t, 1)
	form := inboundForm(c.Phone, "TD")
	if code, xml := post(t, app, "/twilio/sms", form); code != 200 || !strings.Contains(replyText(t, xml), "已停止发送预约提醒") {
		t.Fatalf("first delivery: %d %s", code, xml)
	}
	if err := e.Svc.SetReminders(ctx, storetest.Actor, c.ID, true); err != nil { // the citizen changed their mind
		t.Fatal(err)
	}
	e.Clock.Advance(60 * 24 * time.Hour)
	ret := jobs.Retention{Bookings: 180 * 24 * time.Hour, CallSessions: 24 * time.Hour, Messages: 30 * 24 * time.Hour, Audit: 365 * 24 * time.Hour}
	r, err := jobs.Purge{Retention: ret}.Run(ctx, e.Svc)
	if err != nil || r["inbound"] != 1 {
		t.Fatalf("purge: %v %v, want the inbound row scrubbed", r, err)
	}
	code, xml := post(t, app, "/twilio/sms", form)
	if code != 200 || strings.Contains(replyText(t, xml), "已停止发送预约提醒") {
		t.Fatalf("replay after purge: %d %s", code, xml)
	}
	if cz, _ := e.Svc.Citizen(ctx, c.ID); cz.NoReminders {
		t.Fatal("the replayed TD was applied again")
	}
	var reply string
	var fresh bool
	if err := e.InTx(ctx, func(tx booking.Tx) (err error) {
		reply, fresh, err = tx.ClaimInbound(form.Get("MessageSid"), "", e.Clock.Now())
		return err
	}); err != nil || fresh || reply != "" {
		t.Fatalf("the purged row: reply %q, fresh %v, %v", reply, fresh, err)
	}
}

// A signed inbound SMS whose fields come in a multipart body is refused and
// cancels nothing.
func TestInboundMultipartRefused(t *testing.T) {
	e := storetest.NewEnv(t)
	app := smsApp(e)
	c := e.Citizen(t, 1)
	b := e.Book(t, c, e.Place(t, "FT01", "newborn", "2026-12-03", "14:00"))
	form := inboundForm(c.Phone, "QX")
	body := "--B\r\nContent-Disposition: form-data; name=\"MessageSid\"\r\n\r\n" + form.Get("MessageSid") +
		"\r\n--B\r\nContent-Disposition: form-data; name=\"From\"\r\n\r\n" + c.Phone +
		"\r\n--B\r\nContent-Disposition: form-data; name=\"Body\"\r\n\r\nQX\r\n--B--\r\n"
	req := httptest.NewRequest("POST", "/twilio/sms", strings.NewReader(body))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=B")
	req.Header.Set("X-Twilio-Signature", webhook.Sign(authToken, publicURL+"/twilio/sms", nil))
	resp, err := app.Test(req, -1)
	if err != nil || resp.StatusCode != 415 {
		t.Fatalf("multipart inbound: %v %v", resp.StatusCode, err)
	}
	if got, _ := e.Svc.Booking(ctx, b.ID); got.Status != booking.StatusBooked {
		t.Fatalf("booking %s after a refused webhook", got.Status)
	}
}
