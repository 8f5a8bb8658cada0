package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"yuyue/webhook"
)

// syncBuffer is a log sink the server goroutine and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func testEnv(t *testing.T, extra map[string]string) func(string) string {
	vars := map[string]string{
		"YUYUE_DATABASE":  filepath.Join(t.TempDir(), "yuyue.db"),
		"YUYUE_HTTP_ADDR": "127.0.0.1:0",
	}
	for k, v := range extra {
		vars[k] = v
	}
	return func(k string) string { return vars[k] }
}

// startServer runs `yuyue serve` in-process on a free port and returns its
// base URL; the server stops at cleanup.
func startServer(t *testing.T, getenv func(string) string) (string, *syncBuffer) {
	t.Helper()
	addrc := make(chan string, 1)
	listenHook = func(a string) { addrc <- a }
	t.Cleanup(func() { listenHook = nil })
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, getenv, strings.NewReader(""), io.Discard, logs) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve returned %v", err)
		}
	})
	select {
	case a := <-addrc:
		return "http://" + a, logs
	case err := <-done:
		t.Fatalf("serve exited early: %v\n%s", err, logs)
	case <-time.After(30 * time.Second):
		t.Fatalf("server did not start:\n%s", logs)
	}
	return "", nil
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServeHealthReadyMetrics(t *testing.T) {
	base, logs := startServer(t, testEnv(t, nil))
	if code, body := get(t, base+"/healthz"); code != 200 || body != "ok" {
		t.Fatalf("/healthz = %d %q", code, body)
	}
	if code, _ := get(t, base+"/readyz"); code != 200 {
		t.Fatalf("/readyz = %d", code)
	}
	code, body := get(t, base+"/metrics")
	if code != 200 || !strings.Contains(body, "# TYPE yuyue_http_request_duration_seconds histogram") || !strings.Contains(body, "go_goroutines") {
		t.Fatalf("/metrics = %d, not Prometheus text with our histogram:\n%.500s", code, body)
	}
	if code, body := get(t, base+"/no-such-page"); code != 404 || !strings.Contains(body, "页面不存在") || !strings.Contains(body, `href="/console/"`) {
		t.Fatalf("unknown page = %d %q, want the 404 signpost page", code, body)
	}
	if !strings.Contains(logs.String(), "DEVELOPMENT MODE") {
		t.Fatalf("no development-mode warning in the log:\n%s", logs)
	}
}

func TestBadConfigStopsStartupNamingTheKey(t *testing.T) {
	err := run(context.Background(), []string{"serve"}, testEnv(t, map[string]string{"YUYUE_HTTP_ADDR": "not-an-address"}), strings.NewReader(""), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "http.addr") || !strings.Contains(err.Error(), "YUYUE_HTTP_ADDR") {
		t.Fatalf("err = %v, want it to name http.addr and YUYUE_HTTP_ADDR", err)
	}
}

func TestProductionWithoutSecretRefused(t *testing.T) {
	err := run(context.Background(), []string{"serve"}, testEnv(t, map[string]string{
		"YUYUE_TWILIO_ACCOUNT_SID": "ACtest", "YUYUE_TWILIO_AUTH_TOKEN": "token", "YUYUE_TWILIO_SMS_FROM": "+14155550100",
	}), strings.NewReader(""), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "secret_key") {
		t.Fatalf("err = %v, want secret_key refused", err)
	}
}

func TestVersionAndMigrate(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"version"}, testEnv(t, nil), nil, &out, io.Discard); err != nil || !strings.HasPrefix(out.String(), "yuyue ") {
		t.Fatalf("version: %v %q", err, out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"migrate"}, testEnv(t, nil), nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "at migration") {
		t.Fatalf("migrate: %v %q", err, out.String())
	}
}

func TestServeSMSWebhookSigned(t *testing.T) {
	base, _ := startServer(t, testEnv(t, map[string]string{"YUYUE_PUBLIC_URL": "https://yuyue.example.cn"}))
	form := url.Values{"MessageSid": {"SM1"}, "From": {"+8613800138000"}, "Body": {"hello"}}
	send := func(sig string) (int, string) {
		req, _ := http.NewRequest("POST", base+"/twilio/sms", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if sig != "" {
			req.Header.Set("X-Twilio-Signature", sig)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := send(""); code != 403 {
		t.Fatalf("unsigned: %d", code)
	}
	// development mode: the empty auth token signs, against public_url
	code, body := send(webhook.Sign("", "https://yuyue.example.cn/twilio/sms", form))
	if code != 200 || !strings.Contains(body, "<Message>") {
		t.Fatalf("signed: %d %s", code, body)
	}
}
