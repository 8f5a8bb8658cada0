package main

import (
	"net"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"yuyue/internal/devserver"
)

// The README's callsim --sip line against a real `yuyue serve` in
// development mode with sip.listen on a free loopback UDP port and
// espeak-ng speaking: the README's --new caller registers through the
// Twilio mode, then calls back over SIP (RTP, RFC 4733 keys, the code from
// the inbox, prompts from /dev/sip/prompts) and books.
func TestReadmeSIPCall(t *testing.T) {
	needEspeak(t)
	sipAddr := freeUDP(t)
	srv := devserver.Start(t, "YUYUE_SIP_LISTEN=udp:"+sipAddr, "YUYUE_SIP_TRUNKS=127.0.0.1", "YUYUE_TTS_PROVIDER=espeak")
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	var register, sipLine []string
	for _, args := range devserver.ReadmeCommands(t, "../../README.md", "go run ./cmd/callsim") {
		switch {
		case hasArg([][]string{args}, "--new") && register == nil:
			register = args
		case hasArg([][]string{args}, "--sip"):
			sipLine = args
		}
	}
	if register == nil || sipLine == nil {
		t.Fatalf("README should show a --new caller and a callsim --sip line")
	}
	reg := play(t, srv, register)
	from := callingFrom.FindStringSubmatch(reg)
	if from == nil {
		t.Fatalf("no calling line:\n%s", reg)
	}
	s := play(t, srv, sipAt(t, sipLine, sipAddr))
	if !strings.Contains(s, "(SIP, RFC 4733 keys)") {
		t.Fatalf("the --sip line did not call over SIP:\n%s", s)
	}
	if got := callingFrom.FindStringSubmatch(s); got == nil || got[1] != from[1] {
		t.Fatalf("--from last over SIP called from %v, the --new caller was %s:\n%s", got, from[1], s)
	}
	checkBooked(t, 1, sipLine, s, from[1])
	if !strings.Contains(s, "市外迁入") || !regexp.MustCompile(`(?s)✉ SMS to \S+: [^\n]*市外迁入[^\n]*受理号`).MatchString(s) {
		t.Fatalf("the SIP call did not book 市外迁入 (key 3):\n%s", s)
	}
	if !strings.Contains(srv.Logs(), "sip: prompt") {
		t.Fatalf("the server logged no SIP prompt:\n%s", srv.Logs())
	}
}

// sipAt points the README's --sip target at the test server's port.
func sipAt(t *testing.T, args []string, addr string) []string {
	out := append([]string{}, args...)
	for i, a := range out {
		if a == "--sip" && i+1 < len(out) {
			out[i+1] = "sip:114@" + addr
			return out
		}
	}
	t.Fatalf("no --sip target in %q", args)
	return nil
}

func freeUDP(t *testing.T) string {
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().String()
}

func needEspeak(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("espeak-ng is not installed; .ci/run installs the Debian package espeak-ng")
		}
		t.Skip("espeak-ng not installed (apt-get install espeak-ng); CI unset, so skipping")
	}
}
