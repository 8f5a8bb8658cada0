package storetest

import (
	"context"
	"testing"
	"time"

	"yuyue/booking"
)

// LastCode reads the verification code the outbox holds for phone (what
// the SMS would carry), claiming the messages due within the hour.
func (e *Env) LastCode(t testing.TB, phone string) string {
	t.Helper()
	var code string
	err := e.InTx(context.Background(), func(tx booking.Tx) error {
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
