package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Backup writes a consistent copy of the database at dbPath to dst while
// it is in use: VACUUM INTO reads one snapshot (a read transaction, so
// writers carry on) and writes a compact file. The copy is checked with
// integrity_check before it replaces dst, so dst is always a good copy.
func Backup(ctx context.Context, dbPath, dst string) error {
	if _, err := os.Stat(dbPath); err != nil {
		return fmt.Errorf("database: %w", err)
	}
	tmp := dst + ".tmp"
	_ = os.Remove(tmp)
	// VACUUM INTO fills an empty file and keeps its mode: a backup is as
	// private as the database.
	if err := makePrivate(tmp); err != nil {
		return err
	}
	db, err := sql.Open(driverName, "file:"+dbPath+"?_busy_timeout=5000")
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		return fmt.Errorf("vacuum into %s: %w", tmp, err)
	}
	if err := Verify(ctx, tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := syncFile(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		return err
	}
	return syncDir(filepath.Dir(dst))
}

// Verify runs PRAGMA integrity_check on the database file at path.
func Verify(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return err
	}
	db, err := sql.Open(driverName, "file:"+path+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		return err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return fmt.Errorf("integrity_check %s: %w", path, err)
	}
	if res != "ok" {
		return fmt.Errorf("integrity_check %s: %s", path, res)
	}
	return nil
}

// BackupInto writes a dated backup of dbPath into dir and deletes all but
// the newest keep backups there; it returns the new file's path.
func BackupInto(ctx context.Context, dbPath, dir string, keep int, now time.Time) (string, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", err
	}
	dst := filepath.Join(dir, "yuyue-"+now.UTC().Format("20060102T150405Z")+".db")
	if err := Backup(ctx, dbPath, dst); err != nil {
		return "", err
	}
	return dst, prune(dir, keep)
}

// prune keeps the newest keep backups (their names sort by time).
func prune(dir string, keep int) error {
	names, err := filepath.Glob(filepath.Join(dir, "yuyue-*.db"))
	if err != nil {
		return err
	}
	names = filter(names, func(n string) bool { return !strings.HasSuffix(n, ".tmp") })
	sort.Strings(names)
	var errs []error
	for len(names) > keep {
		errs = append(errs, os.Remove(names[0]))
		names = names[1:]
	}
	return errors.Join(errs...)
}

func filter(ss []string, keep func(string) bool) []string {
	var out []string
	for _, s := range ss {
		if keep(s) {
			out = append(out, s)
		}
	}
	return out
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, privateMode)
	if err != nil {
		return err
	}
	if err := out.Chmod(privateMode); err != nil {
		out.Close()
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return errors.Join(out.Sync(), out.Close())
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	return errors.Join(f.Sync(), f.Close())
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}
