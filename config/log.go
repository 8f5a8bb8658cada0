package config

import (
	"crypto/hkdf"
	"crypto/sha256"
	"io"
	"log/slog"

	"yuyue/booking"
)

// Levels maps log.level values to slog levels.
var Levels = map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}

// Logger builds the process logger from log.format and log.level.
func (c *Config) Logger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: Levels[c.Log.Level]}
	if c.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// Rules converts the booking settings for the booking package.
func (c *Config) Rules() booking.Rules {
	b := c.Booking
	return booking.Rules{
		WindowDays: b.WindowDays, HoldTTL: b.HoldTTL, CancelHour: b.CancelHour, NoShowGrace: b.NoShowGrace,
		BanStrikes: b.BanStrikes, BanMonths: b.BanMonths, VerifiedFor: b.VerifiedFor, ReleaseBatchMax: b.ReleaseBatch,
		WaitlistOfferTTL: b.WaitlistOfferTTL,
	}
}

// Key derives a 32-byte key for one purpose from secret_key, so no two uses
// share key material.
func (c *Config) Key(purpose string) []byte {
	k, err := hkdf.Key(sha256.New, []byte(c.SecretKey), nil, "yuyue "+purpose, 32)
	if err != nil {
		panic(err) // only for an impossible length
	}
	return k
}
