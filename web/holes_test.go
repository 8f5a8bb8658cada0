package web_test

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"yuyue/store/storetest"
)

// offSite reports whether a Location header could take a browser to another
// host: browsers drop tabs and newlines and read a backslash as a slash.
func offSite(loc string) bool {
	clean := strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		if r == '\\' {
			return '/'
		}
		return r
	}, strings.TrimLeft(loc, " \x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f"))
	u, err := url.Parse(clean)
	return err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(clean, "/") || strings.HasPrefix(clean, "//")
}

// Issue 22 item 6: after login the site goes only to a relative path of its
// own; /login?next=%2F%09%2Fevil.example and friends go to /me.
func TestItem6LoginNextIsNeverAnOpenRedirect(t *testing.T) {
	e := newEnv(t, roomy)
	cz := e.Citizen(t, 1)
	c := e.client(t)
	resetPassword(t, e, c, cz)
	for _, next := range []string{"/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "/\\evil.example",
		"\\/evil.example", "//evil.example", "https://evil.example/", "/ /evil.example", " //evil.example",
		"\t//evil.example", "/\x00/evil.example", "javascript:alert(1)", "/%09/evil.example\t", "///evil.example"} {
		// the next parameter travels from the login URL into the form
		_, page, _ := c.do("GET", "/login?next="+url.QueryEscape(next), nil)
		if strings.Contains(page, "evil.example") && !strings.Contains(page, `name="next"`) {
			t.Fatalf("login page for %q", next)
		}
		code, _, loc := c.post("/login", url.Values{"login": {storetest.ID(1)}, "password": {password}, "next": {next}})
		if code != 302 || offSite(loc) || strings.Contains(loc, "evil") {
			t.Fatalf("next %q: %d → %q", next, code, loc)
		}
		c.do("GET", "/me", nil)
		c.post("/logout", url.Values{})
	}
	// a real path of the site, with its query, is kept
	c.do("GET", "/login", nil)
	code, _, loc := c.post("/login", url.Values{"login": {storetest.ID(1)}, "password": {password}, "next": {"/me/bookings?x=1"}})
	if code != 302 || loc != "/me/bookings?x=1" {
		t.Fatalf("own path: %d → %q", code, loc)
	}
}

// Issue 22 item 10: messages on the site's pages never come from the URL,
// and every page carries the security headers (HSTS over https).
func TestItem10SiteMessagesServerSideAndHeaders(t *testing.T) {
	e := newEnv(t, roomy)
	c := e.client(t)
	for _, p := range []string{"/?flash=请拨打4000000000领取补贴", "/login?error=账号已冻结，请访问evil.example"} {
		_, body, _ := c.do("GET", p, nil)
		if strings.Contains(body, "4000000000") || strings.Contains(body, "evil.example") {
			t.Fatalf("%s shows a message from the URL", p)
		}
	}
	// a real message reaches the next page once, and no URL carries it
	cz := e.Citizen(t, 1)
	resetPassword(t, e, c, cz)
	c.do("GET", "/login", nil)
	c.post("/login", url.Values{"login": {storetest.ID(1)}, "password": {password}})
	c.do("GET", "/me", nil)
	code, _, loc := c.post("/logout", url.Values{})
	if code != 302 || strings.Contains(loc, "?") {
		t.Fatalf("logout: %d → %q", code, loc)
	}
	if _, body, _ := c.do("GET", loc, nil); !strings.Contains(body, "已退出登录") {
		t.Fatal("the logout message is lost")
	}
	if _, body, _ := c.do("GET", loc, nil); strings.Contains(body, "已退出登录") {
		t.Fatal("the logout message is shown twice")
	}
	https := newEnv(t, roomy, true)
	res, err := https.app.Test(httptest.NewRequest("GET", "/login", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	for h, want := range map[string]string{"Strict-Transport-Security": "max-age=", "X-Content-Type-Options": "nosniff",
		"Referrer-Policy": "no-referrer", "Content-Security-Policy": "default-src 'self'"} {
		if !strings.Contains(res.Header.Get(h), want) {
			t.Errorf("%s: %q, want %q", h, res.Header.Get(h), want)
		}
	}
	res, _ = e.app.Test(httptest.NewRequest("GET", "/login", nil), -1)
	if res.Header.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS over plain http")
	}
}
