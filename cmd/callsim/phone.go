package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/beevik/etree"

	"yuyue/booking"
	"yuyue/webhook"
)

type phone struct {
	base, public, token, from string
	idNumber                  string // what the id token keys
	out                       io.Writer
	sid                       string
	seenSMS                   int64
	lastCode                  string
	usedCode                  string
	numDigits                 int    // the current <Gather>'s numDigits (0 = unlimited)
	finish                    string // and its finishOnKey
	quiet                     bool   // skipOldSMS: read without printing
}

// call dials, then follows the TwiML until the call ends.
func (p *phone) call(ctx context.Context, in inputs) error {
	b := make([]byte, 16)
	rand.Read(b)
	p.sid = "CA" + hex.EncodeToString(b)
	fmt.Fprintf(p.out, "☎ calling %s from %s (CallSid %s)\n", p.base, p.from, p.sid)
	p.skipOldSMS(ctx)
	path, form := "/twilio/voice", url.Values{}
	for ctx.Err() == nil {
		doc, err := p.post(ctx, path, form)
		if err != nil {
			return err
		}
		next, ended := p.follow(doc)
		p.showSMS(ctx)
		if ended {
			p.awaitSMS(ctx, 3*time.Second)
			return p.status(ctx)
		}
		if next == "" {
			return fmt.Errorf("response has no gather, redirect or hang-up")
		}
		path, form = next, url.Values{}
		if !strings.Contains(next, "/gather") { // a <Redirect>
			continue
		}
		tok, ok := in.next(stepOf(next))
		if !ok || tok == "hangup" {
			fmt.Fprintln(p.out, "☎ caller hangs up")
			return p.status(ctx)
		}
		if tok == "code" {
			if path, err = p.awaitCode(ctx, path); err != nil {
				return err
			}
		}
		p.fill(form, tok)
	}
	return ctx.Err()
}

var codeRe = regexp.MustCompile(`验证码(\d{6})`)

// fill turns a token into what Twilio would post.
func (p *phone) fill(form url.Values, tok string) {
	switch {
	case strings.HasPrefix(tok, "say:"):
		form.Set("SpeechResult", strings.TrimPrefix(tok, "say:"))
		form.Set("Confidence", "0.9")
		fmt.Fprintf(p.out, "  🗣 %s\n", form.Get("SpeechResult"))
	case tok == "id":
		form.Set("Digits", p.idNumber)
		fmt.Fprintf(p.out, "  ⌨ %s# (ID number)\n", booking.MaskIDNumber(p.idNumber))
	case tok == "code":
		p.usedCode = p.lastCode
		form.Set("Digits", p.lastCode)
		fmt.Fprintf(p.out, "  ⌨ %s (code from the SMS)\n", p.lastCode)
	default:
		// What Twilio posts for these keys: the finish key stripped, a lone
		// # or nothing at all as empty Digits after the timeout.
		digits, waited := webhook.GatherDigits(tok, p.numDigits, p.finish)
		form.Set("Digits", digits)
		if waited {
			fmt.Fprintf(p.out, "  ⌨ %s (then silence until the timeout: Digits=%q)\n", tok, digits)
		} else {
			fmt.Fprintf(p.out, "  ⌨ %s\n", tok)
		}
	}
}

func stepOf(action string) string {
	u, err := url.Parse(action)
	if err != nil {
		return ""
	}
	return "[" + u.Query().Get("step") + "]"
}

// spoken is what a <Say> says: its text, or that of the SSML <prosody>
// inside it (an older caller's slower prompts), marked with the rate.
func spoken(say *etree.Element) string {
	text := say.Text()
	for _, in := range say.ChildElements() {
		if r := in.SelectAttrValue("rate", ""); r != "" {
			text += "(" + r + ") "
		}
		text += in.Text()
	}
	return text
}

