package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"yuyue/store"
)

// emptyTwiML is what the empty baseline handler answers: a gather like
// yuyue's, so both servers send comparable bytes.
const emptyTwiML = `<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="%s/twilio/voice/gather?step=menu&amp;seq=1" method="POST" numDigits="1" timeout="6"><Say voice="Polly.Zhiyu" language="cmn-CN">请按1。</Say></Gather></Response>`

// serveEmpty runs the baseline: a Fiber app whose handlers do nothing but
// answer fixed TwiML.
func serveEmpty(addr string) error { return emptyApp(addr).Listen(addr) }

// emptyApp is the baseline app for a listener at addr. Its gather action
// carries the public (https) URL, as yuyue's does: the harness strips
// exactly that prefix, so an http:// action would send every caller's
// second request to a nonsense URL.
func emptyApp(addr string) *fiber.App {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	body := fmt.Sprintf(emptyTwiML, publicOf("http://"+addr))
	h := func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, "text/xml; charset=utf-8")
		return c.SendString(body)
	}
	app.Post("/twilio/voice", h)
	app.Post("/twilio/voice/gather", h)
	app.Get("/healthz", func(c *fiber.Ctx) error { return c.SendString("ok") })
	return app
}

// emptyCall plays steps webhooks against the empty handler, following its
// gather action each time, with the caller's pauses.
func (c *caller) emptyCall(ctx context.Context, steps int) (outcome, error) {
	path := "/twilio/voice"
	for range steps {
		_, action, err := c.post(ctx, "empty", path, nil)
		if err != nil {
			return "", err
		}
		if !strings.HasPrefix(action, "/") {
			return "", fmt.Errorf("empty handler: gather action %q is not on this server", action)
		}
		path = action
		c.pause(ctx)
	}
	return outBooked, nil
}

// rawSamples is the raw write loop measured as several short samples: on a
// shared machine one long loop swings with whatever else runs (632–6,730
// tx/s within minutes), so the median is the figure and the spread is shown.
type rawSamples struct {
	Median  float64   `json:"median_tx_per_sec"`
	Min     float64   `json:"min_tx_per_sec"`
	Max     float64   `json:"max_tx_per_sec"`
	Samples []float64 `json:"samples_tx_per_sec"`
	Latency summary   `json:"latency"`
}

func (r rawSamples) String() string {
	return fmt.Sprintf("median %.0f tx/s (%d samples, %.0f–%.0f)", r.Median, len(r.Samples), r.Min, r.Max)
}

// rawBaseline runs n samples of total/n each on one fresh file.
func rawBaseline(ctx context.Context, dir string, total time.Duration, n int) (rawSamples, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return rawSamples{}, err
	}
	st, err := store.Open(ctx, filepath.Join(dir, "raw.db"), secretKey)
	if err != nil {
		return rawSamples{}, err
	}
	defer st.Close()
	db := st.Writer()
	if _, err := db.Exec(`CREATE TABLE bench (id INTEGER PRIMARY KEY, v INTEGER NOT NULL) STRICT`); err != nil {
		return rawSamples{}, err
	}
	var r rawSamples
	var lat []time.Duration
	for range max(n, 1) {
		rate, l, err := rawWrites(ctx, db, total/time.Duration(max(n, 1)))
		if err != nil {
			return rawSamples{}, err
		}
		r.Samples, lat = append(r.Samples, rate), append(lat, l...)
	}
	s := slices.Sorted(slices.Values(r.Samples))
	r.Min, r.Max, r.Median = s[0], s[len(s)-1], median(s)
	r.Latency = summarize(lat)
	return r, nil
}

func median(sorted []float64) float64 {
	k := len(sorted)
	if k%2 == 1 {
		return sorted[k/2]
	}
	return (sorted[k/2-1] + sorted[k/2]) / 2
}

// rawWrites measures single-row write transactions per second on db for d.
func rawWrites(ctx context.Context, db *sql.DB, d time.Duration) (float64, []time.Duration, error) {
	var lat []time.Duration
	n, start := 0, time.Now()
	for time.Since(start) < d {
		t0 := time.Now()
		err := store.WithTx(ctx, db, func(tx *sql.Tx) error {
			_, err := tx.Exec(`INSERT INTO bench (v) VALUES (?)`, n)
			return err
		})
		if err != nil {
			return 0, nil, err
		}
		lat = append(lat, time.Since(t0))
		n++
	}
	return float64(n) / time.Since(start).Seconds(), lat, nil
}
