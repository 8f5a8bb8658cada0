package sms_test

import (
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/store/storetest"
)

// The code rules the SMS tests issue codes under (booking's own tests of
// them are in booking/codes_test.go).
var rules = booking.CodeRules{TTL: 5 * time.Minute, Attempts: 5, ResendAfter: 60 * time.Second, PerHour: 5, PerDay: 10, PerCallerDay: 10}

func newCodes(e *storetest.Env) *booking.Codes {
	return &booking.Codes{Svc: e.Svc, Key: []byte("test code key"), Rules: rules}
}

// lastCode reads the code the outbox holds for phone (what the SMS carries).
func lastCode(t *testing.T, e *storetest.Env, phone string) string {
	t.Helper()
	var code string
	err := e.InTx(ctx, func(tx booking.Tx) error {
		items, err := tx.ClaimMessages(e.Clock.Now().Add(time.Hour), 100)
		for _, it := range items {
			if it.To == phone && it.Kind == booking.MsgCode {
				code = it.Params["code"]
			}
		}
		return err
	})
	if err != nil || len(code) != 6 {
		t.Fatalf("no code in the outbox for %s: %v", phone, err)
	}
	return code
}
func wrong(code string) string {
	if code == "000000" {
		return "000001"
	}
	return "000000"
}
