package sipcall

import (
	"context"
	"net"
	"testing"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// The INVITE says who calls both ways a trunk may: From and
// P-Asserted-Identity carry --from's number, once each.
func TestDialSendsTheNumberInFromAndPAI(t *testing.T) {
	ua, err := sipgo.NewUA()
	if err != nil {
		t.Fatal(err)
	}
	defer ua.Close()
	srv, err := sipgo.NewServer(ua)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan *sip.Request, 1)
	srv.OnInvite(func(req *sip.Request, tx sip.ServerTransaction) {
		select {
		case got <- req:
		default:
		}
		_ = tx.Respond(sip.NewResponseFromRequest(req, sip.StatusForbidden, "Forbidden", nil))
	})
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go srv.ServeUDP(pc)
	ph, err := NewPhone("test")
	if err != nil {
		t.Fatal(err)
	}
	defer ph.Close()
	to, err := Target(pc.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ph.Dial(ctx, to, "+8613800138000", "", ""); err == nil {
		t.Fatal("a refused INVITE dialled")
	}
	req := <-got
	if req.From() == nil || req.From().Address.User != "+8613800138000" || len(req.GetHeaders("From")) != 1 {
		t.Fatalf("From: %v", req.GetHeaders("From"))
	}
	if pai := req.GetHeader("P-Asserted-Identity"); pai == nil || pai.Value() != "<sip:+8613800138000@127.0.0.1>" {
		t.Fatalf("P-Asserted-Identity: %v", pai)
	}
}
