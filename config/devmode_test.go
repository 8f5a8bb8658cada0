package config

import (
	"strings"
	"testing"
)

// TestDevelopmentModeNeedsALoopbackListener (issue 22, item 2): with no
// credentials, development mode (where /dev/inbox hands out codes) is
// implied only when http.addr binds loopback too; 0.0.0.0 (the image's
// default), ":8080" or a LAN address refuse to start naming the missing
// keys, and asking for it with YUYUE_DEV=1 does not widen it.
func TestDevelopmentModeNeedsALoopbackListener(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:8080", ":8080", "192.168.1.20:8080", "[::]:8080"} {
		for _, dev := range []string{"", "1"} {
			c, err := Load("", env(map[string]string{"YUYUE_HTTP_ADDR": addr, "YUYUE_DEV": dev}))
			if err == nil || c != nil && c.Dev() {
				t.Errorf("http.addr %s, YUYUE_DEV=%q: started (dev=%v)", addr, dev, c != nil && c.Dev())
				continue
			}
			for _, want := range []string{"twilio.account_sid (YUYUE_TWILIO_ACCOUNT_SID)", "twilio.auth_token (YUYUE_TWILIO_AUTH_TOKEN)",
				"secret_key (YUYUE_SECRET_KEY)", `http.addr "` + addr + `" does not bind loopback only`} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("http.addr %s: %v\nwant it to name %s", addr, err, want)
				}
			}
		}
	}
	for _, addr := range []string{"127.0.0.1:8080", "localhost:8080", "[::1]:8080"} {
		if c, err := Load("", env(map[string]string{"YUYUE_HTTP_ADDR": addr})); err != nil || !c.Dev() {
			t.Errorf("loopback http.addr %s: %v, want development mode", addr, err)
		}
	}
	// Credentials (any provider's) rule development mode out, even asked for.
	for _, k := range []string{"YUYUE_TWILIO_AUTH_TOKEN", "YUYUE_ALIYUN_ACCESS_KEY_SECRET"} {
		_, err := Load("", env(map[string]string{k: "x1", "YUYUE_DEV": "1"}))
		if err == nil || !strings.Contains(err.Error(), "development mode refused: credentials are set") {
			t.Errorf("%s with YUYUE_DEV=1: %v, want refused", k, err)
		}
	}
}
