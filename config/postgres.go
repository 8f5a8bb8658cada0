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
	if !c.Dev() {
		return // Validate checks the key outside development, as for SQLite
	}
	// development mode's throwaway key is per machine: PostgreSQL's nodes
	// need a real one, and a short or weak one is named as such
	switch why := weakSecret(c.SecretKey); {
	case strings.TrimSpace(c.SecretKey) == "":
		bad("secret_key", "required with a PostgreSQL database (every node must use the same key): a random string of %d+ characters", MinSecretLen)
	case why != "":
		bad("secret_key", "%s", why)
	}
}
