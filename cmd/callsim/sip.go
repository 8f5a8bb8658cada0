package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/emiago/diago"

	"yuyue/internal/sipcall"
)

// sipPatience bounds each wait on the server (a prompt, the BYE): a
// deadlock guard, long enough for espeak-ng's first rendering of a prompt.
const sipPatience = 60 * time.Second

// sipPrompt is one view the call heard, from the development side channel
// GET /dev/sip/prompts?call=CALL-ID. Audio cannot be turned back into
// text, so callsim --sip reads the text the server played, as the server's
// "sip: prompt" log lines show it.
type sipPrompt struct {
	Step      string `json:"step"`
	Text      string `json:"text"`
	Gather    bool   `json:"gather"`
	NumDigits int    `json:"num_digits"`
	End       string `json:"end"`
}

// sipCall is one call over real SIP and RTP (diago): keys go as RFC 4733
// events, prompts are read from the side channel, codes from /dev/inbox.
type sipCall struct {
	p      *phone
	d      *diago.DialogClientSession
	dtmf   *diago.DTMFWriter
	callID string
	heard  int // prompts printed so far
}

// callSIP dials target and plays the inputs against what the call hears.
func (p *phone) callSIP(ctx context.Context, target string, in inputs) error {
	to, err := sipcall.Target(target)
	if err != nil {
		return err
	}
	ph, err := sipcall.NewPhone("callsim")
	if err != nil {
		return err
	}
	defer ph.Close()
	fmt.Fprintf(p.out, "☎ calling %s from %s (SIP, RFC 4733 keys)\n", to.String(), p.from)
	p.skipOldSMS(ctx)
	dctx, cancel := context.WithTimeout(ctx, sipPatience)
	d, med, err := ph.Dial(dctx, to, p.from, "", "")
	cancel()
	if err != nil {
		return fmt.Errorf("%w (is yuyue serving sip.listen there, with this address in sip.trunks?)", err)
	}
	defer d.Close()
	w, err := med.AudioWriterDTMF()
	if err != nil {
		return err
	}
	go drain(med) // a phone listens, else its RTP socket fills
	c := &sipCall{p: p, d: d, dtmf: w, callID: d.InviteRequest.CallID().Value()}
	return c.play(ctx, in)
}

// play answers each gather with the next token until the call ends.
func (c *sipCall) play(ctx context.Context, in inputs) error {
	for {
		v, ended, err := c.next(ctx)
		if err != nil {
			return err
		}
		if ended {
			fmt.Fprintln(c.p.out, "☎ yuyue hangs up")
			c.p.awaitSMS(ctx, 3*time.Second)
			return nil
		}
		if !v.Gather {
			continue // a transfer or a goodbye: its outcome is the next prompt or the BYE
		}
		tok, ok := in.next("[" + v.Step + "]")
		if !ok || tok == "hangup" {
			fmt.Fprintln(c.p.out, "☎ caller hangs up")
			hctx, cancel := context.WithTimeout(context.Background(), sipPatience)
			defer cancel()
			return c.d.Hangup(hctx)
		}
		if err := c.answer(ctx, tok); err != nil {
			return err
		}
	}
}

// answer presses what a token stands for.
func (c *sipCall) answer(ctx context.Context, tok string) error {
	switch {
	case strings.HasPrefix(tok, "say:"):
		return errors.New("say: tokens need a speech recogniser; over SIP a caller only keys (register through the Twilio mode first)")
	case tok == "id":
		fmt.Fprintln(c.p.out, "  ⌨ (ID number)#")
		return c.keys(c.p.idNumber + "#")
	case tok == "code":
		code, err := c.awaitCode(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.p.out, "  ⌨ %s (code from the SMS)\n", code)
		return c.keys(code)
	case tok == "":
		fmt.Fprintln(c.p.out, "  ⌨ (silence until the timeout)")
		return nil
	}
	fmt.Fprintf(c.p.out, "  ⌨ %s\n", tok)
	return c.keys(tok)
}

func (c *sipCall) keys(ks string) error { return sipcall.Keys(c.dtmf, ks) }

// awaitCode is the Twilio mode's wait: a code not used yet from the
// inbox, pressing *# (a new code) while yuyue holds resends back.
func (c *sipCall) awaitCode(ctx context.Context) (string, error) {
	p := c.p
	if !p.waitFreshCode(ctx, 10*time.Second) {
		fmt.Fprintln(p.out, "  (no new code yet: yuyue holds resends back for a while; pressing * until one comes)")
	}
	for end := time.Now().Add(2 * time.Minute); p.lastCode == "" || p.lastCode == p.usedCode; {
		if ctx.Err() != nil || time.Now().After(end) {
			return "", errors.New("no verification code arrived in the development inbox")
		}
		time.Sleep(5 * time.Second)
		fmt.Fprintln(p.out, "  ⌨ *# (resend)")
		if err := c.keys("*#"); err != nil {
			return "", err
		}
		if _, ended, err := c.next(ctx); err != nil || ended {
			return "", errors.New("the call ended while waiting for a code")
		}
		p.waitFreshCode(ctx, 3*time.Second)
	}
	p.usedCode = p.lastCode
	return p.lastCode, nil
}

// next waits for the call's next prompt, prints it and the SMS that came
// with it; ended when yuyue hung up instead.
func (c *sipCall) next(ctx context.Context) (sipPrompt, bool, error) {
	for end := time.Now().Add(sipPatience); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		ps, err := c.prompts(ctx)
		if err != nil {
			return sipPrompt{}, false, err
		}
		if len(ps) > c.heard {
			v := ps[c.heard]
			c.heard++
			fmt.Fprintf(c.p.out, "🔊 %s\n", v.Text)
			c.p.showSMS(ctx)
			return v, false, nil
		}
		select {
		case <-c.d.Context().Done():
			return sipPrompt{}, true, nil
		case <-ctx.Done():
			return sipPrompt{}, false, ctx.Err()
		default:
		}
	}
	return sipPrompt{}, false, fmt.Errorf("no prompt and no BYE within %s", sipPatience)
}

// prompts reads the side channel, which only a development server has.
func (c *sipCall) prompts(ctx context.Context) ([]sipPrompt, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", c.p.base+"/dev/sip/prompts?call="+url.QueryEscape(c.callID), nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("reading the prompts from %s: %w", c.p.base, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s/dev/sip/prompts: %s (callsim --sip needs yuyue in development mode, --url its HTTP address)", c.p.base, resp.Status)
	}
	var ps []sipPrompt
	if err := json.NewDecoder(resp.Body).Decode(&ps); err != nil {
		return nil, fmt.Errorf("/dev/sip/prompts: %w", err)
	}
	return ps, nil
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
