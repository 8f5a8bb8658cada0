package config

import (
	"strings"
)

// IsPostgres reports whether database is a PostgreSQL URL rather than an
// SQLite file path.
func IsPostgres(database string) bool {
	return strings.HasPrefix(database, "postgres://") || strings.HasPrefix(database, "postgresql://")
}
