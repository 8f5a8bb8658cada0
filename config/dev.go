package config

import (
	"fmt"
	"net"
	"net/url"
	"reflect"
	"sort"
	"strings"
)

// Dev reports development mode, where codes are readable in /dev/inbox:
// only with no credentials at all, a loopback public_url and an http.addr
// that binds loopback only, so `yuyue serve` works with no setup on a
// laptop and nowhere a stranger can reach. With those it is implied; dev /
// YUYUE_DEV=1 / --dev asks for it but cannot widen it (Validate refuses).
func (c *Config) Dev() bool {
	return !c.hasCredentials() && isLoopbackURL(c.PublicURL) && isLoopbackAddr(c.HTTP.Addr)
}

// devRefusal says why development mode is not possible here, or "".
func (c *Config) devRefusal() string {
	var why []string
	if c.hasCredentials() {
		why = append(why, "credentials are set")
	}
	if !isLoopbackURL(c.PublicURL) {
		why = append(why, fmt.Sprintf("public_url %q is not a loopback URL", c.PublicURL))
	}
	if !isLoopbackAddr(c.HTTP.Addr) {
		why = append(why, fmt.Sprintf("http.addr %q does not bind loopback only (use 127.0.0.1:PORT)", c.HTTP.Addr))
	}
	return strings.Join(why, ", ")
}

// hasCredentials: any provider credential is set.
func (c *Config) hasCredentials() bool {
	for _, k := range []string{"twilio.account_sid", "twilio.auth_token", "aliyun.access_key_id", "aliyun.access_key_secret"} {
		if strings.TrimSpace(c.stringAt(k)) != "" {
			return true
		}
	}
	return false
}

// isLoopbackAddr: a listen address on a loopback host ("" or 0.0.0.0
// binds every interface).
func isLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	return err == nil && isLoopbackHost(host)
}

// providerCredentials are the keys each SMS provider needs outside
// development mode; sms.provider picks one (twilio when unset). Aliyun's
// registered template codes are added by aliyunTemplateKeys.
var providerCredentials = map[string][]string{
	"twilio": {"twilio.sms_from"},
	"aliyun": {"aliyun.access_key_id", "aliyun.access_key_secret", "aliyun.sign_name", "aliyun.push_token"},
}

// nameKind: the templates of a name confirmed in writing (SIP calls).
func nameKind(k string) bool {
	return strings.HasPrefix(k, "name_") || strings.HasPrefix(k, "reply_name_")
}

// aliyunTemplateKeys are the aliyun.templates.* keys, sorted.
func (c *Config) aliyunTemplateKeys() []string {
	var keys []string
	for k := range c.Aliyun.Templates.ByKind() {
		if nameKind(k) && !c.SIP.Enabled() {
			continue // only SIP calls confirm names in writing
		}
		keys = append(keys, "aliyun.templates."+k)
	}
	sort.Strings(keys)
	return keys
}

// MissingCredentials lists the credential keys that are empty: Twilio's
// account for the voice channel always, then the configured SMS provider's
// (for Aliyun also its push token and every template code). It is the one
// place that knows which provider needs what, so development mode, which
// needs none of them, starts with any provider.
func (c *Config) MissingCredentials() []string {
	keys := []string{"twilio.account_sid", "twilio.auth_token"}
	provider := c.stringAt("sms.provider")
	if provider == "" {
		provider = "twilio"
	}
	keys = append(keys, providerCredentials[provider]...)
	if provider == "aliyun" {
		keys = append(keys, c.aliyunTemplateKeys()...)
	}
	var missing []string
	for _, k := range keys {
		if strings.TrimSpace(c.stringAt(k)) == "" {
			missing = append(missing, k)
		}
	}
	return missing
}

// stringAt reads a string setting by its dotted key through the struct's
// tags, "" when no such key exists: keys other packages add are found
// without this file naming their Go fields.
func (c *Config) stringAt(key string) string {
	v, _ := c.valueAt(key)
	s, _ := v.(string)
	return s
}

func fieldByTag(v reflect.Value, tag string) (reflect.Value, bool) {
	t := v.Type()
	for i := range t.NumField() {
		if strings.Split(t.Field(i).Tag.Get("mapstructure"), ",")[0] == tag {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

// isLoopbackURL: http(s) to localhost or a loopback IP.
func isLoopbackURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Host != "" && isLoopbackHost(u.Hostname())
}

func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func distinctRunes(s string) int {
	seen := map[rune]bool{}
	for _, r := range s {
		seen[r] = true
	}
	return len(seen)
}

// repeated reports whether s is a short pattern repeated (it has a period
// of at most half its length), e.g. "0123456789" × 3 + "01".
func repeated(s string) bool {
	for p := 1; p <= len(s)/2; p++ {
		if s[p:] == s[:len(s)-p] {
			return true
		}
	}
	return false
}

// CheckSecret refuses a secret_key too weak for production (for `yuyue
// rekey`, which takes the new key outside the configuration).
func CheckSecret(s string) error {
	if why := weakSecret(s); why != "" {
		return &Error{Key: "secret_key", Problem: why}
	}
	return nil
}
