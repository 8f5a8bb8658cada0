package main

import (
	"context"
	"path/filepath"
	"strings"

	"yuyue/asr"
	"yuyue/config"
	"yuyue/internal/nls"
	"yuyue/ivr"
	"yuyue/sipvoice"
	"yuyue/tts"
)

// startSIP starts the SIP front end when sip.listen is set; the returned
// func stops it and waits for calls in progress to end (their held places
// are freed as they do).
func startSIP(ctx context.Context, d *deps, ch *channels) (func(), error) {
	c := d.cfg
	if !c.SIP.Enabled() {
		return func() {}, nil
	}
	first, last, _ := c.SIP.PortRange() // Validate checked it
	cfg := sipvoice.Config{Listen: c.SIP.Listen, Trunks: c.SIP.Trunks, Username: c.SIP.Username,
		Password: c.SIP.Password, RTPPorts: [2]int{first, last}, PublicIP: c.SIP.PublicIP,
		RTPTimeout: c.SIP.RTPTimeout, Voices: map[string]string{ivr.LangZH: c.TTS.Voice, ivr.LangEN: c.TTS.ENVoice}}
	if strings.HasPrefix(c.Voice.Operator, "sip") {
		cfg.Operator = c.Voice.Operator
	}
	cache := ttsCache(c)
	srv, err := sipvoice.New(cfg, ch.voice, cache, d.log)
	if err != nil {
		return nil, errorf("sip.trunks", "%v", err)
	}
	if c.ASR.Provider == "aliyun" { // names heard; without it they come by SMS reply
		srv.ASR = asr.Aliyun{Account: nlsAccount(c)}
		ch.voice.SIPNames = true
	}
	if c.Dev() && ch.prompts != nil {
		// Development side channel: what each SIP call hears, in the log
		// for developers and at /dev/sip/prompts for callsim --sip.
		// Prompts carry masked numbers only.
		srv.OnPrompt = func(sid string, v ivr.View) {
			d.log.Info("sip: prompt", "call", sid, "step", v.Step, "seq", v.Seq, "text", strings.Join(v.Lines, " "))
			ch.prompts.add(sid, v)
		}
	}
	sctx, cancel := context.WithCancel(ctx)
	if err := srv.Start(sctx); err != nil {
		cancel()
		return nil, errorf("sip.listen", "%v", err)
	}
	return func() { cancel(); srv.Wait() }, nil
}

// ttsCache is the configured speech provider behind the on-disk cache.
func ttsCache(c *config.Config) *tts.Cache {
	var p tts.Provider = tts.Espeak{}
	if c.TTS.Provider == "aliyun" {
		p = tts.Aliyun{Account: nlsAccount(c)}
	}
	return &tts.Cache{Provider: p, Dir: ttsDir(c.TTS.CacheDir, c.Database)}
}

// nlsAccount is the Alibaba Cloud speech account of the nls.* keys.
func nlsAccount(c *config.Config) *nls.Account {
	n := c.NLS
	return &nls.Account{AccessKeyID: n.AccessKeyID, AccessKeySecret: n.AccessKeySecret, AppKey: n.AppKey,
		Region: n.Region, Meta: n.MetaEndpoint, Gateway: n.Gateway}
}

// ttsDir is tts.cache_dir, or tts-cache beside a SQLite database file.
func ttsDir(dir, database string) string {
	if dir != "" {
		return dir
	}
	if strings.Contains(database, "://") {
		return filepath.Join("data", "tts-cache")
	}
	return filepath.Join(filepath.Dir(database), "tts-cache")
}
