package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/beevik/etree"

	"yuyue/booking"
	"yuyue/ivr"
	"yuyue/sms/twiliotest"
	"yuyue/webhook"
)

// caller is one simulated person on the phone.
type caller struct {
	n          int
	phone, id  string
	base       string
	client     *http.Client
	stats      *stats
	fake       *twiliotest.Fake
	pauseMin   time.Duration
	pauseSpan  time.Duration
	contention bool // hang up at the first "full" instead of choosing again
	sid        string
	onDone     func(say string) // hears the closing prompt of a booked call
	// gate, when set, holds the caller at the period menu until every
	// rush caller is there (rush.go); codes, when set, times each code
	// from the request that asked for it to the provider's acceptance.
	gate      *rushGate
	codes     *stats
	lastStart time.Time // when the last webhook was sent
	asked     time.Time // when the webhook that asked for the code was sent
}

// outcome of one call.
type outcome string

const (
	outBooked outcome = "booked"
	outFull   outcome = "full"
)

func newCaller(n int, base string, client *http.Client, st *stats, fake *twiliotest.Fake, pmin, pmax time.Duration) *caller {
	body := fmt.Sprintf("440305%s%03d", time.Date(1970, 1, 1+n/1000, 0, 0, 0, 0, time.UTC).Format("20060102"), n%1000)
	return &caller{n: n, phone: fmt.Sprintf("+86139%08d", scramble(n)), id: body + string(booking.IDCheckChar(body)), base: base,
		client: client, stats: st, fake: fake, pauseMin: pmin, pauseSpan: pmax - pmin, sid: callSID(n)}
}

// scramble maps n < 10^8 one-to-one onto 8 digits that do not follow each
// other: real callers' numbers are scattered, and consecutive numbers put
// every caller's rows on the same index pages, where PostgreSQL's
// serializable checks (page-level predicate locks) see conflicts real
// traffic would not have.
func scramble(n int) int { return (n*48271 + 12345) % 100_000_000 } // 48271 is prime to 10^8

// callSID is a CallSid like Twilio's: CA and 32 hex digits that look random
// (Twilio's are), one per caller number.
func callSID(n int) string {
	h := sha256.Sum256([]byte(strconv.Itoa(n)))
	return "CA" + hex.EncodeToString(h[:16])
}

var (
	itemRe = regexp.MustCompile(`请按([1-8])。`)
	codeRe = regexp.MustCompile(`验证码(\d{6})`)
)

// run plays one call to its end and returns what came of it; an error is a
// failure of yuyue (status, TwiML, lost flow), never a full day.
func (c *caller) run(ctx context.Context) (outcome, error) {
	say, action, err := c.post(ctx, "dial", "/twilio/voice", nil)
	for i := 0; err == nil && i < 40; i++ {
		if action == "" {
			if strings.Contains(say, "预约成功") {
				if c.onDone != nil {
					c.onDone(say)
				}
				return outBooked, nil
			}
			return "", fmt.Errorf("hangup without booking: %.80s", say)
		}
		step := stepOf(action)
		if c.contention && (strings.Contains(say, "刚刚约满") || strings.Contains(say, "当天号源已约满") || strings.Contains(say, "号源已约满")) {
			return outFull, nil
		}
		if c.gate != nil && ivr.Step(step) == ivr.StepPeriod {
			c.stats, c.gate = c.gate.wait(ctx), nil
		}
		if ivr.Step(step) == ivr.StepCode {
			c.asked = c.lastStart
		}
		var form url.Values
		if form, err = c.input(ctx, step, say); err != nil {
			return "", err
		}
		c.pause(ctx)
		say, action, err = c.post(ctx, step, action, form)
	}
	if err == nil {
		err = fmt.Errorf("call did not end in 40 steps")
	}
	return "", err
}

// arrive waits a random part of the longest pause before dialling, so that
// calls arrive spread out as real ones do, not all in one millisecond.
func (c *caller) arrive(ctx context.Context) {
	if span := c.pauseMin + c.pauseSpan; span > 0 {
		select {
		case <-time.After(rand.N(span)):
		case <-ctx.Done():
		}
	}
}

func (c *caller) pause(ctx context.Context) {
	if c.pauseMin == 0 && c.pauseSpan == 0 {
		return
	}
	d := c.pauseMin
	if c.pauseSpan > 0 {
		d += rand.N(c.pauseSpan)
	}
	select {
	case <-time.After(d):
	case <-ctx.Done():
	}
}

