package signpost

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

func app() *fiber.App {
	a := fiber.New()
	a.Get("/healthz", func(c *fiber.Ctx) error { return c.SendString("ok") })
	Mount(a)
	return a
}

func do(t *testing.T, a *fiber.App, method, path string) (int, string, string) {
	t.Helper()
	resp, err := a.Test(httptest.NewRequest(method, path, nil))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

func TestUnknownPathsAre404Pages(t *testing.T) {
	a := app()
	for _, m := range []string{"GET", "POST", "HEAD"} {
		code, ctype, body := do(t, a, m, "/no/such/page?x=1")
		if code != 404 || !strings.HasPrefix(ctype, "text/html") {
			t.Fatalf("%s unknown = %d %s", m, code, ctype)
		}
		if m != "HEAD" && (!containsAll(body, `lang="zh-CN"`, "页面不存在", `href="/"`, `href="/query"`) ||
			strings.Contains(body, "/console") || strings.Contains(body, "/healthz") || strings.Contains(body, "/readyz")) {
			t.Fatalf("%s unknown page:\n%s", m, body)
		}
	}
	if code, _, _ := do(t, a, "GET", "/healthz"); code != 200 {
		t.Fatalf("a real route was shadowed: %d", code)
	}
}

func TestUnknownWebhookPathsArePlain(t *testing.T) {
	code, ctype, body := do(t, app(), "POST", "/twilio/nope")
	if code != 404 || !strings.HasPrefix(ctype, "text/plain") || strings.Contains(body, "<") {
		t.Fatalf("POST /twilio/nope = %d %s %q", code, ctype, body)
	}
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
