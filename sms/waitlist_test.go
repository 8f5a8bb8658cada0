package sms_test

import (
	"io"
	"log/slog"
	"strings"
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

// TC (退出候补) leaves the waitlist from the phone, through Twilio's
// inbound webhook: a waiting entry ends, and an offered one ends with its
// held place released; a second TC finds none.
func TestInboundTCLeavesWaitlist(t *testing.T) {
	e := storetest.NewEnv(t)
	app := smsApp(e)
	c := e.Citizen(t, 3)
	say := func(body string) string { return replyText(t, mustPost(t, app, inboundForm(c.Phone, body))) }
	if r := say("TC"); !strings.Contains(r, "您目前没有候补") {
		t.Fatalf("TC with no entry: %s", r)
	}
	waiting := e.Place(t, "FT01", "newborn", "2026-12-02", "09:00")
	e.Book(t, e.Citizen(t, 1), waiting)
	e.Book(t, e.Citizen(t, 2), waiting)
	offered := e.Place(t, "FT01", "idcard", "2026-12-03", "09:00")
	freed := e.Book(t, e.Citizen(t, 4), offered)
	e.Book(t, e.Citizen(t, 5), offered)
	w1, err := e.Svc.JoinWaitlist(ctx, storetest.Actor, c.ID, "FT01", "newborn", waiting.Date, "09:00")
	if err != nil {
		t.Fatal(err)
	}
	w2, err := e.Svc.JoinWaitlist(ctx, storetest.Actor, c.ID, "FT01", "idcard", offered.Date, "09:00")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.Cancel(ctx, storetest.Actor, freed.ID); err != nil {
		t.Fatal(err)
	}
	if w2, _ = e.Svc.WaitEntry(ctx, c.ID, w2.ID); w2.Status != booking.WaitOffered {
		t.Fatalf("entry after the cancel: %s", w2.Status)
	}
	if r := say("退出候补"); !strings.Contains(r, "已退出您的2项候补") {
		t.Fatalf("退出候补: %s", r)
	}
	for _, w := range []booking.WaitEntry{w1, w2} {
		if got, _ := e.Svc.WaitEntry(ctx, c.ID, w.ID); got.Status != booking.WaitLeft {
			t.Errorf("entry %d after TC: %s", w.ID, got.Status)
		}
	}
	if h, err := e.Svc.Booking(ctx, w2.OfferBookingID); err != nil || h.Status == booking.StatusHeld {
		t.Errorf("the offered place is still held: %s %v", h.Status, err)
	}
	if r := say("tc"); !strings.Contains(r, "您目前没有候补") {
		t.Errorf("TC again: %s", r)
	}
	if cz, _ := e.Svc.Citizen(ctx, c.ID); cz.NoReminders {
		t.Error("TC stopped reminders: it is not TD")
	}
}

func TestParseLeaveWaitlistApartFromStop(t *testing.T) {
	for body, want := range map[string]string{"TC": sms.CmdLeaveWaitlist, "ｔｃ": sms.CmdLeaveWaitlist, "退出候补": sms.CmdLeaveWaitlist,
		"TD": sms.CmdStop, "退订": sms.CmdStop, "退出": sms.CmdHelp, "TCX": sms.CmdHelp} {
		if got := sms.ParseCommand(body).Kind; got != want {
			t.Errorf("%q: %s, want %s", body, got, want)
		}
	}
}
