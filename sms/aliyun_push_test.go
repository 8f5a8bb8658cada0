package sms_test

import (
	"strings"
	"testing"

	"yuyue/booking"
	"yuyue/sms"
	"yuyue/sms/aliyuntest"
	"yuyue/store/storetest"
)

// lastReply returns the text of the last answer SendSms to phone (its
// template filled with the params Aliyun got), all its messages when it
// had several.
func (a *aliyunEnv) lastReply(t *testing.T, phone string) string {
	t.Helper()
	a.drain(t)
	var out []string
	replying := false
	for _, s := range a.fake.SendsTo(strings.TrimPrefix(phone, "+86")) {
		kind := kindOf(s.TemplateCode)
		if !strings.HasPrefix(kind, "reply_") {
			replying = false
			continue
		}
		if !replying || kind != sms.ReplyBooking {
			out = nil
		}
		replying = true
		out = append(out, filled(sms.Templates[kind].Text, s.Params))
	}
	return strings.Join(out, "\n")
}

// filled is a template text with Aliyun's parameters in it.
func filled(text string, params map[string]string) string {
	for k, v := range params {
		text = strings.ReplaceAll(text, "${"+k+"}", v)
	}
	return text
}

// count counts messages of kind to phone; "reply" counts every answer.
func (a *aliyunEnv) count(phone, kind string) int {
	n := 0
	for _, s := range a.fake.SendsTo(strings.TrimPrefix(phone, "+86")) {
		k := kindOf(s.TemplateCode)
		if k == kind || kind == "reply" && strings.HasPrefix(k, "reply_") {
			n++
		}
	}
	return n
}

func TestAliyunUpQueryThenCancelOnceWhenPushedTwice(t *testing.T) {
	a := newAliyunEnv(t, aliSecret)
	c := a.Citizen(t, 1)
	b := a.Book(t, c, a.Place(t, "FT01", "newborn", "2026-12-03", "14:00"))
	a.drain(t)

	at := a.up("cx", 1001, c.Phone)
	if len(at) != 1 || !at[0].Accepted || at[0].Body != `{"code":0,"msg":"接收成功"}` {
		t.Fatalf("push: %+v", at)
	}
	if r := a.lastReply(t, c.Phone); !strings.Contains(r, b.Reference) || !strings.Contains(r, "新生儿入户") {
		t.Fatalf("CX reply %q does not list the booking", r)
	}
	for range 2 { // Aliyun delivers the same message again
		if at := a.up("QX", 1002, c.Phone); !at[0].Accepted {
			t.Fatalf("QX push: %+v", at)
		}
	}
	a.drain(t)
	got, err := a.Svc.Bookings(ctx, booking.BookingFilter{CitizenID: c.ID})
	if err != nil || len(got) != 1 || got[0].Status != booking.StatusCancelled {
		t.Fatalf("bookings after QX: %+v %v", got, err)
	}
	if n := a.count(c.Phone, booking.MsgCancellation); n != 1 {
		t.Fatalf("%d cancellation notices", n)
	}
	if n := a.count(c.Phone, "reply"); n != 2 { // CX and one QX
		t.Fatalf("%d replies, want 2", n)
	}
	if r := a.lastReply(t, c.Phone); !strings.Contains(r, "已取消受理号"+b.Reference) {
		t.Fatalf("QX reply %q", r)
	}
}

// upRecorded reports whether sequence id seq is recorded, by trying to
// record it in a transaction that is rolled back.
func (a *aliyunEnv) upRecorded(t *testing.T, seq string) bool {
	t.Helper()
	var fresh bool
	a.InTx(ctx, func(tx booking.Tx) (err error) {
		if fresh, err = tx.RecordUp(booking.UpMessage{SequenceID: seq, Phone: "1", ReceivedAt: a.Clock.Now()}); err != nil {
			t.Fatal(err)
		}
		return errRollback
	})
	return !fresh
}

var errRollback = booking.Errorf(booking.EConflict, "rollback")

