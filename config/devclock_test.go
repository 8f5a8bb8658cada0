package config

import (
	"strings"
	"testing"
	"time"
)

// dev_clock starts the clock in development mode only: it parses with or
// without seconds, and any configuration that is not development mode (a
// public listener, credentials) refuses to start naming the key.
func TestDevClockOnlyInDevelopment(t *testing.T) {
	c, err := Load("", env(map[string]string{"YUYUE_DEV_CLOCK": "2026-12-04T09:30+08:00"}))
	if err != nil {
		t.Fatal(err)
	}
	at, ok := c.StartClock()
	if !ok || !at.Equal(time.Date(2026, 12, 4, 1, 30, 0, 0, time.UTC)) {
		t.Fatalf("clock %v %v", at, ok)
	}
	if _, ok := (&Config{}).StartClock(); ok {
		t.Error("no dev_clock set, yet a clock")
	}
	for _, extra := range []map[string]string{{"YUYUE_HTTP_ADDR": "0.0.0.0:8080"}, {"YUYUE_TWILIO_AUTH_TOKEN": "x1"}} {
		extra["YUYUE_DEV_CLOCK"] = "2026-12-04T09:30:00+08:00"
		_, err := Load("", env(extra))
		if err == nil || !strings.Contains(err.Error(), "dev_clock (YUYUE_DEV_CLOCK): a set clock is for development mode only") {
			t.Errorf("%v: %v, want dev_clock refused", extra, err)
		}
	}
	if _, err := Load("", env(map[string]string{"YUYUE_DEV_CLOCK": "tomorrow"})); err == nil || !strings.Contains(err.Error(), "dev_clock") {
		t.Errorf("dev_clock tomorrow: %v", err)
	}
}
