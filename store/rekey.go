package store

import (
	"context"
	"fmt"

	"yuyue/booking"
)

// Rekey re-encrypts every citizen's ID number and recomputes its lookup
// hash under newSecret, and replaces the key check, in one transaction:
// either the whole database moves to the new key or none of it does. Run
// it with no server on the database (the CLI holds the lease); close the
// store afterwards and reopen with the new key. Codes pending verification
// (hashed with the old key) stop matching and must be requested again.
func (s *Store) Rekey(ctx context.Context, newSecret string) (int, error) {
	nk := deriveKeys(newSecret)
	n := 0
	err := s.submit(ctx, func(btx booking.Tx) error {
		t := btx.(*tx)
		type row struct {
			id  int64
			box []byte
		}
		rows, err := t.Query(`SELECT id, id_enc FROM citizens`)
		if err != nil {
			return err
		}
		var all []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.box); err != nil {
				rows.Close()
				return err
			}
			all = append(all, r)
		}
		rows.Close()
		for _, r := range all {
			plain, err := s.keys.open(r.box)
			if err != nil {
				return fmt.Errorf("citizen %d: %w", r.id, err)
			}
			if _, err := t.Exec(`UPDATE citizens SET id_enc = ?, id_hash = ? WHERE id = ?`, nk.seal(plain), nk.lookupHash(plain), r.id); err != nil {
				return err
			}
		}
		n = len(all)
		_, err = t.Exec(`UPDATE key_check SET value = ? WHERE id = 1`, KeyCheckValue(newSecret))
		return err
	})
	return n, err
}
