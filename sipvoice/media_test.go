package sipvoice_test

import (
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/emiago/diago/media"

	"yuyue/ivr"
)

// sdpAudio is the connection address and the audio port and payload
// types of an SDP body.
func sdpAudio(t *testing.T, body []byte) (addr string, port int, pts []string) {
	t.Helper()
	for _, l := range strings.Split(string(body), "\n") {
		l = strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(l, "c=IN IP4 "):
			addr = strings.TrimPrefix(l, "c=IN IP4 ")
		case strings.HasPrefix(l, "m=audio "):
			f := strings.Fields(l)
			if len(f) < 4 {
				t.Fatalf("m= line %q", l)
			}
			port, _ = strconv.Atoi(f[1])
			pts = f[3:]
		}
	}
	if addr == "" || port == 0 {
		t.Fatalf("answer without c= or m=audio:\n%s", body)
	}
	return addr, port, pts
}

// A trunk that offers only A-law (China's default), or only µ-law, is
// answered with that codec alone (and telephone-event for the keys), and
// a key it sends advances the call's row.
func TestEachG711CodecAloneIsAnswered(t *testing.T) {
	h := newHarness(t, opts{})
	for i, tc := range []struct {
		codec     media.Codec
		pt, other string // the codec's payload type, the other G.711's
	}{{media.CodecAudioAlaw, "8", "0"}, {media.CodecAudioUlaw, "0", "8"}} {
		c := h.e.Citizen(t, 30+i)
		p := h.dialWith(c.Phone, callOpts{codecs: []media.Codec{tc.codec, media.CodecTelephoneEvent8000}})
		_, _, pts := sdpAudio(t, p.d.InviteResponse.Body())
		if len(pts) == 0 || pts[0] != tc.pt || slices.Contains(pts, tc.other) {
			t.Fatalf("%s offered alone, answered with payload types %v", tc.codec.Name, pts)
		}
		p.expect("menu").press("1")
		p.expect("code")
		if rec := p.record(); rec.Step != string(ivr.StepCode) || rec.Seq < 2 {
			t.Fatalf("%s: after 1 the call's row is at %q seq %d", tc.codec.Name, rec.Step, rec.Seq)
		}
		p.hangup()
		p.waitEnded()
	}
}

// A call over a tcp: listener: signalling on TCP end to end, a key
// advances the call, BYE ends it.
func TestCallOverTCP(t *testing.T) {
	h := newHarness(t, opts{transport: "tcp"})
	c := h.e.Citizen(t, 32)
	p := h.dial(c.Phone)
	if tr := p.d.InviteRequest.Via().Transport; !strings.EqualFold(tr, "TCP") {
		t.Fatalf("the INVITE went by %s", tr)
	}
	p.expect("menu", "欢迎致电").press("1")
	p.expect("code")
	if rec := p.record(); rec.Step != string(ivr.StepCode) {
		t.Fatalf("after 1 over TCP the call's row is at %q", rec.Step)
	}
	p.hangup()
	p.waitEnded()
}

// Behind NAT: yuyue binds 127.0.0.1 and announces sip.public_ip
// 127.0.0.2, where a NAT (a UDP forwarder here) passes signalling and RTP
// on. The answer's c= is the public address and its m= port lies in
// sip.rtp_ports; the trunk's ACK and keys, sent to the public address,
// reach yuyue and the call advances.
func TestPublicIPAndRTPPortsAreAnnounced(t *testing.T) {
	const public = "127.0.0.2"
	lo := freePortBlock(t, 20)
	ports := [2]int{lo, lo + 19}
	t.Cleanup(func() { media.RTPPortStart, media.RTPPortEnd = 0, 0 }) // after the server stopped: a process-wide setting
	h := newHarness(t, opts{publicIP: public, rtpPorts: ports})
	_, sipPort, _ := net.SplitHostPort(h.addr)
	nat(t, net.JoinHostPort(public, sipPort), h.addr)
	for p := ports[0]; p <= ports[1]; p++ {
		nat(t, net.JoinHostPort(public, strconv.Itoa(p)), net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
	}
	c := h.e.Citizen(t, 33)
	p := h.dialWith(c.Phone, callOpts{to: net.JoinHostPort(public, sipPort)})
	addr, port, _ := sdpAudio(t, p.d.InviteResponse.Body())
	if addr != public || port < ports[0] || port > ports[1] {
		t.Fatalf("answered c=%s port %d, want c=%s and a port in %d-%d", addr, port, public, ports[0], ports[1])
	}
	if ct := p.d.InviteResponse.Contact(); ct == nil || ct.Address.Host != public {
		t.Fatalf("answer's Contact %v, want the public address", ct)
	}
	p.expect("menu").press("1")
	p.expect("code")
	if rec := p.record(); rec.Step != string(ivr.StepCode) {
		t.Fatalf("after 1 behind the NAT the call's row is at %q", rec.Step)
	}
	p.hangup()
	p.waitEnded()
}

// freePortBlock finds n consecutive UDP ports free on loopback now.
func freePortBlock(t *testing.T, n int) int {
	t.Helper()
	for base := 42000; base < 60000; base += n {
		ok := true
		for p := base; p < base+n && ok; p++ {
			for _, host := range []string{"127.0.0.1", "127.0.0.2"} {
				c, err := net.ListenPacket("udp", net.JoinHostPort(host, strconv.Itoa(p)))
				if err != nil {
					ok = false
					break
				}
				c.Close()
			}
		}
		if ok {
			return base
		}
	}
	t.Fatal("no free block of UDP ports")
	return 0
}

// nat forwards UDP datagrams sent to public on to private, and private's
// answers back to their sender, as a NAT in front of yuyue does.
func nat(t *testing.T, public, private string) {
	t.Helper()
	pc, err := net.ListenPacket("udp", public)
	if err != nil {
		t.Fatalf("NAT on %s: %v", public, err)
	}
	dst, err := net.ResolveUDPAddr("udp", private)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	inside := map[string]*net.UDPConn{}
	t.Cleanup(func() {
		pc.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range inside {
			c.Close()
		}
	})
	go func() {
		buf := make([]byte, 65535)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			mu.Lock()
			up := inside[from.String()]
			if up == nil {
				if up, err = net.DialUDP("udp", nil, dst); err != nil {
					mu.Unlock()
					return
				}
				inside[from.String()] = up
				go func(up *net.UDPConn, to net.Addr) {
					b := make([]byte, 65535)
					for {
						n, err := up.Read(b)
						if err != nil {
							return
						}
						_, _ = pc.WriteTo(b[:n], to)
					}
				}(up, from)
			}
			mu.Unlock()
			_, _ = up.Write(buf[:n])
		}
	}()
}
