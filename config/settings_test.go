package config

import (
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"
)

// Every entry of the settings table is one key with a description and a
// field of Config to hold it; no key has two entries.
func TestSettingsTable(t *testing.T) {
	var c Config
	seen := map[string]bool{}
	for _, s := range settings {
		if seen[s.Key] {
			t.Errorf("key %s has two entries in config/settings.go", s.Key)
		}
		seen[s.Key] = true
		if strings.TrimSpace(s.Doc) == "" {
			t.Errorf("key %s has no description in config/settings.go", s.Key)
		}
		if _, ok := c.valueAt(s.Key); !ok {
			t.Errorf("key %s has no field in the Config struct", s.Key)
		}
		if s.Env() != EnvName(s.Key) || !strings.HasPrefix(s.Env(), "YUYUE_") {
			t.Errorf("key %s: variable %s", s.Key, s.Env())
		}
	}
}

// Every field of Config is a key of the reference, so the generated file
// covers the struct and not only the defaults map.
func TestEveryFieldIsInTheReference(t *testing.T) {
	for _, l := range structLeaves(reflect.TypeOf(Config{}), "") {
		found := false
		for _, d := range Reference() {
			if d.Key == l.key || strings.HasPrefix(d.Key, l.key+".") {
				found = true
			}
		}
		if !found {
			t.Errorf("field %s has no default, so the reference lacks it", l.key)
		}
	}
}

// docs/configuration.md is what `go generate ./config` writes today.
func TestConfigurationDocIsFresh(t *testing.T) {
	got, err := os.ReadFile("../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, Markdown()) {
		t.Fatal("docs/configuration.md is stale: run `go generate ./config` and commit the result")
	}
}

func TestReferenceRows(t *testing.T) {
	var hold, sid KeyDoc
	for _, d := range Reference() {
		switch d.Key {
		case "booking.hold_ttl":
			hold = d
		case "twilio.account_sid":
			sid = d
		}
	}
	if hold.Env != "YUYUE_BOOKING_HOLD_TTL" || hold.Type != "duration" || hold.Default != "`10m`" {
		t.Fatalf("booking.hold_ttl row: %+v", hold)
	}
	if sid.Type != "string" || sid.Default != "(empty)" {
		t.Fatalf("twilio.account_sid row: %+v", sid)
	}
	md := string(Markdown())
	if !strings.Contains(md, "| `booking.hold_ttl` | `YUYUE_BOOKING_HOLD_TTL` | duration | `10m` |") {
		t.Fatalf("markdown lacks the hold_ttl row:\n%s", md)
	}
}

// Each problem a table check finds is one error naming its key and
// variable, also when one value has several (two bad trunks: two errors),
// and checks that apply only with SIP or Aliyun wait for them.
func TestTableChecksNameTheirKey(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want []string
	}{
		{map[string]string{"YUYUE_BOOKING_CANCEL_HOUR": "24"}, []string{"config: booking.cancel_hour (YUYUE_BOOKING_CANCEL_HOUR): must be an hour 0-23"}},
		{map[string]string{"YUYUE_WEB_PASSWORD_MIN": "4"}, []string{"config: web.password_min (YUYUE_WEB_PASSWORD_MIN): must be between 6 and 64"}},
		{map[string]string{"YUYUE_WEB_SESSION_TTL": "30s"}, []string{"config: web.session_ttl (YUYUE_WEB_SESSION_TTL): must be at least 1m"}},
		{map[string]string{"YUYUE_SMS_SEND_RATE": "0"}, []string{"config: sms.send_rate (YUYUE_SMS_SEND_RATE): must be positive"}},
		{map[string]string{"YUYUE_JOBS_BACKUP": "soon"}, []string{"config: jobs.backup (YUYUE_JOBS_BACKUP): not a cron schedule"}},
		{map[string]string{"YUYUE_SIP_LISTEN": "udp:127.0.0.1:5060", "YUYUE_SIP_TRUNKS": "a b,c/d/e"},
			[]string{`config: sip.trunks (YUYUE_SIP_TRUNKS): "a b" is neither`, `config: sip.trunks (YUYUE_SIP_TRUNKS): "c/d/e" is neither`}},
	}
	for _, tc := range cases {
		_, err := Load("", env(tc.env))
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("env %v: error %v, want %q", tc.env, err, w)
			}
		}
	}
	// Off, the SIP keys are not checked; the Aliyun keys only with Aliyun.
	if _, err := Load("", env(map[string]string{"YUYUE_SIP_RTP_PORTS": "nonsense", "YUYUE_ALIYUN_ENDPOINT": "nonsense"})); err != nil {
		t.Fatalf("checks of keys not in use ran: %v", err)
	}
}
