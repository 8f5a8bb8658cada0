// Package webhook holds what every Twilio webhook shares: the signature
// check against the configured public URL, and the signer that tests and
// the call simulator use to play Twilio.
package webhook

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/url"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/twilio/twilio-go/client"
)

// Verify rejects any request whose X-Twilio-Signature does not match the
// configured public URL plus the request's path and query, and its form, with
// the auth token. The Host header and X-Forwarded-* are never trusted: a
// proxy may rewrite them. A bad or missing signature gets 403 and the
// handler never runs.
//
// Twilio signs the URL and the urlencoded form only, so anything else a
// handler could read is refused before the check: a body that is not
// application/x-www-form-urlencoded (a multipart body's fields are not
// covered by the signature) gets 415, and a query key other than the step
// and seq our own <Gather> actions carry gets 403. The one exception is a
// JSON body that Twilio signs through bodySHA256 (see verifyJSON).
func Verify(publicURL, authToken string) fiber.Handler {
	if strings.TrimSpace(authToken) == "" {
		// Anyone can sign with an empty key: refuse rather than accept.
		return func(c *fiber.Ctx) error {
			return refuse(c, fiber.StatusForbidden, "webhooks refused: no Twilio auth token is configured")
		}
	}
	rv := client.NewRequestValidator(authToken)
	base := strings.TrimRight(publicURL, "/")
	return func(c *fiber.Ctx) error {
		if jsonBody(c) {
			return verifyJSON(c, rv, base)
		}
		if !formBody(c) {
			return refuse(c, fiber.StatusUnsupportedMediaType, "Twilio webhooks are application/x-www-form-urlencoded")
		}
		if !onlyOurQuery(c) {
			return refuse(c, fiber.StatusForbidden, "unexpected query parameters")
		}
		sig := c.Get("X-Twilio-Signature")
		if sig == "" || !rv.Validate(base+c.OriginalURL(), formParams(c), sig) {
			return refuse(c, fiber.StatusForbidden, "invalid Twilio signature")
		}
		return c.Next()
	}
}

func refuse(c *fiber.Ctx, status int, msg string) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	return c.Status(status).SendString(msg)
}

// formBody reports whether the body is urlencoded (parameters such as a
// charset are allowed).
func formBody(c *fiber.Ctx) bool {
	ct := strings.ToLower(strings.TrimSpace(string(c.Request().Header.ContentType())))
	mt, _, _ := strings.Cut(ct, ";")
	return strings.TrimSpace(mt) == fiber.MIMEApplicationForm
}

// QueryKeys are the only query parameters a webhook may carry: the step and
// sequence of the <Gather> it answers, each at most once.
var QueryKeys = map[string]bool{"step": true, "seq": true}

func onlyOurQuery(c *fiber.Ctx) bool {
	ok, seen := true, map[string]bool{}
	c.Request().URI().QueryArgs().VisitAll(func(k, _ []byte) {
		key := string(k)
		if !QueryKeys[key] || seen[key] {
			ok = false
		}
		seen[key] = true
	})
	return ok
}

// Param returns a form parameter from the signed urlencoded body only (never
// the query string or a multipart part), copied so that it outlives the
// request buffer.
func Param(c *fiber.Ctx, key string) string {
	return string(c.Request().PostArgs().Peek(key))
}

// formParams copies the POST form (first value of each key), as Twilio signs it.
func formParams(c *fiber.Ctx) map[string]string {
	params := map[string]string{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if _, seen := params[string(k)]; !seen {
			params[string(k)] = string(v)
		}
	})
	return params
}

// Sign computes the X-Twilio-Signature Twilio would send for a POST of form
// to fullURL: base64 HMAC-SHA1 over the URL followed by the sorted
// key+value pairs.
func Sign(authToken, fullURL string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(fullURL)
	for _, k := range keys {
		b.WriteString(k)
		if v := form[k]; len(v) > 0 {
			b.WriteString(v[0])
		}
	}
	m := hmac.New(sha1.New, []byte(authToken))
	m.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// DevAuthToken signs webhooks in development mode, where no Twilio auth
// token is configured: it is well known (callsim and smssim sign with it
// when given no token), so it is only used where config.Dev allows, on a
// loopback listener with no credentials.
const DevAuthToken = "yuyue-development-mode-only"
