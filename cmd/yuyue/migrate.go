package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// migrateCmd applies migrations. It works beside a running server (SQLite's
// own locking orders the writes) and starts no worker.
func migrateCmd(g *globals, e env) *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Apply database migrations and exit",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, err := open(cmd.Context(), g, e)
			if err != nil {
				return err
			}
			defer d.Close()
			v, err := d.store.Version(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "database %s at migration %d\n", redactDSN(d.cfg.Database), v)
			return nil
		},
	}
}
