package config

import (
	"net/url"
	"strings"
)

// IsPostgres reports whether database is a PostgreSQL URL rather than an
// SQLite file path.
func IsPostgres(database string) bool {
	return strings.HasPrefix(database, "postgres://") || strings.HasPrefix(database, "postgresql://")
}

// validatePostgres checks a PostgreSQL database URL. Nodes sharing one
// database must share the secret_key that seals ID numbers, so development
// mode's per-database throwaway key is not enough there.
func (c *Config) validatePostgres(bad func(key, format string, args ...any)) {
	if !IsPostgres(c.Database) {
		return
	}
	if u, err := url.Parse(c.Database); err != nil || u.Host == "" {
		bad("database", "not a valid postgres:// URL (postgres://user:password@host:5432/dbname)")
	}
	if c.Dev() && len(c.SecretKey) < MinSecretLen {
		bad("secret_key", "required with a PostgreSQL database (every node must use the same key): a random string of %d+ characters", MinSecretLen)
	}
}
