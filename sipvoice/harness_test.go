package sipvoice_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emiago/diago"
	"github.com/emiago/diago/media"
	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"yuyue/booking"
	"yuyue/ivr"
	"yuyue/sipvoice"
	"yuyue/sms"
	"yuyue/sms/twiliotest"
	"yuyue/store/storetest"
	"yuyue/tts"
)

const (
	accountSID = "ACtest00000000000000000000000000"
	authToken  = "testauthtoken0123456789abcdef01"
)

// patience bounds how long a test waits for the far side before failing
// instead of hanging: a deadlock guard, not a speed assertion.
const patience = 60 * time.Second

// harness is yuyue's SIP front end on loopback with a real database,
// espeak-ng and the fake Twilio SMS API.
type harness struct {
	t      *testing.T
	e      *storetest.Env
	srv    *sipvoice.Server
	stop   func() // ends the server's life (no BYE to anyone) and waits for its calls
	addr   string // host:port the server listens on
	o      opts
	ivr    *ivr.IVR // the running node's
	codes  *booking.Codes
	voice  ivr.Voice
	log    *slog.Logger
	fake   *twiliotest.Fake
	worker *sms.Worker
	cache  *tts.Cache
	// inbound answers the citizen's SMS replies, as the Twilio webhook
	// and the Aliyun up-push both do (sms tests cover those doors)
	inbound *sms.Inbound

	mu    sync.Mutex
	views map[string]chan ivr.View // per call id: what the server played
}

type opts struct {
	trunks     []string
	user, pass string // sip.username / sip.password
	asr        sipvoice.Recognizer
	operator   string        // sip: URI of the agents; empty = none
	rtpTimeout time.Duration // zero: a minute
	gather     int           // voice.gather_timeout in seconds; zero: 5
	ring       int           // seconds the operator may ring; zero: 10
	transport  string        // "udp" (default) or "tcp"
	rtpPorts   [2]int        // sip.rtp_ports
	publicIP   string        // sip.public_ip
	logTo      io.Writer     // the server's log, besides -v's stderr
}

