package sipvoice

import (
	"bytes"
	"context"
	"sync/atomic"
	"time"

	"github.com/emiago/diago"
	"github.com/emiago/diago/media"

	"yuyue/ivr"
)

// line is the media side of one call: keys as they arrive (RTP events or
// SIP INFO), and when RTP was last heard.
type line struct {
	med     *diago.DialogMedia
	keys    chan rune
	lastRTP atomic.Int64 // unix nanoseconds
}

func newLine(med *diago.DialogMedia) *line {
	l := &line{med: med, keys: make(chan rune, 64)}
	l.lastRTP.Store(time.Now().UnixNano())
	return l
}

// key queues a key. Keys pressed ahead of a prompt wait for it, as callers
// who know the menu expect; a flood beyond the buffer is dropped.
func (l *line) key(k rune) {
	select {
	case l.keys <- k:
	default:
	}
}

// read consumes the caller's audio until the call ends, picking out
// RFC 4733 events. Without a negotiated telephone-event only SIP INFO
// carries keys, and the audio is still read for the RTP timeout.
func (l *line) read() {
	r, err := l.med.AudioReader()
	if err != nil {
		return
	}
	var ev eventReader
	ev.pt, ev.haveEv = telephoneEventPT(l.med)
	pr := l.med.RTPPacketReader
	buf := make([]byte, media.RTPBufSize)
	for {
		n, err := r.Read(buf)
		if err != nil {
			return
		}
		l.lastRTP.Store(time.Now().UnixNano())
		hdr := pr.PacketHeader
		if k, ok := ev.key(hdr.PayloadType, hdr.Timestamp, buf[:n]); ok {
			l.key(k)
		}
	}
}

// silentFor is how long no RTP has arrived.
func (l *line) silentFor() time.Duration {
	return time.Since(time.Unix(0, l.lastRTP.Load()))
}

// play sends 8 kHz PCM. With bargeIn a key stops it and is returned as
// the first key of the answer.
func (l *line) play(ctx context.Context, pcm []byte, bargeIn bool) (rune, bool, error) {
	if len(pcm) == 0 {
		return 0, false, nil
	}
	pb, err := l.med.PlaybackControlCreate()
	if err != nil {
		return 0, false, err
	}
	// A prompt is a new talk spurt: the RTP timestamp jumps over the
	// silence before it and the marker bit is set (RFC 3550 §5.1), so the
	// far end's jitter buffer does not take the pause for network delay.
	l.med.RTPPacketWriter.ResetTimestamp()
	done := make(chan error, 1)
	go func() { _, err := pb.Play(bytes.NewReader(pcm), "audio/pcm"); done <- err }()
	keys := l.keys
	if !bargeIn {
		keys = nil
	}
	select {
	case err := <-done:
		return 0, false, err
	case k := <-keys:
		pb.Stop()
		<-done
		return k, true, nil
	case <-ctx.Done():
		pb.Stop()
		<-done
		return 0, false, ctx.Err()
	}
}

// collect gathers keys as Twilio's <Gather> does: numDigits keys, or up to
// the finish key (# unless the step names another), or what was keyed
// when the caller stays silent for the timeout. The finish key is not part
// of the answer.
func (l *line) collect(ctx context.Context, g *ivr.Gather, first rune, have bool) (string, error) {
	finish := g.FinishOnKey
	if finish == "" {
		finish = "#"
	}
	timeout := time.Duration(max(1, g.Timeout)) * time.Second
	var got []rune
	add := func(k rune) bool {
		if string(k) == finish {
			return true
		}
		got = append(got, k)
		return g.NumDigits > 0 && len(got) >= g.NumDigits
	}
	if have && add(first) {
		return string(got), nil
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		select {
		case k := <-l.keys:
			if add(k) {
				return string(got), nil
			}
			t.Reset(timeout)
		case <-t.C:
			return string(got), nil
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
}
