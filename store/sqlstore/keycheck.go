package sqlstore

import (
	"context"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"yuyue/booking"
	"yuyue/store/idcrypt"
)

// ErrWrongKey is returned by Open when secret_key is not the key the
// database was created with.
var ErrWrongKey = errors.New("secret_key does not match this database's key check: " +
	"start with the secret_key the database was created with, or rotate keys with `yuyue rekey`")

// KeyCheckValue derives the value a database stores to recognise its
// secret_key. It reveals nothing about the key (HKDF, then HMAC of a fixed
// text); both engines store the same value.
func KeyCheckValue(secret string) []byte {
	k, err := hkdf.Key(sha256.New, []byte(secret), nil, "yuyue key check v1", 32)
	if err != nil {
		panic(err) // only for an impossible length
	}
	m := hmac.New(sha256.New, k)
	m.Write([]byte("yuyue key check"))
	return m.Sum(nil)
}

// CheckKey compares the stored key check with this store's secret, so a
// process started with another key stops at start-up. The first to open a
// database from before the key check writes one, after proving the key on
// an existing ID number if there is one; the row is re-read because
// another process may have written its own first. It runs on conn before
// the writer starts.
func (db *DB) CheckKey(ctx context.Context, conn Querier) error {
	const read = `SELECT value FROM key_check WHERE id = 1`
	var stored []byte
	err := conn.QueryRowContext(ctx, read).Scan(&stored)
	if errors.Is(err, sql.ErrNoRows) {
		if err := db.proveKey(ctx, conn); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, db.d.Rebind(`INSERT INTO key_check (id, value, created_at) VALUES (1, ?, ?) ON CONFLICT DO NOTHING`),
			db.keyCheck, time.Now().UnixMilli()); err != nil {
			return fmt.Errorf("write key check: %w", err)
		}
		err = conn.QueryRowContext(ctx, read).Scan(&stored)
	}
	if err != nil {
		return fmt.Errorf("read key check: %w", err)
	}
	if !hmac.Equal(stored, db.keyCheck) {
		return ErrWrongKey
	}
	return nil
}

func (db *DB) proveKey(ctx context.Context, conn Querier) error {
	var box []byte
	err := conn.QueryRowContext(ctx, `SELECT id_enc FROM citizens LIMIT 1`).Scan(&box)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read citizens: %w", err)
	}
	if _, err := db.keys.Open(box); err != nil {
		return ErrWrongKey
	}
	return nil
}

// Rekey re-encrypts every citizen's ID number and recomputes its lookup
// hash under newSecret, and replaces the key check, in one transaction:
// either the whole database moves to the new key or none of it does.
// Dialect.BeforeRekey refuses while another process uses the database;
// close the store afterwards and reopen (every process) with the new key.
// Codes pending verification (hashed with the old key) stop matching and
// must be requested again.
func (db *DB) Rekey(ctx context.Context, newSecret string) (int, error) {
	nk := idcrypt.Derive(newSecret)
	n := 0
	err := db.InTx(ctx, func(btx booking.Tx) error {
		t := btx.(*Tx)
		if err := db.d.BeforeRekey(t); err != nil {
			return err
		}
		type row struct {
			id  int64
			box []byte
		}
		rows, err := t.Query(`SELECT id, id_enc FROM citizens`)
		if err != nil {
			return err
		}
		all, err := collect(rows, func(sc scanner) (row, error) {
			var r row
			return r, sc.Scan(&r.id, &r.box)
		})
		if err != nil {
			return err
		}
		for _, r := range all {
			plain, err := db.keys.Open(r.box)
			if err != nil {
				return fmt.Errorf("citizen %d: %w", r.id, err)
			}
			if _, err := t.Exec(`UPDATE citizens SET id_enc = ?, id_hash = ? WHERE id = ?`, nk.Seal(plain), nk.Lookup(plain), r.id); err != nil {
				return err
			}
		}
		n = len(all)
		_, err = t.Exec(`UPDATE key_check SET value = ? WHERE id = 1`, KeyCheckValue(newSecret))
		return err
	})
	return n, err
}
