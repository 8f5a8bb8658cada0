package main

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/sms"
	"yuyue/sms/twiliotest"
)

// A send through the real twilio-go client to the provider's handler
// reaches a caller already waiting for it: the handsets record it with the
// provider's SID and acceptance time, and wake the waiter.
func TestProviderHandsMessagesToWaitingCallers(t *testing.T) {
	handsets := twiliotest.NewHandler(accountSID, authToken)
	sink := httptest.NewServer(handsetSink(handsets))
	defer sink.Close()
	h, stop := providerHandler(sink.URL)
	defer stop()
	prov := httptest.NewServer(h)
	defer prov.Close()

	c := newCaller(7, "http://unused", client(1), newStats(), handsets, 0, 0)
	got := make(chan string, 1)
	go func() {
		code, err := c.awaitCode(context.Background())
		if err != nil {
			code = err.Error()
		}
		got <- code
	}()
	for end := time.Now().Add(10 * time.Second); !handsets.Waited(c.phone); time.Sleep(time.Millisecond) {
		if time.Now().After(end) { // the caller waits before the code is sent
			t.Fatal("the caller never waited for its code")
		}
	}
	sender, err := sms.NewTwilioSender(sms.TwilioOptions{AccountSID: accountSID, AuthToken: authToken, From: "+14155550100",
		APIURL: prov.URL, PublicURL: "https://yuyue.test", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	sid, outcome, err := sender.Send(context.Background(), booking.OutboxItem{Message: booking.Message{To: c.phone, Kind: booking.MsgCode}}, "【深圳户政】验证码482913，5分钟内有效。")
	if err != nil || outcome != booking.SendSent {
		t.Fatalf("send: %v %v", outcome, err)
	}
	select {
	case code := <-got:
		if code != "482913" {
			t.Fatalf("the caller read %q", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the waiting caller was not woken by its code")
	}
	// Handed over again (an answer lost on the way): recorded once.
	handsets.Record(handsets.To(c.phone)[0])
	ms := handsets.To(c.phone)
	if len(ms) != 1 || ms[0].SID != sid || ms[0].Accepted.IsZero() || !strings.Contains(ms[0].Body, "482913") {
		t.Fatalf("handsets hold %+v, want the one message with the provider's SID %s", ms, sid)
	}
}
