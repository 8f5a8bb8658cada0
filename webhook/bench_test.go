package webhook

import (
	"io"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

func benchApp(b *testing.B, verify bool) {
	const public, token = "https://yuyue.example.cn", "tok"
	app := fiber.New()
	handlers := []fiber.Handler{func(c *fiber.Ctx) error { return c.SendString("ok") }}
	if verify {
		handlers = append([]fiber.Handler{Verify(public, token)}, handlers...)
	}
	app.Post("/twilio/voice/gather", handlers...)
	form := url.Values{"CallSid": {"CA0123456789abcdef0123456789abcdef"}, "From": {"+8613800138000"},
		"To": {"+8675500000114"}, "Digits": {"1"}, "AccountSid": {"AC0123456789abcdef0123456789abcdef"}, "CallStatus": {"in-progress"}}
	body := form.Encode()
	sig := Sign(token, public+"/twilio/voice/gather?step=menu&seq=1", form)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("POST", "/twilio/voice/gather?step=menu&seq=1", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Twilio-Signature", sig)
		resp, err := app.Test(req, -1)
		if err != nil || resp.StatusCode != 200 {
			b.Fatalf("%v %d", err, resp.StatusCode)
		}
		io.Copy(io.Discard, resp.Body)
	}
}

// BenchmarkSignatureCheck is a webhook request through Verify; compare with
// BenchmarkNoSignatureCheck, the same request and app without it.
func BenchmarkSignatureCheck(b *testing.B)   { benchApp(b, true) }
func BenchmarkNoSignatureCheck(b *testing.B) { benchApp(b, false) }
