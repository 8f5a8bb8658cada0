package config

import (
	"regexp"
	"sort"
	"strings"
)

var (
	e164  = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	mgSID = regexp.MustCompile(`^MG[0-9a-fA-F]{32}$`)
)

// MinPushTokenLen is the shortest aliyun.push_token accepted: the token is
// the only secret in the push URLs Aliyun calls.
const MinPushTokenLen = 32

// validateProvider checks sms.provider, sms.signature and, for Aliyun, every
// aliyun.* key the sender and the push handlers need.
func (c *Config) validateProvider(bad func(string, string, ...any)) {
	sig := []rune(c.SMS.Signature)
	if len(sig) < 4 || sig[0] != '【' || sig[len(sig)-1] != '】' {
		bad("sms.signature", "must be a registered signature in 【】, got %q", c.SMS.Signature)
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
	required := map[string]string{"aliyun.access_key_id": a.AccessKeyID, "aliyun.access_key_secret": a.AccessKeySecret,
		"aliyun.sign_name": a.SignName}
	for k, v := range a.Templates.ByKind() {
		required["aliyun.templates."+k] = v
	}
	keys := make([]string, 0, len(required))
	for k := range required {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if strings.TrimSpace(required[k]) == "" {
			bad(k, "required when sms.provider is aliyun")
		}
	}
	if strings.ContainsAny(a.SignName, "【】") {
		bad("aliyun.sign_name", "is the registered name without 【】, got %q", a.SignName)
	}
	if !isHTTPURL(a.Endpoint) {
		bad("aliyun.endpoint", "must be an http or https URL such as https://dysmsapi.aliyuncs.com, got %q", a.Endpoint)
	}
	if len(a.PushToken) < MinPushTokenLen || !alnum(a.PushToken) {
		bad("aliyun.push_token", "required when sms.provider is aliyun: %d+ random letters and digits", MinPushTokenLen)
	} else if why := weakSecret(a.PushToken); why != "" {
		bad("aliyun.push_token", "%s", why)
	}
}
