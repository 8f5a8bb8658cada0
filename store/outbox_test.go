package store_test

import (
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/store/storetest"
)

// Claimed messages come back codes first (a caller waits on the line for
// one), then in id order, on both engines (RETURNING promises no order), a
// claimed row is not claimed again, and a restarted
// worker's recovery marks what it left in sending unknown, never pending.
func TestClaimMessagesInOrderAndRecovered(t *testing.T) {
	s := storetest.Open(t)
	var items []booking.OutboxItem
	err := s.InTx(ctx, func(tx booking.Tx) (err error) {
		for i := range 20 {
			kind := "test"
			if i%4 == 3 { // codes enqueued late: 3, 7, 11, 15, 19
				kind = booking.MsgCode
			}
			if err := tx.Enqueue(booking.Message{To: storetest.Phone(i), Kind: kind}); err != nil {
				return err
			}
		}
		items, err = tx.ClaimMessages(time.Now().Add(time.Minute), 15)
		return err
	})
	if err != nil || len(items) != 15 {
		t.Fatalf("claimed %d of 15: %v", len(items), err)
	}
	for i, it := range items {
		if want := i < 5; (it.Kind == booking.MsgCode) != want || it.CreatedAt.IsZero() {
			t.Fatalf("claim %d is a %s (created %v): codes come first", i, it.Kind, it.CreatedAt)
		}
		if i > 0 && i != 5 && it.ID <= items[i-1].ID {
			t.Fatalf("claimed out of order: %d after %d", it.ID, items[i-1].ID)
		}
	}
	var rest []booking.OutboxItem
	var recovered int
	err = s.InTx(ctx, func(tx booking.Tx) (err error) {
		if rest, err = tx.ClaimMessages(time.Now().Add(time.Minute), 15); err != nil {
			return err
		}
		recovered, err = tx.RecoverSending()
		return err
	})
	if err != nil || len(rest) != 5 || rest[0].ID <= items[14].ID || rest[0].Kind == booking.MsgCode || recovered != 20 {
		t.Fatalf("second claim %d rows, recovered %d: %v", len(rest), recovered, err)
	}
	var st booking.OutboxStats
	if err := s.View(ctx, func(tx booking.Tx) (err error) { st, err = tx.OutboxStats(); return err }); err != nil {
		t.Fatal(err)
	}
	if st["unknown"] != 20 || st["pending"] != 0 || st["sending"] != 0 {
		t.Fatalf("after recovery: %v", st)
	}
}
