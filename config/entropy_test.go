package config

import (
	"strings"
	"testing"
)

// TestWeakSecretsRefused (issue 22, item 14): secret_key and
// aliyun.push_token need 32+ bytes of real entropy; patterns a person
// types (dictionary words, alphabets, keyboard rows, the project's name,
// repeats) do not count, and the error names the key and its variable.
func TestWeakSecretsRefused(t *testing.T) {
	weak := []string{
		"Password123Password123Password123",
		"Password1234567890!@#$%^&*()abcd",
		"P@ssw0rd-2026-P@ssw0rd-2026-Admin!",
		"abcdefghijklmnopqrstuvwxyzABCDEF",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
		"qwertyuiopasdfghjklzxcvbnm1234567890",
		"yuyue-yuyue-yuyue-secret-key-2026!!",
		"YuyueProductionSecretKey2026Shenzhen",
		"test-secret-key-of-at-least-32-characters!",
		"load-test-secret-key-of-at-least-32-characters",
		"e2epush0123456789abcdefABCDEF0123456",
		"zyxwvutsrqponmlkjihgfedcba9876543210",
	}
	prod := map[string]string{"YUYUE_TWILIO_ACCOUNT_SID": "ACx", "YUYUE_TWILIO_AUTH_TOKEN": "tok", "YUYUE_TWILIO_SMS_FROM": "+14155550100",
		"YUYUE_PUBLIC_URL": "https://yuyue.example.cn", "YUYUE_SMS_PROVIDER": "aliyun", "YUYUE_ALIYUN_ACCESS_KEY_ID": "id",
		"YUYUE_ALIYUN_ACCESS_KEY_SECRET": "s", "YUYUE_ALIYUN_SIGN_NAME": "深圳公安"}
	for _, w := range weak {
		m := map[string]string{"YUYUE_SECRET_KEY": w, "YUYUE_ALIYUN_PUSH_TOKEN": strings.Map(alnumOnly, w)}
		for k, v := range prod {
			m[k] = v
		}
		_, err := Load("", env(m))
		for _, want := range []string{"secret_key (YUYUE_SECRET_KEY): too weak", "aliyun.push_token (YUYUE_ALIYUN_PUSH_TOKEN): "} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%q: %v, want %q", w, err, want)
			}
		}
	}
	for _, strong := range []string{goodSecret, "9c1f0e7b4a2d86f3e5b0c7a19d4e2f6b", "mT4vQ8zK1pX6wR3nY9cB5hJ2gL7dF0sA",
		"k3J9-x7Qp_2Lm8Zr!v4Tb6Nw@y1Hc5Fs"} {
		if why := weakSecret(strong); why != "" {
			t.Errorf("random key %q refused: %s", strong, why)
		}
	}
}

// TestWeakPushTokenRefused (issue 22, item 14): a push token of letters and
// digits long enough but patterned is refused like a weak secret_key.
func TestWeakPushTokenRefused(t *testing.T) {
	c := &Config{}
	c.SMS.Provider, c.SMS.Signature = "aliyun", "【深圳公安】"
	for _, tok := range []string{"e2epush0123456789abcdefABCDEF0123456", "pushtoken0123456789abcdefABCDEF012345", "YuyuePushTokenShenzhen2026Production"} {
		c.Aliyun.PushToken = tok
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), "config: aliyun.push_token (YUYUE_ALIYUN_PUSH_TOKEN): too weak") {
			t.Errorf("push token %q: %v", tok, err)
		}
	}
}

func alnumOnly(r rune) rune {
	if r < 128 && alnum(string(r)) {
		return r
	}
	return -1
}
