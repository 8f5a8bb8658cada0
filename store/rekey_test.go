package store_test

import (
	"context"
	"errors"
	"testing"

	"yuyue/booking"
	"yuyue/store/sqlstore"
	"yuyue/store/storetest"
)

// The key check stops a process started with another secret_key, and
// Rekey moves every ID number to the new key in one transaction: the old
// key is refused afterwards, the new one finds citizens by ID number.
func TestRekey(t *testing.T) {
	e := storetest.NewEnv(t)
	c := e.Citizen(t, 7)
	e.Citizen(t, 8)
	const newKey = "rotated-secret-Zq8Xw3Lp6Nv1Tb4Hk9Rm2"
	refused(t, e.Store, newKey, "another key before rekey")
	type rekeyer interface {
		Rekey(ctx context.Context, newSecret string) (int, error)
	}
	n, err := e.Store.(rekeyer).Rekey(ctx, newKey)
	if err != nil || n != 2 {
		t.Fatalf("rekey: %d %v", n, err)
	}
	e.Store.Close()
	refused(t, e.Store, storetest.Secret, "old key after rekey")
	s, err := storetest.Reopen(t, e.Store, newKey)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.View(ctx, func(tx booking.Tx) error {
		got, err := tx.CitizenByIDNumber(storetest.ID(7))
		if err == nil && (got.ID != c.ID || got.IDNumber != storetest.ID(7)) {
			err = errors.New("wrong citizen")
		}
		return err
	})
	if err != nil {
		t.Fatalf("lookup under the new key: %v", err)
	}
}

// refused checks that opening db's database under secret fails with
// ErrWrongKey.
func refused(t *testing.T, db storetest.DB, secret, what string) {
	t.Helper()
	s, err := storetest.Reopen(t, db, secret)
	if s != nil {
		s.Close()
	}
	if !errors.Is(err, sqlstore.ErrWrongKey) {
		t.Fatalf("%s: %v, want ErrWrongKey", what, err)
	}
}
