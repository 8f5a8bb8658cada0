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
func makePrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, privateMode)
	if err != nil {
		return err
	}
	err = errors.Join(f.Chmod(privateMode), f.Close())
	for _, suffix := range []string{"-wal", "-shm"} {
		if e := os.Chmod(path+suffix, privateMode); e != nil && !errors.Is(e, os.ErrNotExist) {
			err = errors.Join(err, e)
		}
	}
	return err
}
