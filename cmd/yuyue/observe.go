package main

import (
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

var httpDuration = promauto.NewHistogramVec(prometheus.HistogramOpts{
	Name:    "yuyue_http_request_duration_seconds",
	Help:    "HTTP request latency by route pattern and status.",
	Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
}, []string{"method", "route", "status"})

func metricsHandler() fiber.Handler { return adaptor.HTTPHandler(promhttp.Handler()) }

// recoverAndObserve turns panics into 500s, records latency and logs each
// request by route pattern only: query strings and forms carry phone
// numbers, digits and codes, so they are never logged.
func recoverAndObserve(log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) (err error) {
		start := time.Now()
		defer func() {
			if p := recover(); p != nil {
				log.Error("panic in handler", "route", c.Route().Path, "panic", fmt.Sprint(p))
				err = fiber.ErrInternalServerError
			}
			status := c.Response().StatusCode()
			if err != nil {
				status = fiber.StatusInternalServerError
				if fe, ok := err.(*fiber.Error); ok {
					status = fe.Code
				}
			}
			route := c.Route().Path
			httpDuration.WithLabelValues(c.Method(), route, strconv.Itoa(status)).Observe(time.Since(start).Seconds())
			log.Debug("request", "method", c.Method(), "route", route, "status", status, "ms", time.Since(start).Milliseconds())
		}()
		return c.Next()
	}
}
