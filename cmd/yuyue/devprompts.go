package main

import (
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"

	"yuyue/ivr"
)

// devPrompts is development mode's side channel for SIP calls: the text
// of every view each call has heard, so `callsim --sip` can print the
// prompts and answer each gather as the Twilio mode reads TwiML. Audio
// cannot be read back as text; the log line "sip: prompt" says the same
// for a developer. Never mounted outside development mode.
type devPrompts struct {
	mu    sync.Mutex
	calls map[string][]devPrompt // SIP Call-ID → views in order
	order []string               // oldest call first, to bound memory
}

type devPrompt struct {
	Step      string `json:"step"`
	Seq       int    `json:"seq"`
	Text      string `json:"text"`
	Gather    bool   `json:"gather"`
	NumDigits int    `json:"num_digits,omitempty"`
	Finish    string `json:"finish,omitempty"`
	End       string `json:"end,omitempty"`
}

// devPromptCalls bounds the side channel: a developer's calls, not a crowd's.
const devPromptCalls = 256

func newDevPrompts() *devPrompts { return &devPrompts{calls: map[string][]devPrompt{}} }

func (p *devPrompts) add(sid string, v ivr.View) {
	callID := strings.TrimPrefix(sid, ivr.SIPCallPrefix)
	e := devPrompt{Step: v.Step, Seq: v.Seq, Text: strings.Join(v.Lines, " "), End: v.End}
	if g := v.Gather; g != nil {
		e.Gather, e.NumDigits, e.Finish = true, g.NumDigits, g.FinishOnKey
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.calls[callID]; !ok {
		p.order = append(p.order, callID)
		if len(p.order) > devPromptCalls {
			delete(p.calls, p.order[0])
			p.order = p.order[1:]
		}
	}
	p.calls[callID] = append(p.calls[callID], e)
}

// handler answers GET /dev/sip/prompts?call=CALL-ID with the call's views.
func (p *devPrompts) handler(c *fiber.Ctx) error {
	p.mu.Lock()
	out := append([]devPrompt{}, p.calls[c.Query("call")]...)
	p.mu.Unlock()
	return c.JSON(out)
}
