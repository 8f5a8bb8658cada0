package api_test

import (
	"fmt"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"yuyue/api"
	"yuyue/booking"
	"yuyue/present"
	"yuyue/store/storetest"
)

func TestOpenAPIMatchesRoutes(t *testing.T) {
	raw, err := os.ReadFile("openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI string                    `yaml:"openapi"`
		Paths   map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	var documented, served []string
	for p, ops := range doc.Paths {
		for m := range ops {
			documented = append(documented, strings.ToUpper(m)+" "+p)
		}
	}
	e := newEnv(t, roomy)
	for _, r := range e.api.Routes() {
		served = append(served, r.Method+" "+r.Path)
	}
	slices.Sort(documented)
	slices.Sort(served)
	if !slices.Equal(documented, served) {
		t.Fatalf("openapi.yaml documents\n%v\nbut the API serves\n%v", documented, served)
	}
	// and every route answers something other than the catch-all
	for _, r := range e.api.Routes() {
		path := strings.NewReplacer("{id}", "1").Replace(api.Prefix + r.Path)
		res := e.call(r.Method, path, "", nil)
		if res.status == 404 && strings.Contains(res.raw, "no such endpoint") {
			t.Errorf("%s %s is not mounted", r.Method, path)
		}
	}
}

func TestBadInputIs400WithACode(t *testing.T) {
	e := newEnv(t, roomy)
	tok := e.register(1)
	big := `{"name":"` + strings.Repeat("张", 20000) + `"}`
	cases := []struct{ name, method, path, body string }{
		{"malformed json", "POST", "/api/v1/login", `{"login": "x",`},
		{"not an object", "POST", "/api/v1/login", `[1,2,3]`},
		{"wrong type", "POST", "/api/v1/login", `{"login": 13800138000, "password": "x"}`},
		{"unknown field", "POST", "/api/v1/login", `{"login": "x", "password": "y", "admin": true}`},
		{"trailing data", "POST", "/api/v1/login", `{"login": "x", "password": "y"} {}`},
		{"oversized", "POST", "/api/v1/register", big},
		{"empty body", "POST", "/api/v1/register", ``},
		{"wrong type place", "POST", "/api/v1/holds", `{"place_id": "seven", "notice_read": true}`},
		{"negative id", "POST", "/api/v1/holds/-3/confirm", `{"code": "123456"}`},
		{"word id", "POST", "/api/v1/bookings/abc/cancel", `{}`},
		{"bad purpose", "POST", "/api/v1/codes", `{"purpose": "admin", "phone": "13800138000"}`},
		{"bad phone", "POST", "/api/v1/codes", `{"purpose": "register", "phone": "12345"}`},
		{"bad id number", "POST", "/api/v1/bookings/query", `{"reference": "123", "id_number": "440305198001011234"}`},
		{"bad date", "GET", "/api/v1/availability?business=newborn&from=tomorrow", ``},
		{"no filter", "GET", "/api/v1/availability", ``},
		{"bad register", "POST", "/api/v1/register", `{"name": "", "id_number": "x", "phone": "y", "password": "z", "code": "1"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var body any
			if c.body != "" {
				body = c.body
			}
			r := e.call(c.method, c.path, tok, body)
			if r.status != 400 || r.code() != "invalid" || r.body["message"] == "" {
				t.Fatalf("%d %s", r.status, r.raw)
			}
		})
	}
	// a form post instead of JSON
	req := httptest.NewRequest("POST", "/api/v1/login", strings.NewReader("login=x&password=y"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if res, _ := e.app.Test(req); res.StatusCode != 400 {
		t.Fatalf("form body: %d", res.StatusCode)
	}
	if r := e.call("GET", "/api/v1/nothing", "", nil); r.status != 404 || r.code() != "not_found" {
		t.Fatalf("unknown endpoint: %d %s", r.status, r.raw)
	}
}

func TestAuthFailures(t *testing.T) {
	e := newEnv(t, roomy)
	tok := e.register(1)
	other := e.register(2)
	for _, h := range []string{"", "not-a-token", strings.Repeat("0", 64)} {
		if r := e.call("GET", "/api/v1/me", h, nil); r.status != 401 || r.code() != "unauthorized" {
			t.Fatalf("token %q: %d %s", h, r.status, r.raw)
		}
	}
	if r := e.call("POST", "/api/v1/login", "", map[string]any{"login": storetest.Phone(1), "password": "wrong-password"}); r.status != 401 {
		t.Fatalf("wrong password: %d", r.status)
	}
	if r := e.call("POST", "/api/v1/login", "", map[string]any{"login": storetest.Phone(9), "password": password}); r.status != 401 {
		t.Fatalf("unknown phone: %d", r.status)
	}
	// another citizen's hold and booking are forbidden
	c1, _ := e.Svc.CitizenByPhone(ctx, storetest.Phone(1))
	b := e.Book(t, c1, e.Place(t, "FT01", "newborn", "2026-12-02", "09:00"))
	for _, p := range []string{"/api/v1/bookings/%d/cancel", "/api/v1/holds/%d/code"} {
		if r := e.call("POST", fmt.Sprintf(p, b.ID), other, nil); r.status != 403 || r.code() != "forbidden" {
			t.Fatalf("%s by another citizen: %d %s", p, r.status, r.raw)
		}
	}
	if r := e.call("POST", fmt.Sprintf("/api/v1/holds/%d/confirm", b.ID), other, map[string]any{"code": "111111"}); r.status != 403 {
		t.Fatalf("confirm another's hold: %d", r.status)
	}
	// logout revokes the token
	e.must(e.call("POST", "/api/v1/logout", tok, nil), 204)
	if r := e.call("GET", "/api/v1/me", tok, nil); r.status != 401 {
		t.Fatalf("after logout: %d", r.status)
	}
	// a deregistered citizen's token stops working
	c2, _ := e.Svc.CitizenByPhone(ctx, storetest.Phone(2))
	if err := e.Svc.Deregister(ctx, storetest.Actor, c2.ID, "test"); err != nil {
		t.Fatal(err)
	}
	if r := e.call("GET", "/api/v1/me", other, nil); r.status != 401 {
		t.Fatalf("deregistered: %d", r.status)
	}
}

func TestRateLimits(t *testing.T) {
	e := newEnv(t, present.Limits{IPRate: 0.001, IPBurst: 5, AccountRate: 1000, AccountBurst: 1000, MaxBody: 1 << 14})
	for i := range 5 {
		e.must(e.call("GET", "/api/v1/catalog", "", nil), 200)
		_ = i
	}
	if r := e.call("GET", "/api/v1/catalog", "", nil); r.status != 429 || r.code() != "rate_limited" {
		t.Fatalf("6th request: %d %s", r.status, r.raw)
	}

	// per account: one citizen flooding is stopped, another is not
	e = newEnv(t, present.Limits{IPRate: 1000, IPBurst: 1000, AccountRate: 0.001, AccountBurst: 3, MaxBody: 1 << 14})
	a, b := e.register(1), e.register(2)
	// register's own login counted nothing against the account: 3 requests pass
	for range 3 {
		e.must(e.call("GET", "/api/v1/me", a, nil), 200)
	}
	if r := e.call("GET", "/api/v1/me", a, nil); r.status != 429 {
		t.Fatalf("4th request of one account: %d", r.status)
	}
	e.must(e.call("GET", "/api/v1/me", b, nil), 200)
}

func TestLoginBackoffAfterFiveFailures(t *testing.T) {
	e := newEnv(t, roomy)
	e.register(1)
	login := func(pw string) resp {
		return e.call("POST", "/api/v1/login", "", map[string]any{"login": storetest.ID(1), "password": pw})
	}
	for i := range 5 {
		if r := login("wrong-password"); r.status != 401 {
			t.Fatalf("failure %d: %d", i+1, r.status)
		}
	}
	r := login(password)
	if r.status != 429 || r.code() != "rate_limited" || r.body["until"] == nil {
		t.Fatalf("right password while locked: %d %s", r.status, r.raw)
	}
	e.Clock.Advance(16 * 60e9)
	e.must(login(password), 200)
	// the count starts again after a success
	for range 4 {
		login("wrong-password")
	}
	e.must(login(password), 200)
}

func TestPasswordRulesChangeAndReset(t *testing.T) {
	e := newEnv(t, roomy)
	phone := storetest.Phone(1)
	e.must(e.call("POST", "/api/v1/codes", "", map[string]any{"purpose": "register", "phone": phone}), 202)
	code := e.code(phone)
	for _, pw := range []string{"short", storetest.ID(1), "x" + phone[3:] + "y", strings.Repeat("长", 30)} {
		r := e.call("POST", "/api/v1/register", "", map[string]any{"name": "李四", "id_number": storetest.ID(1),
			"phone": phone, "password": pw, "code": code})
		if r.status != 400 {
			t.Fatalf("password %q accepted: %d", pw, r.status)
		}
	}
	tok := e.must(e.call("POST", "/api/v1/register", "", map[string]any{"name": "李四", "id_number": storetest.ID(1),
		"phone": phone, "password": password, "code": code}), 201).body["token"].(string)
	second := e.must(e.call("POST", "/api/v1/login", "", map[string]any{"login": phone, "password": password}), 200).body["token"].(string)
	if r := e.call("POST", "/api/v1/password", tok, map[string]any{"old_password": "nope-nope", "new_password": "another-secret"}); r.status != 403 {
		t.Fatalf("wrong old password: %d", r.status)
	}
	e.must(e.call("POST", "/api/v1/password", tok, map[string]any{"old_password": password, "new_password": "another-secret"}), 204)
	e.must(e.call("GET", "/api/v1/me", tok, nil), 200)
	if r := e.call("GET", "/api/v1/me", second, nil); r.status != 401 {
		t.Fatalf("other token after a password change: %d", r.status)
	}

	// a citizen the IVR registered gets a password by "forgot password"
	ivr := e.Citizen(t, 2)
	if r := e.call("POST", "/api/v1/login", "", map[string]any{"login": ivr.Phone, "password": password}); r.status != 401 {
		t.Fatalf("IVR citizen without password: %d", r.status)
	}
	e.Clock.Advance(61e9)
	e.must(e.call("POST", "/api/v1/codes", "", map[string]any{"purpose": "password", "phone": ivr.Phone}), 202)
	reset := map[string]any{"id_number": storetest.ID(3), "phone": ivr.Phone, "code": e.code(ivr.Phone), "new_password": password}
	if r := e.call("POST", "/api/v1/password/reset", "", reset); r.status != 404 {
		t.Fatalf("reset with another ID: %d %s", r.status, r.raw)
	}
	e.Clock.Advance(61e9)
	e.must(e.call("POST", "/api/v1/codes", "", map[string]any{"purpose": "password", "phone": ivr.Phone}), 202)
	reset["id_number"], reset["code"] = storetest.ID(2), e.code(ivr.Phone)
	e.must(e.call("POST", "/api/v1/password/reset", "", reset), 204)
	r := e.must(e.call("POST", "/api/v1/login", "", map[string]any{"login": storetest.ID(2), "password": password}), 200)
	got, _, _ := e.ac.Authenticate(ctx, r.body["token"].(string))
	if got.ID != ivr.ID {
		t.Fatalf("password account is citizen %d, IVR citizen %d", got.ID, ivr.ID)
	}
	// registering an ID the IVR registered with other details is refused
	e.Clock.Advance(61e9)
	p4 := storetest.Phone(4)
	e.must(e.call("POST", "/api/v1/codes", "", map[string]any{"purpose": "register", "phone": p4}), 202)
	if r := e.call("POST", "/api/v1/register", "", map[string]any{"name": "王五", "id_number": storetest.ID(2),
		"phone": p4, "password": password, "code": e.code(p4)}); r.code() != "conflict" {
		t.Fatalf("register a known ID with another phone: %s", r.raw)
	}
	_ = booking.ChannelApp
}
