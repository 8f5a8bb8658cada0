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

	"yuyue/booking"
	"yuyue/ivr"
)

// desk is the agents' exchange on loopback, a diago UA of its own: it
// answers the operator leg, refuses it busy, or lets it ring unanswered,
// and reports the context header each INVITE carried and when a leg ended.
type desk struct {
	uri      string
	context  chan string
	answered chan struct{}
	ended    chan struct{}
}

// How the agents' desk takes a call.
const (
	deskAnswers = iota
	deskBusy
	deskRingsOn // rings until the caller gives up (CANCEL)
)

func newDesk(t *testing.T, mode int) *desk {
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
		switch mode {
		case deskBusy:
			_ = d.WriteResponse(sip.NewResponseFromRequest(d.InviteRequest, sip.StatusBusyHere, "Busy Here", nil))
			return
		case deskRingsOn:
			_ = d.Ringing()
			<-d.Context().Done() // CANCEL from the caller's side
			close(k.ended)
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
	k := newDesk(t, deskAnswers)
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
	k := newDesk(t, deskBusy)
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
	p := h.dialWith(c.Phone, callOpts{talking: true})
	stop := p.stopTalk
	h.holdAtConfirm(t, p, c.Phone)
	stop() // the line goes dead: no more RTP, and no BYE
	p.waitEnded()
	if place := h.e.Place(t, "FT01", "newborn", "2026-12-01", "09:00"); place.Taken != 0 {
		t.Fatalf("taken %d after the RTP timeout, want 0", place.Taken)
	}
}

// TestTransferByReferTheTrunkAccepts is the main transfer path: the trunk
// (our test phone, as the 114 centre's exchange does) answers the REFER
// 202, NOTIFYs its progress and calls the Refer-To itself. The REFER
// names the configured operator URI and carries the call's context with
// no ID number and no code; the call is marked transferred where the
// console's 转接来电 reads it, and ends.
func TestTransferByReferTheTrunkAccepts(t *testing.T) {
	k := newDesk(t, deskAnswers)
	h := newHarness(t, opts{operator: k.uri})
	c := h.e.Citizen(t, 10)
	since := h.e.Clock.Now()
	reqs := make(chan *sip.Request, 32)
	referred := make(chan error, 1)
	p := h.dialWith(c.Phone, callOpts{requests: reqs, onRefer: func(rd *diago.DialogClientSession) error {
		// the trunk calls the Refer-To; answered, diago NOTIFYs 200
		ctx, cancel := context.WithTimeout(context.Background(), patience)
		defer cancel()
		_, err := rd.Invite(ctx, diago.InviteClientOptions{})
		if err == nil {
			err = rd.Ack(ctx)
		}
		select {
		case referred <- err:
		default: // a second REFER: the first one's outcome is the test's
		}
		return err
	}})
	p.expect("menu").press("1")
	code := h.code(c.Phone)
	p.expect("code").press(code)
	p.expect("mode").press("1")
	p.expect("business").press("1")
	p.expect("district").press("0")
	p.expect("operator", "正在为您转接人工服务")

	refer := requestOf(t, reqs, sip.REFER)
	var to, want sip.Uri
	if err := sip.ParseUri(k.uri, &want); err != nil {
		t.Fatal(err)
	}
	rt := refer.GetHeader("Refer-To")
	if rt == nil {
		t.Fatal("REFER without Refer-To")
	}
	params := sip.NewParams()
	if _, err := sip.ParseAddressValue(rt.Value(), &to, &params); err != nil {
		t.Fatalf("Refer-To %q: %v", rt.Value(), err)
	}
	if to.User != want.User || to.Host != want.Host || to.Port != want.Port {
		t.Fatalf("Refer-To %q, want the operator %s", rt.Value(), k.uri)
	}
	hdr := refer.GetHeader(ivr.ContextHeader)
	if hdr == nil {
		t.Fatalf("REFER without %s:\n%s", ivr.ContextHeader, refer.String())
	}
	ctxv := hdr.Value()
	for _, want := range []string{"verified=yes", "flow=book", "business=新生儿入户"} {
		if !strings.Contains(ctxv, want) {
			t.Fatalf("context %q lacks %q", ctxv, want)
		}
	}
	for _, secret := range []string{c.IDNumber, c.IDMasked, "id=", code} {
		if strings.Contains(ctxv, secret) {
			t.Fatalf("context %q gives away %q", ctxv, secret)
		}
	}
	select {
	case err := <-referred:
		if err != nil {
			t.Fatalf("the trunk's call to the Refer-To: %v", err)
		}
	case <-time.After(patience):
		t.Fatal("the trunk never called the Refer-To")
	}
	k.invited(t)

	rec := p.waitEnded()
	if rec.Step != string(ivr.StepGoodbye) || rec.TransferredAt.IsZero() {
		t.Fatalf("after the REFER the call is at %q, transferred at %v", rec.Step, rec.TransferredAt)
	}
	trs, err := booking.Operators{Svc: h.e.Svc}.Transfers(context.Background(), since.Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	listed := false
	for _, tr := range trs {
		listed = listed || tr.SID == p.sid
	}
	if !listed {
		t.Fatalf("the console's 转接来电 does not list the call %s: %+v", p.sid, trs)
	}
	p.leave()
}

// requestOf waits for the first request of method the server sent the phone.
func requestOf(t *testing.T, reqs <-chan *sip.Request, method sip.RequestMethod) *sip.Request {
	t.Helper()
	deadline := time.After(patience)
	for {
		select {
		case r := <-reqs:
			if r.Method == method {
				return r
			}
		case <-deadline:
			t.Fatalf("no %s from the server", method)
			return nil
		}
	}
}

// TestTransferNobodyAnswersReturnsToTheMenu: REFER refused and the agents'
// desk rings on unanswered: after the ring time (voice.operator_timeout)
// yuyue cancels the leg, and the caller hears the apology at the menu,
// not marked transferred, as on the Twilio path's no-answer.
func TestTransferNobodyAnswersReturnsToTheMenu(t *testing.T) {
	k := newDesk(t, deskRingsOn)
	h := newHarness(t, opts{operator: k.uri, ring: 2})
	c := h.e.Citizen(t, 11)
	p := h.dial(c.Phone)
	p.expect("menu")
	stop := p.talk()
	defer stop()
	p.press("0")
	p.expect("operator")
	k.invited(t)
	p.next()
	p.expect("menu", "人工服务暂时无法接通", "预约请按1")
	select {
	case <-k.ended:
	case <-time.After(patience):
		t.Fatal("the unanswered leg to the agents was never cancelled")
	}
	if rec := p.record(); !rec.TransferredAt.IsZero() || rec.Step != string(ivr.StepMenu) {
		t.Fatalf("after no answer the call is at %q, transferred at %v", rec.Step, rec.TransferredAt)
	}
	p.press("1")
	p.expect("code") // the menu works again
	stop()
	p.leave()
	p.waitEnded()
}