// follow prints what is said and returns the next request path, or ended.
func (p *phone) follow(doc *etree.Document) (string, bool) {
	next := ""
	for _, el := range doc.Root().ChildElements() {
		switch el.Tag {
		case "Say":
			fmt.Fprintf(p.out, "🔊 %s\n", spoken(el))
		case "Gather":
			for _, s := range el.ChildElements() {
				fmt.Fprintf(p.out, "🔊 %s\n", spoken(s))
			}
			next = strings.TrimPrefix(el.SelectAttrValue("action", ""), p.public)
			p.numDigits, _ = strconv.Atoi(el.SelectAttrValue("numDigits", "0"))
			p.finish = el.SelectAttrValue("finishOnKey", "")
		case "Redirect":
			next = strings.TrimPrefix(strings.TrimSpace(el.Text()), p.public)
		case "Dial":
			for _, n := range el.ChildElements() {
				fmt.Fprintf(p.out, "☎ transferred to %s %s\n", strings.ToLower(n.Tag), strings.TrimSpace(n.Text()))
			}
			return "", true
		case "Hangup":
			fmt.Fprintln(p.out, "☎ yuyue hangs up")
			return "", true
		}
	}
	return next, false
}

func (p *phone) post(ctx context.Context, path string, extra url.Values) (*etree.Document, error) {
	form := url.Values{"CallSid": {p.sid}, "AccountSid": {"ACcallsim"}, "From": {p.from}, "To": {"+8675500000114"},
		"CallStatus": {"in-progress"}, "Direction": {"inbound"}}
	for k, v := range extra {
		form[k] = v
	}
	req, err := http.NewRequestWithContext(ctx, "POST", p.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", webhook.Sign(p.token, p.public+path, form))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusForbidden {
		return nil, fmt.Errorf("%s: %s: yuyue refused the signature. It checks signatures against its public_url, "+
			"which must be the address callsim signs for (--public-url, default --url: %s). If you moved the server "+
			"with YUYUE_HTTP_ADDR, set YUYUE_PUBLIC_URL to the same address (both change together), or pass --public-url",
			path, resp.Status, p.public)
	}
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("%s: %s: %s", path, resp.Status, body)
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(body); err != nil || doc.Root() == nil {
		return nil, fmt.Errorf("%s: not TwiML: %s", path, body)
	}
	return doc, nil
}

func (p *phone) status(ctx context.Context) error {
	_, err := p.post(ctx, "/twilio/voice/status", url.Values{"CallStatus": {"completed"}})
	if err != nil && !strings.Contains(err.Error(), "204") && !strings.Contains(err.Error(), "not TwiML") {
		return err
	}
	return nil
}

// skipOldSMS marks what the inbox already holds as seen, so that a code
// from an earlier call is never taken for this call's.
func (p *phone) skipOldSMS(ctx context.Context) {
	p.quiet = true
	p.showSMS(ctx)
	p.quiet, p.lastCode = false, ""
}

// showSMS prints development-inbox messages not shown yet (dev mode only).
func (p *phone) showSMS(ctx context.Context) {
	req, _ := http.NewRequestWithContext(ctx, "GET", p.base+"/dev/inbox", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		if resp != nil {
			resp.Body.Close()
		}
		return
	}
	defer resp.Body.Close()
	var msgs []struct {
		ID   int64     `json:"id"`
		To   string    `json:"to"`
		Body string    `json:"body"`
		At   time.Time `json:"at"`
	}
	if json.NewDecoder(resp.Body).Decode(&msgs) != nil {
		return
	}
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		if m.ID <= p.seenSMS {
			continue
		}
		p.seenSMS = m.ID
		if p.quiet {
			continue
		}
		fmt.Fprintf(p.out, "✉ SMS to %s: %s\n", m.To, m.Body)
		if c := codeRe.FindStringSubmatch(m.Body); c != nil {
			p.lastCode = c[1]
		}
	}
}

// awaitSMS gives the outbox worker a moment to deliver the last message
// (the confirmation) to the development inbox.
func (p *phone) awaitSMS(ctx context.Context, d time.Duration) {
	seen := p.seenSMS
	for end := time.Now().Add(d); time.Now().Before(end) && p.seenSMS == seen && ctx.Err() == nil; {
		time.Sleep(200 * time.Millisecond)
		p.showSMS(ctx)
	}
}
