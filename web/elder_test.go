package web_test

import (
	"strings"
	"testing"
)

// 长辈模式 without JavaScript: the header's link sets a cookie and comes
// back to the page (on this site only); the link carries no text typed
// into the URL.
func TestElderModeLinkSetsCookieAndComesBack(t *testing.T) {
	e := newEnv(t, roomy)
	c := e.client(t)
	_, body, _ := c.do("GET", "/query?office=FT01&flash=请拨打4000000000", nil)
	if !strings.Contains(body, `href="/elder?on=1&amp;back=%2fquery%3foffice%3dFT01"`) || strings.Contains(body, "4000000000") ||
		strings.Contains(body, `class="elder"`) {
		t.Fatalf("the toggle link on a normal page:\n%s", body)
	}
	code, _, loc := c.do("GET", "/elder?on=1&back=/book/office?office=FT01", nil)
	if code != 302 || loc != "/book/office?office=FT01" || c.cookies["yuyue_elder"] != "1" {
		t.Fatalf("turning it on: %d → %q, cookie %q", code, loc, c.cookies["yuyue_elder"])
	}
	if _, body, _ := c.do("GET", "/", nil); !strings.Contains(body, `<html lang="zh-CN" class="elder">`) || !strings.Contains(body, "退出长辈模式") {
		t.Fatalf("长辈模式 not remembered:\n%s", body)
	}
	if _, _, loc := c.do("GET", "/elder?on=0&back=//evil.example/", nil); loc != "/me" || c.cookies["yuyue_elder"] == "1" {
		t.Fatalf("turning it off with a foreign back: → %q, cookie %q", loc, c.cookies["yuyue_elder"])
	}
	if _, body, _ := c.do("GET", "/", nil); strings.Contains(body, `class="elder"`) {
		t.Fatal("长辈模式 still on")
	}
}
