package booking_test

import (
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/store/storetest"
)

var rules = booking.CodeRules{TTL: 5 * time.Minute, Attempts: 5, ResendAfter: 60 * time.Second, PerHour: 5, PerDay: 10, PerCallerDay: 10}

func newCodes(e *storetest.Env) *booking.Codes {
	return &booking.Codes{Svc: e.Svc, Key: []byte("test code key"), Rules: rules}
}

func wrong(code string) string {
	if code == "000000" {
		return "000001"
	}
	return "000000"
}

func TestCodeWrongEntriesAndSixthRefused(t *testing.T) {
	e := storetest.NewEnv(t)
	c := newCodes(e)
	phone := storetest.Phone(1)
	if err := c.Issue(ctx, phone, booking.PurposeBooking, phone); err != nil {
		t.Fatal(err)
	}
	code := e.LastCode(t, phone)
	for i := 1; i <= 5; i++ {
		if err := c.Verify(ctx, phone, booking.PurposeBooking, wrong(code)); booking.ErrorCode(err) != booking.EInvalid {
			t.Fatalf("wrong entry %d: %v, want invalid", i, err)
		}
	}
	if err := c.Verify(ctx, phone, booking.PurposeBooking, code); booking.ErrorCode(err) != booking.ERateLimited {
		t.Fatalf("6th entry (even the right code): %v, want rate_limited", err)
	}
	if ok, _ := e.Svc.PhoneVerified(ctx, phone, booking.PurposeBooking); ok {
		t.Fatal("phone verified after the code was locked")
	}
}

func TestCodeExpiresAtExactlyFiveMinutes(t *testing.T) {
	for _, tc := range []struct {
		after time.Duration
		want  booking.Code
	}{{5*time.Minute - time.Second, ""}, {5 * time.Minute, booking.EExpired}} {
		e := storetest.NewEnv(t)
		c := newCodes(e)
		phone := storetest.Phone(1)
		if err := c.Issue(ctx, phone, booking.PurposeManage, ""); err != nil {
			t.Fatal(err)
		}
		code := e.LastCode(t, phone)
		e.Clock.Advance(tc.after)
		if err := c.Verify(ctx, phone, booking.PurposeManage, code); booking.ErrorCode(err) != tc.want {
			t.Fatalf("verify after %v: %v, want %q", tc.after, err, tc.want)
		}
		if tc.want == "" {
			if ok, _ := e.Svc.PhoneVerified(ctx, phone, booking.PurposeManage); !ok {
				t.Fatal("right code did not verify the phone")
			}
			if ok, _ := e.Svc.PhoneVerified(ctx, phone, booking.PurposeBooking); ok {
				t.Fatal("a manage code verified the phone for booking")
			}
		}
	}
}

func TestCodeResendAndCaps(t *testing.T) {
	e := storetest.NewEnv(t)
	c := newCodes(e)
	phone := storetest.Phone(1)
	issue := func() booking.Code { return booking.ErrorCode(c.Issue(ctx, phone, booking.PurposeBooking, phone)) }
	if got := issue(); got != "" {
		t.Fatal(got)
	}
	e.Clock.Advance(59 * time.Second)
	if got := issue(); got != booking.ERateLimited {
		t.Fatalf("resend at 59 s: %q, want rate_limited", got)
	}
	e.Clock.Advance(time.Second)
	if got := issue(); got != "" {
		t.Fatalf("resend at 60 s: %q", got)
	}
	for i := 3; i <= 5; i++ { // codes 3..5 within the hour
		e.Clock.Advance(61 * time.Second)
		if got := issue(); got != "" {
			t.Fatalf("code %d: %q", i, got)
		}
	}
	e.Clock.Advance(61 * time.Second)
	if got := issue(); got != booking.ERateLimited {
		t.Fatalf("6th code in an hour: %q, want rate_limited", got)
	}
	e.Clock.Advance(time.Hour)
	for i := 6; i <= 10; i++ {
		if got := issue(); got != "" {
			t.Fatalf("code %d of the day: %q", i, got)
		}
		e.Clock.Advance(13 * time.Minute)
	}
	if got := issue(); got != booking.ERateLimited {
		t.Fatalf("11th code in a day: %q, want rate_limited", got)
	}
	e.Clock.Advance(24 * time.Hour)
	if got := issue(); got != "" {
		t.Fatalf("next day: %q", got)
	}
}

func TestCodeCallerCapAgainstPumping(t *testing.T) {
	e := storetest.NewEnv(t)
	c := newCodes(e)
	c.Rules.PerCallerDay = 3
	caller := storetest.Phone(99)
	for i := 1; i <= 3; i++ {
		if err := c.Issue(ctx, storetest.Phone(i), booking.PurposeBooking, caller); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Issue(ctx, storetest.Phone(4), booking.PurposeBooking, caller); booking.ErrorCode(err) != booking.ERateLimited {
		t.Fatalf("4th number from one caller: %v, want rate_limited", err)
	}
}

func TestNewCodeReplacesOld(t *testing.T) {
	e := storetest.NewEnv(t)
	c := newCodes(e)
	phone := storetest.Phone(1)
	c.Issue(ctx, phone, booking.PurposeBooking, "")
	old := e.LastCode(t, phone)
	e.Clock.Advance(time.Minute)
	c.Issue(ctx, phone, booking.PurposeBooking, "")
	fresh := e.LastCode(t, phone)
	if old != fresh {
		if err := c.Verify(ctx, phone, booking.PurposeBooking, old); err == nil {
			t.Fatal("a replaced code still verifies")
		}
	}
	if err := c.Verify(ctx, phone, booking.PurposeBooking, fresh); err != nil {
		t.Fatalf("latest code: %v", err)
	}
}
