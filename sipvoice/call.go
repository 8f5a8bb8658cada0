package sipvoice

import (
	"context"
	"time"

	"github.com/emiago/diago"
	"github.com/emiago/sipgo/sip"

	"yuyue/ivr"
	"yuyue/tts"
)

// serve runs one call: answer, then play each view and send back what the
// caller keyed, until the IVR ends the call or the caller hangs up.
func (s *Server) serve(d *diago.DialogServerSession) {
	s.wg.Add(1)
	defer s.wg.Done()
	if s.auth != nil && !s.authorised(d) {
		return
	}
	callID := d.InviteRequest.CallID().Value()
	sid, from := ivr.SIPCallPrefix+callID, callerOf(d.InviteRequest)
	med, err := d.Answer(diago.AnswerOptions{})
	if err != nil {
		s.Log.Warn("sip: answer failed", "err", err)
		return
	}
	l := newLine(med)
	s.lines.Store(callID, l)
	defer s.lines.Delete(callID)
	l.start()

	ctx, cancel := context.WithCancel(d.Context())
	defer cancel()
	stop := context.AfterFunc(s.ctx, cancel) // shutting down ends the live audio, not the booking
	defer stop()
	go s.watchRTP(ctx, cancel, l)
	hungUp := s.run(ctx, d, l, sid, from)
	// The call is over either way: free a held place now, as Twilio's status
	// callback does; the database, not this goroutine, decides what remains.
	endCtx, done := context.WithTimeout(context.Background(), 10*time.Second)
	defer done()
	if err := s.IVR.HangUp(endCtx, sid); err != nil {
		s.Log.Error("sip: end call", "err", err)
	}
	if !hungUp {
		_ = d.Hangup(endCtx)
	}
}

// authorised answers the digest challenge exchange: an INVITE without
// credentials gets a 401 challenge, one with wrong credentials a 403.
// diago's AuthorizeDialog leaves the latter unanswered, which the trunk
// would see as 480 Temporarily Unavailable and retry forever.
func (s *Server) authorised(d *diago.DialogServerSession) bool {
	req := d.InviteRequest
	res, err := s.auth.AuthorizeRequest(req, diago.DigestAuth{Username: s.cfg.Username, Password: s.cfg.Password, Realm: "yuyue"})
	if err == nil && res.StatusCode == sip.StatusOK {
		return true
	}
	if err != nil {
		s.Log.Warn("sip: INVITE not authorised", "source", req.Source(), "err", err)
		res = sip.NewResponseFromRequest(req, sip.StatusForbidden, "Forbidden", nil)
	}
	if werr := d.WriteResponse(res); werr != nil {
		s.Log.Warn("sip: answering an unauthorised INVITE", "err", werr)
	}
	return false
}

// watchRTP ends a call whose caller went silent at the network level: no
// RTP (not even comfort noise) for the RTP timeout means the far end is gone
// without a BYE.
func (s *Server) watchRTP(ctx context.Context, cancel func(), l *line) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if !l.handoff.Load() && l.silentFor() > s.cfg.RTPTimeout { // bridged: the operator leg's business
				s.Log.Info("sip: RTP timeout, ending the call")
				cancel()
				return
			}
		}
	}
}

// run plays views until the end; true when the caller hung up (or the line
// went dead), false when we end the call.
func (s *Server) run(ctx context.Context, d *diago.DialogServerSession, l *line, sid, from string) bool {
	v, err := s.IVR.Answer(ctx, sid, from, "", 0, "", "")
	for {
		if err != nil {
			if ctx.Err() != nil {
				return true
			}
			s.Log.Error("sip: step failed", "err", err)
			v = s.IVR.Apology(v.Lang)
		}
		var pcm []byte
		if v.Gather == nil || len(l.keys) == 0 { // a key typed ahead skips the prompt: render nothing
			var rerr error
			if pcm, rerr = s.speech(ctx, v); rerr != nil && ctx.Err() == nil { // a call that ended stops its rendering: no error
				s.Log.Error("sip: tts", "err", rerr)
			}
		}
		if s.OnPrompt != nil {
			s.OnPrompt(sid, v)
		}
		if v.Gather == nil {
			if _, _, err := l.play(ctx, pcm, false, 0); err != nil {
				return true
			}
			if v.End == "operator" {
				v, err = s.transfer(ctx, d, l, sid, v)
				continue
			}
			return ctx.Err() != nil
		}
		if v.Gather.Speech && s.ASR != nil {
			digits, speech, serr := s.hearSpeech(ctx, l, v, pcm)
			if serr != nil {
				return true
			}
			v, err = s.IVR.Answer(ctx, sid, from, v.Step, v.Seq, digits, speech)
			continue
		}
		first, have, perr := l.play(ctx, pcm, true, finishKey(v.Gather))
		if perr != nil {
			return true
		}
		digits, cerr := l.collect(ctx, v.Gather, first, have)
		if cerr != nil {
			return true
		}
		v, err = s.IVR.Answer(ctx, sid, from, v.Step, v.Seq, digits, "")
	}
}

// hearSpeech takes a spoken answer (a name): the caller's audio from the
// start of the prompt (a caller may speak over it) until # or the gather
// timeout, sent to the recogniser. Any other key is a keyed answer (0:
// the operator). A recogniser that fails is an empty answer, which the
// step counts as a miss.
func (s *Server) hearSpeech(ctx context.Context, l *line, v ivr.View, prompt []byte) (digits, speech string, err error) {
	l.record(true)
	defer l.record(false)
	first, have, err := l.play(ctx, prompt, true, 0) // # ends the spoken answer
	if err != nil {
		return "", "", err
	}
	if !have {
		t := time.NewTimer(time.Duration(max(1, v.Gather.Timeout)) * time.Second)
		defer t.Stop()
		select {
		case first, have = <-l.keys:
		case <-t.C:
		case <-ctx.Done():
			return "", "", ctx.Err()
		}
	}
	if have && first != '#' {
		d, err := l.collect(ctx, v.Gather, first, true)
		return d, "", err
	}
	pcm := l.record(false)
	if len(pcm) == 0 {
		return "", "", nil
	}
	text, rerr := s.ASR.Recognize(ctx, pcm)
	if rerr != nil {
		s.Log.Warn("sip: speech recognition failed", "err", rerr)
		return "", "", nil
	}
	return "", text, nil
}

// speech renders a view's lines clause by clause (tts.Clauses: the
// dynamic parts come from shared cached clips), with short pauses between
// clauses and longer ones between lines, at the view's rate (slower for an
// older caller: ivr.ElderRate).
func (s *Server) speech(ctx context.Context, v ivr.View) ([]byte, error) {
	voice := s.cfg.Voices[v.Lang]
	if voice == "" {
		voice = "cmn"
	}
	short, long := make([]int16, tts.Rate*12/100), make([]int16, tts.Rate*3/10)
	var all []int16
	for _, line := range v.Lines {
		for _, clause := range tts.Clauses(line) {
			pcm, err := s.TTS.RenderAt(ctx, voice, clause, v.Rate)
			if err != nil {
				return tts.PCMBytes(all), err
			}
			all = append(append(all, pcm...), short...)
		}
		all = append(all, long...)
	}
	return tts.PCMBytes(all), nil
}
