package sqlstore

import (
	"fmt"

	"yuyue/booking"
)

const citizenCols = `id, name, id_enc, id_masked, phone, active, banned_until, strikes_since, no_reminders, created_at`

// citizenRow is where a row of citizenCols is scanned (dest), before
// citizenOf turns it into a Citizen.
type citizenRow struct {
	c                      booking.Citizen
	enc                    []byte
	banned, since, created int64
}

func (r *citizenRow) dest() []any {
	return []any{&r.c.ID, &r.c.Name, &r.enc, &r.c.IDMasked, &r.c.Phone, &r.c.Active, &r.banned, &r.since, &r.c.NoReminders, &r.created}
}

func (t *Tx) citizenOf(r *citizenRow) (booking.Citizen, error) {
	c := r.c
	var err error
	if c.IDNumber, err = t.db.keys.Open(r.enc); err != nil {
		return c, fmt.Errorf("citizen %d: %w", c.ID, err)
	}
	c.BannedUntil, c.StrikesSince, c.CreatedAt = fromMS(r.banned), fromMS(r.since), fromMS(r.created)
	return c, nil
}

func (t *Tx) scanCitizen(row scanner) (booking.Citizen, error) {
	var r citizenRow
	if err := row.Scan(r.dest()...); err != nil {
		return r.c, t.db.mapError(err, "citizen")
	}
	return t.citizenOf(&r)
}

func (t *Tx) CitizenByID(id int64) (booking.Citizen, error) {
	return t.scanCitizen(t.QueryRow(`SELECT `+citizenCols+` FROM citizens WHERE id = ?`, id))
}

func (t *Tx) CitizenByIDNumber(idNumber string) (booking.Citizen, error) {
	return t.scanCitizen(t.QueryRow(`SELECT `+citizenCols+` FROM citizens WHERE id_hash = ? AND active = 1`, t.db.keys.Lookup(idNumber)))
}

func (t *Tx) CitizenByPhone(phone string) (booking.Citizen, error) {
	return t.scanCitizen(t.QueryRow(`SELECT `+citizenCols+` FROM citizens WHERE phone = ? AND active = 1`, phone))
}

func (t *Tx) InsertCitizen(c *booking.Citizen) error {
	id, err := t.insertID("citizen", `INSERT INTO citizens (name, id_hash, id_enc, id_masked, phone, active, banned_until, strikes_since, no_reminders, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.Name, t.db.keys.Lookup(c.IDNumber), t.db.keys.Seal(c.IDNumber), c.IDMasked, c.Phone, b2i(c.Active),
		ms(c.BannedUntil), ms(c.StrikesSince), b2i(c.NoReminders), ms(c.CreatedAt), ms(c.CreatedAt))
	c.ID = id
	return err
}

func (t *Tx) UpdateCitizen(c booking.Citizen) error {
	_, err := t.execMapped("citizen", `UPDATE citizens SET name = ?, id_hash = ?, id_enc = ?, id_masked = ?, phone = ?, active = ?,
		banned_until = ?, strikes_since = ?, no_reminders = ?, updated_at = now_ms() WHERE id = ?`,
		c.Name, t.db.keys.Lookup(c.IDNumber), t.db.keys.Seal(c.IDNumber), c.IDMasked, c.Phone, b2i(c.Active),
		ms(c.BannedUntil), ms(c.StrikesSince), b2i(c.NoReminders), c.ID)
	return err
}
