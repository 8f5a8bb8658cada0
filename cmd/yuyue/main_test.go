package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
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

// testEnv is a process environment of only YUYUE_* variables: a fresh
// database, both listeners on free ports.
func testEnv(t *testing.T, extra map[string]string) env {
	vars := map[string]string{
		"YUYUE_DATABASE":        filepath.Join(t.TempDir(), "yuyue.db"),
		"YUYUE_HTTP_ADDR":       "127.0.0.1:0",
		"YUYUE_HTTP_ADMIN_ADDR": "127.0.0.1:0",
	}
	for k, v := range extra {
		vars[k] = v
	}
	var environ []string
	for k, v := range vars {
		if v != "" {
			environ = append(environ, k+"="+v)
		}
	}
	return env{environ: environ, stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}
}

// getenv reads one variable of e.
func (e env) getenv(name string) string {
	for _, kv := range e.environ {
		if k, v, _ := strings.Cut(kv, "="); k == name {
			return v
		}
	}
	return ""
}

// with returns e writing to out (nil: discard) and reading in.
func (e env) with(in string, out io.Writer) env {
	if out == nil {
		out = io.Discard
	}
	e.stdin, e.stdout = strings.NewReader(in), out
	return e
}

// running is a `yuyue serve` started in-process by a test.
type running struct {
	*server
	base, admin string
	logs        *syncBuffer
	stop        func() error
}

// startServer runs `yuyue serve` in-process on free ports; it stops at
// cleanup (or earlier through stop).
func startServer(t *testing.T, e env) *running {
	t.Helper()
	srvc := make(chan *server, 1)
	serveHook = func(s *server) { srvc <- s }
	t.Cleanup(func() { serveHook = nil })
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	e.stderr = logs
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, e) }()
	var once sync.Once
	var stopErr error
	stop := func() error {
		once.Do(func() { cancel(); stopErr = <-done })
		return stopErr
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("serve returned %v", err)
		}
	})
	select {
	case s := <-srvc:
		return &running{server: s, base: "http://" + s.publicAddr, admin: "http://" + s.adminAddr, logs: logs, stop: stop}
	case err := <-done:
		once.Do(func() { cancel() }) // already stopped: the cleanup must not wait for it again
		t.Fatalf("serve exited early: %v\n%s", err, logs)
	case <-time.After(30 * time.Second):
		t.Fatalf("server did not start:\n%s", logs)
	}
	return nil
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

func noFile(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("%s exists (%v): the command had a side effect", path, err)
	}
}

func TestServeHealthReadyAndMetricsOnTheAdminListener(t *testing.T) {
	s := startServer(t, testEnv(t, nil))
	if code, body := get(t, s.base+"/healthz"); code != 200 || body != "ok" {
		t.Fatalf("/healthz = %d %q", code, body)
	}
	code, body := get(t, s.base+"/readyz")
	var r readyBody
	if code != 200 || json.Unmarshal([]byte(body), &r) != nil || !r.Ready {
		t.Fatalf("/readyz = %d %s", code, body)
	}
	if code, body := get(t, s.base+"/metrics"); code != 404 || strings.Contains(body, "go_goroutines") {
		t.Fatalf("public /metrics = %d, want 404", code)
	}
	code, body = get(t, s.admin+"/metrics")
	for _, want := range []string{"# TYPE yuyue_http_request_duration_seconds histogram", "go_goroutines", "yuyue_build_info{",
		"yuyue_outbox_backlog 0", "yuyue_outbox_oldest_pending_age_seconds 0", "yuyue_ready 1", "yuyue_ivr_transfers_last_hour 0",
		"yuyue_waitlist_entries 0", "yuyue_waitlist_offers 0", "yuyue_waitlist_acceptances 0", "yuyue_waitlist_expiries 0"} {
		if code != 200 || !strings.Contains(body, want) {
			t.Fatalf("admin /metrics = %d, lacks %q:\n%.800s", code, want, body)
		}
	}
	// /readyz committed a write, so the group-commit counters have moved.
	var commits, writes float64
	for _, line := range strings.Split(body, "\n") {
		fmt.Sscanf(line, "yuyue_store_commits_total %g", &commits)
		fmt.Sscanf(line, "yuyue_store_write_requests_total %g", &writes)
	}
	if commits < 1 || writes < commits {
		t.Fatalf("commit counters: %v commits, %v write units; want ≥ 1 and writes ≥ commits", commits, writes)
	}
	// …and that write was a statement in a transaction begun, both
	// counted; every kind of statement is shown, and SQLite has no turns
	// across nodes.
	var written, begun float64
	for _, line := range strings.Split(body, "\n") {
		fmt.Sscanf(line, `yuyue_store_statements_total{kind="write"} %g`, &written)
		fmt.Sscanf(line, "yuyue_store_transactions_total %g", &begun)
	}
	shown := true
	for _, kind := range []string{"read", "pool_read", "write", "savepoint"} {
		shown = shown && strings.Contains(body, `yuyue_store_statements_total{kind="`+kind+`"} `)
	}
	if written < 1 || begun < commits || !shown ||
		!strings.Contains(body, `yuyue_store_turns_total{turn="code"} 0`) || !strings.Contains(body, `yuyue_store_turns_total{turn="conflict"} 0`) {
		t.Fatalf("statement and turn counters: %v writes, %v transactions begun for %v commits; want ≥ 1 and ≥ the commits, and every kind and turn shown:\n%s",
			written, begun, commits, grepLines(body, "yuyue_store_"))
	}
	if code, body := get(t, s.base+"/no-such-page"); code != 404 || !strings.Contains(body, "页面不存在") || !strings.Contains(body, `href="/query"`) || strings.Contains(body, "/console") {
		t.Fatalf("unknown page = %d %q, want the 404 signpost page", code, body)
	}
	if !strings.Contains(s.logs.String(), "DEVELOPMENT MODE") {
		t.Fatalf("no development-mode warning in the log:\n%s", s.logs)
	}
}

