package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/emiago/diago"
	"github.com/emiago/sipgo/sip"

	"yuyue/internal/sipcall"
	"yuyue/sms/twiliotest"
)

// sipCaller is a registered citizen calling the SIP trunk: real SIP and
// RTP (diago), keys as RFC 4733 events. It cannot see the prompts, so it
// keys ahead (yuyue keeps keys typed ahead of a prompt); only the code
// needs waiting for, from the fake SMS API.
type sipCaller struct {
	phone  string
	fake   *twiliotest.Fake
	ph     *sipcall.Phone
	target sip.Uri
	jitter *jitterLog
}

// run books idcard (business 2) by keys and returns when yuyue hangs up
// after reading the reference; the confirmation SMS proves the booking.
func (c *sipCaller) run(ctx context.Context) (outcome, error) {
	ictx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	d, med, err := c.ph.Dial(ictx, c.target, c.phone, "", "")
	if err != nil {
		return "", err
	}
	heard, listened := make(chan struct{}), make(chan struct{})
	go func() { c.listen(med, heard); close(listened) }()
	defer func() { d.Close(); <-listened }() // its figures are in before the report
	// A caller presses after the greeting starts, not into the ringing.
	select {
	case <-heard:
	case <-time.After(30 * time.Second):
		return "", fmt.Errorf("no prompt audio within 30 s of answer")
	}
	w, err := med.AudioWriterDTMF()
	if err != nil {
		return "", err
	}
	before := len(c.fake.To(c.phone))
	if err := sipcall.Keys(w, "1"); err != nil {
		return "", err
	}
	code, err := awaitNewCode(ctx, c.fake, c.phone, before, 45*time.Second)
	for try := 0; err != nil && try < 2; try++ {
		// As the prompt offers: *# asks for a new code (one asked for too
		// soon after the registration call's is refused, not queued).
		before = len(c.fake.To(c.phone))
		if err := sipcall.Keys(w, "*#"); err != nil {
			return "", err
		}
		code, err = awaitNewCode(ctx, c.fake, c.phone, before, 45*time.Second)
	}
	if err != nil {
		return "", err
	}
	script := fmt.Sprintf("%s1%d%d11%d%d1", code, 2, 1+rand.N(4), 1+rand.N(3), 1+rand.N(4))
	// code, by business, idcard, district, office, notice, date, period, confirm
	if err := sipcall.Keys(w, script); err != nil {
		return "", err
	}
	select {
	case <-d.Context().Done(): // yuyue's BYE after the reference
	case <-time.After(3 * time.Minute):
		return "", fmt.Errorf("no BYE within 3 minutes of confirming")
	}
	for _, m := range c.fake.To(c.phone)[before:] {
		if strings.Contains(m.Body, "居民身份证") && !codeRe.MatchString(m.Body) {
			return outBooked, nil
		}
	}
	return "", fmt.Errorf("call ended without a confirmation SMS")
}

// awaitNewCode waits for a code SMS beyond the first skip messages.
func awaitNewCode(ctx context.Context, fake *twiliotest.Fake, phone string, skip int, wait time.Duration) (string, error) {
	for end := time.Now().Add(wait); time.Now().Before(end) && ctx.Err() == nil; {
		ms := fake.To(phone)
		for i := len(ms) - 1; i >= skip; i-- {
			if m := codeRe.FindStringSubmatch(ms[i].Body); m != nil {
				return m[1], nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return "", fmt.Errorf("no new SMS code within %s", wait)
}

// listen reads the prompts' RTP and logs how far each packet's arrival
// strays from the 20 ms its timestamp says it follows the previous one by.
func (c *sipCaller) listen(med *diago.DialogMedia, heard chan struct{}) {
	r, err := med.AudioReader()
	if err != nil {
		return
	}
	pr := med.RTPPacketReader
	buf := make([]byte, 1500)
	var last time.Time
	var lastTS uint32
	var lastSeq uint16
	var devs []time.Duration
	defer func() { c.jitter.add(devs) }()
	for {
		if _, err := r.Read(buf); err != nil {
			return
		}
		now, h := time.Now(), pr.PacketHeader
		if last.IsZero() {
			close(heard)
		}
		// Within a talk spurt only: a marked packet starts a new prompt.
		if !last.IsZero() && !h.Marker && h.SequenceNumber == lastSeq+1 && h.Timestamp-lastTS == 160 {
			dev := now.Sub(last) - 20*time.Millisecond
			devs = append(devs, max(dev, -dev))
		}
		last, lastTS, lastSeq = now, h.Timestamp, h.SequenceNumber
	}
}

// jitterLog gathers every caller's deviations.
type jitterLog struct {
	mu   sync.Mutex
	devs []time.Duration
}

func (j *jitterLog) add(d []time.Duration) {
	j.mu.Lock()
	j.devs = append(j.devs, d...)
	j.mu.Unlock()
}
