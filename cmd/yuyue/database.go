package main

import (
	"context"
	"net/url"
	"time"

	"yuyue/booking"
	"yuyue/config"
	"yuyue/store"
	"yuyue/store/postgres"
	"yuyue/store/sqlstore"
)

// database is what the commands need of a store, whichever it is.
type database interface {
	booking.Store
	Ping(ctx context.Context) error
	Version(ctx context.Context) (int, error)
	// Writable proves a committed write (readiness).
	Writable(ctx context.Context) error
	// OutboxBacklog and TransfersSince feed the operations metrics.
	OutboxBacklog(ctx context.Context) (int, time.Time, error)
	TransfersSince(ctx context.Context, t time.Time) (int, error)
	// CommitStats counts commits and the write units they carried (the
	// group-commit batch size, for the metrics).
	CommitStats() (commits, requests int64)
	// RetryStats counts transactions the database gave up and the store
	// ran again (PostgreSQL's serialization failures).
	RetryStats() int64
	// GivenUpStats counts the units of work in those transactions, by
	// what they were (booking.WorkLabel).
	GivenUpStats() map[string]int64
	// EscalationStats counts call steps run again serially after a light
	// attempt wrote more than the call's own rows (PostgreSQL).
	EscalationStats() int64
	// TurnsMissed counts batches run without the turn across nodes they
	// waited for (PostgreSQL).
	TurnsMissed() int64
	// StatementStats, CodeTurns and ConflictTurns count what the store
	// sent the database: statements by kind, and turns across nodes held.
	StatementStats() sqlstore.StatementStats
	CodeTurns() int64
	ConflictTurns() int64
	// MarkProduction and RanInProduction keep development mode off a
	// database that has held real callers.
	MarkProduction(ctx context.Context, at time.Time) error
	RanInProduction(ctx context.Context) (time.Time, bool, error)
	// Rekey moves every ID number to a new secret_key.
	Rekey(ctx context.Context, newSecret string) (int, error)
	Close() error
}

// openDatabase is the one place the store is chosen: a postgres:// or
// postgresql:// URL opens PostgreSQL (several nodes may share it), anything
// else is an SQLite file path.
func openDatabase(ctx context.Context, dsn, secret string) (database, error) {
	if config.IsPostgres(dsn) {
		return postgres.Open(ctx, dsn, secret)
	}
	return store.Open(ctx, dsn, secret)
}

// redactDSN hides a password in a database URL before it is printed.
func redactDSN(dsn string) string {
	if !config.IsPostgres(dsn) {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}
