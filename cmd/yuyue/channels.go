package main

import (
	"context"

	"github.com/gofiber/fiber/v2"
)

// mountChannels adds the webhook, console and job routes and starts their
// workers. Each channel package brings its own routes.
func mountChannels(ctx context.Context, app *fiber.App, d *deps) (func(), error) {
	return func() {}, nil
}
