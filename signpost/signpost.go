// Package signpost answers the paths no channel claims: `/` (until the
// citizen site takes it) and every unknown path get a short Chinese page
// that points to the console and the health endpoints, so a person who
// opens the service's address in a browser learns where to go instead of
// reading a bare "Not Found".
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

// Mount serves `/` and, registered after every other route, the catch-all
// for unknown paths. Call it last.
func Mount(app *fiber.App) {
	app.Get("/", Home)
	app.Use(NotFound)
}

// Home is the 200 page at `/`.
func Home(c *fiber.Ctx) error { return render(c, fiber.StatusOK, false) }

// NotFound answers any unmatched request with 404: the page for people,
// plain text under the webhook prefixes.
func NotFound(c *fiber.Ctx) error {
	for _, p := range machinePrefixes {
		if strings.HasPrefix(c.Path(), p) {
			c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
			return c.Status(fiber.StatusNotFound).SendString("not found")
		}
	}
	return render(c, fiber.StatusNotFound, true)
}

func render(c *fiber.Ctx, status int, missing bool) error {
	var b bytes.Buffer
	if err := page.Execute(&b, struct{ Missing bool }{missing}); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).Send(b.Bytes())
}
