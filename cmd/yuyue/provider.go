package main

import (
	"github.com/gofiber/fiber/v2"

	"yuyue/config"
	"yuyue/sms"
)

// newSender builds the configured SMS provider's sender and the text
// renderer the outbox uses with it: development mode keeps messages in the
// inbox with both renderings; Twilio gets text that never asks a +86
// number for a reply; Aliyun gets template codes and parameters.
func newSender(d *deps) (sms.Sender, sms.Renderer, error) {
	c := d.cfg
	text := sms.Renderer{Signature: c.SMS.Signature, Settings: sms.TextSettings{CodeTTL: c.SMS.CodeTTL}}
	if c.SMS.Provider == "twilio" {
		// development mode shows what Twilio would send: no reply asked of
		// +86 numbers, and no 【】 of ours (Twilio signs China's itself)
		text.NoReplyTo, text.UnsignedTo = sms.MainlandNoReply, sms.MainlandNoReply
		d.log.Warn("sms.provider is twilio: Aliyun is the supported provider for mainland numbers; " +
			"Twilio cannot carry their replies, adds its own signature and limits what one +86 number receives (sms.twilio_cn_per_day)")
	}
	switch {
	case c.Dev():
		return &sms.DevSender{Svc: d.svc, Log: d.log, Now: d.svc.Now, Templates: c.Aliyun.Templates.ByKind()}, text, nil
	case c.SMS.Provider == "aliyun":
		if text.Settings != sms.DefaultTextSettings {
			d.log.Warn("sms.code_ttl differs from the documented template: register the code template with this text",
				"text", sms.TemplatesFor(text.Settings)["code"].Text)
		}
		a := c.Aliyun
		s, err := sms.NewAliyunSender(sms.AliyunOptions{AccessKeyID: a.AccessKeyID, AccessKeySecret: a.AccessKeySecret,
			SignName: a.SignName, Endpoint: a.Endpoint, Templates: a.Templates.ByKind(), Timeout: c.SMS.SendTimeout})
		return s, text, err
	}
	s, err := sms.NewTwilioSender(sms.TwilioOptions{AccountSID: c.Twilio.AccountSID, AuthToken: c.Twilio.AuthToken,
		From: c.Twilio.SMSFrom, APIURL: c.Twilio.APIURL, PublicURL: c.PublicURL, Timeout: c.SMS.SendTimeout})
	guard := &sms.MainlandGuard{Next: s, Svc: d.svc, Now: d.svc.Now, PerDay: c.SMS.TwilioCNPerDay, Log: d.log}
	return guard, text, err
}

// mountSMS adds the inbound routes: Twilio's webhooks always (the voice
// number may take texts), Aliyun's push endpoints when it is the provider
// and in development mode whatever the provider (smssim --provider aliyun
// posts there; without aliyun.push_token the token is config.DevPushToken).
// It returns the Aliyun push handler, nil when not mounted.
func mountSMS(app *fiber.App, tw fiber.Router, d *deps, kick func()) *sms.AliyunPush {
	in := &sms.Inbound{Svc: d.svc, Log: d.log, Signature: d.cfg.SMS.Signature}
	tw.Post("/sms", in.Handle)
	tw.Post("/sms/status", (&sms.Status{Svc: d.svc, Log: d.log}).Handle)
	if d.cfg.SMS.Provider != "aliyun" && !d.cfg.Dev() {
		return nil
	}
	token := d.cfg.Aliyun.PushToken
	if token == "" && d.cfg.Dev() {
		token = config.DevPushToken
	}
	p := &sms.AliyunPush{Commands: in, Token: token, Log: d.log, Kick: kick}
	p.Mount(app)
	return p
}
