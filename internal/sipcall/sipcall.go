// Package sipcall is the calling side of yuyue's SIP trunk for the
// developer tools (callsim --sip, loadcall --sip): a diago user agent on
// loopback UDP, an INVITE that says who calls the way a trunk does, and
// keys sent as RFC 4733 telephone-events.
package sipcall

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/emiago/diago"
	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// Phone is a UA that places calls; Close releases its socket.
type Phone struct {
	ua *sipgo.UserAgent
	DG *diago.Diago
}

// NewPhone is a UA named agent, bound to an ephemeral loopback UDP port.
func NewPhone(agent string) (*Phone, error) {
	ua, err := sipgo.NewUA(sipgo.WithUserAgent(agent))
	if err != nil {
		return nil, err
	}
	dg := diago.NewDiago(ua, diago.WithTransport(diago.Transport{Transport: "udp", BindHost: "127.0.0.1"}),
		diago.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	return &Phone{ua: ua, DG: dg}, nil
}

// Close ends the UA.
func (p *Phone) Close() error { return p.ua.Close() }

// Target parses where to call: a sip: URI, or HOST:PORT for sip:114@HOST:PORT.
func Target(s string) (sip.Uri, error) {
	if !strings.HasPrefix(s, "sip:") {
		s = "sip:114@" + s
	}
	var u sip.Uri
	if err := sip.ParseUri(s, &u); err != nil {
		return u, fmt.Errorf("SIP target %q: %w", s, err)
	}
	return u, nil
}

// Dial calls target as number, which goes in From and, as a trunk
// asserts it, in P-Asserted-Identity (yuyue prefers that one, as a
// network-vouched identity). Digest credentials are answered when user is set.
func (p *Phone) Dial(ctx context.Context, target sip.Uri, number, user, pass string) (*diago.DialogClientSession, *diago.DialogMedia, error) {
	pai := sip.NewHeader("P-Asserted-Identity", "<sip:"+number+"@127.0.0.1>")
	params := sip.NewParams()
	params.Add("tag", sip.GenerateTagN(16))
	from := &sip.FromHeader{Address: sip.Uri{Scheme: "sip", User: number, Host: "127.0.0.1"}, Params: params}
	d, med, err := p.DG.Invite(ctx, target, diago.InviteOptions{Headers: []sip.Header{from, pai}, Username: user, Password: pass})
	if err != nil {
		return nil, nil, fmt.Errorf("INVITE %s: %w", target.String(), err)
	}
	return d, med, nil
}

// Keys presses ks as RFC 4733 events, one after the other.
func Keys(w *diago.DTMFWriter, ks string) error {
	for _, k := range ks {
		if err := w.WriteDTMF(k); err != nil {
			return fmt.Errorf("DTMF %c: %w", k, err)
		}
	}
	return nil
}
