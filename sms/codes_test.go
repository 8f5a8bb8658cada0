package sms_test

import (
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

func wrong(code string) string {
	if code == "000000" {
		return "000001"
	}
	return "000000"
}
