package main

import (
	"bytes"
	"context"
	"io"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"yuyue/config"
	"yuyue/internal/devserver"
)

// smssim --provider aliyun works against a development server whatever
// its provider: with the default (twilio) and with sms.provider=aliyun,
// which starts without any Aliyun key in development mode. The pushed
// reply is run as a command and its answer arrives in the inbox.
func TestAliyunPushAgainstDevServer(t *testing.T) {
	for _, provider := range []string{"twilio", "aliyun"} {
		srv := devserver.Start(t, "YUYUE_SMS_PROVIDER="+provider)
		out := sms(t, srv, "--provider", "aliyun", "--from", "13900001111", "CX")
		if !strings.Contains(out, "push accepted: 接收成功") || !strings.Contains(out, "未找到与本号码绑定的实名登记") {
			t.Fatalf("provider %s:\n%s", provider, out)
		}
		var bad bytes.Buffer
		err := run(context.Background(), []string{"--url", srv.URL, "--provider", "aliyun", "--token", "wrong", "--from", "13900001111", "CX"}, &bad)
		if err == nil || !strings.Contains(err.Error(), "403") {
			t.Fatalf("provider %s, wrong push token: %v", provider, err)
		}
	}
}

var replyRef = regexp.MustCompile(`受理号(\d+)`)

// The README's callsim and smssim lines, read from README.md and played in
// its order against a real `yuyue serve` in development mode: the calls
// book two businesses, CX lists both, QX asks which one. Then, beyond the
// README, the reference CX gave cancels one booking and the cancellation
// notice arrives in the inbox.
func TestReadmeSMSReplies(t *testing.T) {
	srv := devserver.Start(t)
	callsim := devserver.Build(t, "yuyue/cmd/callsim", t.TempDir())
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // after the builds: keep Go's build cache
	var cx string
	for _, l := range devserver.ReadmeLines(t, "../../README.md", "go run ./cmd/callsim", "go run ./cmd/smssim") {
		if l.Prefix == "go run ./cmd/callsim" {
			if slices.Contains(l.Args, "--sip") {
				continue // needs a SIP listener: cmd/callsim TestReadmeSIPCall plays it
			}
			if slices.Contains(l.Args, "--id") {
				continue // a fixed ID number books once: internal/devserver TestReadmeDevClock plays it
			}
			want := "预约成功"
			if slices.Contains(l.Args, "--script") && strings.HasPrefix(l.Args[slices.Index(l.Args, "--script")+1], "2,") {
				want = "改约成功" // the reschedule call
			}
			if out, err := exec.Command(callsim, append([]string{"--url", srv.URL}, l.Args...)...).CombinedOutput(); err != nil || !strings.Contains(string(out), want) {
				t.Fatalf("callsim %q: %v\n%s", l.Args, err, out)
			}
			continue
		}
		out := sms(t, srv, l.Args...)
		switch body := l.Args[len(l.Args)-1]; body {
		case "CX":
			cx = out
			if n := len(replyRef.FindAllString(out, -1)); !strings.Contains(out, "✉ reply: ") || n != 2 {
				t.Fatalf("CX after two bookings should list two references:\n%s", out)
			}
		case "QX":
			if !strings.Contains(out, "有效预约") || !strings.Contains(out, "QX") {
				t.Fatalf("QX with two bookings should ask which one:\n%s", out)
			}
		default:
			t.Fatalf("README shows smssim %q, which this test does not know to check", body)
		}
	}
	ref := replyRef.FindStringSubmatch(cx)[1]
	out := sms(t, srv, "--from", "last", "QX "+ref)
	if !strings.Contains(out, "✉ reply: ") || !strings.Contains(out, "已取消受理号"+ref) {
		t.Fatalf("QX %s did not cancel:\n%s", ref, out)
	}
	if !regexp.MustCompile(`✉ SMS to \+86\d+: .*已取消`).MatchString(out) {
		t.Fatalf("no cancellation notice from the inbox:\n%s", out)
	}
	if again := sms(t, srv, "--from", "last", "CX"); strings.Contains(again, ref) {
		t.Fatalf("the cancelled booking is still listed:\n%s", again)
	}
	// A wrong auth token makes a signature yuyue refuses: smssim signs as
	// Twilio does, it does not bypass the check.
	var bad bytes.Buffer
	err := run(context.Background(), []string{"--url", srv.URL, "--token", "wrong", "--from", "last", "CX"}, &bad)
	if err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("wrong token: err=%v\n%s", err, bad.String())
	}
}

func sms(t *testing.T, srv *devserver.Server, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := run(ctx, append([]string{"--url", srv.URL, "--wait", "2s"}, args...), &out); err != nil {
		t.Fatalf("smssim %q: %v\n%s\nserver log:\n%s", args, err, out.String(), srv.Logs())
	}
	return out.String()
}

func TestBadArguments(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	for _, args := range [][]string{
		{"--from", "+8613900001111"}, // no message
		{"CX"},                       // no sender
		{"--from", "12345", "CX"},    // not a mobile
		{"--from", "last", "CX"},     // no earlier callsim --new
		{"--provider", "sms", "--from", "13900001111", "CX"},
	} {
		if _, err := parse(args); err == nil {
			t.Errorf("parse(%q) accepted", args)
		}
	}
	if o, err := parse([]string{"--provider", "aliyun", "--from", "13900001111", "CX"}); err != nil || o.token != config.DevPushToken {
		t.Fatalf("aliyun without --token: %+v %v, want the development token", o, err)
	}
	o, err := parse([]string{"--from", "139 0000 1111", "QX", "12345678"})
	if err != nil || o.from != "+8613900001111" || o.body != "QX 12345678" {
		t.Fatalf("parse = %+v, %v", o, err)
	}
}

// Asking for help is no failure: the usage, exit status 0.
func TestHelpIsNoError(t *testing.T) {
	if err := runWith(context.Background(), []string{"--help"}, io.Discard); err != nil {
		t.Fatalf("--help: %v", err)
	}
	if err := runWith(context.Background(), []string{"--no-such-flag"}, io.Discard); err == nil {
		t.Fatal("an unknown flag was accepted")
	}
}
