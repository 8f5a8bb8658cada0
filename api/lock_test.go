package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"yuyue/store/storetest"
)

// xCitizen is a citizen number whose ID number ends in the check character X.
func xCitizen(t *testing.T) int {
	for n := 1; n < 1000; n++ {
		if strings.HasSuffix(storetest.ID(n), "X") {
			return n
		}
	}
	t.Fatal("no test ID ends in X")
	return 0
}

// parallelLogins posts every login at once to a listening server and
// returns the status codes.
func (e *env) parallelLogins(logins []string, pw string) map[int]int {
	e.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.t.Fatal(err)
	}
	go e.app.Listener(ln)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: len(logins)}}
	defer func() { client.CloseIdleConnections(); e.app.ShutdownWithTimeout(time.Second) }()
	url := "http://" + ln.Addr().String() + "/api/v1/login"
	var wg sync.WaitGroup
	var mu sync.Mutex
	got := map[int]int{}
	start := make(chan struct{})
	for _, l := range logins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body, _ := json.Marshal(map[string]any{"login": l, "password": pw})
			<-start
			res, err := client.Post(url, "application/json", bytes.NewReader(body))
			if err != nil {
				e.t.Error(err)
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			mu.Lock()
			got[res.StatusCode]++
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	return got
}

// spellings are the ways one citizen's login may be typed: the phone in
// every usual form and the ID number with a lower-case x.
func spellings(n int) []string {
	p := storetest.Phone(n)[3:]
	id := storetest.ID(n)
	return []string{"+86" + p, "0086" + p, p, " " + p[:3] + " " + p[3:7] + " " + p[7:] + " ",
		"+86 " + p, strings.ToLower(id), id, " " + strings.ToLower(id)}
}

// Issue 22 item 1: the web/API account lock holds under parallel guesses,
// whatever the spelling of the login.
func TestItem1LoginLockHoldsUnderParallelGuesses(t *testing.T) {
	e := newEnv(t, roomy)
	n := xCitizen(t)
	e.register(n)
	var logins []string
	for i := range 15 {
		ss := spellings(n)
		logins = append(logins, ss[i%len(ss)])
	}
	got := e.parallelLogins(logins, "wrong-password")
	if got[401] > 5 || got[401]+got[429] != 15 {
		t.Fatalf("15 parallel wrong passwords: %v, want at most 5 compared (401) and the rest 429", got)
	}
	for _, l := range spellings(n) {
		if r := e.call("POST", "/api/v1/login", "", map[string]any{"login": l, "password": password}); r.status != 429 {
			t.Fatalf("right password as %q while locked: %d %s", l, r.status, r.raw)
		}
	}
	e.Clock.Advance(16 * time.Minute)
	e.must(e.call("POST", "/api/v1/login", "", map[string]any{"login": spellings(n)[1], "password": password}), 200)
}

// Issue 22 item 5: an unknown login is locked after as many failures as a
// real one, with the same answer, so the lock tells nothing.
func TestItem5UnknownLoginLockedLikeARealOne(t *testing.T) {
	e := newEnv(t, roomy)
	e.register(1)
	try := func(login string) resp {
		return e.call("POST", "/api/v1/login", "", map[string]any{"login": login, "password": "wrong-password"})
	}
	real, unknown := storetest.Phone(1), storetest.Phone(2)
	for i := range 5 {
		a, b := try(real), try(unknown)
		if a.status != 401 || a.raw != b.raw || a.status != b.status {
			t.Fatalf("failure %d: real %d %s, unknown %d %s", i+1, a.status, a.raw, b.status, b.raw)
		}
	}
	a, b := try(real), try(unknown)
	if a.status != 429 || b.status != 429 || a.raw != b.raw {
		t.Fatalf("6th attempt: real %d %s, unknown %d %s", a.status, a.raw, b.status, b.raw)
	}
}

// Issue 22 item 9: logout revokes the token that authenticated the request,
// also when the header carries spaces around it.
func TestItem9LogoutRevokesTheAuthenticatedToken(t *testing.T) {
	e := newEnv(t, roomy)
	tok := e.register(1)
	e.must(e.call("POST", "/api/v1/logout", "  "+tok+"  ", nil), 204)
	if r := e.call("GET", "/api/v1/me", tok, nil); r.status != 401 {
		t.Fatalf("token after logout with spaces: %d", r.status)
	}
}

// Issue 22 item 7: a registration code is used up by the attempt it came
// with, even a refused one, and the refusal is the same whether the ID
// number or the phone was already registered.
func TestItem7RegistrationCodeUsedOnceAndConflictsAlike(t *testing.T) {
	e := newEnv(t, roomy)
	e.Citizen(t, 1) // ID(1) with Phone(1), registered by the IVR
	reg := func(n int, phone, code string) resp {
		return e.call("POST", "/api/v1/register", "", map[string]any{"name": "李四", "id_number": storetest.ID(n),
			"phone": phone, "password": password, "code": code})
	}
	fresh := storetest.Phone(5)
	e.must(e.call("POST", "/api/v1/codes", "", map[string]any{"purpose": "register", "phone": fresh}), 202)
	code := e.code(fresh)
	byID := reg(1, fresh, code) // the ID is registered with another phone
	if byID.status != 409 {
		t.Fatalf("known ID, fresh phone: %d %s", byID.status, byID.raw)
	}
	if r := reg(6, fresh, code); r.status == 201 || r.code() != "expired" {
		t.Fatalf("the same code again: %d %s", r.status, r.raw)
	}
	e.Clock.Advance(61 * time.Second)
	taken := storetest.Phone(1)
	e.must(e.call("POST", "/api/v1/codes", "", map[string]any{"purpose": "register", "phone": taken}), 202)
	byPhone := reg(7, taken, e.code(taken)) // the phone belongs to another ID
	if byPhone.status != byID.status || byPhone.raw != byID.raw {
		t.Fatalf("refusals differ: ID conflict %d %s, phone conflict %d %s", byID.status, byID.raw, byPhone.status, byPhone.raw)
	}
}

// Issue 22 item 14 (citizen part): common passwords from the shipped list
// and simple ones are refused, on the API as on the site and the console.
func TestItem14CommonAndWeakPasswordsRefused(t *testing.T) {
	e := newEnv(t, roomy)
	phone := storetest.Phone(1)
	e.must(e.call("POST", "/api/v1/codes", "", map[string]any{"purpose": "register", "phone": phone}), 202)
	code := e.code(phone)
	for _, pw := range []string{"password123", "Password123", "woaini1314", "qwertyuiop", "12345678", "abcdefghij",
		"aaaaaaaaaa", "abcabcabcabc", "8888888888", "98765432"} {
		r := e.call("POST", "/api/v1/register", "", map[string]any{"name": "李四", "id_number": storetest.ID(1),
			"phone": phone, "password": pw, "code": code})
		if r.status != 400 {
			t.Fatalf("password %q: %d %s", pw, r.status, r.raw)
		}
	}
	e.must(e.call("POST", "/api/v1/register", "", map[string]any{"name": "李四", "id_number": storetest.ID(1),
		"phone": phone, "password": "深圳 户政 2026 预约", "code": code}), 201)
}
