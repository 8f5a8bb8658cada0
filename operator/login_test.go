package operator_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"yuyue/booking"
	"yuyue/operator"
)

// wrongLogins sends n wrong passwords for name from ip at once and returns
// the status codes.
func wrongLogins(t *testing.T, e *env, name, ip string, n int) map[int]int {
	browsers := make([]*browser, n)
	for i := range browsers {
		browsers[i] = e.browser(t)
		browsers[i].ip = ip
		browsers[i].get("/console/login")
	}
	codes := make(chan int, n)
	var wg sync.WaitGroup
	for _, b := range browsers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, _, _ := b.do("POST", "/console/login", url.Values{"name": {name}, "password": {"guess"}, "csrf": {b.csrf}})
			codes <- code
		}()
	}
	wg.Wait()
	close(codes)
	out := map[int]int{}
	for c := range codes {
		out[c]++
	}
	return out
}

func loginAudit(t *testing.T, e *env) map[string]int {
	out := map[string]int{}
	for _, a := range []string{"login.ok", "login.failed", "login.throttled"} {
		log, err := e.Svc.AuditLog(ctx, booking.AuditFilter{Action: a})
		if err != nil {
			t.Fatal(err)
		}
		out[a] = len(log)
	}
	return out
}

func TestParallelWrongLoginsAreAllCounted(t *testing.T) {
	e := newEnv(t)
	codes := wrongLogins(t, e, "op1", "203.0.113.7", 24)
	// at most the free attempts reach the password check; the rest wait
	if codes[http.StatusUnauthorized] != 5 || codes[http.StatusTooManyRequests] != 19 {
		t.Fatalf("24 parallel guesses: %v, want 5 checked and 19 refused", codes)
	}
	if a := loginAudit(t, e); a["login.failed"] != 5 || a["login.throttled"] != 19 {
		t.Fatalf("audit: %v, want every attempt", a)
	}
	// the right password from the throttled address waits too …
	same := e.browser(t)
	same.ip = "203.0.113.7"
	same.get("/console/login")
	if code, _ := same.post("/console/login", url.Values{"name": {"op1"}, "password": {password}}); code != http.StatusTooManyRequests {
		t.Fatalf("throttled address: %d", code)
	}
	// … but not from the counter next door
	other := e.browser(t)
	other.ip = "198.51.100.20"
	other.login("op1")
	if a := loginAudit(t, e); a["login.ok"] != 1 {
		t.Fatalf("audit after the good login: %v", a)
	}
	// backoff: after the wait one more guess is checked, then a longer wait
	e.Clock.Advance(31 * time.Second)
	if codes := wrongLogins(t, e, "op1", "203.0.113.7", 2); codes[http.StatusUnauthorized] != 1 || codes[http.StatusTooManyRequests] != 1 {
		t.Fatalf("after 31 s: %v", codes)
	}
	e.Clock.Advance(31 * time.Second)
	if codes := wrongLogins(t, e, "op1", "203.0.113.7", 1); codes[http.StatusTooManyRequests] != 1 {
		t.Fatalf("the second wait did not grow: %v", codes)
	}
}

func TestUnknownAccountsAnswerLikeWrongPasswords(t *testing.T) {
	e := newEnv(t)
	known, unknown := e.browser(t), e.browser(t)
	known.ip, unknown.ip = "192.0.2.1", "192.0.2.2"
	known.get("/console/login")
	unknown.get("/console/login")
	c1, b1, _ := known.do("POST", "/console/login", url.Values{"name": {"op1"}, "password": {"nope"}, "csrf": {known.csrf}})
	c2, b2, _ := unknown.do("POST", "/console/login", url.Values{"name": {"nobody"}, "password": {"nope"}, "csrf": {unknown.csrf}})
	strip := func(s string) string { return csrfRe.ReplaceAllString(s, "") }
	if c1 != c2 || strip(b1) != strip(b2) {
		t.Fatalf("known %d, unknown %d: the answers differ", c1, c2)
	}
	log, _ := e.Svc.AuditLog(ctx, booking.AuditFilter{Action: "login.failed"})
	if len(log) != 2 || log[0].Actor != "未知账户" || log[1].Actor != "op1" || !strings.Contains(log[0].Detail, "192.0.2.2") {
		t.Fatalf("failed logins audited as %+v", log)
	}
}

// BenchmarkWrongLogin times a wrong password for an existing account and
// for an unknown one: both make one bcrypt comparison at the same cost, so
// ns/op of the two must match (an attacker cannot tell which names exist).
//
//	go test ./operator -run '^$' -bench WrongLogin -benchtime 30x
func BenchmarkWrongLogin(b *testing.B) {
	operator.PasswordCost = bcrypt.DefaultCost // as in production
	defer func() { operator.PasswordCost = bcrypt.MinCost }()
	for _, name := range []string{"op1", "nobody"} {
		b.Run(name, func(b *testing.B) {
			e := newEnv(b)
			br := e.browser(b)
			br.get("/console/login")
			form := url.Values{"name": {name}, "password": {"nope"}, "csrf": {br.csrf}}
			i := 0
			for b.Loop() {
				i++
				br.ip = fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255) // never throttled
				form.Set("csrf", br.csrf)                                      // each answer sets a new form token
				if code, _, _ := br.do("POST", "/console/login", form); code != http.StatusUnauthorized {
					b.Fatalf("wrong login: %d", code)
				}
			}
		})
	}
}
