package sms_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/sms"
	"yuyue/sms/twiliotest"
	"yuyue/store/storetest"
)

// A rush of codes reuses the provider connections: with 16 sends in flight
// the worker opens about 16 connections for 64 messages, not one per
// message (Go's default transport keeps two idle per host and closed the
// rest after each send — a TLS handshake per code against the real API).
func TestSendsReuseProviderConnections(t *testing.T) {
	e := storetest.NewEnv(t)
	fake := twiliotest.New(accountSID, authToken)
	defer fake.Close()
	var opened atomic.Int32
	api := httptest.NewUnstartedServer(fake)
	api.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	api.Start()
	defer api.Close()

	const messages = 64
	for range messages { // each send takes a while, so 16 are in flight at once
		fake.Script(twiliotest.Reply{Status: http.StatusCreated, Delay: 5 * time.Millisecond})
	}
	err := e.InTx(ctx, func(tx booking.Tx) error {
		for i := range messages {
			if err := tx.Enqueue(booking.Message{To: storetest.Phone(i + 1), Kind: booking.MsgCode, Params: map[string]string{"code": "482913"}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sender, err := sms.NewTwilioSender(sms.TwilioOptions{AccountSID: accountSID, AuthToken: authToken, From: smsFrom,
		APIURL: api.URL, PublicURL: publicURL, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	w := newWorker(t, e, fake, time.Second, &lockedBuffer{})
	w.Sender, w.Concurrency = sender, 16
	if n, err := w.Drain(ctx); err != nil || n != messages {
		t.Fatalf("drain: %d %v", n, err)
	}
	if got := len(fake.Messages()); got != messages {
		t.Fatalf("%d messages accepted, want %d", got, messages)
	}
	if n := opened.Load(); n > int32(w.Concurrency) {
		t.Fatalf("%d connections opened for %d messages with %d in flight: connections are not kept", n, messages, w.Concurrency)
	}
}
