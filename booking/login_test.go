package booking_test

import (
	"sync"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"yuyue/booking"
	"yuyue/store/storetest"
)

// Issue 22 item 5: a login naming no account is compared with a hash at the
// policy's real bcrypt cost (the same work as a wrong password).
func TestItem5UnknownLoginComparedAtTheRealCost(t *testing.T) {
	e := storetest.NewEnv(t)
	pol := booking.DefaultAccountPolicy()
	pol.Cost = bcrypt.MinCost + 2
	ac := &booking.Accounts{Svc: e.Svc, Policy: pol}
	var mu sync.Mutex
	var costs []int
	real := *booking.CompareHash
	*booking.CompareHash = func(h, pw []byte) error {
		c, _ := bcrypt.Cost(h)
		mu.Lock()
		costs = append(costs, c)
		mu.Unlock()
		return real(h, pw)
	}
	t.Cleanup(func() { *booking.CompareHash = real })
	for _, login := range []string{storetest.Phone(7), storetest.ID(7)} {
		if _, _, err := ac.Login(ctx, login, "whatever-password", booking.ChannelApp); booking.ErrorCode(err) != booking.EUnauthorized {
			t.Fatalf("unknown login %s: %v", login, err)
		}
	}
	if len(costs) != 2 || costs[0] != pol.Cost || costs[1] != pol.Cost {
		t.Fatalf("unknown logins compared at costs %v, want two at %d", costs, pol.Cost)
	}
}
