package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"yuyue/internal/devserver"
)

var callingFrom = regexp.MustCompile(`☎ calling \S+ from (\S+) `)

// The README's callsim lines, read from README.md itself, played in order
// against a real `yuyue serve` in development mode, and then all of them a
// second time: a script that only works once (because its caller is now
// registered, or its ID number taken) fails here.
func TestReadmeScriptsTwiceInARow(t *testing.T) {
	srv := devserver.Start(t)
	// Where --new remembers the number; set after the build, which would
	// otherwise start from an empty Go build cache.
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	lines := withoutSIP(devserver.ReadmeCommands(t, "../../README.md", "go run ./cmd/callsim"))
	if !hasArg(lines, "--new") || !hasArg(lines, "last") {
		t.Fatalf("README should show a --new caller and a --from last caller: %q", lines)
	}
	for round := 1; round <= 2; round++ {
		newNumber := ""
		for _, args := range lines {
			s := play(t, srv, args)
			from := callingFrom.FindStringSubmatch(s)
			if from == nil {
				t.Fatalf("no calling line:\n%s", s)
			}
			if hasArg([][]string{args}, "--new") {
				newNumber = from[1]
			} else if hasArg([][]string{args}, "last") && from[1] != newNumber {
				t.Fatalf("round %d: --from last called from %s, the --new caller was %s", round, from[1], newNumber)
			}
			if rescheduling(args) {
				checkRescheduled(t, round, args, s)
				continue
			}
			checkBooked(t, round, args, s, from[1])
		}
	}
}

func play(t *testing.T, srv *devserver.Server, args []string) string {
	t.Helper()
	var out bytes.Buffer
	// A call back within sms.resend_after of the last code waits for it.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	err := run(ctx, append([]string{"--url", srv.URL}, args...), strings.NewReader(""), &out)
	if err != nil {
		t.Fatalf("callsim %q: %v\n%s\nserver log:\n%s", args, err, out.String(), srv.Logs())
	}
	return out.String()
}

// checkBooked wants the whole script to have landed: booked, the reference
// read out, the code right the first time, no key heard as wrong, and the
// confirmation SMS at the caller's own number.
func checkBooked(t *testing.T, round int, args []string, s, from string) {
	t.Helper()
	for _, want := range []string{"预约成功", "受理号", "yuyue hangs up", "✉ SMS to " + from} {
		if !strings.Contains(s, want) {
			t.Fatalf("round %d %q: transcript lacks %q:\n%s", round, args, want, s)
		}
	}
	for _, bad := range []string{"验证码不正确", "您的输入有误", "没有收到您的输入", "已有一个"} {
		if strings.Contains(s, bad) {
			t.Fatalf("round %d %q: transcript has %q:\n%s", round, args, bad, s)
		}
	}
	if !regexp.MustCompile(`✉ SMS to ` + regexp.QuoteMeta(from) + `: .*受理号\d+`).MatchString(s) {
		t.Fatalf("round %d %q: no confirmation SMS with a reference to %s:\n%s", round, args, from, s)
	}
}

func hasArg(lines [][]string, arg string) bool {
	for _, l := range lines {
		for _, a := range l {
			if a == arg {
				return true
			}
		}
	}
	return false
}

// withoutSIP drops the --sip lines: TestReadmeSIPCall plays them against a
// server that listens for SIP.
// The README's --id lines key a fixed ID number: they book once per
// database, in the --clock walk-through internal/devserver's
// TestReadmeDevClock plays.
func withoutSIP(lines [][]string) [][]string {
	var out [][]string
	for _, l := range lines {
		if !hasArg([][]string{l}, "--sip") && !hasArg([][]string{l}, "--id") {
			out = append(out, l)
		}
	}
	return out
}

// rescheduling reports whether a README script is the reschedule call:
// it starts with 2 (query) rather than 1 (book).
func rescheduling(args []string) bool {
	for i, a := range args {
		if a == "--script" && i+1 < len(args) {
			return strings.HasPrefix(args[i+1], "2,")
		}
	}
	return false
}

// checkRescheduled wants the reschedule script to have landed: moved with
// the reference kept, no key heard as wrong. (The caller hangs up at the
// menu, before the worker sends the reschedule SMS; booking's and sms's
// tests check that SMS.)
func checkRescheduled(t *testing.T, round int, args []string, s string) {
	t.Helper()
	for _, want := range []string{"改约请按1", "改约成功", "受理号不变", "☎ caller hangs up"} {
		if !strings.Contains(s, want) {
			t.Fatalf("round %d %q: transcript lacks %q:\n%s", round, args, want, s)
		}
	}
	for _, bad := range []string{"验证码不正确", "您的输入有误", "没有收到您的输入", "已超过"} {
		if strings.Contains(s, bad) {
			t.Fatalf("round %d %q: transcript has %q:\n%s", round, args, bad, s)
		}
	}
}
