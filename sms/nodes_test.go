package sms_test

import (
	"sync"
	"testing"

	"yuyue/booking"
	"yuyue/store/storetest"
)

// Wrong codes tried at once through two nodes are each counted: after the
// allowed attempts every further try is refused, whichever node takes it.
func TestCodeAttemptsCountedAcrossNodes(t *testing.T) {
	e := storetest.NewEnv(t)
	a := newCodes(e)
	b := &booking.Codes{Svc: e.Node(t), Key: a.Key, Rules: rules}
	phone := storetest.Phone(1)
	if err := a.Issue(ctx, phone, booking.PurposeBooking, phone); err != nil {
		t.Fatal(err)
	}
	code := e.LastCode(t, phone)
	const tries = 12
	outcomes := make([]booking.Code, tries)
	var wg sync.WaitGroup
	for i := range tries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			node := []*booking.Codes{a, b}[i%2]
			outcomes[i] = booking.ErrorCode(node.Verify(ctx, phone, booking.PurposeBooking, wrong(code)))
		}()
	}
	wg.Wait()
	count := map[booking.Code]int{}
	for _, c := range outcomes {
		count[c]++
	}
	if count[booking.EInvalid] != rules.Attempts || count[booking.ERateLimited] != tries-rules.Attempts {
		t.Fatalf("outcomes %v: want %d wrong entries counted, the rest refused", count, rules.Attempts)
	}
	if err := b.Verify(ctx, phone, booking.PurposeBooking, code); booking.ErrorCode(err) != booking.ERateLimited {
		t.Fatalf("right code after the attempts ran out: %v", err)
	}
}
