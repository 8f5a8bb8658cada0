package store

import "yuyue/booking"

// Savepoint runs fn as a nested atomic unit inside the transaction.
func (t *tx) Savepoint(fn func(booking.Tx) error) (err error) {
	if t.sqlTx == nil { // View: reads only, nothing to undo
		return fn(t)
	}
	if _, err := t.Exec("SAVEPOINT n"); err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			t.Exec("ROLLBACK TO n")
			t.Exec("RELEASE n")
			panic(p)
		}
	}()
	if err = fn(t); err != nil {
		if _, rerr := t.Exec("ROLLBACK TO n"); rerr != nil {
			return rerr
		}
	}
	if _, rerr := t.Exec("RELEASE n"); rerr != nil && err == nil {
		return rerr
	}
	return err
}
