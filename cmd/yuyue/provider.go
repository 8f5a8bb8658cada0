package main

import (
	"github.com/gofiber/fiber/v2"

	"yuyue/sms"
)

// newSender builds the configured SMS provider's sender and the text
// renderer the outbox uses with it: development mode keeps messages in the
// inbox with both renderings; Twilio gets text that never asks a +86
// number for a reply; Aliyun gets template codes and parameters.
func newSender(d *deps) (sms.Sender, sms.Renderer, error) {
	c := d.cfg
	text := sms.Renderer{Signature: c.SMS.Signature}
	if c.SMS.Provider == "twilio" {
		text.NoReplyTo = sms.MainlandNoReply // development mode shows what Twilio would send
	}
	switch {
	case c.Dev():
		return &sms.DevSender{Store: d.store, Log: d.log, Now: d.svc.Now, Templates: c.Aliyun.Templates.ByKind()}, text, nil
	case c.SMS.Provider == "aliyun":
		a := c.Aliyun
		s, err := sms.NewAliyunSender(sms.AliyunOptions{AccessKeyID: a.AccessKeyID, AccessKeySecret: a.AccessKeySecret,
			SignName: a.SignName, Endpoint: a.Endpoint, Templates: a.Templates.ByKind(), Timeout: c.SMS.SendTimeout})
		return s, text, err
	}
	s, err := sms.NewTwilioSender(sms.TwilioOptions{AccountSID: c.Twilio.AccountSID, AuthToken: c.Twilio.AuthToken,
		From: c.Twilio.SMSFrom, APIURL: c.Twilio.APIURL, PublicURL: c.PublicURL, Timeout: c.SMS.SendTimeout})
	return s, text, err
}

// mountSMS adds the inbound routes: Twilio's webhooks always (the voice
// number may take texts), Aliyun's push endpoints when it is the provider.
func mountSMS(app *fiber.App, tw fiber.Router, d *deps, kick func()) {
	in := &sms.Inbound{Svc: d.svc, Log: d.log, Signature: d.cfg.SMS.Signature}
	tw.Post("/sms", in.Handle)
	tw.Post("/sms/status", (&sms.Status{Store: d.store, Log: d.log}).Handle)
	if d.cfg.SMS.Provider == "aliyun" {
		(&sms.AliyunPush{Commands: in, Token: d.cfg.Aliyun.PushToken, Log: d.log, Kick: kick}).Mount(app)
	}
}
