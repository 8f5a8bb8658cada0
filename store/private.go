package store

import (
	"errors"
	"os"
)

// privateMode is the mode of every file holding citizens' data. SQLite
// creates a database with 0644 less the umask and gives the WAL and SHM
// the database file's mode, so creating the database file ourselves with
// this mode (and tightening one an older version left readable) keeps
// all three private whatever the umask.
const privateMode os.FileMode = 0o600

// makePrivate creates path empty (SQLite takes an empty file as a new
// database) or tightens it, and tightens its WAL and SHM if they exist.
// An existing file is changed by path, never opened: closing a descriptor
// of a database drops every POSIX lock this process's SQLite holds on it.
func makePrivate(path string) error {
	err := os.Chmod(path, privateMode)
	if errors.Is(err, os.ErrNotExist) {
		err = createPrivate(path)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if e := os.Chmod(path+suffix, privateMode); e != nil && !errors.Is(e, os.ErrNotExist) {
			err = errors.Join(err, e)
		}
	}
	return err
}

func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, privateMode)
	if errors.Is(err, os.ErrExist) {
		return os.Chmod(path, privateMode) // created meanwhile by another process
	} else if err != nil {
		return err
	}
	return errors.Join(f.Chmod(privateMode), f.Close())
}
