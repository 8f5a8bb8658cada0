package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
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

// Validate checks every value: each key by its Check in the settings table,
// then the one rule over several keys, which credentials must be set. It
// returns all problems joined, each naming its key.
func (c *Config) Validate() error {
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, &Error{Key: key, Problem: fmt.Sprintf(format, args...)})
	}
	for _, s := range settings {
		if s.Check == nil {
			continue
		}
		v, ok := c.valueAt(s.Key)
		if !ok {
			panic("config: setting " + s.Key + " has no field in Config")
		}
		if err := s.Check(v, c); err != nil {
			for _, p := range problems(err) {
				bad(s.Key, "%v", p)
			}
		}
	}
	if !c.Dev() {
		for _, k := range c.MissingCredentials() {
			bad(k, "required outside development mode; development mode needs no credentials at all, a loopback public_url and an http.addr on loopback only (%s)", c.devRefusal())
		}
	}
	return errors.Join(errs...)
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
