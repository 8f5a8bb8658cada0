package store_test

import (
	"bytes"
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/store/storetest"
)

func TestAccountsAndTokens(t *testing.T) {
	e := storetest.NewEnv(t)
	c := e.Citizen(t, 1)
	now := e.Clock.Now()
	in := func(fn func(tx booking.Tx) error) {
		t.Helper()
		if err := e.Store.InTx(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	in(func(tx booking.Tx) error {
		if _, err := tx.Account(c.ID); booking.ErrorCode(err) != booking.ENotFound {
			t.Fatalf("no account yet: %v", err)
		}
		if err := tx.PutAccount(booking.Account{CitizenID: c.ID, PasswordHash: []byte("h1"), UpdatedAt: now}); err != nil {
			return err
		}
		// a second put replaces the first
		return tx.PutAccount(booking.Account{CitizenID: c.ID, PasswordHash: []byte("h2"), Failures: 3, LockedUntil: now.Add(time.Hour), UpdatedAt: now})
	})
	in(func(tx booking.Tx) error {
		a, err := tx.Account(c.ID)
		if err != nil || string(a.PasswordHash) != "h2" || a.Failures != 3 || !a.LockedUntil.Equal(now.Add(time.Hour)) {
			t.Fatalf("account %+v %v", a, err)
		}
		return nil
	})
	_, h1 := booking.NewToken()
	_, h2 := booking.NewToken()
	_, h3 := booking.NewToken()
	in(func(tx booking.Tx) error {
		for i, h := range [][]byte{h1, h2, h3} {
			ttl := time.Hour
			if i == 2 {
				ttl = time.Minute
			}
			if err := tx.InsertCitizenToken(booking.CitizenToken{TokenHash: h, CitizenID: c.ID, Channel: booking.ChannelApp,
				CSRF: "x", CreatedAt: now, ExpiresAt: now.Add(ttl)}); err != nil {
				return err
			}
		}
		return nil
	})
	live := func(h []byte, at time.Time) bool {
		var ok bool
		e.Store.View(ctx, func(tx booking.Tx) error {
			got, err := tx.CitizenToken(h, at)
			ok = err == nil && bytes.Equal(got.TokenHash, h) && got.CitizenID == c.ID
			return nil
		})
		return ok
	}
	if !live(h1, now) || !live(h3, now) || live(h3, now.Add(2*time.Minute)) {
		t.Fatal("token lifetimes not respected")
	}
	in(func(tx booking.Tx) error { return tx.RevokeCitizenTokens(c.ID, h1, now) })
	if !live(h1, now) || live(h2, now) {
		t.Fatal("revoking all but one")
	}
	in(func(tx booking.Tx) error { return tx.RevokeCitizenToken(h1, now) })
	if live(h1, now) {
		t.Fatal("a revoked token still works")
	}
	// the channel is checked by the schema
	err := e.Store.InTx(ctx, func(tx booking.Tx) error {
		return tx.InsertCitizenToken(booking.CitizenToken{TokenHash: []byte("z"), CitizenID: c.ID, Channel: "ivr", ExpiresAt: now})
	})
	if err == nil {
		t.Fatal("a token for channel ivr was stored")
	}
}
