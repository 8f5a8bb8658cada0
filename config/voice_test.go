package config

import (
	"strings"
	"testing"
)

func TestOperatorTargets(t *testing.T) {
	const trunk = "BY0123456789abcdef0123456789abcdef"
	ok := []struct {
		env        map[string]string
		kind, addr string
	}{
		{map[string]string{"YUYUE_VOICE_OPERATOR": "sip:114agents@pbx.test", "YUYUE_VOICE_CALLER_ID": "+8675500000114"}, OperatorSIP, "sip:114agents@pbx.test"},
		{map[string]string{"YUYUE_VOICE_OPERATOR": "tel:+8675512345678", "YUYUE_VOICE_OPERATOR_BYOC": trunk, "YUYUE_VOICE_CALLER_ID": "+8675500000114"}, OperatorNumber, "+8675512345678"},
		{map[string]string{"YUYUE_VOICE_OPERATOR": "+85221234567", "YUYUE_VOICE_CALLER_ID": "+14155550100"}, OperatorNumber, "+85221234567"},
		{nil, "", ""},
	}
	for _, tc := range ok {
		c, err := Load("", env(tc.env))
		if err != nil {
			t.Fatalf("%v: %v", tc.env, err)
		}
		kind, addr, _ := c.Voice.OperatorTarget()
		if kind != tc.kind || addr != tc.addr {
			t.Errorf("%v: %s %s, want %s %s", tc.env, kind, addr, tc.kind, tc.addr)
		}
	}
}

func TestBadOperatorStopsStartupNamingTheKey(t *testing.T) {
	cases := []struct {
		env      map[string]string
		key, why string
	}{
		{map[string]string{"YUYUE_VOICE_OPERATOR": "+8675512345678", "YUYUE_VOICE_CALLER_ID": "+8675500000114"},
			"voice.operator (YUYUE_VOICE_OPERATOR)", "no calls to +86"},
		{map[string]string{"YUYUE_VOICE_OPERATOR": "114"}, "voice.operator (YUYUE_VOICE_OPERATOR)", "E.164"},
		{map[string]string{"YUYUE_VOICE_OPERATOR": "sip:agents@pbx.test?x-a=b", "YUYUE_VOICE_CALLER_ID": "114"}, "voice.operator", "SIP URI"},
		{map[string]string{"YUYUE_VOICE_OPERATOR": "sip:agents@pbx.test"}, "voice.caller_id (YUYUE_VOICE_CALLER_ID)", "required"},
		{map[string]string{"YUYUE_VOICE_OPERATOR": "+85221234567", "YUYUE_VOICE_CALLER_ID": "114 centre"}, "voice.caller_id", "E.164"},
		{map[string]string{"YUYUE_VOICE_OPERATOR": "+8675512345678", "YUYUE_VOICE_OPERATOR_BYOC": "trunk-1", "YUYUE_VOICE_CALLER_ID": "+8675500000114"},
			"voice.operator_byoc (YUYUE_VOICE_OPERATOR_BYOC)", "BYOC trunk SID"},
		{map[string]string{"YUYUE_VOICE_DIAL_TIMEOUT": "2"}, "voice.dial_timeout", "5-600"},
		{map[string]string{"YUYUE_VOICE_ELDER_AGE": "6"}, "voice.elder_age (YUYUE_VOICE_ELDER_AGE)", "50-120"},
	}
	for _, tc := range cases {
		_, err := Load("", env(tc.env))
		if err == nil || !strings.Contains(err.Error(), tc.key) || !strings.Contains(err.Error(), tc.why) {
			t.Errorf("env %v: error %v, want it to name %q and say %q", tc.env, err, tc.key, tc.why)
		}
	}
}

// Twilio calls webhooks over HTTPS only: a production public_url on http
// would sign nothing Twilio ever sends.
func TestPublicURLHTTPSOutsideDevelopment(t *testing.T) {
	prod := map[string]string{"YUYUE_TWILIO_ACCOUNT_SID": "AC1", "YUYUE_TWILIO_AUTH_TOKEN": "t", "YUYUE_TWILIO_SMS_FROM": "+14155550100",
		"YUYUE_SECRET_KEY": "q7Vn2LxR9sKw4ZpT6bYh3JdM8cFg5AeU", "YUYUE_PUBLIC_URL": "http://yuyue.example.cn"}
	if _, err := Load("", env(prod)); err == nil || !strings.Contains(err.Error(), "public_url (YUYUE_PUBLIC_URL)") || !strings.Contains(err.Error(), "https://") {
		t.Fatalf("http public_url in production: %v", err)
	}
	prod["YUYUE_PUBLIC_URL"] = "https://yuyue.example.cn"
	if _, err := Load("", env(prod)); err != nil {
		t.Fatalf("https public_url in production: %v", err)
	}
	if _, err := Load("", env(map[string]string{"YUYUE_PUBLIC_URL": "http://127.0.0.1:8080"})); err != nil {
		t.Fatalf("http in development: %v", err)
	}
}
