package sms_test

import (
	"net/url"
	"testing"

	"yuyue/store/storetest"
)

// FuzzInbound sends arbitrary SMS bodies (and senders, some fields missing)
// to a registered citizen's inbound webhook: never a 5xx, and every 200 is
// TwiML with exactly one <Message>.
func FuzzInbound(f *testing.F) {
	for _, s := range []string{"1", "QX", "ＱＸ 1234567890", "取消", "cx", "退订", "STOP", "", "\x00\xff", "<Message>", "QX 12345678901234567890"} {
		f.Add(s, true, uint8(0))
	}
	e := storetest.NewEnv(f)
	app := smsApp(e)
	c := e.Citizen(f, 1)
	e.Book(f, c, e.Place(f, "FT01", "newborn", "2026-12-03", "14:00"))
	e.Book(f, c, e.Place(f, "FT01", "idcard", "2026-12-04", "09:00"))
	var n int
	f.Fuzz(func(t *testing.T, body string, registered bool, missing uint8) {
		n++
		form := url.Values{"MessageSid": {"SMfuzz" + string(rune('a'+n%26)) + string(rune('a'+n/26%26)) + string(rune('a'+n/676%26))},
			"From": {c.Phone}, "Body": {body}}
		if !registered {
			form.Set("From", body) // any text as a sender
		}
		if missing&1 != 0 {
			form.Del("Body")
		}
		if missing&2 != 0 {
			form.Del("MessageSid")
		}
		code, xml := post(t, app, "/twilio/sms", form)
		switch {
		case code >= 500:
			t.Fatalf("status %d for %q", code, body)
		case code == 200:
			replyText(t, xml)
		case code != 400:
			t.Fatalf("status %d", code)
		}
	})
}
