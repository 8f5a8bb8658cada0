package sms_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/sms"
	"yuyue/store/storetest"
)

// The development inbox keeps both renderings of a message: the text
// Twilio would carry and the template code and parameters Aliyun would get.
func TestDevInboxShowsTextAndTemplate(t *testing.T) {
	e := storetest.NewEnv(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	w := &sms.Worker{Svc: e.Svc, Sender: &sms.DevSender{Svc: e.Svc, Log: log, Now: e.Clock.Now, Templates: aliTemplates},
		Log: log, Now: e.Clock.Now, Rate: 1000, Concurrency: 1, MaxAttempts: 3, RetryBase: time.Second, Poll: time.Second,
		Text: sms.Renderer{NoReplyTo: sms.MainlandNoReply}}
	c := e.Citizen(t, 1)
	b := e.Book(t, c, e.Place(t, "FT01", "newborn", "2026-12-03", "14:00"))
	if _, err := w.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	var ms []booking.DevMessage
	e.View(ctx, func(tx booking.Tx) (err error) { ms, err = tx.DevMessages(c.Phone, 10); return err })
	if len(ms) != 1 {
		t.Fatalf("inbox: %+v", ms)
	}
	m := ms[0]
	var params map[string]string
	if err := json.Unmarshal([]byte(m.TemplateParams), &params); err != nil {
		t.Fatalf("params %q: %v", m.TemplateParams, err)
	}
	if m.Template != aliTemplates[booking.MsgConfirmation] || params["ref"] != b.Reference ||
		!strings.HasPrefix(m.Body, sms.Signature) || !strings.Contains(m.Body, "受理号"+b.Reference) || strings.Contains(m.Body, "回复") {
		t.Fatalf("dev message: %+v", m)
	}
}
