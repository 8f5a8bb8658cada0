package postgres

import (
	"context"
	"fmt"
	"time"

	"yuyue/booking"
	"yuyue/store"
	"yuyue/store/idcrypt"
)

// Rekey re-encrypts every citizen's ID number and recomputes its lookup
// hash under newSecret, and replaces the key check, in one transaction (as
// the SQLite store's Rekey). Every node must be stopped first: there is no
// file lease, so it refuses while another node's lease in nodes is live (a
// node on the old key would fail every ID lookup after the commit).
// Restart them all with the new key.
func (s *Store) Rekey(ctx context.Context, newSecret string) (int, error) {
	nk := idcrypt.Derive(newSecret)
	n := 0
	err := s.InTx(ctx, func(btx booking.Tx) error {
		t := btx.(*tx)
		var live int
		if err := t.QueryRow(`SELECT count(*) FROM nodes WHERE id <> ? AND lease_until >= ?`,
			s.node, time.Now().UnixMilli()).Scan(&live); err != nil {
			return err
		}
		if live > 0 {
			return fmt.Errorf("%d other yuyue node(s) hold a live lease on this database: stop them first", live)
		}
		type row struct {
			id  int64
			box []byte
		}
		rows, err := t.Query(`SELECT id, id_enc FROM citizens`)
		if err != nil {
			return err
		}
		all, err := collect(rows, func(sc interface{ Scan(...any) error }) (row, error) {
			var r row
			return r, sc.Scan(&r.id, &r.box)
		})
		if err != nil {
			return err
		}
		for _, r := range all {
			plain, err := s.keys.Open(r.box)
			if err != nil {
				return fmt.Errorf("citizen %d: %w", r.id, err)
			}
			if _, err := t.Exec(`UPDATE citizens SET id_enc = ?, id_hash = ? WHERE id = ?`, nk.Seal(plain), nk.Lookup(plain), r.id); err != nil {
				return err
			}
		}
		n = len(all)
		_, err = t.Exec(`UPDATE key_check SET value = ? WHERE id = 1`, store.KeyCheckValue(newSecret))
		return err
	})
	return n, err
}
