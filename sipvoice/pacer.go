package sipvoice

import (
	"sync"
	"time"

	"github.com/emiago/diago/media"
)

// pacer sends every call's prompt audio from one goroutine on one 20 ms
// clock with absolute deadlines: at each tick one packet of every playing
// stream goes out. With a timer per call, 200 calls are 10,000 goroutine
// wake-ups a second competing for two cores, and each late wake-up is a
// late packet; with one clock a tick costs one wake-up and a loop of
// writes, and a late tick is made up at the next deadline.
type pacer struct {
	mu      sync.Mutex
	streams map[*stream]struct{}
	wake    chan struct{}
}

// stream is one prompt being sent.
type stream struct {
	w       *media.RTPPacketWriter
	pt      uint8
	payload []byte // G.711, encoded once
	pos     int
	done    chan error // receives once: nil at the end, or the write error
	stopped bool       // under pacer.mu: barge-in or hang-up
}

var thePacer = &pacer{streams: map[*stream]struct{}{}, wake: make(chan struct{}, 1)}

func init() { go thePacer.run() }

// add queues s; its first packet leaves at the next tick.
func (p *pacer) add(s *stream) {
	p.mu.Lock()
	p.streams[s] = struct{}{}
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// stop ends s early (a key, a hang-up); no packet of it leaves after.
func (p *pacer) stop(s *stream) {
	p.mu.Lock()
	s.stopped = true
	delete(p.streams, s)
	p.mu.Unlock()
}

func (p *pacer) run() {
	const frame = 20 * time.Millisecond
	t := time.NewTimer(time.Hour)
	for {
		p.mu.Lock()
		idle := len(p.streams) == 0
		p.mu.Unlock()
		if idle { // nothing to send: sleep until a prompt starts
			<-p.wake
		}
		next := time.Now()
		for {
			p.tick()
			next = next.Add(frame)
			if d := time.Until(next); d > 0 {
				t.Reset(d)
				<-t.C
			} else if d < -frame { // far behind (a stall): do not burst to catch up
				next = time.Now()
			}
			p.mu.Lock()
			idle := len(p.streams) == 0
			p.mu.Unlock()
			if idle {
				break
			}
		}
	}
}

// tick sends one packet of each stream, ending those that are done.
func (p *pacer) tick() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for s := range p.streams {
		end := min(s.pos+frameSamples, len(s.payload))
		_, err := s.w.WriteSamples(s.payload[s.pos:end], frameSamples, s.pos == 0, s.pt)
		s.pos = end
		if err != nil || s.pos >= len(s.payload) {
			delete(p.streams, s)
			s.done <- err
		}
	}
}
