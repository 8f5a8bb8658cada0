package sms_test

import (
	"strings"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/sms"
	"yuyue/sms/twiliotest"
	"yuyue/store/storetest"
)

func TestMaskNumbers(t *testing.T) {
	cases := map[string]string{
		"The 'To' number +8613800138000 is not a valid phone number.": "The 'To' number +86138****8000 is not a valid phone number.",
		"Status: 400 - ApiError 21211: bad (+86 138-0013-8000)":       "Status: 400 - ApiError 21211: bad (+86138****8000)",
		"dial tcp 127.0.0.1:443: connection refused":                  "dial tcp 127.0.0.1:443: connection refused",
		"number 075583001234": "number 075*****1234",
		"Status: 400 - 21211": "Status: 400 - 21211",
	}
	for in, want := range cases {
		if got := sms.MaskNumbers(in); got != want {
			t.Errorf("MaskNumbers(%q) = %q, want %q", in, got, want)
		}
	}
}

// Twilio refuses a number with an error text that contains it: the log and
// the outbox row keep it masked.
func TestProviderErrorTextMasked(t *testing.T) {
	e := storetest.NewEnv(t)
	fake := twiliotest.New(accountSID, authToken)
	defer fake.Close()
	fake.Script(twiliotest.Reply{Status: 400, Code: 21211})
	logs := &lockedBuffer{}
	w := newWorker(t, e, fake, time.Second, logs)
	phone := storetest.Phone(7)
	if err := newCodes(e).Issue(ctx, phone, booking.PurposeBooking, phone); err != nil {
		t.Fatal(err)
	}
	w.Drain(ctx)
	national := strings.TrimPrefix(phone, "+86")
	if !strings.Contains(logs.String(), "21211") || !strings.Contains(logs.String(), "****") {
		t.Fatalf("the refusal was not logged: %s", logs)
	}
	var lastErr string
	if err := e.QueryRow(`SELECT last_error FROM outbox WHERE to_phone = ?`, phone).Scan(&lastErr); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(lastErr, "not a valid phone number") {
		t.Fatalf("outbox error: %q", lastErr)
	}
	for where, s := range map[string]string{"log": logs.String(), "outbox": lastErr} {
		if strings.Contains(s, national) {
			t.Fatalf("the full number is in the %s: %s", where, s)
		}
	}
}
