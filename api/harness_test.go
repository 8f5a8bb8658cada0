package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/crypto/bcrypt"

	"yuyue/api"
	"yuyue/booking"
	"yuyue/present"
	"yuyue/sms"
	"yuyue/store/storetest"
)

var ctx = context.Background()

const password = "a-long-secret"

type env struct {
	*storetest.Env
	t      *testing.T
	app    *fiber.App
	api    *api.API
	ac     *booking.Accounts
	worker *sms.Worker
	codes  *booking.Codes // tests may change its Rules
}

var roomy = present.Limits{IPRate: 1000, IPBurst: 1000, AccountRate: 1000, AccountBurst: 1000, MaxBody: 16 << 10}

func newEnv(t *testing.T, l present.Limits, catalogYAML ...string) *env {
	t.Helper()
	e := storetest.NewEnv(t, catalogYAML...)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	codes := &booking.Codes{Svc: e.Svc, Key: []byte("k"), Rules: booking.CodeRules{TTL: 5 * time.Minute, Attempts: 5,
		ResendAfter: time.Minute, PerHour: 50, PerDay: 100, PerCallerDay: 1000}}
	w := &sms.Worker{Svc: e.Svc, Sender: &sms.DevSender{Svc: e.Svc, Log: log, Now: e.Clock.Now}, Log: log,
		Now: e.Clock.Now, Rate: 1000, Concurrency: 1, MaxAttempts: 3, RetryBase: time.Second, Poll: time.Second}
	pol := booking.DefaultAccountPolicy()
	pol.Cost = bcrypt.MinCost
	ac := &booking.Accounts{Svc: e.Svc, Codes: codes, Policy: pol}
	a := api.New(ac, codes, log, l)
	app := fiber.New(fiber.Config{Immutable: true, DisableStartupMessage: true})
	a.Mount(app)
	return &env{Env: e, t: t, app: app, api: a, ac: ac, worker: w, codes: codes}
}

type resp struct {
	status int
	body   map[string]any
	raw    string
}

func (r resp) code() string { s, _ := r.body["code"].(string); return s }

// call sends a request with a raw body (JSON when body is not a string).
func (e *env) call(method, path, token string, body any) resp {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		buf, _ := json.Marshal(b)
		rd = bytes.NewReader(buf)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := e.app.Test(req, -1)
	if err != nil {
		e.t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	r := resp{status: res.StatusCode, raw: string(raw)}
	json.Unmarshal(raw, &r.body)
	if r.status >= 500 {
		e.t.Fatalf("%s %s: %d %s", method, path, r.status, raw)
	}
	return r
}

func (e *env) must(r resp, status int) resp {
	e.t.Helper()
	if r.status != status {
		e.t.Fatalf("want %d, got %d %s", status, r.status, r.raw)
	}
	return r
}

var codeRe = regexp.MustCompile(`\d{6}`)

// code sends the outbox and reads the newest code sent to phone.
func (e *env) code(phone string) string {
	e.t.Helper()
	if _, err := e.worker.Drain(ctx); err != nil {
		e.t.Fatal(err)
	}
	var ms []booking.DevMessage
	e.View(ctx, func(tx booking.Tx) (err error) { ms, err = tx.DevMessages(phone, 20); return err })
	for _, m := range ms {
		if m.Kind == booking.MsgCode {
			return codeRe.FindString(m.Body)
		}
	}
	e.t.Fatalf("no code sent to %s", phone)
	return ""
}

// register registers citizen n through the API and returns its token.
func (e *env) register(n int) string {
	e.t.Helper()
	phone := storetest.Phone(n)
	e.must(e.call("POST", "/api/v1/codes", "", map[string]any{"purpose": "register", "phone": phone}), 202)
	r := e.must(e.call("POST", "/api/v1/register", "", map[string]any{"name": "李四", "id_number": storetest.ID(n),
		"phone": phone, "password": password, "code": e.code(phone)}), 201)
	return r.body["token"].(string)
}
