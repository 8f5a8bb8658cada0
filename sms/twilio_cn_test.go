package sms_test

import (
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/sms"
	"yuyue/sms/twiliotest"
	"yuyue/store/sqlstore"
	"yuyue/store/storetest"
)

// With Twilio, replies from +86 numbers never reach us: no message to a
// +86 number asks for one; other numbers keep the reply wording.
func TestTwilioToMainlandNeverAsksForReply(t *testing.T) {
	e := storetest.NewEnv(t)
	fake := twiliotestNew(t)
	w := newWorker(t, e, fake, time.Second, &lockedBuffer{})
	w.Text = sms.Renderer{Signature: "【深圳公安】", NoReplyTo: sms.MainlandNoReply, UnsignedTo: sms.MainlandNoReply}
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
		// Twilio signs messages to China itself: no 【】 of ours
		if strings.Contains(m.Body, "回复") || strings.ContainsAny(m.Body, "【】") {
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
			if intl, _ := w.Text.Text(kind, p, "+14155550123"); !strings.Contains(intl, "回复QX") || !strings.HasPrefix(intl, "【深圳公安】") {
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
	e.InTx(ctx, func(tx booking.Tx) error {
		return tx.Enqueue(booking.Message{To: storetest.Phone(1), Kind: booking.MsgCode, Params: map[string]string{"code": "1"}})
	})
	var items []booking.OutboxItem
	e.InTx(ctx, func(tx booking.Tx) (err error) { items, err = tx.ClaimMessages(e.Clock.Now(), 1); return err })
	sid := "SM" + strings.Repeat("e", 32)
	if code, _ := post(t, app, "/twilio/sms/status", url.Values{"MessageSid": {sid}, "MessageStatus": {"partially_delivered"},
		"ErrorCode": {"30008"}, "AccountSid": {accountSID}}); code != 204 {
		t.Fatalf("early status: %d", code)
	}
	e.InTx(ctx, func(tx booking.Tx) error {
		return tx.FinishMessage(booking.SendResult{ID: items[0].ID, Outcome: booking.SendSent, SID: sid, At: e.Clock.Now()})
	})
	post(t, app, "/twilio/sms/status", url.Values{"MessageSid": {sid}, "MessageStatus": {"sent"}, "AccountSid": {accountSID}})
	var rows []booking.OutboxRow
	e.View(ctx, func(tx booking.Tx) (err error) { rows, err = tx.OutboxRows("", 10); return err })
	if rows[0].DeliveryStatus != "partially_delivered" || rows[0].ErrorCode != "30008" {
		t.Fatalf("row: %+v", rows[0])
	}
}

// Twilio's China rules: three identical messages to one number in a day
// are rejected, more than five different ones reviewed. A citizen sent the
// same notice three times and four different ones gets the notice once
// and three others (sms.twilio_cn_per_day 4); the rest fail, logged and
// counted; a day later the number may receive again. Other countries'
// numbers are not limited.
func TestTwilioMainlandRulesCapPerNumberAndDay(t *testing.T) {
	e := storetest.NewEnv(t)
	fake := twiliotestNew(t)
	logs := &lockedBuffer{}
	w := newWorker(t, e, fake, time.Second, logs)
	w.Text = sms.Renderer{NoReplyTo: sms.MainlandNoReply, UnsignedTo: sms.MainlandNoReply}
	w.Sender = &sms.MainlandGuard{Next: w.Sender, Svc: e.Svc, Now: e.Clock.Now, PerDay: 4, Log: w.Log}
	w.Concurrency = 1
	cn, intl := storetest.Phone(1), "+14155550123"
	notice := map[string]string{"date": "2026-12-03", "start": "09:00", "end": "10:00", "business": "新生儿入户", "ref": "1234567890"}
	queue := func(to, kind string, p map[string]string) {
		t.Helper()
		if err := e.InTx(ctx, func(tx booking.Tx) error { return tx.Enqueue(booking.Message{To: to, Kind: kind, Params: p}) }); err != nil {
			t.Fatal(err)
		}
	}
	dupBefore, capBefore := metric(t, "yuyue_sms_provider_refusals_total"), 0.0
	for range 3 {
		queue(cn, booking.MsgCancellation, notice)
		queue(intl, booking.MsgCancellation, notice)
	}
	// The notices go out first (the worker sends codes ahead of notices
	// queued with them), then the codes.
	if _, err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"111111", "222222", "333333", "444444"} {
		queue(cn, booking.MsgCode, map[string]string{"code": code})
	}
	if _, err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	got := fake.To(cn)
	if len(got) != 4 || strings.Count(bodies(got), "已取消") != 1 || strings.Contains(bodies(got), "444444") {
		t.Fatalf("to +86: %d messages:\n%s", len(got), bodies(got))
	}
	if n := len(fake.To(intl)); n != 3 {
		t.Fatalf("to +1: %d messages, want all 3", n)
	}
	if refused := metric(t, "yuyue_sms_provider_refusals_total") - dupBefore - capBefore; refused != 3 {
		t.Fatalf("refusals counted: %v, want 2 duplicates and 1 over the cap", refused)
	}
	l := logs.String()
	if strings.Count(l, "rule=duplicate") != 2 || strings.Count(l, "rule=daily_cap") != 1 {
		t.Fatalf("log:\n%s", l)
	}
	e.Clock.Advance(24*time.Hour + time.Second)
	queue(cn, booking.MsgCode, map[string]string{"code": "555555"})
	w.Drain(ctx)
	if n := len(fake.To(cn)); n != 5 {
		t.Fatalf("a day later: %d messages", n)
	}
}

func bodies(ms []twiliotest.Message) string {
	var b strings.Builder
	for _, m := range ms {
		b.WriteString(m.Body + "\n")
	}
	return b.String()
}

// The China guard records each +86 send before it goes: on PostgreSQL that
// write runs on the outbox's own writer, so a code does not wait behind the
// call steps queued for the channels' writer in a rush (every send to a
// mainland number did, 0.4–1.6 s each in a two-node rush of 2,000). Here
// the channels' writer is held inside a transaction while the worker sends.
// SQLite has one writer: there the send waits for it, as every write does.
func TestMainlandGuardDoesNotWaitForTheChannelsWriter(t *testing.T) {
	e := storetest.NewEnv(t)
	fake := twiliotestNew(t)
	w := newWorker(t, e, fake, 5*time.Second, &lockedBuffer{})
	w.Sender = &sms.MainlandGuard{Next: w.Sender, Svc: e.Svc, Now: e.Clock.Now, PerDay: 4, Log: w.Log}
	if err := e.InTx(ctx, func(tx booking.Tx) error {
		return tx.Enqueue(booking.Message{To: storetest.Phone(1), Kind: booking.MsgCode, Params: map[string]string{"code": "482913"}})
	}); err != nil {
		t.Fatal(err)
	}
	free, channel := storetest.HoldWriter(t, e.Store)
	drained := make(chan error, 1)
	go func() {
		n, err := w.Drain(ctx)
		if err == nil && n != 1 {
			err = fmt.Errorf("drained %d messages, want 1", n)
		}
		drained <- err
	}()
	storetest.AwaitBesideHeldWriter(t, free, channel, drained, "the send") // SQLite: it only has to go out
	if len(fake.To(storetest.Phone(1))) != 1 {
		t.Fatal("the code did not reach the provider")
	}
}

// Two nodes recording sends to one mainland number at once keep its cap
// between them. On PostgreSQL the guard's record runs at READ COMMITTED,
// where neither node would see the other's record before it commits: the
// number's lock, taken before the sends are read, is what keeps them in
// turn. Here node A holds its transaction open after its record, with two
// sends of the day recorded before and a cap of three, while node B
// records its own; exactly one of them may go.
func TestMainlandGuardKeepsTheCapAcrossNodes(t *testing.T) {
	e := storetest.NewEnv(t)
	nodeB := e.Svc // SQLite runs one node: there B's record waits behind A's for the one writer
	if storetest.OnPostgres(t) {
		nodeB = e.Node(t)
	}
	to := storetest.Phone(1)
	now := e.Clock.Now()
	const perDay = 3
	capRule := func(sent [][]byte) string {
		if len(sent) >= perDay {
			return "daily_cap"
		}
		return ""
	}
	for i := range perDay - 1 {
		if _, broken, err := e.Svc.ReserveMainlandSend(ctx, to, []byte{byte(i)}, now, capRule); err != nil || broken != "" {
			t.Fatalf("send %d of the day: %q %v", i+1, broken, err)
		}
	}
	type result struct {
		broken string
		err    error
	}
	reserve := func(svc *booking.Service, hash byte, rule func([][]byte) string) <-chan result {
		done := make(chan result, 1)
		go func() {
			_, broken, err := svc.ReserveMainlandSend(ctx, to, []byte{hash}, now, rule)
			done <- result{broken, err}
		}()
		return done
	}
	recorded, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	a := reserve(e.Svc, 10, func(sent [][]byte) string {
		once.Do(func() { close(recorded); <-release }) // held once: a run again goes straight on
		return capRule(sent)
	})
	<-recorded
	b := reserve(nodeB, 11, capRule)
	// B either ends (it did not wait for A) or waits: for A's lock on
	// PostgreSQL, for the one writer on SQLite.
	waiting := func() bool {
		if pg, ok := e.Store.(interface{ LockWaited(string) bool }); ok {
			return pg.LockWaited(sqlstore.SendsKey(to))
		}
		return storetest.Queued(e.Store.(interface{ Waiting() int }), 1)
	}
	var rb *result
	for deadline := time.Now().Add(10 * time.Second); rb == nil && !waiting(); time.Sleep(time.Millisecond) {
		select {
		case r := <-b:
			rb = &r
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("node B neither recorded its send nor waited for node A")
		}
	}
	close(release)
	ra := <-a
	if rb == nil {
		r := <-b
		rb = &r
	}
	if ra.err != nil || rb.err != nil {
		t.Fatalf("A: %v, B: %v", ra.err, rb.err)
	}
	if (ra.broken == "") == (rb.broken == "") {
		t.Fatalf("A held back by %q, B by %q: exactly one may take the last place", ra.broken, rb.broken)
	}
	var n int
	if err := e.QueryRow(`SELECT count(*) FROM sms_recent_sends WHERE to_phone = ?`, to).Scan(&n); err != nil || n != perDay {
		t.Fatalf("%d sends recorded (%v), want %d", n, err, perDay)
	}
}