// input decides what the caller does at a step.
func (c *caller) input(ctx context.Context, step, say string) (url.Values, error) {
	keys := func(k string) url.Values { return url.Values{"Digits": {k}} }
	switch ivr.Step(step) {
	case ivr.StepWaitlistJoin: // a day filled meanwhile: not the waitlist, the other dates
		return keys("2"), nil
	case ivr.StepMenu, ivr.StepNameConfirm, ivr.StepPhoneChoice, ivr.StepMode, ivr.StepNotice, ivr.StepConfirm, ivr.StepBusiness, ivr.StepOffice:
		return keys("1"), nil
	case ivr.StepIDNumber:
		return keys(c.id), nil
	case ivr.StepName:
		return url.Values{"SpeechResult": {"张三"}, "Confidence": {"0.9"}}, nil
	case ivr.StepDistrict, ivr.StepDate, ivr.StepPeriod:
		if c.contention {
			return keys("1"), nil
		}
		items := itemRe.FindAllStringSubmatch(say, -1)
		if len(items) == 0 {
			return nil, fmt.Errorf("%s: no options in %.80s", step, say)
		}
		return keys(items[rand.N(len(items))][1]), nil
	case ivr.StepCode:
		code, err := c.awaitCode(ctx)
		return keys(code), err
	}
	return nil, fmt.Errorf("unexpected step %q: %.80s", step, say)
}

// awaitCode waits for the code the fake Twilio API accepts for this caller,
// as a citizen waits for the SMS: woken by its arrival, not asking again
// every few milliseconds (two thousand pollers took the CPU yuyue needed).
func (c *caller) awaitCode(ctx context.Context) (string, error) {
	deadline := time.NewTimer(20 * time.Second)
	defer deadline.Stop()
	for {
		ms, next := c.fake.Next(c.phone)
		for i := len(ms) - 1; i >= 0; i-- {
			if m := codeRe.FindStringSubmatch(ms[i].Body); m != nil {
				if c.codes != nil && !c.asked.IsZero() {
					c.codes.observe("code", ms[i].Accepted.Sub(c.asked))
				}
				return m[1], nil
			}
		}
		select {
		case <-next:
		case <-deadline.C:
			return "", fmt.Errorf("no SMS code within 20 s")
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
}

func stepOf(action string) string {
	u, err := url.Parse(action)
	if err != nil {
		return ""
	}
	return u.Query().Get("step")
}

// post signs and sends one webhook, records its latency under step, and
// returns what was said and the next gather action.
func (c *caller) post(ctx context.Context, step, path string, extra url.Values) (string, string, error) {
	form := url.Values{"CallSid": {c.sid}, "AccountSid": {accountSID}, "From": {c.phone}, "To": {"+8675500000114"},
		"CallStatus": {"in-progress"}}
	for k, v := range extra {
		form[k] = v
	}
	req, err := http.NewRequestWithContext(ctx, "POST", c.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		return "", "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", webhook.Sign(authToken, publicOf(c.base)+path, form))
	start := time.Now()
	c.lastStart = start
	resp, err := c.client.Do(req)
	if err != nil {
		c.stats.fail("transport")
		return "", "", err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	c.stats.observe(step, time.Since(start))
	if err != nil || resp.StatusCode != 200 {
		c.stats.fail(fmt.Sprintf("http_%d", resp.StatusCode))
		return "", "", fmt.Errorf("%s: %s", path, resp.Status)
	}
	return parseTwiML(c.base, body, c.stats)
}

func parseTwiML(base string, body []byte, st *stats) (string, string, error) {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(body); err != nil || doc.Root() == nil || doc.Root().Tag != "Response" {
		st.fail("bad_twiml")
		return "", "", fmt.Errorf("not TwiML: %.100s", body)
	}
	var said []string
	action := ""
	for _, el := range doc.Root().ChildElements() {
		switch el.Tag {
		case "Say":
			said = append(said, sayText(el))
		case "Gather":
			action = strings.TrimPrefix(el.SelectAttrValue("action", ""), publicOf(base))
			for _, s := range el.ChildElements() {
				said = append(said, sayText(s))
			}
		}
	}
	return strings.Join(said, " "), action, nil
}

// sayText is a <Say>'s text, or that of the SSML <prosody> inside it.
func sayText(say *etree.Element) string {
	text := say.Text()
	for _, in := range say.ChildElements() {
		text += in.Text()
	}
	return text
}

// publicOf is the public_url loadcall gives yuyue for a listener at base:
// production mode wants https (Twilio calls nothing else), while the
// harness talks plain HTTP on loopback; only the signature sees the URL.
func publicOf(base string) string { return "https://" + strings.TrimPrefix(base, "http://") }
