// Package signpost answers the paths no channel claims: every unknown path
// gets a short Chinese page that points to the citizen site, the console
// and the health endpoints, so a person who mistypes an address learns
// where to go instead of reading a bare "Not Found".
package signpost

import (
	"bytes"
	_ "embed"
	"html/template"
	"strings"

	"github.com/gofiber/fiber/v2"
)

//go:embed page.html
var pageHTML string

var page = template.Must(template.New("page").Parse(pageHTML))

// machinePrefixes are paths only providers call: an unknown one there gets
// plain text, since no person reads it and a webhook caller wants no HTML.
var machinePrefixes = []string{"/twilio/", "/aliyun/", "/api/"}

// Mount adds the catch-all for unknown paths; registered after every other
// route, so call it last.
func Mount(app *fiber.App) { app.Use(NotFound) }

// NotFound answers any unmatched request with 404: the page for people,
// plain text under the webhook prefixes.
func NotFound(c *fiber.Ctx) error {
	for _, p := range machinePrefixes {
		if strings.HasPrefix(c.Path(), p) {
			c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
			return c.Status(fiber.StatusNotFound).SendString("not found")
		}
	}
	var b bytes.Buffer
	if err := page.Execute(&b, nil); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(fiber.StatusNotFound).Send(b.Bytes())
}