func newHarness(t *testing.T, o opts) *harness {
	t.Helper()
	needEspeak(t)
	e := storetest.NewEnv(t)
	fake := twiliotest.New(accountSID, authToken)
	t.Cleanup(fake.Close)
	var out io.Writer = io.Discard
	if testing.Verbose() {
		out = os.Stderr
	}
	if o.logTo != nil {
		out = io.MultiWriter(out, o.logTo)
	}
	log := slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelInfo}))
	sender, err := sms.NewTwilioSender(sms.TwilioOptions{AccountSID: accountSID, AuthToken: authToken, From: "+14155550100",
		APIURL: fake.URL, PublicURL: "https://yuyue.test", Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	w := &sms.Worker{Svc: e.Svc, Sender: sender, Log: log, Now: e.Clock.Now, Rate: 1000, Concurrency: 2,
		MaxAttempts: 3, RetryBase: time.Second, Poll: time.Second}
	codes := &booking.Codes{Svc: e.Svc, Key: []byte("k"), Rules: booking.CodeRules{TTL: 5 * time.Minute, Attempts: 5,
		ResendAfter: time.Minute, PerHour: 50, PerDay: 100, PerCallerDay: 100}}
	if o.gather == 0 {
		o.gather = 5
	}
	if o.ring == 0 {
		o.ring = 10
	}
	voice := ivr.Voice{Timeout: o.gather, ElderAge: 65}
	if o.operator != "" {
		voice.Operator = ivr.Transfer{Kind: ivr.TransferSIP, Address: o.operator, Timeout: o.ring}
	}
	if o.rtpTimeout == 0 {
		o.rtpTimeout = time.Minute
	}
	if o.transport == "" {
		o.transport = "udp"
	}
	if o.trunks == nil {
		o.trunks = []string{"127.0.0.0/8"}
	}
	h := &harness{t: t, e: e, fake: fake, worker: w, views: map[string]chan ivr.View{}, o: o, codes: codes, voice: voice, log: log,
		cache: &tts.Cache{Provider: tts.Espeak{}, Dir: t.TempDir()}}
	h.addr = freeAddr(t, o.transport)
	h.inbound = &sms.Inbound{Svc: e.Svc, Log: log}
	h.start()
	return h
}

// start runs a node: a new IVR and SIP server on h.addr over h's
// database. A test may stop it and start another (a restart).
func (h *harness) start() {
	t, o := h.t, h.o
	t.Helper()
	v, err := ivr.New(h.e.Svc, h.codes, h.voice, "https://yuyue.test", make([]byte, 32), h.log)
	if err != nil {
		t.Fatal(err)
	}
	v.SIPNames = o.asr != nil
	h.ivr = v
	srv, err := sipvoice.New(sipvoice.Config{Listen: []string{o.transport + ":" + h.addr}, Trunks: o.trunks, RTPTimeout: o.rtpTimeout,
		Username: o.user, Password: o.pass, Operator: o.operator, RTPPorts: o.rtpPorts, PublicIP: o.publicIP},
		h.ivr, h.cache, h.log)
	if err != nil {
		t.Fatal(err)
	}
	srv.OnPrompt = h.onPrompt
	srv.ASR = o.asr
	ctx, cancel := context.WithCancel(context.Background())
	var once sync.Once
	h.stop = func() { once.Do(func() { cancel(); srv.Wait() }) }
	t.Cleanup(h.stop)
	if err := srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	h.srv = srv
}

func (h *harness) onPrompt(sid string, v ivr.View) {
	h.t.Logf("%s %s seq=%d", time.Now().Format("15:04:05.000"), v.Step, v.Seq)
	h.viewsOf(sid) <- v
}

func (h *harness) viewsOf(sid string) chan ivr.View {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.views[sid] == nil {
		h.views[sid] = make(chan ivr.View, 64)
	}
	return h.views[sid]
}

// freeAddr finds a UDP (or, asked for "tcp", a TCP) port on loopback
// nobody uses now.
func freeAddr(t *testing.T, transport ...string) string {
	if len(transport) > 0 && transport[0] == "tcp" {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		return l.Addr().String()
	}
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

// phone is a caller on a real SIP stack (diago) sending RFC 4733 keys.
type phone struct {
	h        *harness
	d        *diago.DialogClientSession
	dtmf     *diago.DTMFWriter
	sid      string
	number   string
	view     ivr.View
	stopTalk func() // with callOpts.talking
}

// dial calls the server from number (sent as P-Asserted-Identity, as the
// 114 trunk sends it) and waits for the first prompt.
func (h *harness) dial(number string) *phone {
	h.t.Helper()
	return h.dialWith(number, callOpts{})
}

// callOpts is how a test phone calls: digest credentials, and whether it
// offers RFC 4733 telephone-events at all (a trunk that does not sends
// keys by SIP INFO).
type callOpts struct {
	user, pass string
	noEvents   bool
	codecs     []media.Codec // what the offer lists; nil: diago's default (PCMU, PCMA, telephone-event)
	// onRefer, when set, accepts a REFER as a trunk does (202, NOTIFYs,
	// then calls the Refer-To); nil: REFER is refused
	onRefer diago.OnReferDialogFunc
	// requests, when set, hears every request the server sends the phone
	requests chan<- *sip.Request
	to       string // host:port to call instead of the server's (a NAT in front of it)
	// talking sends audio from the answer on, before the first prompt
	// is rendered (which may take seconds on a loaded machine): a line
	// the RTP timeout must not take for dead; phone.stopTalk ends it
	talking bool
}

func (h *harness) dialWith(number string, o callOpts) *phone {
	h.t.Helper()
	d, med, err := h.inviteWith(number, o)
	if err != nil {
		h.t.Fatalf("INVITE: %v", err)
	}
	h.t.Cleanup(func() { _ = d.Close() })
	var w *diago.DTMFWriter
	if !o.noEvents { // without telephone-event only SIP INFO carries keys
		if w, err = med.AudioWriterDTMF(); err != nil {
			h.t.Fatal(err)
		}
	}
	go drain(med) // a phone listens, else the RTP socket fills
	p := &phone{h: h, d: d, dtmf: w, number: number, sid: ivr.SIPCallPrefix + d.InviteRequest.CallID().Value()}
	if o.talking {
		p.stopTalk = p.talk()
	}
	p.next()
	return p
}

func (h *harness) invite(number string) (*diago.DialogClientSession, *diago.DialogMedia, error) {
	return h.inviteWith(number, callOpts{})
}

func (h *harness) inviteWith(number string, o callOpts) (*diago.DialogClientSession, *diago.DialogMedia, error) {
	ua, err := sipgo.NewUA(sipgo.WithUserAgent(strings.TrimPrefix(number, "+")))
	if err != nil {
		return nil, nil, err
	}
	h.t.Cleanup(func() { ua.Close() })
	// A client only: its transaction layer opens an ephemeral socket and
	// reads the server's requests (BYE) on it. Serving a fixed port beside
	// it races sipgo's connection pool for that port.
	dopts := []diago.DiagoOption{diago.WithTransport(diago.Transport{Transport: h.o.transport, BindHost: "127.0.0.1", BindPort: 0}),
		diago.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))}
	switch {
	case o.noEvents:
		dopts = append(dopts, diago.WithMediaConfig(diago.MediaConfig{Codecs: []media.Codec{media.CodecAudioAlaw}}))
	case o.codecs != nil:
		dopts = append(dopts, diago.WithMediaConfig(diago.MediaConfig{Codecs: o.codecs}))
	}
	if o.requests != nil {
		dopts = append(dopts, diago.WithServerRequestMiddleware(func(next sipgo.RequestHandler) sipgo.RequestHandler {
			return func(req *sip.Request, tx sip.ServerTransaction) {
				select {
				case o.requests <- req:
				default:
				}
				next(req, tx)
			}
		}))
	}
	dg := diago.NewDiago(ua, dopts...)
	ctx, cancel := context.WithCancel(context.Background())
	h.t.Cleanup(cancel)
	addr := h.addr
	if o.to != "" {
		addr = o.to
	}
	uri := "sip:114@" + addr
	if h.o.transport == "tcp" {
		uri += ";transport=tcp"
	}
	var to sip.Uri
	if err := sip.ParseUri(uri, &to); err != nil {
		return nil, nil, err
	}
	ictx, icancel := context.WithTimeout(ctx, patience)
	defer icancel()
	pai := sip.NewHeader("P-Asserted-Identity", "<sip:"+number+"@127.0.0.1>")
	d, err := dg.NewDialog(to, diago.NewDialogOptions{Transport: h.o.transport})
	if err != nil {
		return nil, nil, err
	}
	med, err := d.Invite(ictx, diago.InviteClientOptions{Headers: []sip.Header{pai}, Username: o.user, Password: o.pass, OnRefer: o.onRefer})
	if err == nil {
		err = d.Ack(ictx)
	}
	if err != nil {
		_ = d.Close()
		return nil, nil, err
	}
	return d, med, nil
}

