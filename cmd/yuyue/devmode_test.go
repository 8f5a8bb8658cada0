package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDevelopmentModeNeedsALoopbackListener (issue 22, item 2): the
// image's own environment (http.addr 0.0.0.0) with no credentials refuses
// to start naming the missing keys instead of running development mode;
// /dev/inbox exists only in development mode; and development mode is
// refused on a database a production server has run on.
func TestDevelopmentModeNeedsALoopbackListener(t *testing.T) {
	vars := dockerfileEnv(t)
	vars["YUYUE_DATABASE"] = filepath.Join(t.TempDir(), "yuyue.db")
	vars["YUYUE_HTTP_ADDR"] = strings.Replace(vars["YUYUE_HTTP_ADDR"], ":8080", ":0", 1)
	vars["YUYUE_HTTP_ADMIN_ADDR"] = "127.0.0.1:0"
	err := serveOnce(testEnv(t, vars))
	for _, want := range []string{"twilio.account_sid (YUYUE_TWILIO_ACCOUNT_SID)", "twilio.auth_token (YUYUE_TWILIO_AUTH_TOKEN)",
		"secret_key (YUYUE_SECRET_KEY)", `http.addr "0.0.0.0:0" does not bind loopback only`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("the image's environment without credentials: %v\nwant it to name %s", err, want)
		}
	}

	const key = "Pd5mpy3cqwSwKdQRf3EFaWkM6dY4u8Bs7s"
	prod := testEnv(t, map[string]string{"YUYUE_SECRET_KEY": key, "YUYUE_PUBLIC_URL": "https://yuyue.example.cn",
		"YUYUE_TWILIO_ACCOUNT_SID": "AC0123456789abcdef0123456789abcdef", "YUYUE_TWILIO_AUTH_TOKEN": "0123456789abcdef0123456789abcdef",
		"YUYUE_TWILIO_SMS_FROM": "+14155550100", "YUYUE_TWILIO_API_URL": "http://127.0.0.1:9"})
	s := startServer(t, prod)
	if code, _ := get(t, s.base+"/dev/inbox"); code != 404 {
		t.Fatalf("/dev/inbox with credentials: %d, want 404", code)
	}
	s.stop()
	dev := testEnv(t, map[string]string{"YUYUE_SECRET_KEY": key, "YUYUE_DATABASE": prod.getenv("YUYUE_DATABASE")})
	if err := serveOnce(dev); err == nil || !strings.Contains(err.Error(), "has run in production since") {
		t.Fatalf("development mode on a production database: %v", err)
	}
	fresh := startServer(t, testEnv(t, nil))
	if code, _ := get(t, fresh.base+"/dev/inbox"); code != 200 {
		t.Fatalf("/dev/inbox in development mode: %d", code)
	}
}

// dockerfileEnv reads the ENV the image sets (deploy/Dockerfile).
func dockerfileEnv(t *testing.T) map[string]string {
	src := read(t, "deploy/Dockerfile")
	out := map[string]string{}
	for _, m := range regexp.MustCompile(`(YUYUE_[A-Z_]+)=(\S+)`).FindAllStringSubmatch(src, -1) {
		out[m[1]] = m[2]
	}
	if out["YUYUE_HTTP_ADDR"] == "" {
		t.Fatalf("deploy/Dockerfile sets no YUYUE_HTTP_ADDR: %v", out)
	}
	return out
}
