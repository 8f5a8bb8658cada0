package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"yuyue/booking"
	"yuyue/present"
	"yuyue/store/storetest"
)

// client is a cookie-keeping HTTP client on app.Test that fails on any full
// ID number in a response or a URL.
type client struct {
	t       *testing.T
	e       *env
	cookies map[string]string
	csrf    string
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

func (e *env) client(t *testing.T) *client { return &client{t: t, e: e, cookies: map[string]string{}} }

func (c *client) do(method, path string, form url.Values) (int, string, string) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	res, err := c.e.app.Test(req, -1)
	if err != nil {
		c.t.Fatal(err)
	}
	for _, ck := range res.Cookies() {
		c.cookies[ck.Name] = ck.Value
	}
	b, _ := io.ReadAll(res.Body)
	s := string(b)
	for n := 1; n <= 3; n++ {
		if strings.Contains(s, storetest.ID(n)) || strings.Contains(res.Header.Get("Location"), storetest.ID(n)) {
			c.t.Fatalf("%s %s: a full ID number in the response", method, path)
		}
	}
	if res.StatusCode >= 500 {
		c.t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, s)
	}
	if m := csrfRe.FindStringSubmatch(s); m != nil {
		c.csrf = m[1]
	}
	return res.StatusCode, s, res.Header.Get("Location")
}

func (c *client) post(path string, form url.Values) (int, string, string) {
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", c.csrf)
	}
	return c.do("POST", path, form)
}

func TestFormsNeedTheirToken(t *testing.T) {
	e := newEnv(t, roomy)
	c := e.client(t)
	c.do("GET", "/login", nil)
	for _, p := range []string{"/login", "/register", "/query", "/forgot"} {
		if code, _, _ := c.post(p, url.Values{"csrf": {"forged"}, "login": {"x"}}); code != 403 {
			t.Fatalf("%s with a forged token: %d", p, code)
		}
	}
	// another browser's token does not pass either
	other := e.client(t)
	other.do("GET", "/login", nil)
	if code, _, _ := c.post("/login", url.Values{"csrf": {other.csrf}, "login": {"x"}}); code != 403 {
		t.Fatalf("another browser's token: %d", code)
	}
	// logged in, forms carry the session's token, not the login form's
	cz := e.Citizen(t, 1)
	resetPassword(t, e, c, cz)
	code, _, loc := c.post("/login", url.Values{"login": {storetest.ID(1)}, "password": {password}, "next": {"//evil.example/"}})
	if code != 302 || loc != "/me" {
		t.Fatalf("login: %d → %s", code, loc)
	}
	old := c.csrf
	c.do("GET", "/me", nil)
	if c.csrf == old {
		t.Fatal("the session kept the anonymous form token")
	}
	if code, _, _ := c.post("/me/password", url.Values{"csrf": {old}, "old": {password}, "password": {"x"}}); code != 403 {
		t.Fatalf("password change with the pre-login token: %d", code)
	}
}

// resetPassword gives an IVR-registered citizen a password through 找回密码.
func resetPassword(t *testing.T, e *env, c *client, cz booking.Citizen) {
	t.Helper()
	c.do("GET", "/forgot", nil)
	if code, body, _ := c.post("/forgot", url.Values{"action": {"code"}, "phone": {cz.Phone[3:]}}); code != 200 || !strings.Contains(body, "验证码已发送") {
		t.Fatalf("forgot code: %d", code)
	}
	code, _, loc := c.post("/forgot", url.Values{"action": {"reset"}, "id_number": {storetest.ID(1)}, "phone": {cz.Phone},
		"code": {e.code(cz.Phone)}, "password": {password}})
	if code != 302 || !strings.HasPrefix(loc, "/login") {
		t.Fatalf("reset: %d → %s", code, loc)
	}
}

func TestQueryWithoutLoginKeepsTheIDOutOfURLs(t *testing.T) {
	e := newEnv(t, roomy)
	cz := e.Citizen(t, 1)
	b := e.Book(t, cz, e.Place(t, "FT01", "newborn", "2026-12-01", "09:00"))
	c := e.client(t)
	_, page, _ := c.do("GET", "/query", nil)
	if !strings.Contains(page, `method="post" action="/query"`) {
		t.Fatal("the query form is not POSTed")
	}
	code, body, _ := c.post("/query", url.Values{"reference": {b.Reference}, "id_number": {storetest.ID(1)}})
	if code != 200 || !strings.Contains(body, b.Reference) || !strings.Contains(body, "新生儿入户") || !strings.Contains(body, booking.MaskName(cz.Name)) {
		t.Fatalf("query: %d", code)
	}
	code, body, _ = c.post("/query", url.Values{"reference": {b.Reference}, "id_number": {storetest.ID(2)}})
	if code != 422 || !strings.Contains(body, "未找到相关信息") {
		t.Fatalf("query with another ID number: %d", code)
	}
	// protected pages send a stranger to login
	if code, _, loc := c.do("GET", "/me/bookings", nil); code != 302 || !strings.HasPrefix(loc, "/login?next=") {
		t.Fatalf("records without login: %d → %s", code, loc)
	}
}

func TestSiteRateLimitsPerAddress(t *testing.T) {
	e := newEnv(t, present.Limits{IPRate: 0.001, IPBurst: 3, AccountRate: 1000, AccountBurst: 1000, MaxBody: 1 << 14})
	c := e.client(t)
	for range 3 {
		if code, _, _ := c.do("GET", "/", nil); code != 200 {
			t.Fatalf("home: %d", code)
		}
	}
	if code, body, _ := c.do("GET", "/", nil); code != 429 || !strings.Contains(body, "请求过于频繁") {
		t.Fatalf("4th request: %d %s", code, body)
	}
}
