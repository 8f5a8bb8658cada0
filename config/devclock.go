package config

import (
	"fmt"
	"strings"
	"time"
)

// devClockLayouts are the forms dev_clock accepts: RFC 3339 with or
// without seconds.
var devClockLayouts = []string{time.RFC3339, "2006-01-02T15:04Z07:00"}

// StartClock is the instant dev_clock sets, and whether it is set.
// Validate has checked it parses and that this is development mode.
func (c *Config) StartClock() (time.Time, bool) {
	t, err := parseDevClock(c.DevClock)
	return t, err == nil && !t.IsZero()
}

func parseDevClock(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, l := range devClockLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a time like 2026-12-04T09:30+08:00, got %q", s)
}

// devClock refuses a clock that does not parse, and any clock outside
// development mode: a production server must never book, remind or mark
// no-shows on a made-up date.
func devClock(v any, c *Config) error {
	if strings.TrimSpace(v.(string)) == "" {
		return nil
	}
	if _, err := parseDevClock(v.(string)); err != nil {
		return err
	}
	if !c.Dev() {
		return fmt.Errorf("a set clock is for development mode only (--dev with no credentials, a loopback public_url and http.addr); here %s", c.devRefusal())
	}
	return nil
}