func TestAliyunForgedAndMalformedPushes(t *testing.T) {
	a := newAliyunEnv(t, aliSecret)
	c := a.Citizen(t, 1)
	body := []byte(`[{"phone_number":"` + strings.TrimPrefix(c.Phone, "+86") + `","content":"TD","send_time":"2026-11-30 10:00:00","dest_code":"1","sequence_id":77}]`)
	for _, path := range []string{"/aliyun/sms/up/wrong" + aliPushToken[5:], "/aliyun/sms/up/x", "/aliyun/sms/report/" + strings.ToUpper(aliPushToken)} {
		if at := aliyuntest.PushOnce(a.base+path, body); at.Status != 403 {
			t.Fatalf("%s: %+v", path, at)
		}
	}
	if a.upRecorded(t, "77") {
		t.Fatal("a forged push was recorded")
	}
	for _, bad := range []string{``, `{}`, `{"phone_number":"1"}`, `[] []`, `<xml/>`, `[1,`} {
		if at := aliyuntest.PushOnce(a.base+"/aliyun/sms/up/"+aliPushToken, []byte(bad)); at.Status != 400 || at.Accepted {
			t.Fatalf("%q: %+v", bad, at)
		}
		if at := aliyuntest.PushOnce(a.base+"/aliyun/sms/report/"+aliPushToken, []byte(bad)); at.Status != 400 {
			t.Fatalf("report %q: %+v", bad, at)
		}
	}
	// A batch whose items are all malformed is received (pushing it again
	// would not mend it); nothing in it is applied.
	for _, bad := range []string{`[1,2]`, `[{"content":"x"}]`, `[{"phone_number":"13800138000","content":"x"}]`,
		`[{"phone_number":"13800138000","content":"x","sequence_id":"abc"}]`} {
		if at := aliyuntest.PushOnce(a.base+"/aliyun/sms/up/"+aliPushToken, []byte(bad)); at.Status != 200 || !at.Accepted {
			t.Fatalf("%q: %+v", bad, at)
		}
		if at := aliyuntest.PushOnce(a.base+"/aliyun/sms/report/"+aliPushToken, []byte(bad)); at.Status != 200 {
			t.Fatalf("report %q: %+v", bad, at)
		}
	}
	a.drain(t)
	if len(a.fake.Sends()) != 0 {
		t.Fatalf("sent %+v", a.fake.Sends())
	}
	if cz, _ := a.Svc.CitizenByPhone(ctx, c.Phone); cz.NoReminders {
		t.Fatal("a forged TD took effect")
	}
}

func TestAliyunReportMarksFailedWithErrCode(t *testing.T) {
	a := newAliyunEnv(t, aliSecret)
	c := a.Citizen(t, 1)
	a.Book(t, c, a.Place(t, "FT01", "newborn", "2026-12-03", "14:00"))
	a.drain(t)
	s := a.fake.Sends()[0]
	at := a.fake.PushReports(a.base+"/aliyun/sms/report/"+aliPushToken, aliyuntest.ReportFor(s, false, "MK:0001"))
	if !at[len(at)-1].Accepted {
		t.Fatalf("report push: %+v", at)
	}
	row := a.rows(t)[0]
	if row.DeliveryStatus != "failed" || row.ErrorCode != "MK:0001" {
		t.Fatalf("row after report: %+v", row)
	}
	// A late success report does not overwrite the final failure.
	a.fake.PushReports(a.base+"/aliyun/sms/report/"+aliPushToken, aliyuntest.ReportFor(s, true, "DELIVERED"))
	if row := a.rows(t)[0]; row.DeliveryStatus != "failed" {
		t.Fatalf("row after a second report: %+v", row)
	}
}

