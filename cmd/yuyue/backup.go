package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

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

// restoreCmd replaces the database with a checked backup; it refuses while
// a server holds the database.
func restoreCmd(g *globals, e env) *cobra.Command {
	return &cobra.Command{
		Use:   "restore FILE",
		Short: "Replace the database with the backup FILE (refused while a server uses it)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, _, err := loadConfig(g, e)
			if err != nil {
				return err
			}
			if isShared(cfg.Database) {
				return errorf("database", "restore replaces a SQLite file; restore PostgreSQL with pg_restore")
			}
			if err := store.Restore(cmd.Context(), args[0], cfg.Database); err != nil {
				return fmt.Errorf("restore: %w", err)
			}
			fmt.Fprintf(e.stdout, "database %s restored from %s\n", cfg.Database, args[0])
			return nil
		},
	}
}
