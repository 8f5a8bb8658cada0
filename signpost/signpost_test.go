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

func TestHomeIsAChinesePagePointingOnwards(t *testing.T) {
	code, ctype, body := do(t, app(), "GET", "/")
	if code != 200 || !strings.HasPrefix(ctype, "text/html") {
		t.Fatalf("GET / = %d %s", code, ctype)
	}
	for _, want := range []string{`lang="zh-CN"`, `href="/console/"`, `href="/healthz"`, `href="/readyz"`, "深圳户政预约服务"} {
		if !strings.Contains(body, want) {
			t.Fatalf("home lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "404") {
		t.Fatalf("home says 404:\n%s", body)
	}
}

func TestUnknownPathsAre404Pages(t *testing.T) {
	a := app()
	for _, m := range []string{"GET", "POST", "HEAD"} {
		code, ctype, body := do(t, a, m, "/no/such/page?x=1")
		if code != 404 || !strings.HasPrefix(ctype, "text/html") {
			t.Fatalf("%s unknown = %d %s", m, code, ctype)
		}
		if m != "HEAD" && (!strings.Contains(body, "页面不存在") || !strings.Contains(body, `href="/console/"`)) {
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
