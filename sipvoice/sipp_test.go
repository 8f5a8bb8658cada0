package sipvoice_test

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"yuyue/booking"
	"yuyue/ivr"
)

// needSIPp skips outside CI when SIPp (Debian sip-tester) is missing; CI
// installs it, so there a missing binary fails.
func needSIPp(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("sipp")
	if err == nil {
		if _, err = os.Stat("/usr/share/sip-tester/dtmf_2833_1.pcap"); err == nil {
			return bin
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("SIPp or its RFC 2833 pcaps are missing; .ci/run installs the Debian package sip-tester")
	}
	t.Skip("sipp not installed (apt-get install sip-tester); CI unset, so skipping")
	return ""
}

// TestSIPpKeyAdvancesTheCall has SIPp, a SIP stack we did not write, place
// a call, press 1 at the menu by RFC 2833 RTP from the pcap it ships and
// hang up; the call's row in call_sessions must show the step taken.
func TestSIPpKeyAdvancesTheCall(t *testing.T) {
	bin := needSIPp(t)
	h := newHarness(t, opts{})
	c := h.e.Citizen(t, 7)
	dir := t.TempDir()
	csv := filepath.Join(dir, "callers.csv")
	if err := os.WriteFile(csv, []byte("SEQUENTIAL\n"+c.Phone+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	host, port, _ := net.SplitHostPort(h.addr)
	cmd := exec.Command(bin, h.addr, "-sf", "testdata/sipp_menu_key.xml", "-inf", csv,
		"-i", host, "-p", freePort(t), "-mi", host, "-mp", freePort(t),
		"-m", "1", "-l", "1", "-timeout", "60s", "-timeout_error", "-nostdin", "-trace_err",
		"-error_file", filepath.Join(dir, "errors.log"))
	cmd.Dir = "."
	out, err := cmd.CombinedOutput()
	if err != nil {
		errs, _ := os.ReadFile(filepath.Join(dir, "errors.log"))
		t.Fatalf("sipp to %s:%s: %v\n%s\n%s", host, port, err, lastLines(out, 30), errs)
	}
	rec := onlyCall(t, h)
	if !strings.HasPrefix(rec.SID, ivr.SIPCallPrefix) {
		t.Fatalf("call id %q lacks the SIP prefix", rec.SID)
	}
	// 1 at the menu from a registered mobile sends the code: the step is code.
	if ivr.Step(rec.Step) != ivr.StepCode || rec.Seq < 2 {
		t.Fatalf("after SIPp pressed 1 the call is at %q seq %d, want %q", rec.Step, rec.Seq, ivr.StepCode)
	}
	p := &phone{h: h, sid: rec.SID}
	if p.waitEnded().EndedAt.IsZero() {
		t.Fatal("SIPp's BYE did not end the call")
	}
}

func onlyCall(t *testing.T, h *harness) booking.CallRecord {
	t.Helper()
	var sid string
	if err := h.e.QueryRow("SELECT call_sid FROM call_sessions").Scan(&sid); err != nil {
		t.Fatalf("the SIPp call left no session: %v", err)
	}
	return (&phone{h: h, sid: sid}).record()
}

func freePort(t *testing.T) string {
	_, port, _ := net.SplitHostPort(freeAddr(t))
	return port
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(string(b), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
