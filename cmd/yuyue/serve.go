package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/gofiber/fiber/v2"

	"yuyue/operator"
)

// listenHook, when set by a test, learns the address the server bound.
var listenHook func(addr string)

func serve(ctx context.Context, configPath string, e env) error {
	d, err := open(ctx, configPath, e)
	if err != nil {
		return err
	}
	defer d.Close()
	n, err := d.svc.OpenPlaces(ctx)
	if err != nil {
		return fmt.Errorf("open places: %w", err)
	}
	d.log.Info("places opened for the booking window", "changed", n)
	if addr := d.cfg.Debug.PprofAddr; addr != "" {
		stopPprof, err := servePprof(addr)
		if err != nil {
			return fmt.Errorf("debug.pprof_addr (YUYUE_DEBUG_PPROF_ADDR): %w", err)
		}
		defer stopPprof()
		d.log.Warn("pprof enabled", "addr", addr)
	}
	app, stopWorkers, err := newApp(ctx, d)
	if err != nil {
		return err
	}
	defer stopWorkers()
	ln, err := net.Listen("tcp", d.cfg.HTTP.Addr)
	if err != nil {
		return fmt.Errorf("http.addr (YUYUE_HTTP_ADDR): %w", err)
	}
	d.log.Info("listening", "addr", ln.Addr().String(), "public_url", d.cfg.PublicURL, "dev", d.cfg.Dev())
	if listenHook != nil {
		listenHook(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- app.Listener(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	d.log.Info("shutting down")
	if err := app.ShutdownWithTimeout(10 * time.Second); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// newApp builds the Fiber app with every route, and starts the background
// workers; the returned func stops them.
func newApp(ctx context.Context, d *deps) (*fiber.App, func(), error) {
	cfg := fiber.Config{
		DisableStartupMessage: true,
		ErrorHandler:          plainErrors(d.log),
		ReadTimeout:           10 * time.Second,
		WriteTimeout:          10 * time.Second,
		// Webhook handlers keep strings from forms in call sessions.
		Immutable: true,
	}
	operator.TrustProxies(&cfg, d.cfg.HTTP.TrustedProxies)
	app := fiber.New(cfg)
	app.Use(recoverAndObserve(d.log))
	app.Get("/healthz", func(c *fiber.Ctx) error { return c.SendString("ok") })
	app.Get("/readyz", func(c *fiber.Ctx) error {
		if err := d.store.Ping(c.UserContext()); err != nil {
			d.log.Error("readiness: database", "err", err)
			return c.Status(fiber.StatusServiceUnavailable).SendString("database unavailable")
		}
		return c.SendString("ready")
	})
	app.Get("/metrics", metricsHandler())
	stop, err := mountChannels(ctx, app, d)
	return app, stop, err
}

// plainErrors answers errors as short text, never Fiber's HTML page.
func plainErrors(log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		code := fiber.StatusInternalServerError
		var fe *fiber.Error
		if errors.As(err, &fe) {
			code = fe.Code
		}
		if code >= 500 {
			log.Error("request failed", "route", c.Route().Path, "err", err)
		}
		c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
		return c.Status(code).SendString(statusText(code))
	}
}

func statusText(code int) string {
	if fe := fiber.NewError(code); fe.Message != "" {
		return fe.Message
	}
	return "error"
}
