package storetest

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"yuyue/booking"
)

// HoldWriter keeps st's channels' writer inside a transaction until free
// is called (at the latest when the test ends, before the store's own
// clean-up, which waits for its writers): requests queued meanwhile wait.
// done yields the held transaction's result after free.
func HoldWriter(t testing.TB, st booking.Store) (free func(), done <-chan error) {
	t.Helper()
	return Hold(t, st.InTx)
}

// Hold is HoldWriter for the writer submit hands its transactions to (an
// OutboxStore's InOutboxTx holds the outbox's writer, on SQLite the one
// writer).
func Hold(t testing.TB, submit func(context.Context, func(booking.Tx) error) error) (free func(), done <-chan error) {
	t.Helper()
	held, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	free = func() { once.Do(func() { close(release) }) }
	t.Cleanup(free)
	res := make(chan error, 1)
	go func() {
		res <- submit(context.Background(), func(booking.Tx) error { close(held); <-release; return nil })
	}()
	<-held
	return free, res
}

// AwaitBesideHeldWriter waits for work, started while HoldWriter holds the
// channels' writer. On PostgreSQL it must finish while that writer is
// still held — what the outbox's own writer is for — or the test fails
// after 30 s saying what waited; then the writer is freed. On SQLite, one
// writer, it can only finish after it, so the writer is freed first.
// Either way the held transaction's result is checked.
func AwaitBesideHeldWriter(t testing.TB, free func(), held, work <-chan error, what string) {
	t.Helper()
	if OnPostgres(t) {
		select {
		case err := <-work:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("%s waited for the channels' writer", what)
		}
		free()
		if err := <-held; err != nil {
			t.Fatal(err)
		}
		return
	}
	free()
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if err := <-work; err != nil {
		t.Fatal(err)
	}
}

// Queued reports whether n write requests wait for a held writer, each
// parked at the writer's channel. A store's Waiting counts a request a
// moment before its goroutine reaches that channel, so a test that wants
// them in the order it queued them, or all there when the writer is freed,
// must also see them parked: a goroutine stopped in between sends later
// and overtakes nothing, or is overtaken. That is what made the retry and
// flood tests fail now and then on a busy machine. Parked counts every
// store of the process, so it holds only while the test's own requests
// are all that wait (a PostgreSQL store's lease renewal, every 5 s, is
// another: the tests that use this are over in well under that). Each
// check takes a goroutine dump, which stops the world for a moment:
// poll at most every 100 µs or so.
func Queued(w interface{ Waiting() int }, n int) bool { return QueuedIn(n, w) }

// QueuedIn is Queued for requests queued on several stores (nodes of one
// process): n of them wait in all, each parked at its writer's channel.
func QueuedIn(n int, ws ...interface{ Waiting() int }) bool {
	waiting := 0
	for _, w := range ws {
		waiting += w.Waiting()
	}
	return waiting >= n && parkedSubmitters() >= n
}

// parkedSubmitters counts goroutines parked in the select of the group
// writer's submitReq (status "select" in a goroutine dump).
func parkedSubmitters() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	parked := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		header, body, _ := strings.Cut(g, "\n")
		if strings.Contains(header, "[select") && strings.Contains(body, "sqlstore.(*DB).submitReq(") {
			parked++
		}
	}
	return parked
}
