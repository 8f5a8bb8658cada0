package postgres_test

import (
	"errors"
	"os"
	"testing"

	"yuyue/booking"
	"yuyue/store"
	"yuyue/store/postgres"
	"yuyue/store/storetest"
)

// The key check works as on SQLite: another secret_key stops Open, and
// Rekey (refused while another node is live) moves the database to the new
// key in one go.
func TestKeyCheckAndRekey(t *testing.T) {
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skipf("%s not set", storetest.PostgresEnv)
	}
	dsn := storetest.PostgresDSN(t)
	s, err := postgres.Open(ctx, dsn, storetest.Secret)
	if err != nil {
		t.Fatal(err)
	}
	c := storetest.NewEnvOn(t, s).Citizen(t, 7)
	if err := s.Writable(ctx); err != nil {
		t.Fatalf("writable: %v", err)
	}
	const other = "another-Key-of-32-characters-or-more-9x"
	if s2, err := postgres.Open(ctx, dsn, other); !errors.Is(err, store.ErrWrongKey) {
		if s2 != nil {
			s2.Close()
		}
		t.Fatalf("open with another key: %v, want ErrWrongKey", err)
	}
	peer, err := postgres.Open(ctx, dsn, storetest.Secret)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Rekey(ctx, other); err == nil {
		t.Fatal("rekey ran while another node was live")
	}
	peer.Close()
	if n, err := s.Rekey(ctx, other); err != nil || n != 1 {
		t.Fatalf("rekey: %d %v", n, err)
	}
	s.Close()
	if s3, err := postgres.Open(ctx, dsn, storetest.Secret); !errors.Is(err, store.ErrWrongKey) {
		if s3 != nil {
			s3.Close()
		}
		t.Fatalf("old key after rekey: %v, want ErrWrongKey", err)
	}
	s4, err := postgres.Open(ctx, dsn, other)
	if err != nil {
		t.Fatal(err)
	}
	defer s4.Close()
	err = s4.View(ctx, func(tx booking.Tx) error {
		got, err := tx.CitizenByIDNumber(storetest.ID(7))
		if err == nil && got.ID != c.ID {
			err = errors.New("wrong citizen")
		}
		return err
	})
	if err != nil {
		t.Fatalf("lookup under the new key: %v", err)
	}
}
