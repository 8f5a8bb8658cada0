package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"yuyue/config"
	"yuyue/store"
)

// backupCmd copies the database while the server runs and checks the copy.
func backupCmd(g *globals, e env) *cobra.Command {
	return &cobra.Command{
		Use:   "backup FILE",
		Short: "Write a consistent copy of the running database to FILE and check it",
		Long: "Write a consistent copy of the SQLite database to FILE while the server runs (VACUUM INTO,\n" +
			"a snapshot: writers carry on), then check it with PRAGMA integrity_check.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, _, err := loadConfig(g, e)
			if err != nil {
				return err
			}
			if isShared(cfg.Database) {
				return errorf("database", "backup copies a SQLite file; back up PostgreSQL with pg_dump")
			}
			if err := store.Backup(cmd.Context(), cfg.Database, args[0]); err != nil {
				return fmt.Errorf("backup: %w", err)
			}
			fi, err := os.Stat(args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "backup %s: %d bytes, integrity_check ok\n", args[0], fi.Size())
			return nil
		},
	}
}

// restoreCmd replaces the database with a checked backup that secret_key
// opens, keeping the current one beside it; it refuses while a server
// holds the database.
func restoreCmd(g *globals, e env) *cobra.Command {
	return &cobra.Command{
		Use:   "restore FILE",
		Short: "Replace the database with the backup FILE, keeping the current one as DB.pre-restore-TIME (refused while a server uses it)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, _, err := loadConfig(g, e)
			if err != nil {
				return err
			}
			if isShared(cfg.Database) {
				return errorf("database", "restore replaces a SQLite file; restore PostgreSQL with pg_restore")
			}
			secret, err := restoreSecret(cfg)
			if err != nil {
				return err
			}
			kept, err := store.Restore(cmd.Context(), args[0], cfg.Database, secret, time.Now())
			if errors.Is(err, store.ErrBackupWrongKey) {
				return &config.Error{Key: "secret_key", Problem: fmt.Sprintf("backup %s: %v", args[0], err)}
			}
			if kept != "" {
				fmt.Fprintf(e.stdout, "previous database kept as %s\n", kept)
			}
			if err != nil {
				return fmt.Errorf("restore: %w", err)
			}
			fmt.Fprintf(e.stdout, "database %s restored from %s\n", cfg.Database, args[0])
			return nil
		},
	}
}

// restoreSecret is the key the restored database must open with: the
// configured one, or in development the throwaway key kept beside it.
func restoreSecret(cfg *config.Config) (string, error) {
	if cfg.SecretKey != "" || !cfg.Dev() {
		return cfg.SecretKey, nil
	}
	key, err := devSecret(cfg.Database)
	if err != nil {
		return "", errorf("database", "%s: development key: %v", cfg.Database, err)
	}
	return key, nil
}
