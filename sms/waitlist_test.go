package sms_test

import (
	"io"
	"log/slog"
	"testing"

	"yuyue/booking"
	"yuyue/sms"
	"yuyue/store/storetest"
)

// QR takes an open waitlist offer (the reply comes from the phone it was
// sent to) before it means "I will come"; GY answers how to reschedule.
func TestReplyQRTakesWaitlistOfferAndGYExplainsReschedule(t *testing.T) {
	e := storetest.NewEnv(t)
	in := &sms.Inbound{Svc: e.Svc, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	kinds := func(phone, body string) []string {
		var out []string
		for _, r := range in.Answer(ctx, phone, body) {
			out = append(out, r.Kind)
		}
		return out
	}
	full := e.Place(t, "FT01", "newborn", "2026-12-02", "09:00")
	b1 := e.Book(t, e.Citizen(t, 1), full)
	e.Book(t, e.Citizen(t, 2), full)
	c3 := e.Citizen(t, 3)
	if got := kinds(c3.Phone, "QR"); len(got) != 1 || got[0] != sms.ReplyNone {
		t.Fatalf("QR with nothing open: %v", got)
	}
	w, err := e.Svc.JoinWaitlist(ctx, storetest.Actor, c3.ID, "FT01", "newborn", full.Date, "09:00")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.Cancel(ctx, storetest.Actor, b1.ID); err != nil {
		t.Fatal(err)
	}
	if got := kinds(c3.Phone, "qr"); len(got) != 1 || got[0] != sms.ReplyOfferTaken {
		t.Fatalf("QR with an open offer: %v", got)
	}
	if w, _ = e.Svc.WaitEntry(ctx, c3.ID, w.ID); w.Status != booking.WaitAccepted {
		t.Fatalf("entry after QR: %s", w.Status)
	}
	bs, _ := e.Svc.ActiveBookings(ctx, c3.ID)
	if len(bs) != 1 || !booking.ValidReference(bs[0].Reference) {
		t.Fatalf("bookings after QR: %+v", bs)
	}
	for body, want := range map[string]string{"GY": sms.ReplyReschedule, "改约 " + bs[0].Reference: sms.ReplyReschedule,
		"GY 1234567890": sms.ReplyNoSuchRef} {
		if got := kinds(c3.Phone, body); len(got) != 1 || got[0] != want {
			t.Errorf("%s: %v, want %s", body, got, want)
		}
	}
	e.Clock.Set(storetest.At("2026-12-01 18:00"))
	if got := kinds(c3.Phone, "GY "+bs[0].Reference); len(got) != 1 || got[0] != sms.ReplyRescheduleLate {
		t.Fatalf("GY after the deadline: %v", got)
	}
}
