package store_test

import (
	"sync"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/store/storetest"
)

// Holds through two nodes (two stores on one database) never oversell: the
// capacity rule lives in the database, not in either node.
func TestCapacityAcrossNodes(t *testing.T) {
	e := storetest.NewEnv(t, bigCatalog)
	nodes := []*booking.Service{e.Svc, e.Node(t)}
	p := e.Place(t, "FT01", "newborn", "2026-12-01", "09:00")
	const n = 60
	citizens := make([]booking.Citizen, n)
	for i := range citizens {
		citizens[i] = e.Citizen(t, i+1)
		e.Verify(t, citizens[i])
	}
	codes := make([]booking.Code, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			svc := nodes[i%2]
			h, err := svc.Hold(ctx, storetest.Actor, citizens[i].ID, p.ID)
			if err == nil {
				_, err = svc.Confirm(ctx, storetest.Actor, h.ID)
			}
			codes[i] = booking.ErrorCode(err)
		}()
	}
	wg.Wait()
	count := map[booking.Code]int{}
	for _, c := range codes {
		count[c]++
	}
	if count[""] != 10 || count[booking.EFull] != n-10 {
		t.Fatalf("outcomes %v: want exactly 10 bookings and %d full", count, n-10)
	}
	if got := e.Place(t, "FT01", "newborn", "2026-12-01", "09:00"); got.Taken != 10 {
		t.Fatalf("taken %d", got.Taken)
	}
}

// Two nodes' workers claiming the outbox at once claim every message
// exactly once.
func TestOutboxClaimedOnceAcrossNodes(t *testing.T) {
	e := storetest.NewEnv(t)
	stores := []booking.Store{e.Store, storetest.Sibling(t, e.Store)}
	const n = 40
	err := e.Store.InTx(ctx, func(tx booking.Tx) error {
		for i := range n {
			if err := tx.Enqueue(booking.Message{To: storetest.Phone(i), Kind: "test", Params: map[string]string{"i": "x"}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	claimed := map[int64]int{}
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				var items []booking.OutboxItem
				err := stores[w%2].InTx(ctx, func(tx booking.Tx) (err error) {
					items, err = tx.ClaimMessages(time.Now(), 3)
					return err
				})
				if err != nil {
					t.Error(err)
					return
				}
				if len(items) == 0 {
					return
				}
				mu.Lock()
				for _, m := range items {
					claimed[m.ID]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(claimed) != n {
		t.Fatalf("%d of %d messages claimed", len(claimed), n)
	}
	for id, k := range claimed {
		if k != 1 {
			t.Fatalf("message %d claimed %d times", id, k)
		}
	}
}
