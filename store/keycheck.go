package store

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
)

// ErrWrongKey is returned by Open when secret_key is not the key the
// database was created with.
var ErrWrongKey = errors.New("secret_key does not match this database's key check: " +
	"start with the secret_key the database was created with, or rotate keys with `yuyue rekey`")

// KeyCheckValue derives the value a database stores to recognise its
// secret_key. It reveals nothing about the key (HKDF, then HMAC of a fixed
// text); other stores (PostgreSQL) store the same value.
func KeyCheckValue(secret string) []byte {
	k, err := hkdf.Key(sha256.New, []byte(secret), nil, "yuyue key check v1", 32)
	if err != nil {
		panic(err) // only for an impossible length
	}
	m := hmac.New(sha256.New, k)
	m.Write([]byte("yuyue key check"))
	return m.Sum(nil)
}

// checkKey compares the stored key check with this store's secret. A
// database from before the key check gets one, after proving the key on
// an existing ID number if there is one.
func (s *Store) checkKey(ctx context.Context) error {
	var stored []byte
	err := s.writer.QueryRowContext(ctx, `SELECT value FROM key_check WHERE id = 1`).Scan(&stored)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return s.initKeyCheck(ctx)
	case err != nil:
		return fmt.Errorf("read key check: %w", err)
	case !hmac.Equal(stored, s.keyCheck):
		return ErrWrongKey
	}
	return nil
}

func (s *Store) initKeyCheck(ctx context.Context) error {
	var box []byte
	err := s.writer.QueryRowContext(ctx, `SELECT id_enc FROM citizens LIMIT 1`).Scan(&box)
	if err == nil {
		if _, err := s.keys.open(box); err != nil {
			return ErrWrongKey
		}
	} else if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read citizens: %w", err)
	}
	_, err = s.writer.ExecContext(ctx, `INSERT OR IGNORE INTO key_check (id, value, created_at) VALUES (1, ?, ?)`,
		s.keyCheck, time.Now().UnixMilli())
	if err != nil {
		return fmt.Errorf("write key check: %w", err)
	}
	return s.checkKeyStored(ctx)
}

// checkKeyStored re-reads the row: another process may have written its
// own key check first (INSERT OR IGNORE).
func (s *Store) checkKeyStored(ctx context.Context) error {
	var stored []byte
	if err := s.writer.QueryRowContext(ctx, `SELECT value FROM key_check WHERE id = 1`).Scan(&stored); err != nil {
		return fmt.Errorf("read key check: %w", err)
	}
	if !hmac.Equal(stored, s.keyCheck) {
		return ErrWrongKey
	}
	return nil
}

// Writable proves the database takes a committed write (readiness): it
// touches the key-check row through the writer.
func (s *Store) Writable(ctx context.Context) error {
	return s.submit(ctx, func(btx booking.Tx) error {
		_, err := btx.(*tx).Exec(`UPDATE key_check SET checked_at = ? WHERE id = 1`, time.Now().UnixMilli())
		return err
	})
}
