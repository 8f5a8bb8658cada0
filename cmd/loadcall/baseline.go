package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gofiber/fiber/v2"

	"yuyue/store"
)

// emptyTwiML is what the empty baseline handler answers: a gather like
// yuyue's, so both servers send comparable bytes.
const emptyTwiML = `<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="%s/twilio/voice/gather?step=menu&amp;seq=1" method="POST" numDigits="1" timeout="6"><Say voice="Polly.Zhiyu" language="cmn-CN">请按1。</Say></Gather></Response>`

// serveEmpty runs the baseline: a Fiber app whose handlers do nothing but
// answer fixed TwiML.
func serveEmpty(addr string) error {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	body := fmt.Sprintf(emptyTwiML, "http://"+addr)
	h := func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, "text/xml; charset=utf-8")
		return c.SendString(body)
	}
	app.Post("/twilio/voice", h)
	app.Post("/twilio/voice/gather", h)
	app.Get("/healthz", func(c *fiber.Ctx) error { return c.SendString("ok") })
	return app.Listen(addr)
}

// rawWrites measures single-row write transactions per second on a fresh
// file with the store's connection settings, for d.
func rawWrites(ctx context.Context, dir string, d time.Duration) (float64, summary, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, summary{}, err
	}
	st, err := store.Open(ctx, filepath.Join(dir, "raw.db"), secretKey)
	if err != nil {
		return 0, summary{}, err
	}
	defer st.Close()
	db := st.Writer()
	if _, err := db.Exec(`CREATE TABLE bench (id INTEGER PRIMARY KEY, v INTEGER NOT NULL) STRICT`); err != nil {
		return 0, summary{}, err
	}
	var lat []time.Duration
	n, start := 0, time.Now()
	for time.Since(start) < d {
		t0 := time.Now()
		err := store.WithTx(ctx, db, func(tx *sql.Tx) error {
			_, err := tx.Exec(`INSERT INTO bench (v) VALUES (?)`, n)
			return err
		})
		if err != nil {
			return 0, summary{}, err
		}
		lat = append(lat, time.Since(t0))
		n++
	}
	return float64(n) / time.Since(start).Seconds(), summarize(lat), nil
}
