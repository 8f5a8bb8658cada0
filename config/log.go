package config

import (
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
	}
}
