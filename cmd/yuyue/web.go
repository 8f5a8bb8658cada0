package main

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"yuyue/api"
	"yuyue/booking"
	"yuyue/present"
	"yuyue/web"
)

// mountWeb adds the citizen site at "/" and the JSON API at /api/v1, both on
// the same booking.Accounts.
func mountWeb(app *fiber.App, d *deps, codes *booking.Codes) error {
	w := d.cfg.Web
	ac := &booking.Accounts{Svc: d.svc, Codes: codes, Policy: d.cfg.AccountPolicy()}
	limits := present.Limits{IPRate: w.IPRate, IPBurst: w.IPBurst, AccountRate: w.AccountRate,
		AccountBurst: w.AccountBurst, MaxBody: w.MaxBody}
	api.New(ac, codes, d.log, limits).Mount(app)
	site, err := web.New(ac, codes, d.log, strings.HasPrefix(d.cfg.PublicURL, "https://"), limits)
	if err != nil {
		return err
	}
	site.Mount(app)
	return nil
}
