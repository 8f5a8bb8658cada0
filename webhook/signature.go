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
func Verify(publicURL, authToken string) fiber.Handler {
	rv := client.NewRequestValidator(authToken)
	base := strings.TrimRight(publicURL, "/")
	return func(c *fiber.Ctx) error {
		sig := c.Get("X-Twilio-Signature")
		if sig == "" || !rv.Validate(base+c.OriginalURL(), formParams(c), sig) {
			c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
			return c.Status(fiber.StatusForbidden).SendString("invalid Twilio signature")
		}
		return c.Next()
	}
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
