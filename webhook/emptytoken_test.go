package webhook

import (
	"io"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// TestNeverValidateWithAnEmptyToken (issue 22, item 2): anyone can sign
// with an empty auth token, so Verify with none refuses every webhook
// instead of accepting those signatures.
func TestNeverValidateWithAnEmptyToken(t *testing.T) {
	const public = "https://yuyue.example.cn"
	app := fiber.New()
	app.Post("/hook", Verify(public, " "), func(c *fiber.Ctx) error { return c.SendString("ok") })
	app.Post("/hook2", Verify(public, ""), func(c *fiber.Ctx) error { return c.SendString("ok") })
	form := url.Values{"From": {"+8613800138000"}, "Body": {"hi"}, "MessageSid": {"SM1"}}
	for _, path := range []string{"/hook", "/hook2"} {
		for _, tok := range []string{"", " "} {
			req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Twilio-Signature", Sign(tok, public+path, form))
			resp, err := app.Test(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			if resp.StatusCode != fiber.StatusForbidden {
				t.Errorf("%s signed with %q: %d, want 403", path, tok, resp.StatusCode)
			}
		}
	}
}
