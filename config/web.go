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

// AccountPolicy is the password and session policy of the web channel.
func (c *Config) AccountPolicy() booking.AccountPolicy {
	p := booking.DefaultAccountPolicy()
	p.MinPassword, p.MaxFailures, p.Backoff = c.Web.PasswordMin, c.Web.LoginFails, c.Web.LoginBackoff
	p.WebTTL, p.AppTTL = c.Web.SessionTTL, c.Web.AppTokenTTL
	return p
}
