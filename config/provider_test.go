package config

import (
	"strings"
	"testing"
)

func TestSMSFromMustBeE164OrMessagingService(t *testing.T) {
	base := map[string]string{"YUYUE_TWILIO_ACCOUNT_SID": "ACabc", "YUYUE_TWILIO_AUTH_TOKEN": "tok",
		"YUYUE_SECRET_KEY": "q7Vn2LxR9sKw4ZpT6bYh3JdM8cFg5AeU", "YUYUE_PUBLIC_URL": "https://yuyue.example.cn"}
	for from, ok := range map[string]bool{"+14155550100": true, "MG" + strings.Repeat("a1", 16): true,
		"14155550100": false, "+1 415 555 0100": false, "MG123": false, "yuyue": false} {
		e := map[string]string{"YUYUE_TWILIO_SMS_FROM": from}
		for k, v := range base {
			e[k] = v
		}
		_, err := Load("", env(e))
		if ok != (err == nil) || !ok && !strings.Contains(err.Error(), "YUYUE_TWILIO_SMS_FROM") {
			t.Errorf("sms_from %q: err = %v", from, err)
		}
	}
}

func TestAliyunKeysRequiredByName(t *testing.T) {
	prod := map[string]string{"YUYUE_SMS_PROVIDER": "aliyun", "YUYUE_ALIYUN_TEMPLATES_CODE": "SMS_1",
		"YUYUE_TWILIO_ACCOUNT_SID": "ACabc", "YUYUE_TWILIO_AUTH_TOKEN": "tok",
		"YUYUE_SECRET_KEY": "q7Vn2LxR9sKw4ZpT6bYh3JdM8cFg5AeU", "YUYUE_PUBLIC_URL": "https://yuyue.example.cn"}
	_, err := Load("", env(prod))
	if err == nil {
		t.Fatal("aliyun without its keys accepted")
	}
	for _, k := range []string{"aliyun.access_key_id", "aliyun.access_key_secret", "aliyun.sign_name", "aliyun.push_token",
		"aliyun.templates.confirmation", "aliyun.templates.reply_booking", "YUYUE_ALIYUN_TEMPLATES_NOSHOW"} {
		// one check owns the keys: each is named once
		if n := strings.Count(err.Error(), k); n != 1 {
			t.Errorf("error names %s %d times: %v", k, n, err)
		}
	}
	if strings.Contains(err.Error(), "aliyun.templates.code ") {
		t.Errorf("a set template named as missing: %v", err)
	}
	for key, val := range map[string]string{"YUYUE_SMS_PROVIDER": "smsbao", "YUYUE_SMS_SIGNATURE": "深圳户政"} {
		if _, err := Load("", env(map[string]string{key: val})); err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%s=%s: err = %v", key, val, err)
		}
	}
}

// Development mode needs none of Aliyun's credentials or template codes:
// it sends nothing.
func TestAliyunInDevelopmentNeedsNoKeys(t *testing.T) {
	c, err := Load("", env(map[string]string{"YUYUE_SMS_PROVIDER": "aliyun"}))
	if err != nil || !c.Dev() {
		t.Fatalf("development mode with aliyun: dev=%v err=%v", c != nil && c.Dev(), err)
	}
	if m := c.MissingCredentials(); len(m) < 10 || m[0] != "twilio.account_sid" {
		t.Fatalf("MissingCredentials = %v, want Twilio's and Aliyun's keys listed", m)
	}
	for _, v := range []string{"short", "not-alnum-" + strings.Repeat("x", 40)} {
		_, err := Load("", env(map[string]string{"YUYUE_SMS_PROVIDER": "aliyun", "YUYUE_ALIYUN_PUSH_TOKEN": v}))
		if err == nil || !strings.Contains(err.Error(), "YUYUE_ALIYUN_PUSH_TOKEN") {
			t.Errorf("push token %q: err = %v", v, err)
		}
	}
	if _, err := Load("", env(map[string]string{"YUYUE_SMS_TWILIO_CN_PER_DAY": "6"})); err == nil {
		t.Error("sms.twilio_cn_per_day 6 accepted: Twilio reviews more than five a day")
	}
}
