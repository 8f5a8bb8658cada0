package operator_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"yuyue/booking"
	"yuyue/operator"
	"yuyue/sms"
	"yuyue/store/storetest"
)

var ctx = context.Background()

const password = "correct horse battery"

type env struct {
	*storetest.Env
	app     *fiber.App
	worker  *sms.Worker
	console *operator.Console
	ids     []string // full ID numbers no response may contain
}

func newEnv(t testing.TB) *env {
	t.Helper()
	e := storetest.NewEnv(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	codes := &booking.Codes{Svc: e.Svc, Key: []byte("k"), Rules: booking.CodeRules{TTL: 5 * time.Minute, Attempts: 5,
		ResendAfter: time.Minute, PerHour: 50, PerDay: 100, PerCallerDay: 100}}
	w := &sms.Worker{Svc: e.Svc, Sender: &sms.DevSender{Svc: e.Svc, Log: log, Now: e.Clock.Now}, Log: log,
		Now: e.Clock.Now, Rate: 1000, Concurrency: 1, MaxAttempts: 3, RetryBase: time.Second, Poll: time.Second}
	c, err := operator.New(e.Svc, codes, log, true, false)
	if err != nil {
		t.Fatal(err)
	}
	// app.Test connects from 0.0.0.0: trusted as the proxy, so a test
	// browser can say which address it comes from (X-Real-IP).
	cfg := fiber.Config{Immutable: true, DisableStartupMessage: true}
	operator.TrustProxies(&cfg, []string{"0.0.0.0"})
	app := fiber.New(cfg)
	c.Mount(app)
	for _, a := range [][3]string{{"op1", "operator", ""}, {"clerk1", "clerk", "FT01"}, {"clerk2", "clerk", "NS01"}, {"admin1", "admin", ""}} {
		if _, err := operator.AddOperator(e.Svc, a[0], a[1], a[2], password); err != nil {
			t.Fatal(err)
		}
	}
	return &env{Env: e, app: app, worker: w, console: c}
}

func (e *env) citizen(t testing.TB, n int) booking.Citizen {
	e.ids = append(e.ids, storetest.ID(n))
	return e.Citizen(t, n)
}

// browser keeps cookies and the CSRF token, and checks every response for
// full ID numbers.
type browser struct {
	t       testing.TB
	e       *env
	cookies map[string]string
	csrf    string
	ip      string // the client address the trusted proxy reports
	flash   string // the last page's flash or error message
}

var (
	csrfRe = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)
	// flashRe finds the message banner of a page.
	flashRe = regexp.MustCompile(`<div class="(?:flash|error)" id="(?:flash|error)">([^<]*)</div>`)
	// personalInURL is an 11-digit mobile or an 18-character ID number.
	personalInURL = regexp.MustCompile(`\d{11}|\d{17}[\dXx]`)
)

// checkHeaders fails unless a console response carries the privacy and
// security headers.
func checkHeaders(t testing.TB, what string, h http.Header) {
	t.Helper()
	for k, want := range map[string]string{"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
		"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"} {
		if got := h.Get(k); got != want {
			t.Fatalf("%s: %s is %q, want %q", what, k, got, want)
		}
	}
	if h.Get("Content-Security-Policy") == "" {
		t.Fatalf("%s: no Content-Security-Policy", what)
	}
}

func (e *env) browser(t testing.TB) *browser {
	return &browser{t: t, e: e, cookies: map[string]string{}}
}

func (b *browser) do(method, path string, form url.Values) (int, string, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if b.ip != "" {
		req.Header.Set("X-Real-IP", b.ip)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := b.e.app.Test(req, -1)
	if err != nil {
		b.t.Fatal(err)
	}
	for _, c := range resp.Cookies() {
		b.cookies[c.Name] = c.Value
	}
	out, _ := io.ReadAll(resp.Body)
	s := string(out)
	for _, id := range b.e.ids {
		if strings.Contains(s, id) || strings.Contains(resp.Header.Get("Location"), id) {
			b.t.Fatalf("%s %s: response contains a full ID number", method, path)
		}
	}
	loc := resp.Header.Get("Location")
	for _, u := range []string{path, loc} {
		if personalInURL.MatchString(u) {
			b.t.Fatalf("%s %s: URL %q holds a phone or ID number", method, path, u)
		}
	}
	checkHeaders(b.t, method+" "+path, resp.Header)
	if m := csrfRe.FindStringSubmatch(s); m != nil {
		b.csrf = m[1]
	}
	b.flash = ""
	if m := flashRe.FindStringSubmatch(s); m != nil {
		b.flash = m[1]
	}
	return resp.StatusCode, s, loc
}

// get follows redirects, as a browser would.
func (b *browser) get(path string) (int, string) {
	code, body, loc := b.do("GET", path, nil)
	for i := 0; i < 3 && code == http.StatusFound && strings.HasPrefix(loc, "/console/"); i++ {
		code, body, loc = b.do("GET", loc, nil)
	}
	return code, body
}

// submit posts a form and follows the redirect, returning the page reached
// and its flash or error message.
func (b *browser) submit(path string, form url.Values) (int, string, string) {
	b.t.Helper()
	code, loc := b.post(path, form)
	if code != http.StatusFound {
		return code, "", ""
	}
	code, body := b.get(loc)
	return code, body, b.flash
}

// post sends a form with the page's CSRF token.
func (b *browser) post(path string, form url.Values) (int, string) {
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", b.csrf)
	}
	code, _, loc := b.do("POST", path, form)
	return code, loc
}

func (b *browser) login(name string) *browser {
	b.t.Helper()
	b.get("/console/login")
	code, loc := b.post("/console/login", url.Values{"name": {name}, "password": {password}})
	if code != http.StatusFound || loc != "/console/" {
		b.t.Fatalf("login %s: %d → %s", name, code, loc)
	}
	b.get("/console/")
	return b
}

// bookingHandle is the opaque handle of a booking's console pages.
func (e *env) bookingHandle(t testing.TB, id int64) string {
	t.Helper()
	var h string
	if err := e.InTx(ctx, func(tx booking.Tx) (err error) {
		h, err = tx.BookingHandle(id, fmt.Sprintf("handle%c", 'a'+id%26))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return h
}
