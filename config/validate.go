package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/robfig/cron/v3"
)

// Error is a bad configuration value; it names the key and its variable.
type Error struct {
	Key     string
	Problem string
}

func (e *Error) Error() string {
	return fmt.Sprintf("config: %s (%s): %s", e.Key, EnvName(e.Key), e.Problem)
}

// MinSecretLen is the shortest secret_key accepted outside development.
const MinSecretLen = 32

// Validate checks every value; it returns all problems joined.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, &Error{Key: key, Problem: fmt.Sprintf(format, args...)})
	}
	if err := checkAddr(c.HTTP.Addr); err != nil {
		bad("http.addr", "%v", err)
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	if !isHTTPURL(c.PublicURL) {
		bad("public_url", "must be an http or https URL, got %q", c.PublicURL)
	} else if !c.Dev() && !strings.HasPrefix(c.PublicURL, "https://") {
		bad("public_url", "must be https:// outside development: Twilio calls webhooks over HTTPS only, got %q", c.PublicURL)
	}
	if strings.TrimSpace(c.Database) == "" {
		bad("database", "must name a SQLite file or a postgres:// URL")
	}
	c.validatePostgres(bad)
	c.validateTwilio(bad)
	c.validateProvider(bad)
	if c.DevMode && !c.Dev() {
		bad("dev", "development mode refused: %s", c.devRefusal())
	}
	if !c.Dev() {
		for _, k := range c.MissingCredentials() {
			bad(k, "required outside development mode; development mode needs no credentials at all, a loopback public_url and an http.addr on loopback only (%s)", c.devRefusal())
		}
		if why := weakSecret(c.SecretKey); why != "" {
			bad("secret_key", "%s", why)
		}
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		bad("log.format", "must be text or json")
	}
	if _, ok := Levels[c.Log.Level]; !ok {
		bad("log.level", "must be debug, info, warn or error")
	}
	if err := checkAddr(c.HTTP.AdminAddr); err != nil {
		bad("http.admin_addr", "%v", err)
	}
	if c.Debug.PprofAddr != "" {
		if err := checkAddr(c.Debug.PprofAddr); err != nil {
			bad("debug.pprof_addr", "%v", err)
		} else if host, _, _ := net.SplitHostPort(c.Debug.PprofAddr); !isLoopbackHost(host) {
			bad("debug.pprof_addr", "must be a loopback address such as 127.0.0.1:6060: profiles expose memory")
		}
	}
	if c.Backup.Keep < 1 {
		bad("backup.keep", "must be at least 1")
	}
	c.validateConsole(bad)
	c.validateNumbers(bad)
	c.Voice.validateOperator(bad)
	c.validateSchedules(bad)
	c.validateWeb(bad)
	c.validateSIP(bad)
	return errors.Join(errs...)
}

func (c *Config) validateTwilio(bad func(string, string, ...any)) {
	t := c.Twilio
	if t.AccountSID != "" && (!strings.HasPrefix(t.AccountSID, "AC") || !alnum(t.AccountSID)) {
		bad("twilio.account_sid", "must be AC followed by letters and digits")
	}
	// twilio-go refuses other characters before sending anything.
	if t.AuthToken != "" && !alnum(t.AuthToken) {
		bad("twilio.auth_token", "must contain only letters and digits")
	}
	if t.SMSFrom != "" && !e164.MatchString(t.SMSFrom) && !mgSID.MatchString(t.SMSFrom) {
		bad("twilio.sms_from", "must be an E.164 number such as +14155550100 or a messaging service SID MG… (34 characters), got %q", t.SMSFrom)
	}
	if t.APIURL != "" && !isHTTPURL(t.APIURL) {
		bad("twilio.api_url", "must be an http or https URL")
	}
}

func (c *Config) validateNumbers(bad func(string, string, ...any)) {
	b, s := c.Booking, c.SMS
	positive := map[string]float64{
		"booking.window_days": float64(b.WindowDays), "booking.hold_ttl": b.HoldTTL.Seconds(),
		"booking.waitlist_offer_ttl": b.WaitlistOfferTTL.Seconds(),
		"booking.ban_strikes":        float64(b.BanStrikes), "booking.ban_months": float64(b.BanMonths),
		"booking.verified_for": b.VerifiedFor.Seconds(), "sms.code_ttl": s.CodeTTL.Seconds(),
		"sms.code_attempts": float64(s.CodeAttempts), "sms.per_hour": float64(s.PerHour),
		"sms.per_day": float64(s.PerDay), "sms.per_caller_day": float64(s.PerCallerDay),
		"sms.unverified_per_hour": float64(s.UnverifiedPerHour),
		"sms.send_rate":           s.SendRate, "sms.concurrency": float64(s.Concurrency), "sms.max_attempts": float64(s.MaxAttempts),
		"sms.retry_base": s.RetryBase.Seconds(), "sms.send_timeout": s.SendTimeout.Seconds(),
		"sms.poll_interval": s.PollInterval.Seconds(), "voice.timeout": float64(c.Voice.Timeout),
	}
	for k, v := range positive {
		if v <= 0 {
			bad(k, "must be positive")
		}
	}
	if b.CancelHour < 0 || b.CancelHour > 23 {
		bad("booking.cancel_hour", "must be an hour 0-23")
	}
	if b.NoShowGrace < 0 {
		bad("booking.noshow_grace", "must not be negative")
	}
	if b.ReleaseBatch < 0 {
		bad("booking.release_batch", "must not be negative (0 = all)")
	}
}

func (c *Config) validateSchedules(bad func(string, string, ...any)) {
	for k, spec := range c.Jobs.Schedules() {
		if spec == "" {
			continue
		}
		if _, err := cron.ParseStandard(spec); err != nil {
			bad("jobs."+k, "not a cron schedule: %v", err)
		}
	}
}

// Schedules maps job names to their cron specs.
func (j Jobs) Schedules() map[string]string {
	return map[string]string{"release": j.Release, "noshow": j.NoShow, "remind": j.Remind, "slots": j.Slots, "purge": j.Purge, "backup": j.Backup}
}

func checkAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("not a host:port address: %q", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("port %q is not 0-65535", port)
	}
	if host != "" && net.ParseIP(host) == nil && strings.ContainsAny(host, " /?#") {
		return fmt.Errorf("host %q is not valid", host)
	}
	return nil
}

func alnum(s string) bool {
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
