// Command yuyue is the appointment service: one binary for the server, the
// migrations, the scheduled jobs and the console accounts.
//
//	yuyue [--config FILE] serve | migrate | version | jobs list | jobs run NAME [--dry-run] | operator add NAME --role R
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Version is set at build time with -ldflags "-X main.Version=…".
var Version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "yuyue:", err)
		os.Exit(1)
	}
}

const usage = `usage: yuyue [--config FILE] COMMAND
commands:
  serve                      run the HTTP server (webhooks, console, jobs)
  migrate                    apply database migrations and exit
  version                    print the version
  jobs list                  list scheduled jobs and their next fire times
  jobs run NAME [--dry-run]  run one job now
  operator add NAME --role operator|clerk|admin [--office CODE]
`

// env is what a command gets from the process: testable without globals.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// run parses the command line and runs one command.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("yuyue", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "YAML config file")
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	if err := fs.Parse(args); err != nil {
		return err
	}
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	rest := fs.Args()
	if len(rest) == 0 {
		fs.Usage()
		return errors.New("no command given")
	}
	switch rest[0] {
	case "version":
		fmt.Fprintln(stdout, "yuyue", Version)
		return nil
	case "serve":
		return serve(ctx, *configPath, e)
	case "migrate":
		return migrate(ctx, *configPath, e)
	case "jobs":
		return jobsCmd(ctx, *configPath, rest[1:], e)
	case "operator":
		return operatorCmd(ctx, *configPath, rest[1:], e)
	}
	fs.Usage()
	return fmt.Errorf("unknown command %q", rest[0])
}
