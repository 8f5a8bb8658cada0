package config

import (
	"strings"
	"testing"
)

// A too-short secret_key says "too short" with PostgreSQL as with SQLite,
// in development mode as outside it; a missing one says PostgreSQL needs it.
func TestShortSecretSaysTooShortOnPostgres(t *testing.T) {
	prod := map[string]string{"YUYUE_TWILIO_ACCOUNT_SID": "ACx", "YUYUE_TWILIO_AUTH_TOKEN": "tok", "YUYUE_TWILIO_SMS_FROM": "+14155550100"}
	for _, db := range []string{"data/yuyue.db", "postgres://yuyue@127.0.0.1:5432/yuyue"} {
		for _, dev := range []bool{true, false} {
			m := map[string]string{"YUYUE_DATABASE": db, "YUYUE_SECRET_KEY": "short-but-random-9x"}
			if !dev {
				for k, v := range prod {
					m[k] = v
				}
			}
			_, err := Load("", env(m))
			if dev && !IsPostgres(db) {
				if err != nil {
					t.Errorf("%s dev: a short key refused on SQLite's development mode: %v", db, err)
				}
				continue
			}
			if err == nil || !strings.Contains(err.Error(), "secret_key") || !strings.Contains(err.Error(), "too short") {
				t.Errorf("%s dev=%v: %v, want secret_key too short", db, dev, err)
			}
		}
	}
	_, err := Load("", env(map[string]string{"YUYUE_DATABASE": "postgres://yuyue@127.0.0.1:5432/yuyue"}))
	if err == nil || !strings.Contains(err.Error(), "required with a PostgreSQL database") {
		t.Errorf("no key on PostgreSQL: %v", err)
	}
}
