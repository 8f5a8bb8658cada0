package webhook

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/twilio/twilio-go/client"
)

// jsonBody reports whether the request carries a JSON body.
func jsonBody(c *fiber.Ctx) bool {
	ct := strings.ToLower(strings.TrimSpace(string(c.Request().Header.ContentType())))
	mt, _, _ := strings.Cut(ct, ";")
	return strings.TrimSpace(mt) == fiber.MIMEApplicationJSON
}

// verifyJSON checks a JSON-bodied webhook the way Twilio signs one: the
// URL carries bodySHA256, the hex SHA-256 of the raw body, and the
// signature covers the URL alone (twilio-go's ValidateBody checks both).
// Without bodySHA256 nothing signs the body: 415, as for any body Twilio
// does not sign.
func verifyJSON(c *fiber.Ctx, rv client.RequestValidator, base string) error {
	args := c.Request().URI().QueryArgs()
	if len(args.Peek("bodySHA256")) == 0 {
		return refuse(c, fiber.StatusUnsupportedMediaType, "a JSON webhook must carry bodySHA256")
	}
	ok := true
	args.VisitAll(func(k, _ []byte) {
		if key := string(k); key != "bodySHA256" && !QueryKeys[key] {
			ok = false
		}
	})
	sig := c.Get("X-Twilio-Signature")
	if !ok || sig == "" || !rv.ValidateBody(base+c.OriginalURL(), c.Body(), sig) {
		return refuse(c, fiber.StatusForbidden, "invalid Twilio signature")
	}
	return c.Next()
}
