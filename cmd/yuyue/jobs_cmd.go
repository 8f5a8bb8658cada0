package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"yuyue/config"
	"yuyue/jobs"
)

func retention(c *config.Config) jobs.Retention {
	r := c.Retention
	return jobs.Retention{Bookings: r.Bookings, CallSessions: r.CallSessions, Messages: r.Messages, Audit: r.Audit}
}

// scheduler registers every job on its configured schedule.
func scheduler(d *deps) (*jobs.Scheduler, error) {
	s := jobs.NewScheduler(d.svc, d.log, nil)
	specs := d.cfg.Jobs.Schedules()
	for _, j := range jobs.All(retention(d.cfg)) {
		if err := s.Add(specs[j.Name()], j); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func jobsCmd(ctx context.Context, configPath string, args []string, e env) error {
	if len(args) == 0 {
		return errors.New("usage: yuyue jobs list | yuyue jobs run NAME [--dry-run]")
	}
	d, err := open(ctx, configPath, e)
	if err != nil {
		return err
	}
	defer d.Close()
	switch args[0] {
	case "list":
		return jobsList(d, e)
	case "run":
		return jobsRun(ctx, d, args[1:], e)
	}
	return fmt.Errorf("unknown jobs command %q", args[0])
}

func jobsList(d *deps, e env) error {
	s, err := scheduler(d)
	if err != nil {
		return err
	}
	specs := d.cfg.Jobs.Schedules()
	entries := s.Entries()
	for i, j := range jobs.All(retention(d.cfg)) {
		next := "disabled"
		if specs[j.Name()] != "" && i < len(entries) {
			next = entries[i].Schedule.Next(time.Now().In(d.svc.Catalog.Calendar.Loc)).Format(time.DateTime + " MST")
		}
		fmt.Fprintf(e.stdout, "%-8s %-16s next %s\n", j.Name(), specs[j.Name()], next)
	}
	return nil
}

func jobsRun(ctx context.Context, d *deps, args []string, e env) error {
	fs := flag.NewFlagSet("jobs run", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dry := fs.Bool("dry-run", false, "report what the job would do and change nothing")
	// accept NAME before or after the flag
	var name string
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		name, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if name == "" && fs.NArg() > 0 {
		name = fs.Arg(0)
	}
	job, ok := jobs.Find(jobs.All(retention(d.cfg)), name)
	if !ok {
		return fmt.Errorf("no job %q (release, noshow, remind, slots, purge)", name)
	}
	svc := d.svc
	if *dry {
		svc = jobs.DryRun(svc)
	}
	r, err := jobs.RunLogged(ctx, d.log, job, svc)
	if err != nil {
		return err
	}
	mode := ""
	if *dry {
		mode = " (dry run: nothing changed)"
	}
	fmt.Fprintf(e.stdout, "%s: %s%s\n", name, r, mode)
	return nil
}
