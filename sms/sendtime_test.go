package sms

import (
	"context"
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

// The two halves of a message's way to the provider are measured apart, so
// on-call can tell a backlog from a slow provider: the send histogram
// takes the provider's answer time (here a fake Twilio answering after
// 200 ms), the claim histogram the time the message waited before it.
func TestSendTimeAndBacklogAreMeasuredApart(t *testing.T) {
	e := storetest.NewEnv(t)
	fake := twiliotest.New("ACtest00000000000000000000000000", "testauthtoken0123456789abcdef01")
	defer fake.Close()
	sender, err := NewTwilioSender(TwilioOptions{AccountSID: fake.AccountSID, AuthToken: fake.AuthToken, From: "+14155550100",
		APIURL: fake.URL, PublicURL: "https://yuyue.test", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	const provider = "twilio-sendtime-test" // a series of its own: other tests send too
	w := &Worker{Svc: e.Svc, Sender: sender, Now: e.Clock.Now, Rate: 1000, Concurrency: 2, MaxAttempts: 5,
		RetryBase: time.Second, Poll: 10 * time.Millisecond, Provider: provider, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	c := e.Citizen(t, 1)
	e.Book(t, c, e.Place(t, "FT01", "newborn", "2026-12-03", "14:00"))
	time.Sleep(300 * time.Millisecond) // the confirmation waits in the outbox before the worker looks
	waited0, waitedSum0 := histogramOf(t, smsWaited, "confirmation")
	fake.Script(twiliotest.Reply{Status: 201, Delay: 200 * time.Millisecond})
	if n, err := w.Drain(context.Background()); err != nil || n != 1 {
		t.Fatalf("drain: %d %v", n, err)
	}
	if n, sum := histogramOf(t, smsSendTime, provider); n != 1 || sum < 0.2 {
		t.Fatalf("send histogram: %d samples, %.3f s in all; want one of at least the provider's 0.2 s", n, sum)
	}
	waited, waitedSum := histogramOf(t, smsWaited, "confirmation")
	if waited != waited0+1 || waitedSum-waitedSum0 < 0.3 {
		t.Fatalf("claim histogram: %d new samples, %.3f s; want one of at least the 0.3 s the message waited", waited-waited0, waitedSum-waitedSum0)
	}
}
