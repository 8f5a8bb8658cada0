package config

import (
	"time"

	"yuyue/booking"
)

// Web configures the citizen site and the JSON API: rate limits, passwords
// and session lifetimes.
type Web struct {
	IPRate       float64       `mapstructure:"ip_rate"`       // requests per second per client address
	IPBurst      int           `mapstructure:"ip_burst"`      // requests a client address may send at once
	AccountRate  float64       `mapstructure:"account_rate"`  // requests per second per logged-in citizen or login name
	AccountBurst int           `mapstructure:"account_burst"` // requests one account may send at once
	PasswordMin  int           `mapstructure:"password_min"`  // shortest password
	LoginFails   int           `mapstructure:"login_failures"`
	LoginBackoff time.Duration `mapstructure:"login_backoff"` // first lock after login_failures; doubles
	SessionTTL   time.Duration `mapstructure:"session_ttl"`   // web cookie session
	AppTokenTTL  time.Duration `mapstructure:"app_token_ttl"` // app bearer token
	MaxBody      int           `mapstructure:"max_body"`      // bytes of a request body
}

// webDefaults are the defaults of the web.* keys.
var webDefaults = map[string]any{
	"web.ip_rate":        5.0,
	"web.ip_burst":       30,
	"web.account_rate":   2.0,
	"web.account_burst":  20,
	"web.password_min":   8,
	"web.login_failures": 5,
	"web.login_backoff":  "15m",
	"web.session_ttl":    "2h",
	"web.app_token_ttl":  "720h",
	"web.max_body":       16384,
}

func init() {
	for k, v := range webDefaults {
		defaults[k] = v
	}
}

func (c *Config) validateWeb(bad func(key, format string, args ...any)) {
	w := c.Web
	positive := map[string]float64{"web.ip_rate": w.IPRate, "web.ip_burst": float64(w.IPBurst),
		"web.account_rate": w.AccountRate, "web.account_burst": float64(w.AccountBurst),
		"web.login_failures": float64(w.LoginFails), "web.max_body": float64(w.MaxBody)}
	for k, v := range positive {
		if v <= 0 {
			bad(k, "must be positive")
		}
	}
	if w.PasswordMin < 6 || w.PasswordMin > 64 {
		bad("web.password_min", "must be between 6 and 64")
	}
	for k, d := range map[string]time.Duration{"web.login_backoff": w.LoginBackoff, "web.session_ttl": w.SessionTTL, "web.app_token_ttl": w.AppTokenTTL} {
		if d < time.Minute {
			bad(k, "must be at least 1m")
		}
	}
}

// AccountPolicy is the password and session policy of the web channel.
func (c *Config) AccountPolicy() booking.AccountPolicy {
	p := booking.DefaultAccountPolicy()
	p.MinPassword, p.MaxFailures, p.Backoff = c.Web.PasswordMin, c.Web.LoginFails, c.Web.LoginBackoff
	p.WebTTL, p.AppTTL = c.Web.SessionTTL, c.Web.AppTokenTTL
	return p
}
