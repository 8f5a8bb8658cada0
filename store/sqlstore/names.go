package sqlstore

import (
	"database/sql"
	"errors"
	"time"

	"yuyue/booking"
)

// NameReply is the pending written name of phone, or ENotFound.
func (t *Tx) NameReply(phone string) (booking.NameReply, error) {
	r := booking.NameReply{Phone: phone}
	var asked, replied int64
	err := t.QueryRow(`SELECT name, asked_at, replied_at FROM name_replies WHERE phone = ?`, phone).Scan(&r.Name, &asked, &replied)
	if errors.Is(err, sql.ErrNoRows) {
		return r, booking.Errorf(booking.ENotFound, "no pending name")
	}
	r.AskedAt, r.RepliedAt = fromMS(asked), fromMS(replied)
	return r, err
}

// PutNameReply writes r and drops rows asked before staleBefore: the
// table holds only the calls of the last hour, without a purge job.
func (t *Tx) PutNameReply(r booking.NameReply, staleBefore time.Time) error {
	if _, err := t.Exec(`DELETE FROM name_replies WHERE asked_at < ?`, ms(staleBefore)); err != nil {
		return err
	}
	_, err := t.Exec(`INSERT INTO name_replies (phone, name, asked_at, replied_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (phone) DO UPDATE SET name = excluded.name, asked_at = excluded.asked_at, replied_at = excluded.replied_at`,
		r.Phone, r.Name, ms(r.AskedAt), ms(r.RepliedAt))
	return err
}

// DeleteNameReply ends phone's pending name.
func (t *Tx) DeleteNameReply(phone string) error {
	_, err := t.Exec(`DELETE FROM name_replies WHERE phone = ?`, phone)
	return err
}
