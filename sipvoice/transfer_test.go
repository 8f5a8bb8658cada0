package sipvoice_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emiago/diago"
	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"yuyue/ivr"
)

// desk is the agents' exchange on loopback, a diago UA of its own: it
// answers the operator leg, or refuses it busy, and reports the context
// header each INVITE carried and when an answered leg ended.
type desk struct {
	uri      string
	context  chan string
	answered chan struct{}
	ended    chan struct{}
}

func newDesk(t *testing.T, busy bool) *desk {
	t.Helper()
	addr := freeAddr(t)
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	ua, err := sipgo.NewUA(sipgo.WithUserAgent("desk"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ua.Close() })
	dg := diago.NewDiago(ua, diago.WithTransport(diago.Transport{Transport: "udp", BindHost: host, BindPort: p}),
		diago.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	k := &desk{uri: "sip:agents@" + addr, context: make(chan string, 4), answered: make(chan struct{}), ended: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	err = dg.ServeBackground(ctx, func(d *diago.DialogServerSession) {
		h := ""
		if v := d.InviteRequest.GetHeader(ivr.ContextHeader); v != nil {
			h = v.Value()
		}
		k.context <- h
		if busy {
			_ = d.WriteResponse(sip.NewResponseFromRequest(d.InviteRequest, sip.StatusBusyHere, "Busy Here", nil))
			return
		}
		med, err := d.Answer(diago.AnswerOptions{})
		if err != nil {
			return
		}
		go drain(med)
		close(k.answered) // answered and acknowledged: the legs are bridged
		<-d.Context().Done()
		close(k.ended)
	})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func (k *desk) invited(t *testing.T) string {
	t.Helper()
	select {
	case h := <-k.context:
		return h
	case <-time.After(patience):
		t.Fatal("the operator was never called")
		return ""
	}
}

// TestTransferBridgesWhenReferIsRefused: the trunk (our test phone)
// refuses REFER, so yuyue calls the agents itself and bridges the legs;
// the agents' INVITE carries the context (no ID number, verified=no), and
// the caller hanging up ends the agents' leg too.
func TestTransferBridgesWhenReferIsRefused(t *testing.T) {
	k := newDesk(t, false)
	h := newHarness(t, opts{operator: k.uri})
	c := h.e.Citizen(t, 6)
	p := h.dial(c.Phone)
	p.expect("menu")
	stop := p.talk() // a live line sends audio all the time
	defer stop()
	p.press("0")
	p.expect("operator", "正在为您转接人工服务")
	if ctxHdr := k.invited(t); !strings.Contains(ctxHdr, "verified=no") || strings.Contains(ctxHdr, "id=") {
		t.Fatalf("context header to the agents: %q", ctxHdr)
	}
	select {
	case <-k.answered:
	case <-time.After(patience):
		t.Fatal("the agents never answered")
	}
	stop()
	p.leave()
	select {
	case <-k.ended:
	case <-time.After(patience):
		t.Fatal("the agents' leg outlived the caller")
	}
	if rec := p.waitEnded(); rec.Step != string(ivr.StepGoodbye) {
		t.Fatalf("after the bridged transfer the call is at %q", rec.Step)
	}
}

// TestTransferToBusyAgentsReturnsToTheMenu: REFER refused and the agents
// busy: the caller hears the apology and is back at the menu.
func TestTransferToBusyAgentsReturnsToTheMenu(t *testing.T) {
	k := newDesk(t, true)
	h := newHarness(t, opts{operator: k.uri})
	c := h.e.Citizen(t, 7)
	p := h.dial(c.Phone)
	p.expect("menu")
	stop := p.talk()
	defer stop()
	p.press("0")
	p.expect("operator")
	k.invited(t)
	p.next()
	p.expect("menu", "人工服务暂时无法接通")
	if rec := p.record(); !rec.TransferredAt.IsZero() {
		t.Fatal("a transfer nobody took is marked transferred")
	}
	stop()
	p.leave()
	p.waitEnded()
}

// TestRTPTimeoutFreesTheHold: a caller whose line goes dead at the
// confirm step (no RTP, no BYE) is hung up after sip.rtp_timeout and the
// held place is freed at once.
func TestRTPTimeoutFreesTheHold(t *testing.T) {
	h := newHarness(t, opts{rtpTimeout: 3 * time.Second})
	c := h.e.Citizen(t, 8)
	p := h.dial(c.Phone)
	stop := p.talk()
	p.expect("menu").press("1")
	p.expect("code").press(h.code(c.Phone))
	p.expect("mode").press("1")
	p.expect("business").press("1")
	p.expect("district").press("1")
	p.expect("office").press("1")
	p.expect("notice").press("1")
	p.expect("date").press("1")
	p.expect("period").press("1")
	p.expect("confirm")
	if place := h.e.Place(t, "FT01", "newborn", "2026-12-01", "09:00"); place.Taken != 1 {
		t.Fatalf("taken %d at confirm, want the caller's hold", place.Taken)
	}
	stop() // the line goes dead: no more RTP, and no BYE
	p.waitEnded()
	if place := h.e.Place(t, "FT01", "newborn", "2026-12-01", "09:00"); place.Taken != 0 {
		t.Fatalf("taken %d after the RTP timeout, want 0", place.Taken)
	}
}
