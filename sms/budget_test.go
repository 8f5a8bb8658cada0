package sms

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"yuyue/booking"
	"yuyue/store/storetest"
)

// Codes to numbers that never passed one share a global hourly budget;
// hitting it counts in the metric and warns once, naming the key. Known
// numbers still get their codes.
func TestUnverifiedBudget(t *testing.T) {
	ctx := context.Background()
	e := storetest.NewEnv(t)
	var logs bytes.Buffer
	c := &booking.Codes{Svc: e.Svc, Key: []byte("k"), BudgetHit: BudgetWarner(slog.New(slog.NewTextHandler(&logs, nil)), 2),
		Rules: booking.CodeRules{TTL: 5 * time.Minute, Attempts: 5, ResendAfter: time.Minute, PerHour: 5, PerDay: 10,
			PerCallerDay: 100, UnverifiedPerHour: 2}}
	known := e.Citizen(t, 1)
	before := testutil.ToFloat64(smsUnverifiedBudget)
	for n := 10; n < 12; n++ {
		if err := c.Issue(ctx, storetest.Phone(n), booking.PurposeBooking, "+8613900000000"); err != nil {
			t.Fatalf("code %d within the budget: %v", n, err)
		}
	}
	for n := 12; n < 14; n++ {
		if err := c.Issue(ctx, storetest.Phone(n), booking.PurposeBooking, ""); err == nil || err.Error() != "rate_limited: unverified_budget" {
			t.Fatalf("code beyond the budget: %v", err)
		}
	}
	if err := c.Issue(ctx, known.Phone, booking.PurposeBooking, ""); err != nil {
		t.Fatalf("a registered citizen's phone is held back by the budget: %v", err)
	}
	if got := testutil.ToFloat64(smsUnverifiedBudget) - before; got != 2 {
		t.Fatalf("metric counted %v refusals, want 2", got)
	}
	if n := strings.Count(logs.String(), "sms.unverified_per_hour"); n != 1 {
		t.Fatalf("%d warnings, want one (throttled):\n%s", n, logs.String())
	}
	e.Clock.Advance(time.Hour + time.Second)
	if err := c.Issue(ctx, storetest.Phone(12), booking.PurposeBooking, ""); err != nil {
		t.Fatalf("an hour later: %v", err)
	}
}

// Requests without a calling number all count under AnonymousCaller.
func TestAnonymousCallersShareOneCap(t *testing.T) {
	ctx := context.Background()
	e := storetest.NewEnv(t)
	c := &booking.Codes{Svc: e.Svc, Key: []byte("k"), Rules: booking.CodeRules{TTL: 5 * time.Minute, Attempts: 5,
		ResendAfter: time.Minute, PerHour: 5, PerDay: 10, PerCallerDay: 3}}
	for n := range 3 {
		if err := c.Issue(ctx, storetest.Phone(20+n), booking.PurposeBooking, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Issue(ctx, storetest.Phone(30), booking.PurposeBooking, ""); err == nil || err.Error() != "rate_limited: caller_cap" {
		t.Fatalf("4th anonymous request: %v, want caller_cap", err)
	}
	if err := c.Issue(ctx, storetest.Phone(30), booking.PurposeBooking, "+8613900000000"); err != nil {
		t.Fatalf("a caller with a number is not in the anonymous bucket: %v", err)
	}
}
