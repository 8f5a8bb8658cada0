package main

import (
	"context"
	"path/filepath"

	"yuyue/booking"
	"yuyue/config"
	"yuyue/jobs"
	"yuyue/store"
)

// backupJob is the daily online backup of a SQLite database into
// backup.dir, keeping the newest backup.keep copies.
type backupJob struct {
	database, dir string
	keep          int
}

func newBackupJob(c *config.Config) *backupJob {
	return &backupJob{database: c.Database, dir: backupDir(c), keep: c.Backup.Keep}
}

// backupDir is backup.dir, or a backups directory beside the database.
func backupDir(c *config.Config) string {
	if c.Backup.Dir != "" {
		return c.Backup.Dir
	}
	return filepath.Join(filepath.Dir(c.Database), "backups")
}

// Name implements jobs.Job.
func (*backupJob) Name() string { return "backup" }

// Run implements jobs.Job: one checked copy, then the old ones pruned.
func (j *backupJob) Run(ctx context.Context, svc *booking.Service) (jobs.Result, error) {
	if _, err := store.BackupInto(ctx, j.database, j.dir, j.keep, svc.Now()); err != nil {
		return nil, err
	}
	return jobs.Result{"backups": 1}, nil
}
