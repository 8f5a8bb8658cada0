package sms

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"yuyue/sms/twiliotest"
	"yuyue/store/storetest"
)

// histogramOf reads one series of a histogram vector: samples and their sum.
func histogramOf(t *testing.T, v *prometheus.HistogramVec, label string) (uint64, float64) {
	t.Helper()
	var m dto.Metric
	if err := v.WithLabelValues(label).(prometheus.Histogram).Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetHistogram().GetSampleCount(), m.GetHistogram().GetSampleSum()
}

// A message's wait for a send slot and its send are measured apart, so
// on-call can tell a backlog from a slow send: the claim histogram has the
// time the message waited in the outbox (here 300 ms) as soon as it is
// claimed, the send histogram the provider's answer time (here a fake
// Twilio answering after 500 ms) when the send ends.
func TestSendTimeAndBacklogAreMeasuredApart(t *testing.T) {
	e := storetest.NewEnv(t)
	fake := twiliotest.New("ACtest00000000000000000000000000", "testauthtoken0123456789abcdef01")
	defer fake.Close()
	sender, err := NewTwilioSender(TwilioOptions{AccountSID: fake.AccountSID, AuthToken: fake.AuthToken, From: "+14155550100",
		APIURL: fake.URL, PublicURL: "https://yuyue.test", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	const provider = "twilio-sendtime-test" // a series of its own: other tests send too (counted from here on)
	w := &Worker{Svc: e.Svc, Sender: sender, Now: e.Clock.Now, Rate: 1000, Concurrency: 2, MaxAttempts: 5,
		RetryBase: time.Second, Poll: 10 * time.Millisecond, Provider: provider, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	c := e.Citizen(t, 1)
	e.Book(t, c, e.Place(t, "FT01", "newborn", "2026-12-03", "14:00"))
	time.Sleep(300 * time.Millisecond) // the confirmation waits in the outbox before the worker looks
	waited0, waitedSum0 := histogramOf(t, smsWaited, "confirmation")
	sent0, sentSum0 := histogramOf(t, smsSendTime, provider)
	fake.Script(twiliotest.Reply{Status: 201, Delay: 500 * time.Millisecond})
	drained := make(chan error, 1)
	go func() {
		n, err := w.Drain(context.Background())
		if err == nil && n != 1 {
			err = fmt.Errorf("drained %d messages, want 1", n)
		}
		drained <- err
	}()
	// While the provider holds the request, the wait is recorded (it ended
	// at the claim) and the send is not (it has not ended).
	for end := time.Now().Add(10 * time.Second); fake.Requests() == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("the worker never sent")
		}
	}
	waited, waitedSum := histogramOf(t, smsWaited, "confirmation")
	if waited != waited0+1 || waitedSum-waitedSum0 < 0.3 {
		t.Fatalf("claim histogram while sending: %d new samples, %.3f s; want one of at least the 0.3 s the message waited",
			waited-waited0, waitedSum-waitedSum0)
	}
	if n, _ := histogramOf(t, smsSendTime, provider); n != sent0 {
		t.Fatal("the send was recorded before it ended")
	}
	if err := <-drained; err != nil {
		t.Fatal(err)
	}
	if n, sum := histogramOf(t, smsSendTime, provider); n != sent0+1 || sum-sentSum0 < 0.5 {
		t.Fatalf("send histogram: %d new samples, %.3f s; want one of at least the provider's 0.5 s", n-sent0, sum-sentSum0)
	}
	if waitedNow, waitedSumNow := histogramOf(t, smsWaited, "confirmation"); waitedNow != waited || waitedSumNow != waitedSum {
		t.Fatal("the wait was recorded again after the send")
	}
}
