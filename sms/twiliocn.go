package sms

import (
	"bytes"
	"context"
	"crypto/sha256"
	"log/slog"
	"strings"
	"time"

	"yuyue/booking"
)

// MainlandGuard keeps Twilio sends to +86 numbers within Twilio's China
// rules: three identical messages to one number in 24 hours are rejected,
// and more than five different ones trigger a manual review and a day's
// delay. So at most PerDay messages go to one number in 24 hours, and a
// body already sent there in that time is not sent again. A message held
// back fails (a code the citizen can ask for again later; a notice the
// console shows), is logged and counted; nothing is queued for later,
// since a late code or notice would mislead more than a missing one.
type MainlandGuard struct {
	Next   Sender
	Svc    *booking.Service
	Now    func() time.Time
	PerDay int
	Log    *slog.Logger
}

// Send passes other numbers through; a +86 send is recorded (by a hash of
// its body) before it goes, in one transaction with the check, so two
// workers cannot both take the last place.
func (g *MainlandGuard) Send(ctx context.Context, m booking.OutboxItem, body string) (string, booking.SendOutcome, error) {
	if !strings.HasPrefix(m.To, "+86") {
		return g.Next.Send(ctx, m, body)
	}
	sum := sha256.Sum256([]byte(body))
	id, rule, err := g.Svc.ReserveMainlandSend(ctx, m.To, sum[:], g.Now(), func(sent [][]byte) string {
		return mainlandRule(sent, sum[:], g.PerDay)
	})
	if err != nil {
		return "", booking.SendRetry, err
	}
	if rule != "" {
		g.Log.Warn("twilio: message to a +86 number held back by Twilio's China rules", "rule", rule,
			"message_id", m.ID, "kind", m.Kind, "per_day", g.PerDay)
		return "", booking.SendFailed, &Refusal{Code: "twilio_cn." + rule, Message: mainlandWhy[rule]}
	}
	sid, outcome, err := g.Next.Send(ctx, m, body)
	if outcome == booking.SendRetry { // surely not sent: it does not count
		if ferr := g.Svc.ForgetMainlandSend(context.WithoutCancel(ctx), id); ferr != nil {
			g.Log.Error("twilio: forgetting a send that did not go", "message_id", m.ID, "err", ferr)
		}
	}
	return sid, outcome, err
}

var mainlandWhy = map[string]string{
	"duplicate": "the same text went to this number within 24 hours; Twilio rejects repeats to China",
	"daily_cap": "sms.twilio_cn_per_day messages already went to this number within 24 hours; Twilio reviews more",
}

// mainlandRule names the rule a send of hash would break, "" for none.
func mainlandRule(sent [][]byte, hash []byte, perDay int) string {
	for _, h := range sent {
		if bytes.Equal(h, hash) {
			return "duplicate"
		}
	}
	if len(sent) >= perDay {
		return "daily_cap"
	}
	return ""
}
