package main

import (
	"strings"

	"yuyue/store"
)

// lease is what serve holds while its workers run: for SQLite, the file
// lock beside the database (one server per file); for a shared PostgreSQL
// database nothing, because its nodes share the database and claim every
// job fire and outbox row in it.
type lease interface {
	// Check reports a lost lease.
	Check() error
	Release() error
}

type sharedDatabase struct{}

func (sharedDatabase) Check() error   { return nil }
func (sharedDatabase) Release() error { return nil }

// takeLease takes the database's lease without waiting.
func takeLease(database string) (lease, error) {
	if isShared(database) {
		return sharedDatabase{}, nil
	}
	return store.AcquireLease(database)
}

// isShared: a database URL several nodes use at once.
func isShared(database string) bool {
	return strings.HasPrefix(database, "postgres://") || strings.HasPrefix(database, "postgresql://")
}
