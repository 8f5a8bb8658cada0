package sms_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/sms"
	"yuyue/store/storetest"
)

// With Twilio, replies from +86 numbers never reach us: no message to a
// +86 number asks for one; other numbers keep the reply wording.
func TestTwilioToMainlandNeverAsksForReply(t *testing.T) {
	e := storetest.NewEnv(t)
	fake := twiliotestNew(t)
	w := newWorker(t, e, fake, time.Second, &lockedBuffer{})
	w.Text = sms.Renderer{Signature: "【深圳公安】", NoReplyTo: sms.MainlandNoReply}
	c := e.Citizen(t, 1)
	b := e.Book(t, c, e.Place(t, "FT01", "newborn", "2026-12-03", "14:00"))
	e.Clock.Set(storetest.At("2026-12-02 10:00"))
	if _, err := e.Svc.SendReminders(ctx, storetest.Actor); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.Cancel(ctx, storetest.Actor, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	ms := fake.To(c.Phone)
	if len(ms) != 3 {
		t.Fatalf("messages: %+v", ms)
	}
	for _, m := range ms {
		if strings.Contains(m.Body, "回复") || !strings.HasPrefix(m.Body, "【深圳公安】") {
			t.Errorf("to +86: %s", m.Body)
		}
	}
	if !strings.Contains(ms[0].Body, "受理号"+b.Reference) || !strings.Contains(ms[0].Body, "拨114取消") {
		t.Errorf("confirmation: %s", ms[0].Body)
	}
	// Every kind, every wording a +86 number can get.
	p := map[string]string{"name": "张*", "ref": "1234567890", "date": "2026-12-03", "start": "09:00", "end": "10:00",
		"deadline": "2026-12-02 18:00", "until": "2027-06-30", "code": "123456"}
	r := sms.Renderer{NoReplyTo: sms.MainlandNoReply}
	for kind := range sms.Templates {
		if strings.HasPrefix(kind, "reply_") { // answers to a reply that did arrive
			continue
		}
		body, _ := r.Text(kind, p, "+8613800138000")
		if strings.Contains(body, "回复") {
			t.Errorf("%s to +86 asks for a reply: %s", kind, body)
		}
		if kind == booking.MsgConfirmation {
			if intl, _ := r.Text(kind, p, "+14155550123"); !strings.Contains(intl, "回复QX") {
				t.Errorf("outside +86 the reply wording stays: %s", intl)
			}
		}
	}
}

// A status callback that arrives before the send saved its MessageSid is
// kept and applied then; partially_delivered is final.
func TestStatusBeforeMessageSidSaved(t *testing.T) {
	e := storetest.NewEnv(t)
	app := smsApp(e)
	e.Citizen(t, 1)
	e.Store.InTx(ctx, func(tx booking.Tx) error {
		return tx.Enqueue(booking.Message{To: storetest.Phone(1), Kind: booking.MsgCode, Params: map[string]string{"code": "1"}})
	})
	var items []booking.OutboxItem
	e.Store.InTx(ctx, func(tx booking.Tx) (err error) { items, err = tx.ClaimMessages(e.Clock.Now(), 1); return err })
	sid := "SM" + strings.Repeat("e", 32)
	if code, _ := post(t, app, "/twilio/sms/status", url.Values{"MessageSid": {sid}, "MessageStatus": {"partially_delivered"},
		"ErrorCode": {"30008"}, "AccountSid": {accountSID}}); code != 204 {
		t.Fatalf("early status: %d", code)
	}
	e.Store.InTx(ctx, func(tx booking.Tx) error {
		return tx.FinishMessage(booking.SendResult{ID: items[0].ID, Outcome: booking.SendSent, SID: sid, At: e.Clock.Now()})
	})
	post(t, app, "/twilio/sms/status", url.Values{"MessageSid": {sid}, "MessageStatus": {"sent"}, "AccountSid": {accountSID}})
	var rows []booking.OutboxRow
	e.Store.View(ctx, func(tx booking.Tx) (err error) { rows, err = tx.OutboxRows("", 10); return err })
	if rows[0].DeliveryStatus != "partially_delivered" || rows[0].ErrorCode != "30008" {
		t.Fatalf("row: %+v", rows[0])
	}
}