// A report that comes before the send saved its BizId is kept and applied
// when it is saved; one with only the outbox id finds the row at once.
func TestAliyunReportBeforeBizIDSaved(t *testing.T) {
	a := newAliyunEnv(t, aliSecret)
	a.Citizen(t, 1)
	a.InTx(ctx, func(tx booking.Tx) error {
		return tx.Enqueue(booking.Message{To: storetest.Phone(1), Kind: booking.MsgCode, Params: map[string]string{"code": "111111"}})
	})
	var items []booking.OutboxItem
	a.InTx(ctx, func(tx booking.Tx) (err error) { items, err = tx.ClaimMessages(a.Clock.Now(), 1); return err })
	early := aliyuntest.Report{PhoneNumber: "13800000001", Success: false, ErrCode: "IC:0001", BizID: "123^456"}
	if at := a.fake.PushReports(a.base+"/aliyun/sms/report/"+aliPushToken, early); !at[0].Accepted {
		t.Fatalf("early report: %+v", at)
	}
	err := a.InTx(ctx, func(tx booking.Tx) error {
		return tx.FinishMessage(booking.SendResult{ID: items[0].ID, Outcome: booking.SendSent, SID: "123^456", At: a.Clock.Now()})
	})
	if err != nil {
		t.Fatal(err)
	}
	if row := a.rows(t)[0]; row.DeliveryStatus != "failed" || row.ErrorCode != "IC:0001" {
		t.Fatalf("early report lost: %+v", row)
	}
}

// Aliyun pushes again when our answer does not come back as accepted;
// the batch was recorded the first time, so it is applied once.
func TestAliyunRePushAfterFailure(t *testing.T) {
	a := newAliyunEnv(t, aliSecret)
	c := a.Citizen(t, 1)
	b := a.Book(t, c, a.Place(t, "FT01", "newborn", "2026-12-03", "14:00"))
	a.drain(t)
	a.loseAnswers.Store(2)
	at := a.up("QX", 4242, c.Phone)
	if len(at) != 3 || at[0].Accepted || at[1].Accepted || !at[2].Accepted {
		t.Fatalf("attempts: %+v", at)
	}
	a.drain(t)
	if n := a.count(c.Phone, "reply"); n != 1 {
		t.Fatalf("%d replies to one message pushed three times", n)
	}
	if n := a.count(c.Phone, booking.MsgCancellation); n != 1 {
		t.Fatalf("%d cancellation notices", n)
	}
	if r := a.lastReply(t, c.Phone); !strings.Contains(r, b.Reference) {
		t.Fatalf("reply %q", r)
	}
	// Never accepted: pushed once and re-pushed after each delay.
	a.loseAnswers.Store(10)
	if at := a.up("CX", 4243, c.Phone); len(at) != 4 {
		t.Fatalf("a push never accepted is tried 1+3 times: %+v", at)
	}
}

// TC pushed up by Aliyun (twice, as it re-pushes) leaves the waitlist once
// and answers through a reply_waitlist_left message.
func TestAliyunUpTCLeavesWaitlistOnce(t *testing.T) {
	a := newAliyunEnv(t, aliSecret)
	c := a.Citizen(t, 3)
	full := a.Place(t, "FT01", "newborn", "2026-12-02", "09:00")
	a.Book(t, a.Citizen(t, 1), full)
	a.Book(t, a.Citizen(t, 2), full)
	w, err := a.Svc.JoinWaitlist(ctx, storetest.Actor, c.ID, "FT01", "newborn", full.Date, "09:00")
	if err != nil {
		t.Fatal(err)
	}
	a.drain(t)
	for range 2 {
		if at := a.up("退出候补", 2001, c.Phone); len(at) != 1 || !at[0].Accepted {
			t.Fatalf("TC push: %+v", at)
		}
	}
	if r := a.lastReply(t, c.Phone); !strings.Contains(r, "已退出您的1项候补") {
		t.Fatalf("TC reply %q", r)
	}
	if n := a.count(c.Phone, sms.ReplyWaitlistLeft); n != 1 {
		t.Fatalf("%d reply_waitlist_left messages, want 1", n)
	}
	if got, _ := a.Svc.WaitEntry(ctx, c.ID, w.ID); got.Status != booking.WaitLeft {
		t.Fatalf("entry after TC: %s", got.Status)
	}
}
