package main

import (
	"net"

	"github.com/gofiber/fiber/v2"
)

// newAdminApp serves /metrics and health on http.admin_addr, apart from the
// public listener: metrics name routes, job runs and backlogs that the
// internet has no business reading.
func newAdminApp(d *deps, r *readiness) *fiber.App {
	app := fiber.New(fiber.Config{DisableStartupMessage: true, ErrorHandler: plainErrors(d.log)})
	app.Get("/healthz", func(c *fiber.Ctx) error { return c.SendString("ok") })
	app.Get("/readyz", r.handler)
	app.Get("/metrics", metricsHandler())
	return app
}

// listeners are bound before anything else starts, so a port in use stops
// start-up before the database is touched.
type listeners struct{ public, admin net.Listener }

func listen(publicAddr, adminAddr string) (*listeners, error) {
	pub, err := net.Listen("tcp", publicAddr)
	if err != nil {
		return nil, errorf("http.addr", "%v", err)
	}
	adm, err := net.Listen("tcp", adminAddr)
	if err != nil {
		pub.Close()
		return nil, errorf("http.admin_addr", "%v", err)
	}
	return &listeners{public: pub, admin: adm}, nil
}

func (l *listeners) close() {
	l.public.Close()
	l.admin.Close()
}
