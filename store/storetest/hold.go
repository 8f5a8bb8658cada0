package storetest

import (
	"context"
	"sync"
	"testing"

	"yuyue/booking"
)

// HoldWriter keeps st's channels' writer inside a transaction until free
// is called (at the latest when the test ends, before the store's own
// clean-up, which waits for its writers): requests queued meanwhile wait.
// done yields the held transaction's result after free.
func HoldWriter(t testing.TB, st booking.Store) (free func(), done <-chan error) {
	t.Helper()
	held, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	free = func() { once.Do(func() { close(release) }) }
	t.Cleanup(free)
	res := make(chan error, 1)
	go func() {
		res <- st.InTx(context.Background(), func(booking.Tx) error { close(held); <-release; return nil })
	}()
	<-held
	return free, res
}
