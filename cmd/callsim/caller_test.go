package main

import (
	"context"
	"io"
	"strings"
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
	if _, _, err := pickCaller(srv, false, "last", ""); err == nil {
		t.Fatal("--from last with no earlier --new call was accepted")
	}
	n, _, err := pickCaller(srv, true, "", "")
	if err != nil {
		t.Fatal(err)
	}
	back, _, err := pickCaller(srv, false, "last", "")
	if err != nil || back != n {
		t.Fatalf("--from last = %s, %v; want %s", back, err, n)
	}
	if _, _, err := pickCaller(srv, true, "+8613800138000", ""); err == nil {
		t.Fatal("--new with --from was accepted")
	}
	if got, _, _ := pickCaller(srv, false, "13900001111", ""); got != "+8613900001111" {
		t.Fatalf("--from 13900001111 = %s", got)
	}
	// --from last is per server: another server never saw that caller
	const other = "http://127.0.0.1:8081"
	if _, _, err := pickCaller(other, false, "last", ""); err == nil {
		t.Fatal("--from last on another server recalled the first server's caller")
	}
	m, _, _ := pickCaller(other, true, "", "")
	if back, _, _ := pickCaller(srv, false, "last", ""); back != n || m == n {
		t.Fatalf("a --new call to another server replaced this server's last caller: %s", back)
	}
}

const srv = "http://127.0.0.1:8080"

// Asking for help is no failure: the usage, exit status 0.
func TestHelpIsNoError(t *testing.T) {
	if err := runMain([]string{"--help"}); err != nil {
		t.Fatalf("--help: %v", err)
	}
	if err := runMain([]string{"--no-such-flag"}); err == nil {
		t.Fatal("an unknown flag was accepted")
	}
}

// Empty script tokens are silence until the timeout (empty Digits), as the
// README says; a trailing comma adds nothing.
func TestEmptyTokensAreKept(t *testing.T) {
	got := strings.Join(splitTokens("1,,2, ,3,", ","), "|")
	if got != "1||2||3" {
		t.Fatalf("tokens %q", got)
	}
}

func runMain(args []string) error {
	return runWith(context.Background(), args, strings.NewReader(""), io.Discard)
}
