package store_test

import (
	"testing"
	"time"

	"yuyue/booking"
	"yuyue/store/storetest"
)

// The purge deletes citizen login tokens that expired or were revoked and
// keeps the live one.
func TestPurgeDropsDeadCitizenTokens(t *testing.T) {
	e := storetest.NewEnv(t)
	c := e.Citizen(t, 1)
	now := e.Clock.Now()
	tokens := []booking.CitizenToken{
		{TokenHash: []byte("live"), ExpiresAt: now.Add(time.Hour)},
		{TokenHash: []byte("expired"), ExpiresAt: now.Add(-time.Minute)},
		{TokenHash: []byte("revoked"), ExpiresAt: now.Add(time.Hour)},
	}
	var res booking.PurgeResult
	err := e.Store.InTx(ctx, func(tx booking.Tx) error {
		for _, tok := range tokens {
			tok.CitizenID, tok.Channel, tok.CSRF, tok.CreatedAt = c.ID, "web", "csrf", now.Add(-2*time.Hour)
			if err := tx.InsertCitizenToken(tok); err != nil {
				return err
			}
		}
		if err := tx.RevokeCitizenToken([]byte("revoked"), now.Add(-time.Second)); err != nil {
			return err
		}
		var err error
		res, err = tx.Purge(booking.PurgePolicy{Now: now})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	rows, err := e.Query(`SELECT token_hash FROM citizen_tokens`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var h []byte
		rows.Scan(&h)
		left = append(left, string(h))
	}
	rows.Close()
	if res["tokens"] != 2 || len(left) != 1 || left[0] != "live" {
		t.Fatalf("purged %d tokens, left %q: want 2 purged, the live one left", res["tokens"], left)
	}
}
