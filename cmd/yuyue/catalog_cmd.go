package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"yuyue/catalog"
)

func catalogCmd(g *globals, e env) *cobra.Command {
	cmd := &cobra.Command{Use: "catalog", Short: "Work with the catalog (the database is the truth, the file the seed)", Args: cobra.NoArgs, RunE: showHelp}
	cmd.AddCommand(catalogExportCmd(g, e))
	return cmd
}

func catalogExportCmd(g *globals, e env) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the current catalog back to YAML: the file's offices with the database's calendar and capacity changes",
		Long: "Write the current catalog in the catalog file's format: businesses, districts and offices\n" +
			"from the configured catalog, the working-day calendar (every year) and the capacity changes\n" +
			"from the database, where the console changed them. Use it as the next seed file.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, err := open(cmd.Context(), g, e)
			if err != nil {
				return err
			}
			defer d.Close()
			st, err := d.svc.CatalogState(cmd.Context())
			if err != nil {
				return err
			}
			b, err := catalog.Export(d.svc.Catalog, st)
			if err != nil {
				return err
			}
			if out == "" || out == "-" {
				_, err = e.stdout.Write(b)
				return err
			}
			if err := os.WriteFile(out, b, 0o644); err != nil {
				return fmt.Errorf("write %s: %w", out, err)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "", "write to `FILE` instead of standard output")
	return cmd
}
