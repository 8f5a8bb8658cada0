package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const goodSecret = "q7Vn2LxR9sKw4ZpT6bYh3JdM8cFg5AeU"

// Without credentials, development mode is implied only for a loopback
// public_url: an https URL stops start-up naming the missing keys.
func TestMissingCredentialsWithPublicURLRefused(t *testing.T) {
	_, err := Load("", env(map[string]string{"YUYUE_PUBLIC_URL": "https://yuyue.example.cn", "YUYUE_SECRET_KEY": goodSecret}))
	for _, want := range []string{"twilio.account_sid (YUYUE_TWILIO_ACCOUNT_SID)", "twilio.auth_token", "twilio.sms_from"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want it to name %s", err, want)
		}
	}
	c, err := Load("", env(map[string]string{"YUYUE_PUBLIC_URL": "http://localhost:8080"}))
	if err != nil || !c.Dev() {
		t.Fatalf("loopback URL without credentials: dev=%v err=%v, want development mode", c != nil && c.Dev(), err)
	}
	// asking for development mode does not widen it (issue 22, item 2)
	if _, err = Load("", env(map[string]string{"YUYUE_PUBLIC_URL": "https://yuyue.example.cn", "YUYUE_DEV": "1"})); err == nil ||
		!strings.Contains(err.Error(), "dev (YUYUE_DEV): development mode refused") {
		t.Fatalf("YUYUE_DEV=1 on an https public_url: %v, want refused", err)
	}
	c, err = Load("", env(map[string]string{"YUYUE_TWILIO_ACCOUNT_SID": "ACx", "YUYUE_TWILIO_AUTH_TOKEN": "tok",
		"YUYUE_TWILIO_SMS_FROM": "+14155550100", "YUYUE_SECRET_KEY": goodSecret, "YUYUE_PUBLIC_URL": "https://127.0.0.1:8443"}))
	if err != nil || c.Dev() {
		t.Fatalf("credentials on loopback: dev=%v err=%v, want production", c != nil && c.Dev(), err)
	}
}

// The test suites' variables (CI exports YUYUE_TEST_POSTGRES for the whole
// run) reach every yuyue a test starts; they are not settings.
func TestTestVariablesAreNotSettings(t *testing.T) {
	if _, err := LoadEnviron("", []string{"YUYUE_TEST_POSTGRES=postgres://postgres@127.0.0.1/postgres"}); err != nil {
		t.Fatalf("YUYUE_TEST_POSTGRES refused: %v", err)
	}
}

func TestUnknownEnvironmentVariableRefused(t *testing.T) {
	_, err := LoadEnviron("", []string{"PATH=/bin", "YUYUE_HTTP_PORT=1"})
	if err == nil || !strings.Contains(err.Error(), "unknown environment variable YUYUE_HTTP_PORT") {
		t.Fatalf("err = %v, want YUYUE_HTTP_PORT named", err)
	}
	if !strings.Contains(err.Error(), "YUYUE_HTTP_ADDR") {
		t.Errorf("no hint at the http keys: %v", err)
	}
	_, err = LoadEnviron("", []string{"YUYUE_DATABSE=x.db"})
	if err == nil || !strings.Contains(err.Error(), "did you mean YUYUE_DATABASE?") {
		t.Fatalf("err = %v, want a did-you-mean", err)
	}
	c, err := LoadEnviron("", []string{"YUYUE_BOOKING_WINDOW_DAYS=7", "HOME=/root"})
	if err != nil || c.Booking.WindowDays != 7 {
		t.Fatalf("known variable: %v %+v", err, c)
	}
}

func TestUnknownFileKeyRefusedWithLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(path, []byte("database: x.db\nhttp:\n  admin_adr: 127.0.0.1:1\nbooking:\n  window_days: 7\nnonsense_here: 1\n"), 0o600)
	_, err := Load(path, env(nil))
	if err == nil || !strings.Contains(err.Error(), "line 3: unknown key http.admin_adr (did you mean http.admin_addr?)") {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "line 6: unknown key nonsense_here") {
		t.Fatalf("second unknown key not reported: %v", err)
	}
}

func TestWrongTypeInFileSaysWhatIsExpected(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(path, []byte("booking:\n  window_days: fourteen\n"), 0o600)
	_, err := Load(path, env(nil))
	if err == nil || !strings.Contains(err.Error(), "booking.window_days (YUYUE_BOOKING_WINDOW_DAYS): expected a whole number") {
		t.Fatalf("err = %v", err)
	}
}

func TestWeakSecretRefusedOutsideDevelopment(t *testing.T) {
	prod := map[string]string{"YUYUE_TWILIO_ACCOUNT_SID": "ACx", "YUYUE_TWILIO_AUTH_TOKEN": "tok", "YUYUE_TWILIO_SMS_FROM": "+14155550100"}
	for _, weak := range []string{strings.Repeat(" ", 40), strings.Repeat("k", 32), "abcabcabcabcabcabcabcabcabcabcabcabc",
		"0123456789012345678901234567890123", "short-but-random-9x"} {
		m := map[string]string{"YUYUE_SECRET_KEY": weak}
		for k, v := range prod {
			m[k] = v
		}
		if _, err := Load("", env(m)); err == nil || !strings.Contains(err.Error(), "secret_key") {
			t.Errorf("secret %q accepted: %v", weak, err)
		}
	}
}

// Keys added to the struct by other packages are known without a list.
func TestKnownKeysFollowTheStruct(t *testing.T) {
	known := knownKeys()
	for _, k := range []string{"http.addr", "http.admin_addr", "dev", "backup.keep", "jobs.backup", "sms.code_ttl"} {
		if _, ok := known[k]; !ok {
			t.Errorf("%s not known", k)
		}
	}
	if _, ok := known["http"]; ok {
		t.Error("a section counted as a key")
	}
}
