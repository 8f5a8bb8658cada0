package store

import (
	"context"
	"crypto/hmac"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"yuyue/store/idcrypt"
	"yuyue/store/sqlstore"
)

// ErrBackupWrongKey is returned by Restore for a backup sealed with another
// secret_key: restored, its ID numbers would be unreadable and the server
// would refuse to start on it.
var ErrBackupWrongKey = errors.New("the backup's key check does not match secret_key: it was made with another key; " +
	"restore it with the secret_key it was made with (then rotate with `yuyue rekey`)")

// Restore replaces the database at dbPath with the backup at src after
// checking it (integrity_check, and that secret_key opens it). It never
// destroys data: the current database (with its WAL) is kept as
// dbPath.pre-restore-<time>, whose path it returns ("" when there was no
// database). It refuses while a server holds the database's lease.
func Restore(ctx context.Context, src, dbPath, secret string, now time.Time) (kept string, err error) {
	if err := Verify(ctx, src); err != nil {
		return "", err
	}
	if err := backupKeyMatches(ctx, src, secret); err != nil {
		return "", err
	}
	lease, err := AcquireLease(dbPath)
	if err != nil {
		return "", err
	}
	defer lease.Release()
	tmp := dbPath + ".restore.tmp"
	if err := copyFile(src, tmp); err != nil {
		return "", err
	}
	if kept, err = keepCurrent(dbPath, now); err != nil {
		os.Remove(tmp)
		return "", err
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return kept, err
	}
	return kept, syncDir(filepath.Dir(dbPath))
}

// backupKeyMatches compares the backup's key check with secret's; a backup
// from before the key check must open one of its ID numbers.
func backupKeyMatches(ctx context.Context, src, secret string) error {
	db, err := sql.Open(driverName, "file:"+src+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		return err
	}
	defer db.Close()
	var stored []byte
	err = db.QueryRowContext(ctx, `SELECT value FROM key_check WHERE id = 1`).Scan(&stored)
	if err == nil {
		if !hmac.Equal(stored, sqlstore.KeyCheckValue(secret)) {
			return ErrBackupWrongKey
		}
		return nil
	}
	var box []byte
	if err := db.QueryRowContext(ctx, `SELECT id_enc FROM citizens LIMIT 1`).Scan(&box); errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return fmt.Errorf("read the backup's key check: %w", err)
	}
	if _, err := idcrypt.Derive(secret).Open(box); err != nil {
		return ErrBackupWrongKey
	}
	return nil
}

// keepCurrent moves the database and its WAL (committed writes not yet
// checkpointed live there) aside; the SHM is rebuilt from the WAL.
func keepCurrent(dbPath string, now time.Time) (string, error) {
	fi, err := os.Stat(dbPath)
	_, walErr := os.Stat(dbPath + "-wal")
	if errors.Is(err, os.ErrNotExist) || (err == nil && fi.Size() == 0 && walErr != nil) {
		return "", removeIfExists(dbPath+"-wal", dbPath+"-shm")
	} else if err != nil {
		return "", err
	}
	kept := dbPath + ".pre-restore-" + now.UTC().Format("20060102T150405Z")
	for n := 2; exists(kept); n++ {
		kept = fmt.Sprintf("%s.pre-restore-%s-%d", dbPath, now.UTC().Format("20060102T150405Z"), n)
	}
	if err := os.Rename(dbPath, kept); err != nil {
		return "", err
	}
	if err := os.Rename(dbPath+"-wal", kept+"-wal"); err != nil && !errors.Is(err, os.ErrNotExist) {
		return kept, err
	}
	return kept, removeIfExists(dbPath + "-shm")
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func removeIfExists(paths ...string) error {
	var errs []error
	for _, p := range paths {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
