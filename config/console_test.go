package config

import (
	"strings"
	"testing"
	"time"
)

func TestConsoleKeys(t *testing.T) {
	c, err := Load("", env(map[string]string{"YUYUE_HTTP_TRUSTED_PROXIES": "10.0.0.0/8,192.168.1.5"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Console.IdleTimeout != 30*time.Minute || len(c.HTTP.TrustedProxies) != 2 || c.HTTP.TrustedProxies[0] != "10.0.0.0/8" {
		t.Fatalf("idle %v, proxies %q", c.Console.IdleTimeout, c.HTTP.TrustedProxies)
	}
	for k, v := range map[string]string{
		"YUYUE_CONSOLE_IDLE_TIMEOUT": "0s",
		"YUYUE_HTTP_TRUSTED_PROXIES": "10.0.0.0/33",
	} {
		_, err := Load("", env(map[string]string{k: v}))
		want := strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(k, "YUYUE_"), "_", "."))
		want = strings.Replace(strings.Replace(want, "idle.timeout", "idle_timeout", 1), "trusted.proxies", "trusted_proxies", 1)
		if err == nil || !strings.Contains(err.Error(), want+" ("+k+")") {
			t.Errorf("%s=%s: %v, want it to name %s", k, v, err, want)
		}
	}
}
