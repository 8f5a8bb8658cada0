package config

import (
	"regexp"
	"strings"
)

var (
	e164  = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	mgSID = regexp.MustCompile(`^MG[0-9a-fA-F]{32}$`)
)

// DevPushToken is the last part of the Aliyun push URLs in development
// mode when aliyun.push_token is not set, so `smssim --provider aliyun`
// works against any development server. It guards nothing: development
// mode sends no SMS and belongs on a developer's machine.
const DevPushToken = "dev"

// MinPushTokenLen is the shortest aliyun.push_token accepted: the token is
// the only secret in the push URLs Aliyun calls.
const MinPushTokenLen = 32

// validateProvider checks sms.provider, sms.signature and, for Aliyun, the
// form of the aliyun.* keys that are set.
func (c *Config) validateProvider(bad func(string, string, ...any)) {
	sig := []rune(c.SMS.Signature)
	if len(sig) < 4 || sig[0] != '【' || sig[len(sig)-1] != '】' {
		bad("sms.signature", "must be a registered signature in 【】, got %q", c.SMS.Signature)
	}
	if n := c.SMS.TwilioCNPerDay; n < 1 || n > 5 {
		bad("sms.twilio_cn_per_day", "must be 1-5: Twilio delays more than five different messages a day to one +86 number, got %d", n)
	}
	switch c.SMS.Provider {
	case "twilio":
		return
	case "aliyun":
	default:
		bad("sms.provider", "must be twilio or aliyun, got %q", c.SMS.Provider)
		return
	}
	a := c.Aliyun
	// Which keys must be set is MissingCredentials'; here only their form.
	if strings.ContainsAny(a.SignName, "【】") {
		bad("aliyun.sign_name", "is the registered name without 【】, got %q", a.SignName)
	}
	if !isHTTPURL(a.Endpoint) {
		bad("aliyun.endpoint", "must be an http or https URL such as https://dysmsapi.aliyuncs.com, got %q", a.Endpoint)
	}
	if a.PushToken != "" && (len(a.PushToken) < MinPushTokenLen || !alnum(a.PushToken)) {
		bad("aliyun.push_token", "must be %d+ random letters and digits", MinPushTokenLen)
	} else if a.PushToken != "" {
		if why := weakSecret(a.PushToken); why != "" {
			bad("aliyun.push_token", "%s", why)
		}
	}
}
