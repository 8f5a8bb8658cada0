package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"yuyue/config"
)

// rekeyCmd moves the database to a new secret_key in one transaction. It
// takes the lease, so it refuses while a server runs: a server still on the
// old key would fail every ID lookup after the commit.
func rekeyCmd(g *globals, e env) *cobra.Command {
	return &cobra.Command{
		Use:   "rekey",
		Short: "Re-encrypt ID numbers and lookup hashes from secret_key to a new key (read from standard input)",
		Long: "Re-encrypt every ID number and lookup hash from the configured secret_key to a new key,\n" +
			"read from standard input, in one transaction. Stop the server first; afterwards set\n" +
			"secret_key to the new key. SMS codes issued before the rotation stop matching.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, log, err := loadConfig(g, e)
			if err != nil {
				return err
			}
			newKey, err := readSecret(e, "new secret_key")
			if err != nil {
				return err
			}
			if err := config.CheckSecret(newKey); err != nil {
				return err
			}
			ls, err := takeLease(cfg.Database)
			if err != nil {
				return fmt.Errorf("stop the server first: %w", err)
			}
			defer ls.Release()
			d, err := openDeps(cmd.Context(), cfg, log)
			if err != nil {
				return err
			}
			defer d.Close()
			n, err := d.store.Rekey(cmd.Context(), newKey)
			if err != nil {
				return fmt.Errorf("rekey: %w", err)
			}
			fmt.Fprintf(e.stdout, "%d ID numbers re-encrypted; set secret_key (YUYUE_SECRET_KEY) to the new key before starting the server\n", n)
			return nil
		},
	}
}
