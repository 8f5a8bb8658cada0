package config

import (
	"strings"
	"testing"
	"time"
)

func TestSIPIsOffByDefault(t *testing.T) {
	c, err := Load("", env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.SIP.Enabled() || c.TTS.Provider != "espeak" {
		t.Fatalf("defaults: sip on=%v, tts=%q; want off and espeak", c.SIP.Enabled(), c.TTS.Provider)
	}
}

func TestSIPFromTheEnvironment(t *testing.T) {
	c, err := Load("", env(map[string]string{"YUYUE_SIP_LISTEN": "udp:0.0.0.0:5060,tcp:0.0.0.0:5060",
		"YUYUE_SIP_TRUNKS": "10.20.0.0/16, 192.0.2.7", "YUYUE_SIP_RTP_PORTS": "20000-20999", "YUYUE_SIP_RTP_TIMEOUT": "45s"}))
	if err != nil {
		t.Fatal(err)
	}
	first, last, err := c.SIP.PortRange()
	if len(c.SIP.Listen) != 2 || len(c.SIP.Trunks) != 2 || first != 20000 || last != 20999 || err != nil || c.SIP.RTPTimeout != 45*time.Second {
		t.Fatalf("sip settings: %+v (%d-%d %v)", c.SIP, first, last, err)
	}
}

func TestBadSIPSettingsNameTheKey(t *testing.T) {
	on := map[string]string{"YUYUE_SIP_LISTEN": "udp:0.0.0.0:5060", "YUYUE_SIP_TRUNKS": "10.0.0.0/8"}
	with := func(k, v string) map[string]string {
		m := map[string]string{k: v}
		for a, b := range on {
			if a != k {
				m[a] = b
			}
		}
		return m
	}
	cases := []struct {
		env map[string]string
		key string
	}{
		{with("YUYUE_SIP_TRUNKS", ""), "sip.trunks"},
		{with("YUYUE_SIP_LISTEN", "ws:0.0.0.0:5060"), "sip.listen"},
		{with("YUYUE_SIP_RTP_PORTS", "10000"), "sip.rtp_ports"},
		{with("YUYUE_SIP_RTP_PORTS", "2000-1000"), "sip.rtp_ports"},
		{with("YUYUE_SIP_PUBLIC_IP", "pbx.example"), "sip.public_ip"},
		{with("YUYUE_SIP_USERNAME", "trunk"), "sip.password"},
		{with("YUYUE_TTS_PROVIDER", "festival"), "tts.provider"},
	}
	for _, tc := range cases {
		_, err := Load("", env(tc.env))
		if err == nil || !strings.Contains(err.Error(), tc.key) {
			t.Errorf("%v: %v, want an error naming %s", tc.env, err, tc.key)
		}
	}
}

// The Aliyun speech providers need the nls account and an Aliyun voice;
// a bad setting names its key.
func TestBadSpeechSettingsNameTheKey(t *testing.T) {
	for key, vars := range map[string]map[string]string{
		"tts.provider":      {"YUYUE_TTS_PROVIDER": "festival"},
		"asr.provider":      {"YUYUE_ASR_PROVIDER": "whisper"},
		"tts.voice":         {"YUYUE_TTS_PROVIDER": "aliyun", "YUYUE_NLS_ACCESS_KEY_ID": "id", "YUYUE_NLS_ACCESS_KEY_SECRET": "s", "YUYUE_NLS_APP_KEY": "a"},
		"nls.app_key":       {"YUYUE_ASR_PROVIDER": "aliyun", "YUYUE_NLS_ACCESS_KEY_ID": "id", "YUYUE_NLS_ACCESS_KEY_SECRET": "s"},
		"nls.access_key_id": {"YUYUE_TTS_PROVIDER": "aliyun", "YUYUE_TTS_VOICE": "xiaoyun"},
		"nls.gateway":       {"YUYUE_ASR_PROVIDER": "aliyun", "YUYUE_NLS_ACCESS_KEY_ID": "id", "YUYUE_NLS_ACCESS_KEY_SECRET": "s", "YUYUE_NLS_APP_KEY": "a", "YUYUE_NLS_GATEWAY": "nls-gateway"},
	} {
		if _, err := Load("", env(vars)); err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%v: err = %v, want it to name %s", vars, err, key)
		}
	}
	ok := map[string]string{"YUYUE_TTS_PROVIDER": "aliyun", "YUYUE_TTS_VOICE": "xiaoyun", "YUYUE_ASR_PROVIDER": "aliyun",
		"YUYUE_NLS_ACCESS_KEY_ID": "id", "YUYUE_NLS_ACCESS_KEY_SECRET": "s", "YUYUE_NLS_APP_KEY": "a"}
	if _, err := Load("", env(ok)); err != nil {
		t.Fatalf("a complete aliyun speech setting refused: %v", err)
	}
}
