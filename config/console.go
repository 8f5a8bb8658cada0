package config

import (
	"net"
	"strings"
)

// validateConsole checks the console's session and proxy settings.
func (c *Config) validateConsole(bad func(key, format string, args ...any)) {
	if c.Console.IdleTimeout <= 0 {
		bad("console.idle_timeout", "must be a positive duration such as 30m")
	}
	for _, p := range c.HTTP.TrustedProxies {
		p = strings.TrimSpace(p)
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			bad("http.trusted_proxies", "%q is not a CIDR such as 10.0.0.0/8 or an IP address", p)
		}
	}
}
