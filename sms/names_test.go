package sms_test

import (
	"strings"
	"testing"

	"yuyue/booking"
	"yuyue/sms"
	"yuyue/store/storetest"
)

func TestParseNameReply(t *testing.T) {
	for body, want := range map[string]string{"XM 张三": "张三", "xm张三": "张三", "ＸＭ：张三。": "张三", "XM Zhang San": "Zhang San"} {
		if c := sms.ParseCommand(body); c.Kind != sms.CmdName || c.Name != want {
			t.Errorf("%q: %+v, want name %q", body, c, want)
		}
	}
	for _, body := range []string{"XMAS", "XM", "xml"} {
		if c := sms.ParseCommand(body); c.Kind == sms.CmdName {
			t.Errorf("%q read as a name: %+v", body, c)
		}
	}
}

// A reply "XM 张三" over Twilio's inbound webhook sets the pending name of
// the phone; once the call registered the citizen it corrects their name;
// a phone with nothing pending is told so and nothing changes.
func TestNameReplySetsAndCorrectsThePendingName(t *testing.T) {
	e := storetest.NewEnv(t)
	app := smsApp(e)
	phone := storetest.Phone(60)
	if _, body := post(t, app, "/twilio/sms", inboundForm(phone, "XM 张三")); !strings.Contains(replyText(t, body), "没有等待核对的姓名") {
		t.Fatalf("XM with nothing pending: %s", body)
	}
	if err := e.Svc.AskName(ctx, phone, ""); err != nil {
		t.Fatal(err)
	}
	_, body := post(t, app, "/twilio/sms", inboundForm(phone, "XM 章三"))
	if got := replyText(t, body); !strings.Contains(got, "已收到您的姓名：章三") {
		t.Fatalf("reply to XM: %s", got)
	}
	if n, err := e.Svc.PendingName(ctx, phone); err != nil || n != "章三" {
		t.Fatalf("pending name %q %v", n, err)
	}
	// the call registers with it, then the caller corrects it before confirming
	cz, err := e.Svc.Register(ctx, storetest.Actor, booking.Registration{Name: "章三", IDNumber: storetest.ID(60), Phone: phone})
	if err != nil {
		t.Fatal(err)
	}
	post(t, app, "/twilio/sms", inboundForm(phone, "XM 张三"))
	if got, _ := e.Svc.Citizen(ctx, cz.ID); got.Name != "张三" {
		t.Fatalf("name after the correction: %q", got.Name)
	}
	// confirmed: later replies change nothing
	if err := e.Svc.CloseName(ctx, phone); err != nil {
		t.Fatal(err)
	}
	post(t, app, "/twilio/sms", inboundForm(phone, "XM 王五"))
	if got, _ := e.Svc.Citizen(ctx, cz.ID); got.Name != "张三" {
		t.Fatalf("a reply after confirmation renamed the citizen: %q", got.Name)
	}
}
