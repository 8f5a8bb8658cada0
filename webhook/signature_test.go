package webhook

import (
	"io"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

func TestVerify(t *testing.T) {
	const public, token = "https://yuyue.example.cn", "secret-token"
	app := fiber.New()
	calls := 0
	app.Post("/hook", Verify(public, token), func(c *fiber.Ctx) error { calls++; return c.SendString("ok") })
	form := url.Values{"From": {"+8613800138000"}, "Body": {"QX 1234567890"}, "MessageSid": {"SM1"}}
	post := func(path, sig, host string) int {
		req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Host = host
		if sig != "" {
			req.Header.Set("X-Twilio-Signature", sig)
		}
		resp, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		return resp.StatusCode
	}
	good := Sign(token, public+"/hook?step=menu", form)
	if code := post("/hook?step=menu", good, "internal:8080"); code != 200 {
		t.Fatalf("valid signature behind a proxy: %d", code)
	}
	cases := map[string]string{
		"missing":         "",
		"wrong token":     Sign("other", public+"/hook?step=menu", form),
		"host header url": Sign(token, "http://internal:8080/hook?step=menu", form),
		"other query":     Sign(token, public+"/hook?step=code", form),
	}
	for name, sig := range cases {
		if code := post("/hook?step=menu", sig, "internal:8080"); code != 403 {
			t.Errorf("%s: %d, want 403", name, code)
		}
	}
	if calls != 1 {
		t.Fatalf("handler ran %d times, want only for the valid request", calls)
	}
}
