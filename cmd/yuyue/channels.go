package main

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
	"yuyue/config"
	"yuyue/ivr"
	"yuyue/operator"
	"yuyue/sms"
	"yuyue/webhook"
)

// channels are the long-lived parts serve starts besides the HTTP routes.
type channels struct {
	codes  *booking.Codes
	worker *sms.Worker
	voice  *ivr.IVR        // the state machine the SIP front end renders too
	push   *sms.AliyunPush // nil unless Aliyun's pushes are mounted
	// prompts is development mode's SIP side channel; nil otherwise.
	prompts *devPrompts
}

func newChannels(d *deps) (*channels, error) {
	c := d.cfg
	sender, text, err := newSender(d)
	if err != nil {
		return nil, err
	}
	w := &sms.Worker{Svc: d.svc, Sender: sender, Log: d.log, Now: d.svc.Now, Rate: c.SMS.SendRate,
		Concurrency: c.SMS.Concurrency, MaxAttempts: c.SMS.MaxAttempts, RetryBase: c.SMS.RetryBase, Poll: c.SMS.PollInterval, Text: text}
	w.Provider = c.SMS.Provider
	if c.Dev() {
		w.Provider = "dev" // nothing leaves: the development inbox
	}
	codes := &booking.Codes{Svc: d.svc, Key: c.Key("sms code hash v1"), Kick: w.Kick,
		BudgetHit: sms.BudgetWarner(d.log, c.SMS.UnverifiedPerHour), Rules: booking.CodeRules{
			TTL: c.SMS.CodeTTL, Attempts: c.SMS.CodeAttempts, ResendAfter: c.SMS.ResendAfter,
			PerHour: c.SMS.PerHour, PerDay: c.SMS.PerDay, PerCallerDay: c.SMS.PerCallerDay,
			UnverifiedPerHour: c.SMS.UnverifiedPerHour}}
	return &channels{codes: codes, worker: w}, nil
}

// mountChannels adds the webhook and console routes and returns the
// channels whose workers serve starts once it holds the lease (workers.go).
func mountChannels(app *fiber.App, d *deps) (*channels, error) {
	ch, err := newChannels(d)
	if err != nil {
		return nil, err
	}
	tw := app.Group("/twilio", webhook.Verify(d.cfg.PublicURL, webhookToken(d.cfg)))
	ch.push = mountSMS(app, tw, d, ch.worker.Kick)
	voice, err := ivr.New(d.svc, ch.codes, ivrVoice(d.cfg.Voice), d.cfg.PublicURL, d.cfg.Key("ivr session seal v1"), d.log)
	if err != nil {
		return nil, err
	}
	ch.voice = voice
	tw.Post("/voice", voice.VoiceHook)
	tw.Post("/voice/gather", voice.GatherHook)
	tw.Post("/voice/status", voice.StatusHook)
	tw.Post("/voice/dial", voice.DialHook)

	console, err := operator.New(d.svc, ch.codes, d.log, d.cfg.Dev(), strings.HasPrefix(d.cfg.PublicURL, "https://"))
	if err != nil {
		return nil, err
	}
	console.Drain = ch.worker.Kick
	console.IdleTimeout = d.cfg.Console.IdleTimeout
	console.CallRetention = d.cfg.Retention.Calls
	console.Mount(app)
	if err := mountWeb(app, d, ch.codes); err != nil {
		return nil, err
	}

	if d.cfg.Dev() {
		// Development only: the SMS that were not sent, codes included, for
		// callsim and developers. config.Dev is false with any credential
		// or a listener beyond loopback, so it is never mounted there.
		app.Get("/dev/inbox", devInbox(d))
		ch.prompts = newDevPrompts()
		app.Get("/dev/sip/prompts", ch.prompts.handler)
	}

	return ch, nil
}

// webhookToken is the auth token webhooks are checked with: development
// mode, which has none, checks against webhook.DevAuthToken (never an
// empty one, which anyone could sign with).
func webhookToken(c *config.Config) string {
	if c.Dev() && c.Twilio.AuthToken == "" {
		return webhook.DevAuthToken
	}
	return c.Twilio.AuthToken
}

func devInbox(d *deps) fiber.Handler {
	type msg struct {
		ID   int64  `json:"id"`
		To   string `json:"to"`
		Kind string `json:"kind"`
		Body string `json:"body"`
		// The template rendering: what Aliyun would get instead of Body.
		Template       string    `json:"template"`
		TemplateParams string    `json:"template_params"`
		At             time.Time `json:"at"`
	}
	return func(c *fiber.Ctx) error {
		ms, err := d.svc.DevMessages(c.UserContext(), c.Query("to"), 50)
		if err != nil {
			return err
		}
		out := make([]msg, len(ms))
		for i, m := range ms {
			out[i] = msg{m.ID, m.To, m.Kind, m.Body, m.Template, m.TemplateParams, m.CreatedAt}
		}
		return c.JSON(out)
	}
}

// ivrVoice maps the voice settings onto the IVR's; Validate has checked
// the operator target already.
func ivrVoice(v config.Voice) ivr.Voice {
	kind, addr, _ := v.OperatorTarget()
	t := ivr.Transfer{Address: addr, BYOC: v.OperatorBYOC, CallerID: v.CallerID, Timeout: v.DialTimeout}
	switch kind {
	case config.OperatorSIP:
		t.Kind = ivr.TransferSIP
	case config.OperatorNumber:
		t.Kind = ivr.TransferNumber
	}
	return ivr.Voice{ZHLanguage: v.Language, ZHVoice: v.Voice, ENLanguage: v.EnLanguage, ENVoice: v.EnVoice,
		SpeechLanguage: v.SpeechLanguage, Operator: t, Timeout: v.Timeout, ElderAge: v.ElderAge}
}
