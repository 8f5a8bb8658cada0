package sms_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/sms"
	"yuyue/sms/twiliotest"
	"yuyue/store/storetest"
)

const (
	accountSID = "ACtest00000000000000000000000000"
	authToken  = "testauthtoken0123456789abcdef01"
	publicURL  = "https://yuyue.test"
	smsFrom    = "+14155550100"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// ctx is the context of this package's tests.
var ctx = context.Background()

func newWorker(t *testing.T, e *storetest.Env, fake *twiliotest.Fake, timeout time.Duration, logs *lockedBuffer) *sms.Worker {
	t.Helper()
	sender, err := sms.NewTwilioSender(sms.TwilioOptions{AccountSID: accountSID, AuthToken: authToken, From: smsFrom,
		APIURL: fake.URL, PublicURL: publicURL, Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	return &sms.Worker{Svc: e.Svc, Sender: sender, Now: e.Clock.Now, Rate: 1000, Concurrency: 2, MaxAttempts: 5,
		RetryBase: 2 * time.Second, Poll: 10 * time.Millisecond,
		Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
}

func TestWorkerSendsConfirmationWithTwilioGo(t *testing.T) {
	e := storetest.NewEnv(t)
	fake := twiliotest.New(accountSID, authToken)
	defer fake.Close()
	w := newWorker(t, e, fake, time.Second, &lockedBuffer{})
	c := e.Citizen(t, 1)
	b := e.Book(t, c, e.Place(t, "FT01", "newborn", "2026-12-03", "14:00"))
	if n, err := w.Drain(ctx); err != nil || n != 1 {
		t.Fatalf("drain: %d %v", n, err)
	}
	ms := fake.Messages()
	if len(ms) != 1 {
		t.Fatalf("%d messages", len(ms))
	}
	m := ms[0]
	if m.To != c.Phone || m.From != smsFrom || m.StatusCallback != publicURL+"/twilio/sms/status" {
		t.Fatalf("message fields: %+v", m)
	}
	for _, want := range []string{b.Reference, "新生儿入户", "福田派出所户政室", "福田区福华路100号", "12月3日", "14:00-15:00", "出生医学证明", "12月2日18:00"} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("confirmation lacks %q: %s", want, m.Body)
		}
	}
	if strings.Contains(m.Body, storetest.ID(1)[:10]) {
		t.Fatal("confirmation carries the ID number")
	}
	if n, _ := w.Drain(ctx); n != 0 || len(fake.Messages()) != 1 {
		t.Fatal("a second drain sent again")
	}
}

func TestWorkerRetries429ThenSendsOnce(t *testing.T) {
	e := storetest.NewEnv(t)
	fake := twiliotest.New(accountSID, authToken)
	defer fake.Close()
	fake.Script(twiliotest.Reply{Status: 429})
	w := newWorker(t, e, fake, time.Second, &lockedBuffer{})
	e.Book(t, e.Citizen(t, 1), e.Place(t, "FT01", "newborn", "2026-12-03", "14:00"))
	w.Drain(ctx)
	if fake.Requests() != 1 || len(fake.Messages()) != 0 {
		t.Fatalf("after 429: %d requests, %d accepted", fake.Requests(), len(fake.Messages()))
	}
	w.Drain(ctx) // backoff not over yet
	if fake.Requests() != 1 {
		t.Fatal("retried before the backoff")
	}
	e.Clock.Advance(2 * time.Second)
	w.Drain(ctx)
	w.Drain(ctx)
	if fake.Requests() != 2 || len(fake.Messages()) != 1 {
		t.Fatalf("after retry: %d requests, %d accepted; want 2 and 1", fake.Requests(), len(fake.Messages()))
	}
}

func TestWorkerTimeoutIsUnknownAndNotResent(t *testing.T) {
	e := storetest.NewEnv(t)
	fake := twiliotest.New(accountSID, authToken)
	defer fake.Close()
	fake.Script(twiliotest.Reply{Status: 201, Delay: 500 * time.Millisecond})
	logs := &lockedBuffer{}
	w := newWorker(t, e, fake, 100*time.Millisecond, logs)
	e.Book(t, e.Citizen(t, 1), e.Place(t, "FT01", "newborn", "2026-12-03", "14:00"))
	w.Drain(ctx)
	time.Sleep(600 * time.Millisecond) // the fake accepts it after all
	e.Clock.Advance(time.Hour)
	w.Drain(ctx)
	if fake.Requests() != 1 || len(fake.Messages()) != 1 {
		t.Fatalf("%d requests: a message with an unknown outcome was sent again", fake.Requests())
	}
	var st booking.OutboxStats
	e.View(ctx, func(tx booking.Tx) (err error) { st, err = tx.OutboxStats(); return err })
	if st["unknown"] != 1 || !strings.Contains(logs.String(), "needs attention") {
		t.Fatalf("stats %v; log:\n%s", st, logs)
	}
}

func TestWorkerStoppedBetweenCommitAndSendSendsOnceAfterRestart(t *testing.T) {
	e := storetest.NewEnv(t)
	fake := twiliotest.New(accountSID, authToken)
	defer fake.Close()
	// committed while no worker runs
	e.Book(t, e.Citizen(t, 1), e.Place(t, "FT01", "newborn", "2026-12-03", "14:00"))
	for range 2 { // two process lifetimes
		w := newWorker(t, e, fake, time.Second, &lockedBuffer{})
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan error)
		go func() { done <- w.Run(runCtx) }()
		deadline := time.Now().Add(5 * time.Second)
		for len(fake.Messages()) == 0 && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(50 * time.Millisecond)
		cancel()
		<-done
	}
	if len(fake.Messages()) != 1 || fake.Requests() != 1 {
		t.Fatalf("%d messages over two lifetimes, want exactly 1", len(fake.Messages()))
	}
}

func TestWorkerCrashMidSendMarksUnknown(t *testing.T) {
	e := storetest.NewEnv(t)
	fake := twiliotest.New(accountSID, authToken)
	defer fake.Close()
	e.Book(t, e.Citizen(t, 1), e.Place(t, "FT01", "newborn", "2026-12-03", "14:00"))
	// a worker claims the row and dies before recording the outcome
	e.InTx(ctx, func(tx booking.Tx) error { _, err := tx.ClaimMessages(e.Clock.Now(), 10); return err })
	w := newWorker(t, e, fake, time.Second, &lockedBuffer{})
	runCtx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	w.Run(runCtx)
	if fake.Requests() != 0 {
		t.Fatal("a message that may have gone was sent again")
	}
}

func TestCodeNeverInLogs(t *testing.T) {
	e := storetest.NewEnv(t)
	fake := twiliotest.New(accountSID, authToken)
	defer fake.Close()
	logs := &lockedBuffer{}
	fake.Script(twiliotest.Reply{Status: 500}) // a failure path logs too
	w := newWorker(t, e, fake, time.Second, logs)
	codes := newCodes(e)
	codes.Kick = w.Kick
	phone := storetest.Phone(5)
	if err := codes.Issue(ctx, phone, booking.PurposeBooking, phone); err != nil {
		t.Fatal(err)
	}
	w.Drain(ctx)
	e.Clock.Advance(time.Minute)
	w.Drain(ctx)
	body := fake.LastTo(phone)
	code := strings.TrimPrefix(strings.SplitN(body, "，", 2)[0], sms.Signature+"验证码")
	if len(code) != 6 {
		t.Fatalf("code SMS not sent: %q", body)
	}
	codes.Verify(ctx, phone, booking.PurposeBooking, wrong(code))
	codes.Verify(ctx, phone, booking.PurposeBooking, code)
	if logs.String() == "" {
		t.Fatal("nothing was logged: the test would prove nothing")
	}
	if strings.Contains(logs.String(), code) {
		t.Fatalf("the code %s appears in the log:\n%s", code, logs)
	}
	// and the outbox row no longer holds it
	raw, _ := e.Query(`SELECT params FROM outbox WHERE kind = 'code'`)
	defer raw.Close()
	for raw.Next() {
		var p string
		raw.Scan(&p)
		if strings.Contains(p, code) {
			t.Fatal("the sent code is still in the outbox")
		}
	}
}