func TestReadyzIs503WhenTheOutboxWorkerStops(t *testing.T) {
	s := startServer(t, testEnv(t, nil))
	s.workers.stopOutbox()
	for _, base := range []string{s.base, s.admin} {
		code, body := get(t, base+"/readyz")
		var r readyBody
		if code != 503 || json.Unmarshal([]byte(body), &r) != nil || r.Ready || !strings.Contains(strings.Join(r.Reasons, ";"), "outbox worker not running") {
			t.Fatalf("%s/readyz = %d %s, want 503 naming the outbox worker", base, code, body)
		}
	}
	if _, body := get(t, s.admin+"/metrics"); !strings.Contains(body, "yuyue_ready 0") {
		t.Fatal("yuyue_ready not 0 while not ready")
	}
}

func TestBadConfigStopsStartupNamingTheKey(t *testing.T) {
	err := run(context.Background(), []string{"serve"}, testEnv(t, map[string]string{"YUYUE_HTTP_ADDR": "not-an-address"}))
	if err == nil || !strings.Contains(err.Error(), "http.addr") || !strings.Contains(err.Error(), "YUYUE_HTTP_ADDR") {
		t.Fatalf("err = %v, want it to name http.addr and YUYUE_HTTP_ADDR", err)
	}
}

// No Twilio credentials and a public https URL: not development mode, so
// start-up stops naming the missing keys, before any file is created.
func TestMissingCredentialsWithHTTPSPublicURLRefused(t *testing.T) {
	e := testEnv(t, map[string]string{"YUYUE_PUBLIC_URL": "https://yuyue.example.cn"})
	err := run(context.Background(), []string{"serve"}, e)
	if err == nil || !strings.Contains(err.Error(), "twilio.account_sid (YUYUE_TWILIO_ACCOUNT_SID)") {
		t.Fatalf("err = %v, want twilio.account_sid named", err)
	}
	noFile(t, e.getenv("YUYUE_DATABASE"))
}

func TestUnknownVariableRefused(t *testing.T) {
	e := testEnv(t, map[string]string{"YUYUE_HTTP_PORT": "1"})
	err := run(context.Background(), []string{"serve"}, e)
	if err == nil || !strings.Contains(err.Error(), "unknown environment variable YUYUE_HTTP_PORT") {
		t.Fatalf("err = %v, want YUYUE_HTTP_PORT named", err)
	}
	noFile(t, e.getenv("YUYUE_DATABASE"))
}

func TestCatalogTypoStopsStartup(t *testing.T) {
	path := filepath.Join(t.TempDir(), "catalog.yaml")
	src := "businesses: [{code: b, name: B}]\ndistricts: [{code: d, name: D}]\noffices: [{code: O, name: O, district: d}]\n" +
		"defaults: {periods: [{start: '09:00', end: '10:00', capacity: 1}]}\ncalendar:\n  2026:\n    holiday:\n      '2026-10-01': 国庆\n"
	os.WriteFile(path, []byte(src), 0o600)
	err := run(context.Background(), []string{"serve"}, testEnv(t, map[string]string{"YUYUE_CATALOG": path}))
	if err == nil || !strings.Contains(err.Error(), "catalog (YUYUE_CATALOG)") || !strings.Contains(err.Error(), "holiday") {
		t.Fatalf("err = %v, want the catalog and its holiday typo named", err)
	}
}

func TestProductionWithoutSecretRefused(t *testing.T) {
	err := run(context.Background(), []string{"serve"}, testEnv(t, map[string]string{
		"YUYUE_TWILIO_ACCOUNT_SID": "ACtest", "YUYUE_TWILIO_AUTH_TOKEN": "token", "YUYUE_TWILIO_SMS_FROM": "+14155550100",
	}))
	if err == nil || !strings.Contains(err.Error(), "secret_key") {
		t.Fatalf("err = %v, want secret_key refused", err)
	}
}

func TestVersionAndMigrate(t *testing.T) {
	var out bytes.Buffer
	e := testEnv(t, nil)
	if err := run(context.Background(), []string{"version"}, e.with("", &out)); err != nil || !strings.HasPrefix(out.String(), "yuyue ") || !strings.Contains(out.String(), " commit ") {
		t.Fatalf("version: %v %q", err, out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"migrate"}, e.with("", &out)); err != nil || !strings.Contains(out.String(), "at migration") {
		t.Fatalf("migrate: %v %q", err, out.String())
	}
}

func TestServeSMSWebhookSigned(t *testing.T) {
	s := startServer(t, testEnv(t, map[string]string{"YUYUE_PUBLIC_URL": "http://localhost:8080", "YUYUE_DEV": "1"}))
	form := url.Values{"MessageSid": {"SM1"}, "From": {"+8613800138000"}, "Body": {"hello"}}
	send := func(sig string) (int, string) {
		req, _ := http.NewRequest("POST", s.base+"/twilio/sms", strings.NewReader(form.Encode()))
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
	// development mode: never the empty token (anyone could sign), the
	// development token, against public_url
	if code, _ := send(webhook.Sign("", "http://localhost:8080/twilio/sms", form)); code != 403 {
		t.Fatalf("signed with an empty token: %d", code)
	}
	code, body := send(webhook.Sign(webhook.DevAuthToken, "http://localhost:8080/twilio/sms", form))
	if code != 200 || !strings.Contains(body, "<Message>") {
		t.Fatalf("signed: %d %s", code, body)
	}
}

// grepLines keeps the lines of s that contain sub.
func grepLines(s, sub string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}
