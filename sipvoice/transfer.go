package sipvoice

import (
	"context"
	"errors"
	"time"

	"github.com/emiago/diago"
	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"yuyue/ivr"
)

// transfer hands the caller to the agents: a blind REFER carrying the
// call's context (never an ID number); if the trunk refuses REFER, yuyue
// calls the operator URI itself and bridges the two legs. Busy, no answer
// or a failure bring the caller back to the menu with the IVR's apology.
func (s *Server) transfer(ctx context.Context, d *diago.DialogServerSession, l *line, sid string, v ivr.View) (ivr.View, error) {
	status := "failed"
	var to sip.Uri
	if s.cfg.Operator != "" && sip.ParseUri(s.cfg.Operator, &to) == nil {
		hdr := sip.NewHeader(ivr.ContextHeader, v.Agent)
		switch err := d.Refer(ctx, to, hdr); {
		case err == nil:
			status = "completed"
		case ctx.Err() != nil:
		default:
			s.Log.Info("sip: REFER refused, bridging to the operator", "err", err)
			status = s.bridge(ctx, d, l, to, hdr)
		}
	}
	// A caller who hangs up during the bridge ends a completed transfer:
	// record it although the call's context is over.
	ectx, done := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer done()
	return s.IVR.TransferEnded(ectx, sid, v.Seq, status)
}

// bridge calls the operator and joins the legs (diago's bridge proxies
// the audio both ways) until either side hangs up: "completed". An
// operator that does not answer within the ring time, is busy or refuses
// gives "no-answer", "busy" or "failed", and the caller's line is ours
// again.
func (s *Server) bridge(ctx context.Context, d *diago.DialogServerSession, l *line, to sip.Uri, hdr sip.Header) string {
	ring := time.Duration(s.IVR.Voice.Operator.Timeout) * time.Second
	if ring <= 0 {
		ring = 30 * time.Second
	}
	if !l.pause(ctx) {
		s.Log.Warn("sip: caller's audio did not stop for the bridge")
		return "failed"
	}
	br := diago.NewBridge()
	if err := br.AddDialogMedia(l.med); err != nil {
		s.Log.Warn("sip: bridge", "err", err)
		l.resume()
		return "failed"
	}
	ictx, cancel := context.WithTimeout(ctx, ring)
	defer cancel()
	op, _, err := s.dg.InviteBridge(ictx, to, &br, diago.InviteOptions{Originator: d, Headers: []sip.Header{hdr}})
	if err != nil {
		l.resume()
		st := dialStatus(ictx, err)
		s.Log.Info("sip: operator leg not connected", "status", st, "err", err)
		return st
	}
	defer op.Close()
	select {
	case <-d.Context().Done(): // the caller hung up
		hctx, done := context.WithTimeout(context.Background(), 5*time.Second)
		defer done()
		_ = op.Hangup(hctx)
	case <-op.Context().Done(): // the agent hung up: the call ends
	case <-ctx.Done():
		hctx, done := context.WithTimeout(context.Background(), 5*time.Second)
		defer done()
		_ = op.Hangup(hctx)
	}
	return "completed"
}

// dialStatus names why the operator leg did not connect, in the words of
// Twilio's <Dial> status the IVR already understands.
func dialStatus(ctx context.Context, err error) string {
	code := 0
	var res sipgo.ErrDialogResponse
	var pres *sipgo.ErrDialogResponse // sipgo returns either
	switch {
	case errors.As(err, &res):
		code = res.Res.StatusCode
	case errors.As(err, &pres):
		code = pres.Res.StatusCode
	}
	switch {
	case code == sip.StatusBusyHere || code == 600:
		return "busy"
	case code == sip.StatusRequestTimeout || code == sip.StatusTemporarilyUnavailable || ctx.Err() != nil:
		return "no-answer"
	}
	return "failed"
}
