package webhook

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// A JSON-bodied webhook passes only with bodySHA256 matching its body and
// a signature over the URL that carries it, as Twilio signs them.
func TestVerifyJSONBodyBySHA256(t *testing.T) {
	const public, token = "https://yuyue.example.cn", "secret-token"
	app := fiber.New()
	calls := 0
	app.Post("/hook", Verify(public, token), func(c *fiber.Ctx) error { calls++; return c.Send(c.Body()) })
	send := func(path, body, sigPath string) int {
		req := httptest.NewRequest("POST", path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Twilio-Signature", Sign(token, public+sigPath, url.Values{}))
		resp, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		return resp.StatusCode
	}
	body := `{"CallSid":"CA1","CallStatus":"completed"}`
	sum := sha256.Sum256([]byte(body))
	path := "/hook?bodySHA256=" + hex.EncodeToString(sum[:])
	if code := send(path, body, path); code != 200 {
		t.Fatalf("signed JSON: %d", code)
	}
	if code := send(path, strings.Replace(body, "completed", "busy", 1), path); code != 403 {
		t.Errorf("body changed after signing: %d", code)
	}
	if code := send(path+"&Body=x", body, path+"&Body=x"); code != 403 {
		t.Errorf("extra query key: %d", code)
	}
	if code := send(path, body, "/hook"); code != 403 {
		t.Errorf("signature without the hash in the URL: %d", code)
	}
	if code := send("/hook", body, "/hook"); code != 415 {
		t.Errorf("JSON without bodySHA256: %d", code)
	}
	if calls != 1 {
		t.Fatalf("handler ran %d times, want once", calls)
	}
}
