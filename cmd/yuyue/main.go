// Command yuyue is the appointment service: one binary for the server, the
// migrations, the scheduled jobs, backups and the console accounts. This
// file only builds the command tree; each command lives in its own file.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	// The catalog's Asia/Shanghai must load in a container without a
	// tzdata package: the zone database is compiled in (about 450 KB).
	_ "time/tzdata"

	"github.com/spf13/cobra"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := env{environ: os.Environ(), stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}
	if err := run(ctx, os.Args[1:], e); err != nil {
		fmt.Fprintln(os.Stderr, "yuyue:", err)
		stop()
		os.Exit(1)
	}
}

// env is what a command gets from the process: testable without globals.
type env struct {
	environ []string // KEY=VALUE, as os.Environ
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
}

// globals are the flags every command takes.
type globals struct {
	config string
	dev    bool
	clock  string // --clock: dev_clock
}

// run builds the command tree and runs the command args name. Help for any
// command (--help, help CMD) prints and returns nil without side effects.
func run(ctx context.Context, args []string, e env) error {
	g := &globals{}
	root := &cobra.Command{
		Use:           "yuyue",
		Short:         "Shenzhen household-registration appointments by phone and SMS",
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE:          showHelp,
	}
	root.PersistentFlags().StringVar(&g.config, "config", "", "YAML config `FILE` (keys as in deploy/yuyue.example.yaml)")
	root.PersistentFlags().BoolVar(&g.dev, "dev", false, "development mode: SMS to the log and /dev/inbox, throwaway secret key (same as YUYUE_DEV=1)")
	root.PersistentFlags().StringVar(&g.clock, "clock", "", "development mode only: start the service's clock at `TIME`, e.g. 2026-12-04T09:30+08:00 (same as YUYUE_DEV_CLOCK)")
	root.AddCommand(serveCmd(g, e), migrateCmd(g, e), versionCmd(e), jobsCmd(g, e), operatorCmd(g, e),
		backupCmd(g, e), restoreCmd(g, e), rekeyCmd(g, e), catalogCmd(g, e), promptsCmd(g, e))
	root.SetArgs(args)
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	return root.ExecuteContext(ctx)
}

// showHelp is the action of a command that only groups others: it prints
// help, and being runnable makes cobra refuse an unknown subcommand
// (cobra.NoArgs) instead of printing help and exiting 0.
func showHelp(cmd *cobra.Command, _ []string) error { return cmd.Help() }