func drain(med *diago.DialogMedia) {
	r, err := med.AudioReader()
	if err != nil {
		return
	}
	buf := make([]byte, 1500)
	for {
		if _, err := r.Read(buf); err != nil {
			return
		}
	}
}

// talk sends audio (20 ms frames, as a live phone always does) until the
// returned func is called.
func (p *phone) talk() (stop func()) {
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		frame := make([]byte, 160)
		for i := range frame {
			frame[i] = 0xD5 // A-law silence
		}
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if _, err := p.dtmf.Write(frame); err != nil {
					return
				}
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(done); <-stopped }) }
}

// texted reports whether an SMS to phone said text.
func (h *harness) texted(phone, text string) bool {
	for _, m := range h.fake.Messages() {
		if m.To == phone && strings.Contains(m.Body, text) {
			return true
		}
	}
	return false
}

// reply is an SMS from phone to the service; the answer's text.
func (h *harness) reply(phone, body string) string {
	return h.inbound.Text(h.inbound.Answer(context.Background(), phone, body))
}

// sayName speaks (half a second of audio over RTP, as PCMA), ends the
// answer with # and waits for the next prompt.
func (p *phone) sayName() ivr.View {
	p.h.t.Helper()
	frame := make([]byte, 160)
	for i := range frame {
		frame[i] = byte(0x55 ^ (i % 32)) // not silence
	}
	for range 25 {
		if _, err := p.dtmf.Write(frame); err != nil {
			p.h.t.Fatalf("RTP audio: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return p.press("#").view
}

// next waits for the server's next prompt.
func (p *phone) next() ivr.View {
	p.h.t.Helper()
	select {
	case p.view = <-p.h.viewsOf(p.sid):
		return p.view
	case <-time.After(patience):
		p.h.t.Fatalf("no prompt after %q", p.view.Step)
		return ivr.View{}
	}
}

func (p *phone) said() string { return strings.Join(p.view.Lines, " ") }

// expect checks the step and what was said.
func (p *phone) expect(step string, heard ...string) *phone {
	p.h.t.Helper()
	if p.view.Step != step {
		p.h.t.Fatalf("at step %q, want %q; heard: %s", p.view.Step, step, p.said())
	}
	for _, s := range heard {
		if !strings.Contains(p.said(), s) {
			p.h.t.Fatalf("did not hear %q in: %s", s, p.said())
		}
	}
	return p
}

// press sends keys as RFC 4733 events and waits for the next prompt.
func (p *phone) press(keys string) *phone {
	p.h.t.Helper()
	for _, k := range keys {
		if err := p.dtmf.WriteDTMF(k); err != nil {
			p.h.t.Fatalf("DTMF %c: %v", k, err)
		}
	}
	p.next()
	return p
}

// hangup sends BYE.
func (p *phone) hangup() {
	p.h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	if err := p.d.Hangup(ctx); err != nil {
		p.h.t.Fatalf("BYE: %v", err)
	}
}

// leave hangs up without waiting for the rest of a long prompt; the
// server may have hung up first, so a failed BYE is no failure.
func (p *phone) leave() {
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	_ = p.d.Hangup(ctx)
}

// record is the call's row in call_sessions.
func (p *phone) record() booking.CallRecord {
	var rec booking.CallRecord
	err := p.h.e.Store.View(context.Background(), func(tx booking.Tx) (err error) {
		rec, err = tx.Call(p.sid)
		return err
	})
	if err != nil {
		p.h.t.Fatal(err)
	}
	return rec
}

// waitEnded waits until the server has recorded the end of the call.
func (p *phone) waitEnded() booking.CallRecord {
	p.h.t.Helper()
	deadline := time.Now().Add(patience)
	for time.Now().Before(deadline) {
		if rec := p.record(); !rec.EndedAt.IsZero() {
			return rec
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.h.t.Fatal("the call never ended in the database")
	return booking.CallRecord{}
}

var sixDigits = regexp.MustCompile(`验证码(\d{6})`)

// code delivers pending SMS through the fake Twilio API and returns the
// last code sent to phone.
// holdAtConfirm keys a registered caller from the menu to the confirm
// step of the first place (newborn, FT01, 2026-12-01 09:00) and checks
// that the caller now holds it.
func (h *harness) holdAtConfirm(t *testing.T, p *phone, number string) {
	t.Helper()
	p.expect("menu").press("1")
	p.expect("code").press(h.code(number))
	for _, step := range []string{"mode", "business", "district", "office", "notice", "date", "period"} {
		p.expect(step).press("1")
	}
	p.expect("confirm")
	if place := h.e.Place(t, "FT01", "newborn", "2026-12-01", "09:00"); place.Taken != 1 {
		t.Fatalf("taken %d at confirm, want the caller's hold", place.Taken)
	}
}

func (h *harness) code(phone string) string {
	h.t.Helper()
	if _, err := h.worker.Drain(context.Background()); err != nil {
		h.t.Fatal(err)
	}
	ms := h.fake.Messages()
	for i := len(ms) - 1; i >= 0; i-- {
		if m := sixDigits.FindStringSubmatch(ms[i].Body); ms[i].To == phone && m != nil {
			return m[1]
		}
	}
	h.t.Fatalf("no code SMS to %s", phone)
	return ""
}

var zhDigit = map[rune]string{'0': "零", '1': "幺", '2': "二", '3': "三", '4': "四", '5': "五", '6': "六", '7': "七", '8': "八", '9': "九"}

func spoken(ref string) string {
	parts := []string{}
	for _, r := range ref {
		parts = append(parts, zhDigit[r])
	}
	return strings.Join(parts, "，")
}
