package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaultsAreDevelopmentAndValid(t *testing.T) {
	c, err := Load("", env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Dev() || c.HTTP.Addr != "127.0.0.1:8080" || c.Database != "data/yuyue.db" || c.Booking.HoldTTL != 10*time.Minute {
		t.Fatalf("unexpected defaults: %+v", c)
	}
}

func TestPrecedenceFileThenEnv(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(path, []byte("http:\n  addr: 127.0.0.1:9000\ndatabase: from-file.db\nbooking:\n  window_days: 7\n"), 0o600)
	c, err := Load(path, env(map[string]string{"YUYUE_DATABASE": "from-env.db"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTP.Addr != "127.0.0.1:9000" || c.Database != "from-env.db" || c.Booking.WindowDays != 7 {
		t.Fatalf("precedence wrong: addr=%s db=%s window=%d", c.HTTP.Addr, c.Database, c.Booking.WindowDays)
	}
}

func TestBadValuesNameTheKey(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"YUYUE_HTTP_ADDR": "not-an-address"}, "http.addr (YUYUE_HTTP_ADDR)"},
		{map[string]string{"YUYUE_PUBLIC_URL": "ftp://x"}, "public_url"},
		{map[string]string{"YUYUE_BOOKING_WINDOW_DAYS": "abc"}, "booking.window_days"},
		{map[string]string{"YUYUE_BOOKING_HOLD_TTL": "-1m"}, "booking.hold_ttl"},
		{map[string]string{"YUYUE_TWILIO_ACCOUNT_SID": "AC123"}, "twilio.auth_token"},
		{map[string]string{"YUYUE_TWILIO_ACCOUNT_SID": "AC1", "YUYUE_TWILIO_AUTH_TOKEN": "t", "YUYUE_TWILIO_SMS_FROM": "+1"}, "secret_key (YUYUE_SECRET_KEY)"},
		{map[string]string{"YUYUE_BOOKING_HOLD_TTL": "abc"}, "booking.hold_ttl (YUYUE_BOOKING_HOLD_TTL): expected a duration such as 10m"},
		{map[string]string{"YUYUE_JOBS_ENABLED": "maybe"}, "jobs.enabled (YUYUE_JOBS_ENABLED): expected true or false"},
		{map[string]string{"YUYUE_DEBUG_PPROF_ADDR": "0.0.0.0:6060"}, "debug.pprof_addr"},
		{map[string]string{"YUYUE_HTTP_ADMIN_ADDR": "nope"}, "http.admin_addr"},
		{map[string]string{"YUYUE_JOBS_RELEASE": "every now and then"}, "jobs.release"},
		{map[string]string{"YUYUE_LOG_FORMAT": "xml"}, "log.format"},
		{map[string]string{"YUYUE_TWILIO_ACCOUNT_SID": "AC1", "YUYUE_TWILIO_AUTH_TOKEN": "has-dashes"}, "twilio.auth_token"},
	}
	for _, tc := range cases {
		_, err := Load("", env(tc.env))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("env %v: error %v, want it to name %q", tc.env, err, tc.want)
		}
	}
}

func TestProductionNeedsSecretAndSender(t *testing.T) {
	_, err := Load("", env(map[string]string{
		"YUYUE_TWILIO_ACCOUNT_SID": "ACx", "YUYUE_TWILIO_AUTH_TOKEN": "tok",
		"YUYUE_TWILIO_SMS_FROM": "+14155550100", "YUYUE_SECRET_KEY": "q7Vn2LxR9sKw4ZpT6bYh3JdM8cFg5AeU",
		"YUYUE_PUBLIC_URL": "https://yuyue.example.cn",
	}))
	if err != nil {
		t.Fatalf("valid production config refused: %v", err)
	}
}

// Every key of the Config struct must have a default, or its YUYUE_*
// variable would be silently ignored.
func TestEveryKeyHasADefault(t *testing.T) {
	var walk func(prefix string, typ reflect.Type)
	walk = func(prefix string, typ reflect.Type) {
		for i := range typ.NumField() {
			f := typ.Field(i)
			key := prefix + f.Tag.Get("mapstructure")
			if f.Type.Kind() == reflect.Struct {
				walk(key+".", f.Type)
				continue
			}
			if _, ok := defaults[key]; !ok {
				t.Errorf("key %s has no default", key)
			}
		}
	}
	walk("", reflect.TypeOf(Config{}))
	c, err := Load("", env(map[string]string{"YUYUE_DEBUG_PPROF_ADDR": "127.0.0.1:6060"}))
	if err != nil || c.Debug.PprofAddr != "127.0.0.1:6060" {
		t.Fatalf("env not applied: %v %q", err, c.Debug.PprofAddr)
	}
}
