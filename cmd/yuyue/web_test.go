package main

import (
	"strings"
	"testing"
)

func TestServeMountsSiteAndAPI(t *testing.T) {
	base := startServer(t, testEnv(t, nil)).base
	for path, want := range map[string]string{
		"/":                    "我要预约",
		"/static/site.css":     "@media print",
		"/api/v1/catalog":      `"businesses"`,
		"/api/v1/openapi.yaml": "openapi: 3.1",
		"/register":            "获取验证码",
	} {
		if code, body := get(t, base+path); code != 200 || !strings.Contains(body, want) {
			t.Errorf("%s = %d, want %q in %.200s", path, code, want, body)
		}
	}
	if code, body := get(t, base+"/api/v1/nothing"); code != 404 || !strings.Contains(body, `"code":"not_found"`) {
		t.Errorf("unknown API path = %d %s", code, body)
	}
}
