package sipvoice

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emiago/diago"
	"github.com/emiago/diago/audio"
	"github.com/emiago/diago/media"

	"yuyue/ivr"
	"yuyue/tts"
)

// line is the media side of one call: keys as they arrive (RTP events or
// SIP INFO), and when RTP was last heard.
type line struct {
	med     *diago.DialogMedia
	keys    chan rune
	lastRTP atomic.Int64 // unix nanoseconds

	// handoff stops the reader so a bridge can read the caller's audio;
	// readDone closes when the reader has returned.
	handoff  atomic.Bool
	readDone chan struct{}
	lastSent time.Time // end of the last prompt sent, for the next one's RTP timestamp

	recMu     sync.Mutex
	recording bool
	rec       []byte // 16-bit little-endian 8 kHz PCM heard while recording
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
		if err != nil || l.handoff.Load() {
			return
		}
		l.lastRTP.Store(time.Now().UnixNano())
		hdr := pr.PacketHeader
		if k, ok := ev.key(hdr.PayloadType, hdr.Timestamp, buf[:n]); ok {
			l.key(k)
		} else {
			l.hear(hdr.PayloadType, buf[:n])
		}
	}
}

// hear keeps the caller's audio while a spoken answer is recorded,
// decoded from G.711 (PCMA 8, PCMU 0) to PCM.
func (l *line) hear(pt uint8, payload []byte) {
	l.recMu.Lock()
	defer l.recMu.Unlock()
	if !l.recording || len(l.rec) > maxSpeech {
		return
	}
	pcm := make([]byte, 2*len(payload))
	switch pt {
	case 8:
		_, _ = audio.DecodeAlawTo(pcm, payload)
	case 0:
		_, _ = audio.DecodeUlawTo(pcm, payload)
	default:
		return
	}
	l.rec = append(l.rec, pcm...)
}

// maxSpeech bounds a spoken answer: 10 s of 8 kHz 16-bit PCM, what a
// one-sentence recogniser takes.
const maxSpeech = 10 * tts.Rate * 2

// record starts (true) or stops (false) keeping the caller's audio;
// stopping returns what was kept.
func (l *line) record(on bool) []byte {
	l.recMu.Lock()
	defer l.recMu.Unlock()
	l.recording = on
	out := l.rec
	l.rec = nil
	return out
}

// start runs the reader of the caller's audio.
func (l *line) start() {
	done := make(chan struct{})
	l.readDone = done
	go func() { defer close(done); l.read() }()
}

// pause stops the reader at the caller's next packet (every 20 ms on a
// live line), so a bridge can take the audio; false when it did not stop
// within a second (a dead line), in which case it reads on.
func (l *line) pause(ctx context.Context) bool {
	l.handoff.Store(true)
	t := time.NewTimer(time.Second)
	defer t.Stop()
	select {
	case <-l.readDone:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	l.handoff.Store(false)
	return false
}

// resume reads the caller again after a bridge that did not happen.
func (l *line) resume() {
	l.handoff.Store(false)
	l.lastRTP.Store(time.Now().UnixNano())
	l.start()
}

// silentFor is how long no RTP has arrived.
func (l *line) silentFor() time.Duration {
	return time.Since(time.Unix(0, l.lastRTP.Load()))
}

// frameSamples is one 20 ms RTP packet of 8 kHz audio.
const frameSamples = tts.Rate / 50

// play sends 8 kHz PCM. With bargeIn a key stops it and is returned as
// the first key of the answer; skip (the gather's finish key) does not:
// "#" after an answer already complete by its length (18 ID digits, then
// #) must not cut the next prompt.
//
// Pacing is ours, not the media library's per-write ticker: the prompt is
// encoded to G.711 once, up front, and the pacer sends its packets with
// every other call's on one clock of absolute 20 ms deadlines, so a late
// wake-up is made up on the next packet instead of delaying all that
// follow, and sending allocates nothing per packet (less GC under 200
// calls on two cores).
func (l *line) play(ctx context.Context, pcm []byte, bargeIn bool, skip rune) (rune, bool, error) {
	if len(pcm) < 2 {
		return 0, false, nil
	}
	codec := media.CodecAudioFromSession(l.med.MediaSession())
	payload := make([]byte, len(pcm)/2)
	var err error
	if codec.PayloadType == media.CodecAudioUlaw.PayloadType {
		_, err = audio.EncodeUlawTo(payload, pcm[:2*len(payload)])
	} else {
		_, err = audio.EncodeAlawTo(payload, pcm[:2*len(payload)])
	}
	if err != nil {
		return 0, false, err
	}
	w := l.med.RTPPacketWriter
	// A prompt is a new talk spurt: the RTP timestamp jumps over the
	// silence before it and the marker bit is set (RFC 3550 §5.1), so the
	// far end's jitter buffer does not take the pause for network delay.
	if !l.lastSent.IsZero() {
		w.DelayTimestamp(uint32(time.Since(l.lastSent) / (time.Second / tts.Rate)))
	}
	keys := l.keys
	if !bargeIn {
		keys = nil
	}
	st := &stream{w: w, pt: codec.PayloadType, payload: payload, done: make(chan error, 1)}
	thePacer.add(st)
	defer func() { l.lastSent = time.Now() }()
	for {
		select {
		case err := <-st.done:
			return 0, false, err
		case k := <-keys:
			if k == skip {
				continue
			}
			thePacer.stop(st)
			return k, true, nil
		case <-ctx.Done():
			thePacer.stop(st)
			return 0, false, ctx.Err()
		}
	}
}

// finishKey is the key that ends g's answer: # unless the step names another.
func finishKey(g *ivr.Gather) rune {
	if g.FinishOnKey == "" {
		return '#'
	}
	return []rune(g.FinishOnKey)[0]
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
			// a finish key before any other ends a previous answer
			// (18 digits, then #), not this one: keep waiting
			return len(got) > 0
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
