package main

import (
	"testing"
	"time"

	"yuyue/booking"
)

func TestNewCallersAreValidAndFresh(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		n := newMobile()
		if got, err := booking.NormalizeMobile(n); err != nil || got != n {
			t.Fatalf("newMobile() = %s: %v", n, err)
		}
		id := newIDNumber()
		if _, err := booking.NormalizeIDNumber(id, time.Now()); err != nil {
			t.Fatalf("newIDNumber() = %s: %v", id, err)
		}
		if seen[n] || seen[id] {
			t.Fatalf("repeated %s / %s", n, id)
		}
		seen[n], seen[id] = true, true
	}
}

func TestFromLastCallsBackTheNewCaller(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	if _, _, err := pickCaller(false, "last", ""); err == nil {
		t.Fatal("--from last with no earlier --new call was accepted")
	}
	n, _, err := pickCaller(true, "", "")
	if err != nil {
		t.Fatal(err)
	}
	back, _, err := pickCaller(false, "last", "")
	if err != nil || back != n {
		t.Fatalf("--from last = %s, %v; want %s", back, err, n)
	}
	if _, _, err := pickCaller(true, "+8613800138000", ""); err == nil {
		t.Fatal("--new with --from was accepted")
	}
	if got, _, _ := pickCaller(false, "13900001111", ""); got != "+8613900001111" {
		t.Fatalf("--from 13900001111 = %s", got)
	}
}
