// Package sipvoice answers the 114 centre's SIP trunk itself: the same IVR
// state machine as the Twilio webhooks, rendered as speech (tts) and read
// back as keys (RFC 4733 telephone-events, SIP INFO as a fallback). No
// audio or digit leaves the machine; nothing per call lives only here.
package sipvoice

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emiago/diago"
	"github.com/emiago/diago/media"
	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"yuyue/ivr"
	"yuyue/tts"
)

// Config is the sip.* and voice settings the front end needs.
type Config struct {
	Listen     []string // "udp:0.0.0.0:5060", "tcp:…"
	Trunks     []string // CIDRs or hosts allowed to INVITE
	Username   string   // digest auth, optional
	Password   string
	RTPPorts   [2]int        // first and last RTP port; zero = any
	PublicIP   string        // the address SDP announces (NAT)
	RTPTimeout time.Duration // no RTP this long = the caller is gone
	Operator   string        // sip: URI a transfer REFERs to; empty = none
	Voices     map[string]string
}

// Recognizer turns a caller's spoken answer into text: 16-bit
// little-endian 8 kHz mono PCM in (asr.provider: aliyun's one-sentence
// recognition). Its text is never logged: it is a citizen's name.
type Recognizer interface {
	Recognize(ctx context.Context, pcm []byte) (string, error)
}

// Server is the SIP front end.
type Server struct {
	IVR *ivr.IVR
	TTS *tts.Cache
	Log *slog.Logger
	// ASR, when set, hears names (the IVR's SIPNames must be set with
	// it); nil: names come by SMS reply.
	ASR Recognizer
	// OnPrompt, when set, hears every view as it is played (development
	// side channel, tests); the IVR's text, never the caller's keys.
	OnPrompt func(sid string, v ivr.View)

	cfg    Config
	trunks allowList
	auth   *diago.DigestAuthServer
	dg     *diago.Diago
	ctx    context.Context // the server's life: calls end with it
	lines  sync.Map        // Call-ID → *line, for SIP INFO keys
	wg     sync.WaitGroup
}

// New checks cfg and builds the server; Start listens.
func New(cfg Config, v *ivr.IVR, cache *tts.Cache, log *slog.Logger) (*Server, error) {
	trunks, err := parseTrunks(cfg.Trunks)
	if err != nil {
		return nil, err
	}
	if len(trunks) == 0 {
		return nil, fmt.Errorf("sip.trunks is empty: no trunk could call")
	}
	if cfg.RTPTimeout <= 0 {
		cfg.RTPTimeout = 30 * time.Second
	}
	s := &Server{IVR: v, TTS: cache, Log: log, cfg: cfg, trunks: trunks}
	if cfg.Username != "" {
		s.auth = diago.NewDigestServer()
	}
	return s, nil
}

// Start listens on every sip.listen address and serves calls until ctx ends.
func (s *Server) Start(ctx context.Context) error {
	if s.cfg.RTPPorts[0] > 0 {
		media.RTPPortStart, media.RTPPortEnd = s.cfg.RTPPorts[0], s.cfg.RTPPorts[1]
	}
	ua, err := sipgo.NewUA(sipgo.WithUserAgent("yuyue"))
	if err != nil {
		return fmt.Errorf("sip: %w", err)
	}
	opts := []diago.DiagoOption{diago.WithLogger(s.Log), diago.WithServerRequestMiddleware(s.guard),
		diago.WithMediaConfig(diago.MediaConfig{Codecs: []media.Codec{media.CodecAudioAlaw, media.CodecAudioUlaw, media.CodecTelephoneEvent8000}})}
	for _, l := range s.cfg.Listen {
		t, err := s.transport(l)
		if err != nil {
			return err
		}
		opts = append(opts, diago.WithTransport(t))
	}
	s.ctx = ctx
	s.dg = diago.NewDiago(ua, opts...)
	if err := s.dg.ServeBackground(ctx, s.serve); err != nil {
		return fmt.Errorf("sip listen: %w", err)
	}
	s.Log.Info("sip: listening", "listen", strings.Join(s.cfg.Listen, ","), "trunks", len(s.trunks))
	return nil
}

// Wait returns when every call in progress has ended.
func (s *Server) Wait() { s.wg.Wait() }

// transport parses "udp:host:port" (also tcp).
func (s *Server) transport(listen string) (diago.Transport, error) {
	proto, hostport, ok := strings.Cut(strings.TrimSpace(listen), ":")
	if !ok || (proto != "udp" && proto != "tcp") {
		return diago.Transport{}, fmt.Errorf("sip.listen %q: want udp:HOST:PORT or tcp:HOST:PORT", listen)
	}
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return diago.Transport{}, fmt.Errorf("sip.listen %q: %w", listen, err)
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		return diago.Transport{}, fmt.Errorf("sip.listen %q: bad port", listen)
	}
	t := diago.Transport{Transport: proto, BindHost: host, BindPort: p}
	if s.cfg.PublicIP != "" {
		t.ExternalHost, t.MediaExternalIP = s.cfg.PublicIP, net.ParseIP(s.cfg.PublicIP)
	}
	return t, nil
}

// guard runs before diago sees a request: an INVITE from outside the
// trunk list is refused with 403 and never becomes a call; a key sent by
// SIP INFO goes to its call.
func (s *Server) guard(next sipgo.RequestHandler) sipgo.RequestHandler {
	return func(req *sip.Request, tx sip.ServerTransaction) {
		switch {
		case req.IsInvite() && !s.trunks.allows(req.Source()):
			s.Log.Warn("sip: INVITE refused: not a trunk address", "source", req.Source())
			_ = tx.Respond(sip.NewResponseFromRequest(req, sip.StatusForbidden, "Forbidden", nil))
		case req.Method == sip.INFO && isDTMFRelay(req):
			s.infoKey(req, tx)
		default:
			next(req, tx)
		}
	}
}
