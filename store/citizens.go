package store

import (
	"database/sql"
	"fmt"

	"yuyue/booking"
)

// tx implements booking.Tx: on one SQL transaction (writes), or directly on
// the reader pool (View).
type tx struct {
	sqlTx *sql.Tx // nil in View
	db    *sql.DB
	s     *Store
}

// stmt prepares query: from the reader pool's cache in View; on the
// transaction itself in InTx, because preparing on the writer pool would
// wait for its only connection, which the transaction holds.
func (t *tx) stmt(query string) (*sql.Stmt, error) {
	if t.sqlTx != nil {
		return t.sqlTx.Prepare(query)
	}
	return t.s.prepared(t.db, query)
}

// Exec runs a statement (writes happen only in InTx).
func (t *tx) Exec(query string, args ...any) (sql.Result, error) {
	if t.sqlTx != nil {
		return t.sqlTx.Exec(query, args...)
	}
	st, err := t.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.Exec(args...)
}

// Query runs a query; in View through the reader pool's statement cache.
func (t *tx) Query(query string, args ...any) (*sql.Rows, error) {
	if t.sqlTx != nil {
		return t.sqlTx.Query(query, args...)
	}
	st, err := t.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.Query(args...)
}

// QueryRow runs a one-row query; in View through the statement cache.
func (t *tx) QueryRow(query string, args ...any) *sql.Row {
	if t.sqlTx != nil {
		return t.sqlTx.QueryRow(query, args...)
	}
	st, err := t.stmt(query)
	if err != nil { // let database/sql report the error through the row
		return t.db.QueryRow(query, args...)
	}
	return st.QueryRow(args...)
}

const citizenCols = `id, name, id_enc, id_masked, phone, active, banned_until, strikes_since, no_reminders, created_at`

func (t *tx) scanCitizen(row *sql.Row) (booking.Citizen, error) {
	var c booking.Citizen
	var enc []byte
	var banned, since, created int64
	err := row.Scan(&c.ID, &c.Name, &enc, &c.IDMasked, &c.Phone, &c.Active, &banned, &since, &c.NoReminders, &created)
	if err != nil {
		return c, mapError(err, "citizen")
	}
	if c.IDNumber, err = t.s.keys.open(enc); err != nil {
		return c, fmt.Errorf("citizen %d: %w", c.ID, err)
	}
	c.BannedUntil, c.StrikesSince, c.CreatedAt = fromMS(banned), fromMS(since), fromMS(created)
	return c, nil
}

func (t *tx) CitizenByID(id int64) (booking.Citizen, error) {
	return t.scanCitizen(t.QueryRow(`SELECT `+citizenCols+` FROM citizens WHERE id = ?`, id))
}

func (t *tx) CitizenByIDNumber(idNumber string) (booking.Citizen, error) {
	return t.scanCitizen(t.QueryRow(`SELECT `+citizenCols+` FROM citizens WHERE id_hash = ? AND active = 1`, t.s.keys.lookupHash(idNumber)))
}

func (t *tx) CitizenByPhone(phone string) (booking.Citizen, error) {
	return t.scanCitizen(t.QueryRow(`SELECT `+citizenCols+` FROM citizens WHERE phone = ? AND active = 1`, phone))
}

func (t *tx) InsertCitizen(c *booking.Citizen) error {
	res, err := t.Exec(`INSERT INTO citizens (name, id_hash, id_enc, id_masked, phone, active, banned_until, strikes_since, no_reminders, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.Name, t.s.keys.lookupHash(c.IDNumber), t.s.keys.seal(c.IDNumber), c.IDMasked, c.Phone, b2i(c.Active),
		ms(c.BannedUntil), ms(c.StrikesSince), b2i(c.NoReminders), ms(c.CreatedAt), ms(c.CreatedAt))
	if err != nil {
		return mapError(err, "citizen")
	}
	c.ID, err = res.LastInsertId()
	return err
}

func (t *tx) UpdateCitizen(c booking.Citizen) error {
	_, err := t.Exec(`UPDATE citizens SET name = ?, id_hash = ?, id_enc = ?, id_masked = ?, phone = ?, active = ?,
		banned_until = ?, strikes_since = ?, no_reminders = ?, updated_at = unixepoch('subsec') * 1000 WHERE id = ?`,
		c.Name, t.s.keys.lookupHash(c.IDNumber), t.s.keys.seal(c.IDNumber), c.IDMasked, c.Phone, b2i(c.Active),
		ms(c.BannedUntil), ms(c.StrikesSince), b2i(c.NoReminders), c.ID)
	return mapError(err, "citizen")
}
