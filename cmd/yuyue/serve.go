package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/spf13/cobra"

	"yuyue/booking"
	"yuyue/catalog"
	"yuyue/config"
	"yuyue/internal/procs"
	"yuyue/operator"
	"yuyue/signpost"
)

// serveHook, when set by a test, sees the server once it is listening.
var serveHook func(*server)

// server is a running `yuyue serve`, as tests see it.
type server struct {
	publicAddr, adminAddr string
	ready                 *readiness
	workers               *workers
}

func serveCmd(g *globals, e env) *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the HTTP server: webhooks, console, health; metrics on http.admin_addr; SMS worker and jobs",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return serve(cmd.Context(), g, e) },
	}
}

// serve starts in an order that makes a second instance harmless: bind the
// listeners, take the database's lease, and only then open the database,
// recover the outbox and start the jobs.
func serve(ctx context.Context, g *globals, e env) error {
	cfg, log, err := loadConfig(g, e)
	if err != nil {
		return err
	}
	// A PostgreSQL node capped below one core runs one processor
	// (internal/procs); the cap may come after the start, so it looks
	// again every second.
	if t := procs.NewTuner(config.IsPostgres(cfg.Database), log); t != nil {
		tuneCtx, stopTune := context.WithCancel(ctx)
		defer stopTune()
		go t.Run(tuneCtx, time.Second)
	}
	lns, err := listen(cfg.HTTP.Addr, cfg.HTTP.AdminAddr)
	if err != nil {
		return err
	}
	defer lns.close()
	ls, err := takeLease(cfg.Database)
	if err != nil {
		return err
	}
	defer ls.Release()
	d, err := openDeps(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer d.Close()
	if !cfg.Dev() {
		if err := d.store.MarkProduction(ctx, time.Now()); err != nil {
			return fmt.Errorf("mark the database as production: %w", err)
		}
	}
	r, err := prepare(ctx, d, ls)
	if err != nil {
		return err
	}
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	go watchLease(watchCtx, log, ls)
	return runServer(ctx, d, lns, r)
}

// prepare opens the booking window's places and checks what readiness
// reports besides the workers.
func prepare(ctx context.Context, d *deps, ls lease) (*readiness, error) {
	// the catalog file seeds what the database lacks; the database is the truth
	if err := d.svc.SeedCatalog(ctx, booking.Actor{Name: "serve", Channel: booking.ChannelSystem}); err != nil {
		return nil, err
	}
	n, err := d.svc.OpenPlaces(ctx)
	if err != nil {
		return nil, fmt.Errorf("open places: %w", err)
	}
	d.log.Info("places opened for the booking window", "changed", n)
	r := &readiness{jobsOn: d.cfg.Jobs.Enabled, lease: ls, db: d.store}
	for _, y := range catalog.YearsWithoutHolidays(d.svc.Catalog, d.svc.Now(), d.cfg.Booking.WindowDays) {
		msg := fmt.Sprintf("the booking window reaches %d, for which the catalog has no holidays: its public holidays count as working days", y)
		d.log.Warn(msg)
		r.warnings = append(r.warnings, msg)
	}
	return r, nil
}

func runServer(ctx context.Context, d *deps, lns *listeners, r *readiness) error {
	if addr := d.cfg.Debug.PprofAddr; addr != "" {
		stopPprof, err := servePprof(addr)
		if err != nil {
			return errorf("debug.pprof_addr", "%v", err)
		}
		defer stopPprof()
		d.log.Warn("pprof enabled", "addr", addr)
	}
	app, ch, err := newApp(d, r)
	if err != nil {
		return err
	}
	w, err := startWorkers(ctx, d, ch, r)
	if err != nil {
		return err
	}
	defer w.stop(r)
	stopSIP, err := startSIP(ctx, d, ch)
	if err != nil {
		return err
	}
	defer stopSIP()
	admin := newAdminApp(d, r)
	watchOps(d, r)
	errc := make(chan error, 2)
	go func() { errc <- app.Listener(lns.public) }()
	go func() { errc <- admin.Listener(lns.admin) }()
	srv := &server{publicAddr: lns.public.Addr().String(), adminAddr: lns.admin.Addr().String(), ready: r, workers: w}
	d.log.Info("listening", "addr", srv.publicAddr, "admin_addr", srv.adminAddr, "public_url", d.cfg.PublicURL, "dev", d.cfg.Dev())
	if serveHook != nil {
		serveHook(srv)
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	d.log.Info("shutting down")
	err = errors.Join(app.ShutdownWithTimeout(10*time.Second), admin.ShutdownWithTimeout(time.Second))
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// newApp builds the public Fiber app: webhooks, console and health only.
func newApp(d *deps, r *readiness) (*fiber.App, *channels, error) {
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
	app.Get("/readyz", r.handler)
	app.Use("/twilio/voice/status", countCallStatus)
	ch, err := mountChannels(app, d)
	signpost.Mount(app) // last: the 404 page for every unknown path
	return app, ch, err
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
