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

// A body Twilio does not sign, or parameters outside the signed body, are
// refused before any handler reads them, even with a valid signature.
func TestVerifyReadsOnlyTheSignedForm(t *testing.T) {
	const public, token = "https://yuyue.example.cn", "secret-token"
	app := fiber.New()
	calls := 0
	app.Post("/hook", Verify(public, token), func(c *fiber.Ctx) error { calls++; return c.SendString(Param(c, "Body")) })
	send := func(path, ctype, body string, signed url.Values) (int, string) {
		req := httptest.NewRequest("POST", path, strings.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("X-Twilio-Signature", Sign(token, public+path, signed))
		resp, err := app.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	form := url.Values{"From": {"+8613800138000"}, "MessageSid": {"SM1"}}
	multipart := "--XX\r\nContent-Disposition: form-data; name=\"Body\"\r\n\r\nQX\r\n--XX--\r\n"
	if code, _ := send("/hook", "multipart/form-data; boundary=XX", multipart, url.Values{}); code != 415 {
		t.Errorf("multipart body: %d, want 415", code)
	}
	if code, _ := send("/hook", "application/json", `{"Body":"QX"}`, url.Values{}); code != 415 {
		t.Errorf("json body: %d, want 415", code)
	}
	// Body moved into the query string: the URL is signed, yet refused.
	if code, _ := send("/hook?Body=QX", "application/x-www-form-urlencoded", form.Encode(), form); code != 403 {
		t.Errorf("parameter in the query: %d, want 403", code)
	}
	if code, _ := send("/hook?step=menu&step=code", "application/x-www-form-urlencoded", form.Encode(), form); code != 403 {
		t.Errorf("step twice: %d, want 403", code)
	}
	if calls != 0 {
		t.Fatalf("handler ran %d times for refused requests", calls)
	}
	form.Set("Body", "CX")
	code, body := send("/hook?step=menu&seq=2", "application/x-www-form-urlencoded; charset=UTF-8", form.Encode(), form)
	if code != 200 || body != "CX" {
		t.Fatalf("valid request: %d %q", code, body)
	}
}
