package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/spf13/cobra"

	"yuyue/booking"
	"yuyue/config"
	"yuyue/jobs"
)

func retention(c *config.Config) jobs.Retention {
	r := c.Retention
	return jobs.Retention{Bookings: r.Bookings, CallSessions: r.CallSessions, Calls: r.Calls, Messages: r.Messages, Audit: r.Audit}
}

// allJobs are SPEC §5's jobs plus the daily backup of a SQLite database.
func allJobs(d *deps) []jobs.Job {
	all := jobs.All(retention(d.cfg))
	if !isShared(d.cfg.Database) {
		all = append(all, newBackupJob(d.cfg))
	}
	return all
}

// scheduler registers every job on its configured schedule.
func scheduler(d *deps) (*jobs.Scheduler, error) {
	s := jobs.NewScheduler(d.svc, d.log, nil)
	specs := d.cfg.Jobs.Schedules()
	for _, j := range allJobs(d) {
		if err := s.Add(specs[j.Name()], j); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func jobsCmd(g *globals, e env) *cobra.Command {
	cmd := &cobra.Command{Use: "jobs", Short: "List scheduled jobs or run one now", Args: cobra.NoArgs, RunE: showHelp}
	cmd.AddCommand(jobsListCmd(g, e), jobsRunCmd(g, e))
	return cmd
}

func jobsListCmd(g *globals, e env) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the jobs, their schedules and next fire times",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, err := open(cmd.Context(), g, e)
			if err != nil {
				return err
			}
			defer d.Close()
			specs := d.cfg.Jobs.Schedules()
			now := time.Now().In(d.svc.Catalog.Calendar.Loc)
			for _, j := range allJobs(d) {
				next := "disabled"
				if spec := specs[j.Name()]; spec != "" {
					// the catalog's time zone, as the scheduler runs them
					if s, err := cron.ParseStandard("CRON_TZ=" + now.Location().String() + " " + spec); err == nil {
						next = s.Next(now).Format(time.DateTime + " MST")
					}
				}
				fmt.Fprintf(e.stdout, "%-8s %-16s next %s\n", j.Name(), specs[j.Name()], next)
			}
			return nil
		},
	}
}

func jobsRunCmd(g *globals, e env) *cobra.Command {
	var dry bool
	cmd := &cobra.Command{
		Use:   "run NAME",
		Short: "Run one job now (release, noshow, remind, slots, purge, backup)",
		Long: "Run one job now. It works beside a running server: SQLite's locking orders the writes,\n" +
			"and no outbox recovery runs. --dry-run reports what the job would do and changes nothing.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := open(cmd.Context(), g, e)
			if err != nil {
				return err
			}
			defer d.Close()
			job, ok := jobs.Find(allJobs(d), args[0])
			if !ok {
				return fmt.Errorf("no job %q (release, noshow, remind, slots, purge, backup)", args[0])
			}
			svc, mode := d.svc, ""
			if dry {
				if _, isBackup := job.(*backupJob); isBackup {
					fmt.Fprintf(e.stdout, "backup: would write a copy into %s (dry run: nothing changed)\n", backupDir(d.cfg))
					return nil
				}
				svc, mode = jobs.DryRun(svc), " (dry run: nothing changed)"
			}
			r, err := jobs.RunLogged(cmd.Context(), d.log, job, svc)
			if err != nil {
				return err
			}
			for k := range r {
				if dry && strings.HasSuffix(k, booking.AtLeast) {
					mode = " (dry run: nothing changed; it counts one purge transaction's worth, so KIND" + booking.AtLeast +
						"=N means N or more, and the citizens' counts wait on theirs)"
					break
				}
			}
			fmt.Fprintf(e.stdout, "%s: %s%s\n", args[0], r, mode)
			return nil
		},
	}
	cmd.Flags().BoolVar(&dry, "dry-run", false, "report what the job would do and change nothing")
	return cmd
}
